/** Named limits (STYLE §7): every unbounded thing gets one here. */
export const HTTP_BODY_LIMIT_BYTES = 1024 * 1024;
export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 200;
export const REQUEST_ID_MAX_LENGTH = 128;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
export const SHUTDOWN_GRACE_MS = 25_000;
/** Audit rows the sealer chains per tenant in one transaction. */
export const AUDIT_SEAL_BATCH_SIZE = 1000;
/** Tenants with unsealed audit rows the sealer visits in one pass. */
export const AUDIT_SEAL_TENANTS_PER_PASS = 100;
/** Pause of the background sealer between passes that found nothing to seal. */
export const AUDIT_SEAL_INTERVAL_MS = 2_000;
/** Rows `qm audit verify` reads per query while it walks a tenant's chain. */
export const AUDIT_VERIFY_PAGE_SIZE = 5_000;
/** Nesting depth of an audited value beyond which it is stored as "[too deep]". */
export const AUDIT_VALUE_DEPTH_MAX = 16;
/** Length of audit action, entity type and entity id. */
export const AUDIT_NAME_MAX_LENGTH = 200;
/** Tenants whose unwrapped data keys a process keeps in memory (least recently used go first). */
export const DATA_KEY_CACHE_TENANTS_MAX = 1_000;
/** The largest plaintext sealField accepts: sensitive fields are short (bank details, tax ids, secrets). */
export const SEALED_FIELD_MAX_BYTES = 64 * 1024;
/** Document numbers (non-gapless series) a process takes from the database at once. */
export const NUMBER_BLOCK_SIZE = 20;
/** (tenant, series) blocks a process keeps in memory; an evicted block leaves a gap, which is allowed. */
export const NUMBER_BLOCK_CACHE_MAX = 10_000;
/** Document numbers are zero-padded to at least this many digits: INV-000001. */
export const DOCUMENT_NUMBER_DIGITS_MIN = 6;

// Outbox (src/platform/outbox)
/** Largest event payload, as JSON text: events carry ids and facts, not documents. */
export const OUTBOX_PAYLOAD_MAX_BYTES = 64 * 1024;
/** Deliveries one claim may lease; the claim function refuses more than 1000. */
export const OUTBOX_CLAIM_BATCH_DEFAULT = 20;
export const OUTBOX_CLAIM_BATCH_MAX = 200;
/** How long a claimed delivery is ours; a handler is aborted shortly before it lapses. */
export const OUTBOX_LEASE_SECONDS_DEFAULT = 60;
export const OUTBOX_LEASE_SECONDS_MAX = 3600;
/** Idle poll of a dispatcher that found no work. */
export const OUTBOX_POLL_INTERVAL_MS_DEFAULT = 1_000;
/** Attempts per delivery unless the subscription says otherwise (with the backoff below, retries span roughly 1½ to 2 days). */
export const OUTBOX_MAX_ATTEMPTS_DEFAULT = 20;
export const OUTBOX_MAX_ATTEMPTS_MAX = 100;
/** Retry delay: base · 2^(attempt-1), capped, with jitter. */
export const OUTBOX_BACKOFF_BASE_MS = 10_000;
export const OUTBOX_BACKOFF_MAX_MS = 6 * 60 * 60 * 1000;
/** Event types a subscription may name. */
export const OUTBOX_SUBSCRIPTION_EVENT_TYPES_MAX = 100;
/** Stored text of a failed attempt's error. */
export const OUTBOX_LAST_ERROR_MAX_LENGTH = 2_000;
/** Tries to record a delivery's result when the database connection fails. */
export const OUTBOX_RECORD_RETRY_MAX = 5;

// Sales (src/modules/sales)
/** Lines of one sales order (create and revise). */
export const SALES_ORDER_LINES_MAX = 500;
/** Backordered orders one stock arrival serves, oldest first; the rest wait for the next arrival or an explicit allocate. */
export const BACKORDER_RELEASE_ORDERS_MAX = 200;
// Inventory (src/modules/inventory)
/** Stock balances one lockStockBalances call may lock: an order's lines × candidate warehouses. */
export const STOCK_LOCK_KEYS_MAX = 1_000;
// Catalog and partners (src/modules/catalog, src/modules/partners)
/** Flat attributes an item may carry. */
export const ITEM_ATTRIBUTES_MAX = 50;
/** Selling units an item may have, its stocking unit included. */
export const ITEM_UNITS_MAX = 20;
/** Exemption certificates on file per customer (expired ones included). */
export const TAX_EXEMPTIONS_PER_CUSTOMER_MAX = 500;
// Pricing (src/modules/pricing)
/** Lines one POST /v1/price-quotes may price: a large order, not a catalogue dump. */
export const PRICE_QUOTE_LINES_MAX = 500;
// Billing: payments and cash application (src/modules/billing)
/** Open items one payment or one cash application may settle at once. */
export const PAYMENT_APPLICATIONS_MAX = 200;
/** Largest object the content-addressed file store accepts (EDI files, PDFs). */
export const FILE_STORE_OBJECT_MAX_BYTES = 256 * 1024 * 1024;
/**
 * The largest amount one request may enter (a payment, a journal line, a freight charge): 10^12 minor units
 * (ten billion dollars). Reports sum amounts across the tenant and must stay below 2^53 to be exact; with
 * MAX_SAFE_INTEGER allowed per request, ONE payment or manual entry pushed the trial balance, AR aging and
 * books/verify of the whole tenant into AMOUNT_OUT_OF_RANGE for good (QA of issue #5).
 */
export const MAX_INPUT_MINOR = 1_000_000_000_000;
