import { createHash } from 'node:crypto';
import type { Tx } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { IDEMPOTENCY_KEY_MAX_LENGTH } from '../limits.ts';

/**
 * Idempotency keys (DESIGN §2a). The key row is inserted at the start of the
 * business transaction and completed with the response before commit, so a
 * crash leaves nothing half-stored. A concurrent duplicate blocks on the
 * unique index until the first transaction ends: if it committed, the
 * duplicate replays its stored response; if it rolled back, the duplicate
 * proceeds as the first.
 */
export interface IdempotencyScope {
  tenantId: string;
  credentialId: string;
  key: string;
  method: string;
  path: string;
  requestHash: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

const KEY_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${IDEMPOTENCY_KEY_MAX_LENGTH}}$`);

export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header) || !KEY_PATTERN.test(header)) {
    throw new AppError('IDEMPOTENCY_KEY_INVALID', `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters, sent once`);
  }
  return header;
}

export function hashRequest(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method}\n${path}\n${canonicalJson(body)}`).digest('hex');
}

/** Returns the stored response when this key was already used, or undefined after claiming it. */
export async function claimIdempotencyKey(tx: Tx, scope: IdempotencyScope): Promise<StoredResponse | undefined> {
  const inserted = await tx
    .insertInto('idempotency_keys')
    .values({
      tenant_id: scope.tenantId,
      credential_id: scope.credentialId,
      idempotency_key: scope.key,
      request_method: scope.method,
      request_path: scope.path,
      request_hash: scope.requestHash,
    })
    .onConflict((conflict) => conflict.doNothing())
    .returning('idempotency_key')
    .executeTakeFirst();
  if (inserted) return undefined;
  const existing = await tx
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response_status', 'response_body'])
    .where('tenant_id', '=', scope.tenantId)
    .where('credential_id', '=', scope.credentialId)
    .where('idempotency_key', '=', scope.key)
    .executeTakeFirstOrThrow();
  if (existing.request_hash !== scope.requestHash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with a different method, path or body');
  }
  if (existing.response_status === null) throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS');
  return { status: existing.response_status, body: existing.response_body };
}

export async function storeIdempotentResponse(tx: Tx, scope: IdempotencyScope, response: StoredResponse): Promise<void> {
  await tx
    .updateTable('idempotency_keys')
    .set({ response_status: response.status, response_body: JSON.stringify(response.body) })
    .where('tenant_id', '=', scope.tenantId)
    .where('credential_id', '=', scope.credentialId)
    .where('idempotency_key', '=', scope.key)
    .execute();
}

/** JSON with object keys sorted, so that the same body always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return inner;
  });
}
