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
  SHIP_TO_INVALID: { status: 422, title: 'The ship-to is not an active ship-to of the customer' },
  // Service state
  NOT_READY: { status: 503, title: 'The service is not ready' },
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
