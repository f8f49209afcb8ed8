import { createHash, randomBytes } from 'node:crypto';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import { actorRef } from '../../platform/context.ts';
import type { Database, Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { isUuid, newId } from '../../platform/ids.ts';
import { ALL_PERMISSIONS, isPermission } from '../../platform/permissions.ts';

/**
 * API keys: the first credential. A key is `qm_live_` + 256 random bits in
 * base64url, shown once at creation and stored only as its SHA-256 (the key is
 * high-entropy, so a slow password hash would add cost and no safety). The
 * bearer is resolved to its tenant through the allowlisted system function
 * qm_sys_resolve_api_key.
 */

export const API_KEY_PREFIX = 'qm_live_';
const API_KEY_RANDOM_BYTES = 32;
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;
const API_KEY_PATTERN = /^qm_live_[A-Za-z0-9_-]{43}$/;

export interface ApiKey {
  apiKeyId: string;
  name: string;
  displayPrefix: string;
  permissions: string[];
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface CreateApiKeyInput {
  name: string;
  permissions: string[];
}

export function hashApiKey(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function validatePermissions(permissions: string[]): string[] {
  const unknown = permissions.filter((permission) => permission !== ALL_PERMISSIONS && !isPermission(permission));
  if (unknown.length > 0) {
    throw new AppError('PERMISSION_UNKNOWN', `unknown permission(s): ${unknown.join(', ')}`, unknown.map((permission) => ({ field: 'permissions', message: `${permission} is not a permission` })));
  }
  if (permissions.length === 0) throw new AppError('VALIDATION_FAILED', 'an API key needs at least one permission', [{ field: 'permissions', message: 'is empty' }]);
  return [...new Set(permissions)].sort();
}

/** Creates a key; the returned secret is never stored and cannot be shown again. */
export async function createApiKey(tx: Tx, ctx: OperationContext, input: CreateApiKeyInput): Promise<{ apiKey: ApiKey; secret: string }> {
  const permissions = validatePermissions(input.permissions);
  assertHoldsAll(ctx, permissions, 'grant');
  const name = validateKeyName(input.name);
  const secret = `${API_KEY_PREFIX}${randomBytes(API_KEY_RANDOM_BYTES).toString('base64url')}`;
  const row = await tx
    .insertInto('api_keys')
    .values({
      tenant_id: ctx.tenantId,
      api_key_id: newId(),
      name,
      display_prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
      key_hash: hashApiKey(secret),
      permissions,
      created_by: actorRef(ctx.actor),
      created_at: ctx.clock.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const apiKey = toApiKey(row);
  await audit(tx, ctx, { action: 'api_key.create', entityType: 'api_key', entityId: apiKey.apiKeyId, before: null, after: auditView(apiKey) });
  return { apiKey, secret };
}

export async function getApiKeyOrThrow(tx: Tx, ctx: OperationContext, apiKeyId: string): Promise<ApiKey> {
  if (!isUuid(apiKeyId)) throw new AppError('API_KEY_NOT_FOUND', `no API key ${JSON.stringify(apiKeyId)}`);
  const row = await tx
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('api_key_id', '=', apiKeyId)
    .executeTakeFirst();
  if (!row) throw new AppError('API_KEY_NOT_FOUND', `no API key ${apiKeyId}`);
  return toApiKey(row);
}

export async function listApiKeys(tx: Tx, ctx: OperationContext, page: PageRequest, filter: { revoked?: boolean } = {}): Promise<Page<ApiKey>> {
  let query = tx.selectFrom('api_keys').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (page.after) query = query.where('api_key_id', '>', page.after);
  if (filter.revoked !== undefined) query = query.where('revoked_at', filter.revoked ? 'is not' : 'is', null);
  const rows = await query.orderBy('api_key_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toApiKey), page, (key) => key.apiKeyId);
}

/** Revoking twice is harmless: the first revocation time stays. */
export async function revokeApiKey(tx: Tx, ctx: OperationContext, apiKeyId: string): Promise<{ before: ApiKey; after: ApiKey }> {
  const before = await getApiKeyOrThrow(tx, ctx, apiKeyId);
  // Revoking a key is as powerful as holding it: a limited key must not lock out an admin.
  assertHoldsAll(ctx, before.permissions, 'revoke');
  if (before.revokedAt) return { before, after: before };
  const row = await tx
    .updateTable('api_keys')
    .set({ revoked_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('api_key_id', '=', apiKeyId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = toApiKey(row);
  await audit(tx, ctx, { action: 'api_key.revoke', entityType: 'api_key', entityId: apiKeyId, before: auditView(before), after: auditView(after) });
  return { before, after };
}

const KEY_NAME_MAX_LENGTH = 200;

function validateKeyName(raw: string): string {
  const name = raw.replace(/\s+/g, ' ').trim();
  if (name.length === 0 || name.length > KEY_NAME_MAX_LENGTH || /\p{Cc}/u.test(name)) {
    throw new AppError('VALIDATION_FAILED', `a key name is 1 to ${KEY_NAME_MAX_LENGTH} printable characters`, [{ field: 'name', message: 'is empty, too long or has control characters' }]);
  }
  return name;
}

/** A credential may only grant or revoke what it holds itself ('*' holds everything). */
function assertHoldsAll(ctx: OperationContext, permissions: string[], verb: 'grant' | 'revoke'): void {
  if (ctx.permissions.has(ALL_PERMISSIONS)) return;
  const missing = permissions.filter((permission) => !ctx.permissions.has(permission));
  if (missing.length > 0) {
    throw new AppError('FORBIDDEN', `a credential cannot ${verb} a key holding permissions it lacks: ${missing.join(', ')}`);
  }
}

export interface ResolvedApiKey {
  tenantId: string;
  apiKeyId: string;
  permissions: string[];
  timeZone: string;
}

/** Resolves a bearer key to its tenant through the system path; null for unknown, malformed or revoked keys. */
export async function resolveApiKey(db: Database, secret: string): Promise<ResolvedApiKey | null> {
  if (!API_KEY_PATTERN.test(secret)) return null;
  const rows = await db.callSystem<{ tenant_id: string; api_key_id: string; permissions: string[]; revoked: boolean; time_zone: string }>(
    'qm_sys_resolve_api_key',
    [hashApiKey(secret)],
  );
  const row = rows[0];
  if (!row || row.revoked) return null;
  return { tenantId: row.tenant_id, apiKeyId: row.api_key_id, permissions: row.permissions, timeZone: row.time_zone };
}

/** What the audit log keeps of a key: everything but the volatile last-used hint. */
function auditView(key: ApiKey): Record<string, unknown> {
  const { lastUsedAt: _lastUsedAt, ...rest } = key;
  return rest;
}

function toApiKey(row: {
  api_key_id: string;
  name: string;
  display_prefix: string;
  permissions: string[];
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}): ApiKey {
  return {
    apiKeyId: row.api_key_id,
    name: row.name,
    displayPrefix: row.display_prefix,
    permissions: row.permissions,
    createdBy: row.created_by,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
