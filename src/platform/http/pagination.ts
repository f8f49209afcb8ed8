import { Type } from '@sinclair/typebox';
import { AppError } from '../errors.ts';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../limits.ts';

/**
 * Cursor (keyset) pagination. A cursor is an opaque token naming the last key
 * of the previous page; the next page is "key > cursor order by key", so every
 * row committed before the scan began is returned exactly once, however many
 * rows are inserted or deleted meanwhile. A page never silently stops short:
 * `nextCursor` is null only when there is nothing after it.
 */
export interface PageRequest {
  limit: number;
  /** The last key of the previous page, or undefined for the first page. */
  after: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const PageQuerySchema = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_SIZE_MAX, default: PAGE_SIZE_DEFAULT, description: `Page size, at most ${PAGE_SIZE_MAX}` })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'The nextCursor of the previous page' })),
};

const CURSOR_VERSION = 1;

export function encodeCursor(lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, after: lastKey })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; after?: unknown };
    // Keys are uuids or short composite strings; control characters never occur in them.
    if (parsed.v === CURSOR_VERSION && typeof parsed.after === 'string' && parsed.after.length > 0 && !/\p{Cc}/u.test(parsed.after)) {
      return parsed.after;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('CURSOR_INVALID', 'the cursor was not issued by this API or is damaged');
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only tells
 * whether another page exists; it is not returned.
 */
/**
 * A forged cursor that decodes but holds a value of the wrong type for the key
 * (e.g. not a uuid) fails in PostgreSQL; the caller must hear CURSOR_INVALID, not 500.
 */
export function isBadKeyValue(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '22P02' || code === '22007' || code === '22008' || code === '22003';
}

export function toPage<T>(rows: T[], page: PageRequest, keyOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > page.limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
