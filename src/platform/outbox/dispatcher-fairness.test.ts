import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant, recordingHandler } from '../../../test/support/outbox.ts';
import { newId } from '../ids.ts';
import { appendEvent, createDispatcher, subscribe } from './index.ts';

const testDb = useTestDatabase();

/** Inserts `count` pending deliveries for one tenant directly (as the owner), oldest first. */
async function insertBacklog(tenantId: string, consumer: string, count: number, aggregates: number): Promise<void> {
  const eventIds = Array.from({ length: count }, () => newId());
  const deliveryIds = Array.from({ length: count }, () => newId());
  await testDb().admin.query(
    `with rows as (select * from unnest($2::uuid[], $3::uuid[]) with ordinality as r(event_id, delivery_id, n)),
     events as (
       insert into outbox_events (tenant_id, event_id, event_type, aggregate_type, aggregate_id, payload, occurred_at)
       select $1, event_id, 'thing.happened', 'thing', 'B' || (n % $5), jsonb_build_object('n', n), now() from rows
     )
     insert into outbox_deliveries (tenant_id, delivery_id, event_id, consumer, aggregate_key, max_attempts, next_attempt_at)
     select $1, delivery_id, event_id, $4, 'thing:B' || (n % $5), 5, now() from rows`,
    [tenantId, eventIds, deliveryIds, consumer, aggregates],
  );
}

describe('outbox fairness across tenants', () => {
  it("puts another tenant's single event in the first batch behind one tenant's backlog of 10,000", async () => {
    const { db } = testDb();
    const busy = await createTestTenant(db, 'busy');
    const quiet = await createTestTenant(db, 'quiet');
    await insertBacklog(busy.tenantId, 'fair:sink', 10_000, 100);
    await db.withTenant(quiet, (tx) => subscribe(tx, quiet, { consumer: 'fair:sink', eventTypes: ['*'] }));
    const { eventId } = await db.withTenant(quiet, (tx) =>
      appendEvent(tx, quiet, { eventType: 'thing.happened', aggregateType: 'thing', aggregateId: 'Q', payload: {} }),
    );

    const handler = recordingHandler(undefined, 'fair');
    const dispatcher = createDispatcher({ db, handlers: [handler], batchSize: 10 });
    const first = await dispatcher.runOnce();

    expect(first.claimed).toBe(10);
    const byTenant = (tenantId: string) => handler.calls.filter((c) => c.delivery.tenantId === tenantId);
    expect(byTenant(quiet.tenantId).map((c) => c.event.eventId)).toEqual([eventId]);
    // The rest of the batch is the busy tenant's oldest work, one per aggregate, in order.
    expect(byTenant(busy.tenantId).map((c) => (c.event.payload as { n: number }).n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // And the busy tenant alone still fills whole batches.
    handler.calls.length = 0;
    expect((await dispatcher.runOnce()).claimed).toBe(10);
    expect(byTenant(busy.tenantId)).toHaveLength(10);
  });

  it('serves every tenant within ceil(tenants / batch) claims when more tenants have backlogs than fit in a batch', async () => {
    const { db } = testDb();
    const tenants = [];
    for (let i = 0; i < 12; i++) {
      const ctx = await createTestTenant(db, `ring ${i}`);
      await insertBacklog(ctx.tenantId, 'ring:sink', 30, 30);
      tenants.push(ctx.tenantId);
    }
    const handler = recordingHandler(undefined, 'ring');
    const dispatcher = createDispatcher({ db, handlers: [handler], batchSize: 5 });
    const served = new Set<string>();
    for (let claim = 0; claim < Math.ceil(12 / 5); claim++) {
      handler.calls.length = 0;
      expect((await dispatcher.runOnce()).claimed).toBe(5);
      const tenantsThisClaim = handler.calls.map((c) => c.delivery.tenantId);
      // One per tenant while other tenants are waiting.
      expect(new Set(tenantsThisClaim).size).toBe(5);
      for (const tenantId of tenantsThisClaim) served.add(tenantId);
    }
    expect([...served].sort()).toEqual([...tenants].sort());
  });
});
