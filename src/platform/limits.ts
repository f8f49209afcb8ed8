/** Named limits (STYLE §7): every unbounded thing gets one here. */
export const HTTP_BODY_LIMIT_BYTES = 1024 * 1024;
export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 200;
export const REQUEST_ID_MAX_LENGTH = 128;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
export const SHUTDOWN_GRACE_MS = 25_000;
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
