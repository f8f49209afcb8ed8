/** Named limits (STYLE §7): every unbounded thing gets one here. */
export const HTTP_BODY_LIMIT_BYTES = 1024 * 1024;
export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 200;
export const REQUEST_ID_MAX_LENGTH = 128;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
export const SHUTDOWN_GRACE_MS = 25_000;
