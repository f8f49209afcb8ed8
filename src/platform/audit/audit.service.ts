import type { OperationContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { invariant } from '../errors.ts';
import { newId } from '../ids.ts';
import { AUDIT_NAME_MAX_LENGTH } from '../limits.ts';
import { diffForAudit, type AuditRecord } from './audit-changes.rules.ts';

export interface AuditEntry {
  /** What happened, as `<entity>.<verb>`: 'api_key.create', 'sales_order.release_credit_hold'. */
  action: string;
  entityType: string;
  entityId: string;
  /** The entity before the change; null or absent for a create (and for reads, logins). */
  before?: AuditRecord | null;
  /** The entity after the change; null or absent for a delete (and for reads, logins). */
  after?: AuditRecord | null;
}

const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/**
 * Records one audited event in the caller's transaction, so the row commits or rolls
 * back with the change it describes. It only inserts: the row hash is computed by the
 * insert trigger and the chain is built later by the sealer, so concurrent writers in
 * one tenant never wait for each other here. Returns the audit id.
 */
export async function audit(tx: Tx, ctx: OperationContext, entry: AuditEntry): Promise<string> {
  invariant(ACTION_PATTERN.test(entry.action) && entry.action.length <= AUDIT_NAME_MAX_LENGTH, `audit action "${entry.action}" must look like entity.verb`);
  invariant(isName(entry.entityType), 'audit entity type must be a non-empty short string');
  invariant(isName(entry.entityId), 'audit entity id must be a non-empty short string');
  const changes = diffForAudit(entry.before, entry.after);
  const auditId = newId();
  await tx
    .insertInto('audit_log')
    .values({
      tenant_id: ctx.tenantId,
      audit_id: auditId,
      occurred_at: ctx.clock.now(),
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      changes: changes === null ? null : JSON.stringify(changes),
      request_id: ctx.requestId || null,
      source_address: ctx.sourceAddress ?? null,
    })
    .execute();
  return auditId;
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= AUDIT_NAME_MAX_LENGTH;
}
