import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import { OUTBOX_LAST_ERROR_MAX_LENGTH } from '../limits.ts';
import type { OutboxDelivery, OutboxEvent } from './handler.ts';

/** One leased delivery with its event, as the claim function returns it. */
export interface ClaimedDelivery {
  delivery: OutboxDelivery;
  event: OutboxEvent;
}

interface ClaimRow {
  tenant_id: string;
  delivery_id: string;
  event_id: string;
  consumer: string;
  aggregate_key: string;
  attempts: number;
  max_attempts: number;
  lease_until: Date;
  leased_by: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: unknown;
  occurred_at: Date;
  request_id: string | null;
}

/**
 * Leases up to `limit` deliveries of the given kinds across all tenants, in one
 * short transaction of its own (the claim function commits with the call).
 */
export async function claimDeliveries(
  db: Database,
  input: { leaseToken: string; kinds: string[]; limit: number; leaseSeconds: number },
): Promise<ClaimedDelivery[]> {
  const rows = await db.callSystem<ClaimRow>('qm_sys_claim_deliveries', [input.leaseToken, input.kinds, input.limit, input.leaseSeconds]);
  return rows.map((row) => ({
    delivery: {
      tenantId: row.tenant_id,
      deliveryId: row.delivery_id,
      eventId: row.event_id,
      consumer: row.consumer,
      kind: consumerKind(row.consumer),
      target: row.consumer.slice(row.consumer.indexOf(':') + 1),
      aggregateKey: row.aggregate_key,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
      leaseUntil: new Date(row.lease_until),
      leasedBy: row.leased_by,
    },
    event: {
      tenantId: row.tenant_id,
      eventId: row.event_id,
      eventType: row.event_type,
      aggregateType: row.aggregate_type,
      aggregateId: row.aggregate_id,
      payload: row.payload,
      occurredAt: new Date(row.occurred_at),
      requestId: row.request_id,
    },
  }));
}

export function consumerKind(consumer: string): string {
  const colon = consumer.indexOf(':');
  return colon < 0 ? consumer : consumer.slice(0, colon);
}

export type RecordOutcome = 'recorded' | 'lease_lost';

/**
 * Marks a leased delivery delivered. Fenced by the lease token: a worker whose
 * lease lapsed and was claimed by another must not overwrite that worker's
 * result, so its update matches no row and reports lease_lost.
 */
export async function recordDelivered(db: Database, delivery: OutboxDelivery): Promise<RecordOutcome> {
  const result = await db.withTenant({ tenantId: delivery.tenantId }, (tx) =>
    tx
      .updateTable('outbox_deliveries')
      .set({ status: 'delivered', delivered_at: sql<Date>`now()`, lease_until: null, last_error: null })
      .where('tenant_id', '=', delivery.tenantId)
      .where('delivery_id', '=', delivery.deliveryId)
      .where('status', '=', 'pending')
      .where('leased_by', '=', delivery.leasedBy)
      .executeTakeFirst(),
  );
  return result.numUpdatedRows > 0n ? 'recorded' : 'lease_lost';
}

/**
 * Records a failed attempt: due again after `retryDelayMs` (database clock), or
 * dead when this was the last attempt — a dead delivery no longer blocks the
 * later ones of its aggregate. Fenced by the lease token like recordDelivered.
 */
export async function recordFailed(
  db: Database,
  delivery: OutboxDelivery,
  failure: { error: string; retryDelayMs: number },
): Promise<RecordOutcome> {
  const dead = delivery.attempt >= delivery.maxAttempts;
  const retrySeconds = Math.max(0, failure.retryDelayMs) / 1000;
  const result = await db.withTenant({ tenantId: delivery.tenantId }, (tx) =>
    tx
      .updateTable('outbox_deliveries')
      .set({
        status: dead ? 'dead' : 'pending',
        last_error: truncate(failure.error, OUTBOX_LAST_ERROR_MAX_LENGTH),
        next_attempt_at: sql<Date>`now() + make_interval(secs => ${retrySeconds}::double precision)`,
        lease_until: null,
      })
      .where('tenant_id', '=', delivery.tenantId)
      .where('delivery_id', '=', delivery.deliveryId)
      .where('status', '=', 'pending')
      .where('leased_by', '=', delivery.leasedBy)
      .executeTakeFirst(),
  );
  return result.numUpdatedRows > 0n ? 'recorded' : 'lease_lost';
}

function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
