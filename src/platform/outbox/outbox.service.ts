import { sql } from 'kysely';
import type { OperationContext } from '../context.ts';
import type { Tx } from '../db/index.ts';
import { AppError, invariant } from '../errors.ts';
import { newId } from '../ids.ts';
import {
  OUTBOX_MAX_ATTEMPTS_DEFAULT,
  OUTBOX_MAX_ATTEMPTS_MAX,
  OUTBOX_PAYLOAD_MAX_BYTES,
  OUTBOX_SUBSCRIPTION_EVENT_TYPES_MAX,
} from '../limits.ts';

/**
 * The write side of the outbox (DESIGN §1.4, §2a): events are appended in the
 * transaction of the change they describe, together with one delivery row per
 * consumer subscribed to them — so a rolled-back change leaves neither, and a
 * committed one is delivered to every consumer at least once, after commit.
 */

export interface AppendEventInput {
  /** 'sales_order.confirmed': lower-case, dot-separated, past tense. */
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  /** JSON-serialisable facts (ids, statuses, amounts in minor units as strings). */
  payload: unknown;
}

export interface AppendedEvent {
  eventId: string;
  deliveryIds: string[];
}

export interface SubscriptionInput {
  /** '<kind>:<id>', e.g. 'webhook:0190…', 'edi:acme', 'log:demo'. */
  consumer: string;
  /** Event types to receive; ['*'] for all. */
  eventTypes: string[];
  maxAttempts?: number;
}

export interface Subscription {
  consumer: string;
  eventTypes: string[];
  maxAttempts: number;
  active: boolean;
}

const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const AGGREGATE_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
const AGGREGATE_ID_MAX_LENGTH = 200;
/** Mirrors the check constraint on outbox_subscriptions.consumer. */
const CONSUMER_PATTERN = /^[a-z][a-z0-9_]{0,39}:\S{1,200}$/;
export const ALL_EVENT_TYPES = '*';

/**
 * Appends one event and its deliveries, in the caller's transaction. Event
 * shapes come from code, not from users, so a malformed one is a programmer
 * error (invariant), not a validation failure.
 */
