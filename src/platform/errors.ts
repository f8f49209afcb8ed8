/**
 * The closed catalogue of error codes and their HTTP statuses — mapped here,
 * once. Every error a client can see is an AppError with one of these codes,
 * rendered as application/problem+json by the HTTP layer. Anything else is a
 * programmer error or an outage and becomes a bare 500 INTERNAL_ERROR with no
 * internals. Modules add their codes to this table as they arrive.
 */
export const ERROR_CATALOGUE = {
  // Request shape
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  AMOUNT_OUT_OF_RANGE: { status: 422, title: 'An amount is too large' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body must be application/json' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  // Credentials and permissions
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  CREDENTIAL_IN_URL: { status: 400, title: 'Credentials must not be sent in the URL' },
  FORBIDDEN: { status: 403, title: 'The credential lacks the permission for this operation' },
  // Resources
  NOT_FOUND: { status: 404, title: 'The resource does not exist' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  PRECONDITION_FAILED: { status: 412, title: 'The resource has changed since it was read' },
  PRECONDITION_REQUIRED: { status: 428, title: 'This update needs an If-Match header' },
  // Idempotency and paging
  IDEMPOTENCY_KEY_INVALID: { status: 400, title: 'The Idempotency-Key header is not valid' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was used with a different request' },
  IDEMPOTENCY_KEY_IN_PROGRESS: { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  CURSOR_INVALID: { status: 400, title: 'The pagination cursor is not valid' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  // Tenancy and configuration
  TENANT_NOT_FOUND: { status: 404, title: 'No such tenant' },
  TENANT_NAME_TAKEN: { status: 409, title: 'A tenant with this name already exists' },
  TIME_ZONE_INVALID: { status: 400, title: 'Not an IANA time zone' },
  CURRENCY_INVALID: { status: 400, title: 'Not an ISO 4217 currency code' },
  API_KEY_NOT_FOUND: { status: 404, title: 'No such API key' },
  PERMISSION_UNKNOWN: { status: 400, title: 'Unknown permission' },
  ENCRYPTION_FAILED: { status: 500, title: 'A sealed field could not be opened' },
  // Sales orders (src/modules/sales)
  SALES_ORDER_NOT_FOUND: { status: 404, title: 'No such sales order' },
  SALES_ORDER_NOT_CONFIRMABLE: { status: 409, title: 'Only a draft sales order can be confirmed' },
  SALES_ORDER_NOT_CANCELLABLE: { status: 409, title: 'The sales order can no longer be cancelled' },
  SALES_ORDER_NOT_REVISABLE: { status: 409, title: 'The sales order can no longer be revised' },
  SALES_ORDER_NOT_ALLOCATABLE: { status: 409, title: 'Only a confirmed sales order can be allocated' },
  SALES_ORDER_NOT_ON_HOLD: { status: 409, title: 'The sales order is not on credit hold' },
  SALES_ORDER_LINE_NOT_FOUND: { status: 422, title: 'The sales order has no such open line' },
  ORDER_ITEM_NOT_FOUND: { status: 422, title: 'An order line names an item that does not exist' },
  // Inventory (src/modules/inventory)
  ITEM_NOT_FOUND: { status: 404, title: 'No such item' },
  WAREHOUSE_NOT_FOUND: { status: 404, title: 'No such warehouse' },
  WAREHOUSE_CODE_TAKEN: { status: 409, title: 'A warehouse with this code already exists' },
  BIN_NOT_FOUND: { status: 404, title: 'No such bin in this warehouse' },
  BIN_CODE_TAKEN: { status: 409, title: 'A bin with this code already exists in the warehouse' },
  INSUFFICIENT_STOCK: { status: 409, title: 'Not enough stock is available' },
  NEGATIVE_STOCK_REFUSED: { status: 409, title: 'The movement would take stock below zero' },
  STOCK_RESERVED: { status: 409, title: 'The movement would take on-hand stock below what is reserved' },
  UNIT_COST_REQUIRED: { status: 400, title: 'A stock increase needs a unit cost' },
  // Catalog (src/modules/catalog)
  ITEM_INACTIVE: { status: 422, title: 'The item is deactivated' },
  UNIT_NOT_CONVERTIBLE: { status: 422, title: 'The item has no conversion for this unit' },
  UNIT_TAKEN: { status: 409, title: 'The item already has this unit' },
  UNIT_FACTOR_LOCKED: { status: 409, title: 'The unit\'s factor cannot change: order lines or the stocking unit depend on it' },
  SKU_TAKEN: { status: 409, title: 'Another item has this SKU' },
  GTIN_TAKEN: { status: 409, title: 'Another item has this GTIN' },
  GTIN_INVALID: { status: 400, title: 'Not a valid GTIN (8, 12, 13 or 14 digits with a GS1 check digit)' },
  ITEM_REFERENCE_NOT_FOUND: { status: 404, title: 'No such customer item reference' },
  ITEM_REFERENCE_TAKEN: { status: 409, title: 'The customer already uses this part number' },
  // Partners (src/modules/partners)
  CUSTOMER_NOT_FOUND: { status: 404, title: 'No such customer' },
  CUSTOMER_INACTIVE: { status: 422, title: 'The customer is deactivated' },
  CUSTOMER_CODE_TAKEN: { status: 409, title: 'Another customer has this code' },
  SHIP_TO_NOT_FOUND: { status: 404, title: 'No such ship-to for this customer' },
  SHIP_TO_INVALID: { status: 422, title: 'The ship-to does not exist, is inactive or belongs to another customer' },
  SHIP_TO_CODE_TAKEN: { status: 409, title: 'The customer already has a ship-to with this code' },
  SUPPLIER_NOT_FOUND: { status: 404, title: 'No such supplier' },
  SUPPLIER_CODE_TAKEN: { status: 409, title: 'Another supplier has this code' },
  TAX_JURISDICTION_NOT_FOUND: { status: 404, title: 'No such tax jurisdiction' },
  TAX_JURISDICTION_INVALID: { status: 422, title: 'The referenced tax jurisdiction does not exist or is inactive' },
  TAX_JURISDICTION_TAKEN: { status: 409, title: 'A tax jurisdiction with this code already exists' },
  WAREHOUSE_INVALID: { status: 422, title: 'The referenced warehouse does not exist or is inactive' },
  PRICE_LIST_INVALID: { status: 422, title: 'The referenced price list does not exist' },
  CURRENCY_NOT_SUPPORTED: { status: 422, title: 'Only the tenant\'s functional currency is supported' },
  OPEN_ITEM_DOCUMENT_TAKEN: { status: 409, title: 'An open item for this document already exists' },
  // Pricing and tax (src/modules/pricing)
  NO_PRICE: { status: 422, title: 'No price rule yields a price for this line' },
  PRICE_LIST_NOT_FOUND: { status: 404, title: 'No such price list' },
  PRICE_LIST_CODE_TAKEN: { status: 409, title: 'A price list with this code already exists' },
  PRICE_LIST_BASE_EXISTS: { status: 409, title: 'The tenant already has a base price list' },
  PRICE_LIST_ENTRY_NOT_FOUND: { status: 404, title: 'No such price list entry' },
  CONTRACT_PRICE_NOT_FOUND: { status: 404, title: 'No such contract price' },
  MATRIX_DISCOUNT_NOT_FOUND: { status: 404, title: 'No such matrix discount' },
  MATRIX_DISCOUNT_TAKEN: { status: 409, title: 'A discount for this attribute value and tier already exists' },
  PRICE_VALIDITY_INVALID: { status: 400, title: 'The validity dates are not valid' },
  // Ledger (src/modules/ledger)
  ACCOUNT_NOT_FOUND: { status: 404, title: 'No such account' },
  ACCOUNT_INVALID: { status: 422, title: 'The referenced account does not exist or is inactive' },
  ACCOUNT_CODE_TAKEN: { status: 409, title: 'An account with this code already exists' },
  JOURNAL_ENTRY_NOT_FOUND: { status: 404, title: 'No such journal entry' },
  JOURNAL_ENTRY_UNBALANCED: { status: 422, title: 'The journal entry does not balance' },
  JOURNAL_ENTRY_ALREADY_REVERSED: { status: 409, title: 'The journal entry has already been reversed' },
  JOURNAL_ENTRY_NOT_REVERSIBLE: { status: 409, title: 'The journal entry was posted by a business document; correct it through that document' },
  PERIOD_CLOSED: { status: 422, title: 'The fiscal period is closed' },
  PERIOD_NOT_FOUND: { status: 404, title: 'No such fiscal period' },
  PERIOD_ALREADY_CLOSED: { status: 409, title: 'The fiscal period is already closed' },
  PERIOD_NOT_CLOSED: { status: 409, title: 'The fiscal period is not closed' },
  // Warehouse (src/modules/warehouse)
  WAVE_NOT_FOUND: { status: 404, title: 'No such pick wave' },
  NOTHING_TO_PICK: { status: 422, title: 'No allocated quantity is waiting to be picked' },
  PICK_TASK_NOT_FOUND: { status: 404, title: 'No such pick task' },
  PICK_TASK_NOT_OPEN: { status: 409, title: 'The pick task is no longer open' },
  PICK_TASK_ASSIGNED_TO_OTHER: { status: 409, title: 'The pick task is assigned to someone else' },
  PICK_BIN_MISMATCH: { status: 422, title: 'The scanned bin is not the bin of the pick task' },
  PICK_ITEM_MISMATCH: { status: 422, title: 'The scanned item is not the item of the pick task' },
  PICK_QTY_EXCEEDS_TASK: { status: 422, title: 'The quantity is more than the pick task asks for' },
  BIN_STOCK_SHORT: { status: 409, title: 'The bin does not hold the quantity confirmed' },
  // Shipping (src/modules/shipping)
  SHIPMENT_NOT_FOUND: { status: 404, title: 'No such shipment' },
  SHIPMENT_NOT_OPEN: { status: 409, title: 'The shipment is no longer open' },
  SHIPMENT_EMPTY: { status: 422, title: 'Nothing is packed on the shipment' },
  CARTON_NOT_FOUND: { status: 404, title: 'No such carton' },
  PACK_EXCEEDS_PICKED: { status: 422, title: 'More would be packed than was picked' },
  ITEM_NOT_ON_ORDER: { status: 422, title: 'The item is not on the order' },
  GS1_PREFIX_NOT_CONFIGURED: { status: 422, title: 'The tenant has no GS1 company prefix for SSCC labels' },
  SHIPMENT_ORDER_NOT_SHIPPABLE: { status: 409, title: 'The sales order is not in a status that ships' },
  // Billing (src/modules/billing)
  INVOICE_NOT_FOUND: { status: 404, title: 'No such invoice' },
  INVOICE_VOIDED: { status: 422, title: 'The invoice is voided' },
  INVOICE_NOT_VOIDABLE: { status: 409, title: 'The invoice has payments or credits applied and cannot be voided' },
  CREDIT_MEMO_NOT_FOUND: { status: 404, title: 'No such credit memo' },
  CREDIT_EXCEEDS_INVOICED: { status: 422, title: 'The credit is more than was invoiced and not yet credited' },
  PAYMENT_NOT_FOUND: { status: 404, title: 'No such payment' },
  OPEN_ITEM_NOT_FOUND: { status: 404, title: 'No such open item' },
  APPLICATION_EXCEEDS_OPEN: { status: 422, title: 'The amount applied is more than the item has open' },
  APPLICATION_EXCEEDS_PAYMENT: { status: 422, title: 'The amounts applied are more than the payment' },
  OPEN_ITEM_CUSTOMER_MISMATCH: { status: 422, title: 'The open item belongs to another customer' },
  // Billing: payments and cash application (billing/payments*, billing/cash-application*)
  APPLICATION_EXCEEDS_CREDIT: { status: 422, title: 'The amounts applied are more than the credit has unapplied' },
  OPEN_ITEM_NOT_APPLICABLE: { status: 422, title: 'The open item cannot take part in this application (a source is a credit, a target a debit)' },
  // Purchasing (src/modules/purchasing)
  SUPPLIER_ITEM_NOT_FOUND: { status: 404, title: 'The supplier does not supply this item' },
  SUPPLIER_PART_NUMBER_TAKEN: { status: 409, title: 'The supplier already uses this part number for another item' },
  PURCHASE_ORDER_NOT_FOUND: { status: 404, title: 'No such purchase order' },
  PURCHASE_ORDER_NOT_REVISABLE: { status: 409, title: 'Only a draft or approved purchase order can be revised' },
  PURCHASE_ORDER_INVALID_TRANSITION: { status: 409, title: 'The purchase order is not in a state that allows this' },
  PO_APPROVER_IS_CREATOR: { status: 403, title: 'Above the approval threshold, the creator of a purchase order cannot approve it' },
  PO_CURRENCY_NOT_SUPPORTED: { status: 422, title: 'Purchase orders are in the tenant\'s functional currency only' },
  PURCHASE_ORDER_NOT_RECEIVABLE: { status: 409, title: 'The purchase order cannot receive goods in its state' },
  RECEIPT_ITEM_NOT_ON_ORDER: { status: 422, title: 'The scanned item is not an open line of the purchase order' },
  RECEIPT_PART_NUMBER_OF_OTHER_SUPPLIER: { status: 422, title: 'The scanned part number belongs to another supplier' },
  SUPPLIER_INACTIVE: { status: 422, title: 'The supplier is inactive' },
  RECEIPT_SCAN_UNKNOWN: { status: 422, title: 'The scan is not a GTIN, SKU or part number of this supplier' },
  RECEIPT_WAREHOUSE_MISMATCH: { status: 422, title: 'The purchase order is for another warehouse' },
  RECEIPT_BIN_INVALID: { status: 422, title: 'Goods are received into a receiving or storage bin, not a packing bin' },
  PURCHASE_ORDER_REFERENCE_MISMATCH: { status: 422, title: 'The references given name different purchase orders or lines' },
  OVER_RECEIPT_REFUSED: { status: 422, title: 'The quantity is beyond what was ordered plus the over-receipt tolerance' },
  PUTAWAY_TASK_NOT_FOUND: { status: 404, title: 'No such putaway task' },
  PUTAWAY_TASK_NOT_OPEN: { status: 409, title: 'The putaway task is no longer open' },
  PUTAWAY_TASK_ASSIGNED_TO_OTHER: { status: 409, title: 'The putaway task is assigned to someone else' },
  PUTAWAY_BIN_INVALID: { status: 422, title: 'The scanned bin is not an active storage bin of the warehouse' },
  PUTAWAY_ITEM_MISMATCH: { status: 422, title: 'The scanned item is not the item of the putaway task' },
  PUTAWAY_QTY_EXCEEDS_TASK: { status: 422, title: 'The quantity is more than the putaway task holds' },
  PUTAWAY_NOT_SHORT: { status: 422, title: 'A short putaway moves all the source bin holds, and only when it holds less than the task' },
  // Payables (src/modules/payables)
  SUPPLIER_INVOICE_NOT_FOUND: { status: 404, title: 'No such supplier invoice' },
  SUPPLIER_INVOICE_DUPLICATE: { status: 409, title: 'The supplier\'s invoice number was already entered' },
  SUPPLIER_INVOICE_PO_OF_OTHER_SUPPLIER: { status: 422, title: 'The purchase order belongs to another supplier' },
  SUPPLIER_INVOICE_PO_NOT_INVOICEABLE: { status: 409, title: 'The purchase order cannot be invoiced in its state' },
  SUPPLIER_INVOICE_LINE_NOT_ON_ORDER: { status: 422, title: 'The invoice line names no line of the purchase order' },
  SUPPLIER_INVOICE_NOT_HELD: { status: 409, title: 'Only a held supplier invoice can be approved, rematched or rejected' },
  SUPPLIER_INVOICE_QTY_NOT_RECEIVED: { status: 409, title: 'The invoice bills goods that have not been received; it cannot be approved' },
  SUPPLIER_PAYMENT_NOT_FOUND: { status: 404, title: 'No such supplier payment' },
  SUPPLIER_PAYMENT_OVER_APPLIED: { status: 422, title: 'The amount applied is more than the supplier invoice has open' },
  SUPPLIER_PAYMENT_NOT_FULLY_APPLIED: { status: 422, title: 'The applications must add up to the payment amount' },
  SUPPLIER_PAYMENT_INVOICE_NOT_OPEN: { status: 409, title: 'The supplier invoice is not posted' },
  SUPPLIER_PAYMENT_INVOICE_OF_OTHER_SUPPLIER: { status: 422, title: 'The supplier invoice belongs to another supplier' },
  // Replenishment (src/modules/replenishment)
  REPLENISHMENT_RULE_NOT_FOUND: { status: 404, title: 'The item has no replenishment settings for this warehouse' },
  HOME_BIN_INVALID: { status: 422, title: 'The home bin is not an active storage bin of the warehouse' },
  // Demo data (src/modules/demo)
  DEMO_EXISTS: { status: 409, title: 'The demo tenant already exists' },
  // File store
  FILE_NOT_FOUND: { status: 404, title: 'No such file' },
  FILE_CORRUPT: { status: 500, title: 'A stored file does not match its address' },
  // Service state
  NOT_READY: { status: 503, title: 'The service is not ready' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is temporarily unavailable' },
  INTERNAL_ERROR: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. "/lines/0/qty" or "body.name". */
  field: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly fieldErrors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? ERROR_CATALOGUE[code].title);
    this.status = ERROR_CATALOGUE[code].status;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** A broken invariant is a programmer error: fail loudly, never continue with bad data. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant failed: ${message}`);
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

/**
 * PostgreSQL errors that mean "this input is not acceptable" rather than "we
 * are broken": a service should have refused the value first, but if one slips
 * through, the caller gets a 4xx naming no internals instead of a 500. Lost
 * connections mean the database is unavailable (503), not that we failed.
 */
/**
 * Unique indexes that are a business rule the service checks first; when two requests race
 * past that check, the index refuses the second, and the caller gets the same code the check
 * would have given instead of a generic CONFLICT.
 */
const UNIQUE_INDEX_ERRORS: Partial<Record<string, ErrorCode>> = {
  supplier_invoices_supplier_number: 'SUPPLIER_INVOICE_DUPLICATE',
  supplier_items_part_number: 'SUPPLIER_PART_NUMBER_TAKEN',
};

export function translateDatabaseError(error: unknown): AppError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  switch (code) {
    case '22001': // string_data_right_truncation
    case '22003': // numeric_value_out_of_range
    case '22007': // invalid_datetime_format
    case '22008': // datetime_field_overflow
    case '22021': // character_not_in_repertoire (e.g. NUL in text)
    case '22P02': // invalid_text_representation (e.g. not a uuid)
    case '22P05': // untranslatable_character
    case '23514': // check_violation
    case '23502': // not_null_violation
      return new AppError('VALIDATION_FAILED', 'a value in the request is not acceptable for its field');
    case '23505': { // unique_violation
      const constraint = (error as { constraint?: unknown }).constraint;
      const specific = typeof constraint === 'string' ? UNIQUE_INDEX_ERRORS[constraint] : undefined;
      return specific ? new AppError(specific) : new AppError('CONFLICT', 'a resource with the same identifying value already exists');
    }
    case '23503': // foreign_key_violation
      return new AppError('VALIDATION_FAILED', 'the request refers to something that does not exist');
    case 'QM001': // raised by the journal-entry trigger (db/migrations/0015_ledger.sql)
      return new AppError('PERIOD_CLOSED', error instanceof Error ? error.message : 'the fiscal period is closed');
    case 'QM002':
      return new AppError('JOURNAL_ENTRY_UNBALANCED', 'a journal entry does not balance');
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'ETIMEDOUT':
    case '57P01': // admin_shutdown
    case '57P02': // crash_shutdown
    case '57P03': // cannot_connect_now
    case '08000':
    case '08003':
    case '08006':
      return new AppError('SERVICE_UNAVAILABLE', 'the database is unavailable; retry later');
    default:
      return undefined;
  }
}

export function toProblem(error: AppError, instance?: string, requestId?: string): Problem {
  return {
    type: `https://docs.quartermaster.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: ERROR_CATALOGUE[error.code].title,
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(error.fieldErrors?.length ? { errors: error.fieldErrors } : {}),
  };
}
