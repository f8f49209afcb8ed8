import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant } from '../../../test/support/outbox.ts';
import type { OperationContext } from '../context.ts';
import { fixedClock } from '../context.ts';
import { AppError } from '../errors.ts';
import { appendEvent, listSubscriptions, subscribe, unsubscribe } from './index.ts';

const testDb = useTestDatabase();

describe('appending events to the outbox', () => {
  let ctx: OperationContext;
  let other: OperationContext;

  beforeAll(async () => {
    const { db } = testDb();
    ctx = await createTestTenant(db, 'append');
    other = await createTestTenant(db, 'other');
    await db.withTenant(ctx, async (tx) => {
      await subscribe(tx, ctx, { consumer: 'test:orders', eventTypes: ['sales_order.confirmed', 'sales_order.shipped'] });
      await subscribe(tx, ctx, { consumer: 'test:all', eventTypes: ['*'], maxAttempts: 3 });
      await subscribe(tx, ctx, { consumer: 'test:invoices', eventTypes: ['invoice.posted'] });
      await subscribe(tx, ctx, { consumer: 'test:retired', eventTypes: ['*'] });
      await unsubscribe(tx, ctx, 'test:retired');
    });
    // Another tenant's subscription must not produce deliveries for ctx's events.
    await db.withTenant(other, (tx) => subscribe(tx, other, { consumer: 'test:all', eventTypes: ['*'] }));
  });

  it('writes the event and one delivery per active subscription that matches its type', async () => {
    const { db, admin } = testDb();
    const clock = fixedClock('2030-01-02T03:04:05.000Z');
    const appended = await db.withTenant(ctx, (tx) =>
      appendEvent(tx, { ...ctx, clock, requestId: 'req-1' }, {
        eventType: 'sales_order.confirmed',
        aggregateType: 'sales_order',
        aggregateId: 'SO-1',
        payload: { totalMinor: '12345' },
      }),
    );
    const event = await admin.query('select * from outbox_events where event_id = $1', [appended.eventId]);
    expect(event.rows[0]).toMatchObject({
      tenant_id: ctx.tenantId,
      event_type: 'sales_order.confirmed',
      aggregate_type: 'sales_order',
      aggregate_id: 'SO-1',
      payload: { totalMinor: '12345' },
      request_id: 'req-1',
    });
    expect((event.rows[0].occurred_at as Date).toISOString()).toBe('2030-01-02T03:04:05.000Z');
    const deliveries = await admin.query(
      'select tenant_id, consumer, aggregate_key, status, attempts, max_attempts from outbox_deliveries where event_id = $1 order by consumer',
      [appended.eventId],
    );
    expect(deliveries.rows).toEqual([
      { tenant_id: ctx.tenantId, consumer: 'test:all', aggregate_key: 'sales_order:SO-1', status: 'pending', attempts: 0, max_attempts: 3 },
      { tenant_id: ctx.tenantId, consumer: 'test:orders', aggregate_key: 'sales_order:SO-1', status: 'pending', attempts: 0, max_attempts: 20 },
    ]);
    expect(appended.deliveryIds).toHaveLength(2);
  });

  it('leaves neither event nor delivery when the business transaction rolls back', async () => {
    const { db, admin } = testDb();
    const before = await counts(admin);
    let eventId: string | undefined;
    const failing = db.withTenant(ctx, async (tx) => {
      ({ eventId } = await appendEvent(tx, ctx, { eventType: 'sales_order.shipped', aggregateType: 'sales_order', aggregateId: 'SO-2', payload: {} }));
      throw new Error('the shipment could not be posted');
    });
    await expect(failing).rejects.toThrow('the shipment could not be posted');
    expect(eventId).toBeDefined();
    expect(await counts(admin)).toEqual(before);
    const { rowCount } = await admin.query('select 1 from outbox_events where event_id = $1', [eventId]);
    expect(rowCount).toBe(0);
  });

  it('refuses malformed subscriptions with field errors', async () => {
    const { db } = testDb();
    const attempt = db.withTenant(ctx, (tx) => subscribe(tx, ctx, { consumer: 'no-kind', eventTypes: ['Bad Type'], maxAttempts: 0 }));
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fieldErrors: [{ field: 'consumer' }, { field: 'eventTypes' }, { field: 'maxAttempts' }],
    });
  });

  it('lists subscriptions, with unsubscribed ones inactive, and re-subscribing reactivates', async () => {
    const { db } = testDb();
    const listed = await db.withTenant(ctx, (tx) => listSubscriptions(tx, ctx));
    expect(listed.map((s) => [s.consumer, s.active])).toEqual([
      ['test:all', true],
      ['test:invoices', true],
      ['test:orders', true],
      ['test:retired', false],
    ]);
    const again = await db.withTenant(ctx, (tx) => subscribe(tx, ctx, { consumer: 'test:retired', eventTypes: ['invoice.posted'] }));
    expect(again).toEqual({ consumer: 'test:retired', eventTypes: ['invoice.posted'], maxAttempts: 20, active: true });
    expect(await db.withTenant(ctx, (tx) => unsubscribe(tx, ctx, 'test:never'))).toBe(false);
  });
});

async function counts(admin: import('pg').Pool): Promise<{ events: number; deliveries: number }> {
  const { rows } = await admin.query(
    'select (select count(*)::int from outbox_events) as events, (select count(*)::int from outbox_deliveries) as deliveries',
  );
  return rows[0];
}