export async function appendEvent(tx: Tx, ctx: OperationContext, input: AppendEventInput): Promise<AppendedEvent> {
  invariant(EVENT_TYPE_PATTERN.test(input.eventType), `event type ${JSON.stringify(input.eventType)} must look like 'sales_order.confirmed'`);
  invariant(AGGREGATE_TYPE_PATTERN.test(input.aggregateType), `aggregate type ${JSON.stringify(input.aggregateType)} must be snake_case`);
  invariant(
    typeof input.aggregateId === 'string' && input.aggregateId.length > 0 && input.aggregateId.length <= AGGREGATE_ID_MAX_LENGTH,
    'aggregate id must be 1 to 200 characters',
  );
  const payloadJson = JSON.stringify(input.payload ?? null);
  invariant(Buffer.byteLength(payloadJson) <= OUTBOX_PAYLOAD_MAX_BYTES, `event payload exceeds ${OUTBOX_PAYLOAD_MAX_BYTES} bytes`);

  const eventId = newId();
  await tx
    .insertInto('outbox_events')
    .values({
      tenant_id: ctx.tenantId,
      event_id: eventId,
      event_type: input.eventType,
      aggregate_type: input.aggregateType,
      aggregate_id: input.aggregateId,
      payload: payloadJson,
      occurred_at: ctx.clock.now(),
      request_id: ctx.requestId,
    })
    .execute();

  const subscriptions = await tx
    .selectFrom('outbox_subscriptions')
    .select(['consumer', 'max_attempts'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('active', '=', true)
    .where((eb) => eb.or([sql<boolean>`${input.eventType} = any(event_types)`, sql<boolean>`${ALL_EVENT_TYPES} = any(event_types)`]))
    .orderBy('consumer')
    .execute();
  if (subscriptions.length === 0) return { eventId, deliveryIds: [] };

  // Delivery ids are v7 UUIDs generated here, after the business writes (and their locks):
  // within one (consumer, aggregate) queue, id order is event order, which the claim relies on.
  const aggregateKey = `${input.aggregateType}:${input.aggregateId}`;
  const rows = subscriptions.map((subscription) => ({
    tenant_id: ctx.tenantId,
    delivery_id: newId(),
    event_id: eventId,
    consumer: subscription.consumer,
    aggregate_key: aggregateKey,
    max_attempts: subscription.max_attempts,
    // The database clock, not ctx.clock: the claim compares it with the database's now().
    next_attempt_at: sql<Date>`now()`,
  }));
  await tx.insertInto('outbox_deliveries').values(rows).execute();
  return { eventId, deliveryIds: rows.map((row) => row.delivery_id) };
}

/** Creates or replaces a subscription (and reactivates it). Returns what is stored. */
export async function subscribe(tx: Tx, ctx: OperationContext, input: SubscriptionInput): Promise<Subscription> {
  const maxAttempts = input.maxAttempts ?? OUTBOX_MAX_ATTEMPTS_DEFAULT;
  const errors: Array<{ field: string; message: string }> = [];
  if (!CONSUMER_PATTERN.test(input.consumer)) errors.push({ field: 'consumer', message: "must look like '<kind>:<id>'" });
  const eventTypes = [...new Set(input.eventTypes)];
  if (eventTypes.length === 0 || eventTypes.length > OUTBOX_SUBSCRIPTION_EVENT_TYPES_MAX) {
    errors.push({ field: 'eventTypes', message: `must name 1 to ${OUTBOX_SUBSCRIPTION_EVENT_TYPES_MAX} event types` });
  } else if (eventTypes.some((type) => type !== ALL_EVENT_TYPES && !EVENT_TYPE_PATTERN.test(type))) {
    errors.push({ field: 'eventTypes', message: "must be event types like 'sales_order.confirmed', or '*'" });
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > OUTBOX_MAX_ATTEMPTS_MAX) {
    errors.push({ field: 'maxAttempts', message: `must be an integer from 1 to ${OUTBOX_MAX_ATTEMPTS_MAX}` });
  }
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', 'the subscription is not valid', errors);

  const row = await tx
    .insertInto('outbox_subscriptions')
    .values({ tenant_id: ctx.tenantId, consumer: input.consumer, event_types: eventTypes, max_attempts: maxAttempts })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'consumer']).doUpdateSet({
        event_types: eventTypes,
        max_attempts: maxAttempts,
        active: true,
        updated_at: sql<Date>`now()`,
      }),
    )
    .returning(['consumer', 'event_types', 'max_attempts', 'active'])
    .executeTakeFirstOrThrow();
  return toSubscription(row);
}

/**
 * Deactivates a subscription: no new deliveries are created for it. Deliveries
 * already pending stay and are delivered (they were promised at commit time).
 * Returns false when there was no such subscription.
 */
export async function unsubscribe(tx: Tx, ctx: OperationContext, consumer: string): Promise<boolean> {
  const result = await tx
    .updateTable('outbox_subscriptions')
    .set({ active: false, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', ctx.tenantId)
    .where('consumer', '=', consumer)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function listSubscriptions(tx: Tx, ctx: OperationContext): Promise<Subscription[]> {
  const rows = await tx
    .selectFrom('outbox_subscriptions')
    .select(['consumer', 'event_types', 'max_attempts', 'active'])
    .where('tenant_id', '=', ctx.tenantId)
    .orderBy('consumer')
    .execute();
  return rows.map(toSubscription);
}

function toSubscription(row: { consumer: string; event_types: string[]; max_attempts: number; active: boolean }): Subscription {
  return { consumer: row.consumer, eventTypes: row.event_types, maxAttempts: row.max_attempts, active: row.active };
}
