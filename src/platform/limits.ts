/** Named limits (STYLE §7): every unbounded thing gets one here. */
export const HTTP_BODY_LIMIT_BYTES = 1024 * 1024;
export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 200;
export const REQUEST_ID_MAX_LENGTH = 128;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
export const SHUTDOWN_GRACE_MS = 25_000;

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
