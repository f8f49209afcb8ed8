import type { FastifyRequest } from 'fastify';
import type { Database } from '../../platform/db/index.ts';
import type { Credential } from '../../platform/http/define-route.ts';
import { resolveApiKey } from './api-keys.service.ts';

export const LAST_USED_FLUSH_INTERVAL_MS = 60_000;
const LAST_USED_PENDING_MAX = 10_000;

/**
 * Records when keys were last used without a write per request: uses are
 * remembered in process and written at most once a minute per key, in one
 * UPDATE per tenant. Losing the last minute on a crash is acceptable for a
 * "last used" hint.
 */
export interface LastUsedRecorder {
  note(tenantId: string, apiKeyId: string, at: Date): void;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export function createLastUsedRecorder(db: Database, intervalMs = LAST_USED_FLUSH_INTERVAL_MS): LastUsedRecorder {
  let pending = new Map<string, { tenantId: string; apiKeyId: string; at: Date }>();
  const flush = async () => {
    const batch = pending;
    pending = new Map();
    const byTenant = new Map<string, Array<{ apiKeyId: string; at: Date }>>();
    for (const use of batch.values()) {
      const list = byTenant.get(use.tenantId) ?? [];
      list.push(use);
      byTenant.set(use.tenantId, list);
    }
    for (const [tenantId, uses] of byTenant) {
      await db
        .withTenant({ tenantId }, async (tx) => {
          for (const use of uses) {
            await tx
              .updateTable('api_keys')
              .set({ last_used_at: use.at })
              .where('tenant_id', '=', tenantId)
              .where('api_key_id', '=', use.apiKeyId)
              .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', use.at)]))
              .execute();
          }
        })
        .catch(() => {}); // a hint only: never fail a request or a shutdown over it
    }
  };
  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();
  return {
    note(tenantId, apiKeyId, at) {
      if (pending.size >= LAST_USED_PENDING_MAX && !pending.has(apiKeyId)) return;
      pending.set(apiKeyId, { tenantId, apiKeyId, at });
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}

/** Authenticates `Authorization: Bearer qm_live_…` and notes the use. */
export function createApiKeyAuthenticator(db: Database, recorder: LastUsedRecorder, now: () => Date = () => new Date()) {
  return async (request: FastifyRequest): Promise<Credential | null> => {
    const header = request.headers.authorization;
    if (typeof header !== 'string') return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return null;
    const resolved = await resolveApiKey(db, match[1]!);
    if (!resolved) return null;
    recorder.note(resolved.tenantId, resolved.apiKeyId, now());
    return {
      tenantId: resolved.tenantId,
      timeZone: resolved.timeZone,
      actor: { type: 'api_key', id: resolved.apiKeyId },
      credentialId: `api_key:${resolved.apiKeyId}`,
      permissions: new Set(resolved.permissions),
    };
  };
}
