import { AUDIT_VALUE_DEPTH_MAX } from '../limits.ts';

/**
 * What an audit row stores about a change: only the fields that changed, each as
 * { old, new }, with values made JSON-safe and secrets redacted. Pure: data in, data out.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type AuditRecord = Record<string, unknown>;
export type FieldChange = { old: JsonValue; new: JsonValue };
export type AuditChanges = Record<string, FieldChange>;

export const REDACTED = '[redacted]';
export const TOO_DEEP = '[too deep]';

/**
 * Field names whose values never reach the audit log. Matched anywhere in the name and in
 * either naming style (password_hash, keyHash, totp_secret, accessToken, wrapped_key).
 */
const SENSITIVE_NAME = /secret|passw(or)?d|passphrase|key_?hash|token|private_?key|wrapped_?key/i;

export function isSensitiveFieldName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

/**
 * The field-level difference between two versions of an entity. A create has no `before`
 * (every set field appears with old null), a delete no `after` (new null). Fields whose
 * values are equal after normalisation are left out; null when nothing changed at all.
 * A sensitive field that changed is recorded as changed, with both values redacted.
 */
export function diffForAudit(before: AuditRecord | null | undefined, after: AuditRecord | null | undefined): AuditChanges | null {
  const changes: AuditChanges = {};
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const field of [...fields].sort()) {
    // Compare unredacted values (binary as hex) so that a changed secret is still seen to change.
    const oldComparable = toJsonSafe(before?.[field], { redact: false });
    const newComparable = toJsonSafe(after?.[field], { redact: false });
    if (canonicalJson(oldComparable) === canonicalJson(newComparable)) continue;
    const sensitive = isSensitiveFieldName(field);
    changes[field] = {
      old: sensitive && oldComparable !== null ? REDACTED : toJsonSafe(before?.[field], { redact: true }),
      new: sensitive && newComparable !== null ? REDACTED : toJsonSafe(after?.[field], { redact: true }),
    };
  }
  return Object.keys(changes).length > 0 ? changes : null;
}

/**
 * A JSON-safe copy of a value: Dates as ISO strings, bigints and non-finite numbers as
 * strings, objects with toJSON (Decimal) through it, Maps as objects, Sets as arrays,
 * undefined as null. Binary data is never stored: with redact it becomes "[redacted]"
 * (it is almost always a hash, a key or ciphertext); without, hex, for comparison only.
 * Nested sensitive fields are redacted too. Depth is bounded, which also stops cycles.
 */
export function toJsonSafe(value: unknown, options: { redact: boolean }, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  if (depth > AUDIT_VALUE_DEPTH_MAX) return TOO_DEEP;
  switch (typeof value) {
    case 'string':
      return storableText(value);
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return null;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    if (options.redact) return REDACTED;
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return `\\x${Buffer.from(bytes).toString('hex')}`;
  }
  if (Array.isArray(value)) return value.map((item) => toJsonSafe(item, options, depth + 1));
  if (value instanceof Set) return [...value].map((item) => toJsonSafe(item, options, depth + 1));
  if (value instanceof Map) return toJsonSafe(Object.fromEntries(value), options, depth);
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return toJsonSafe(withToJson.toJSON(), options, depth + 1);
  const result: { [key: string]: JsonValue } = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined) continue;
    result[storableText(key)] = options.redact && item !== null && isSensitiveFieldName(key) ? REDACTED : toJsonSafe(item, options, depth + 1);
  }
  return result;
}

/**
 * PostgreSQL's jsonb refuses NUL characters and unpaired surrogates; an audit row must
 * never make the business transaction it records fail, so those are replaced with U+FFFD.
 */
const UNSTORABLE_CHARACTERS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
function storableText(text: string): string {
  return text.replace(UNSTORABLE_CHARACTERS, '\uFFFD');
}

/** JSON with object keys sorted, so that equal values compare equal whatever their key order. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key]!)}`).join(',')}}`;
}
