import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant, recordingHandler, sleep } from '../../../test/support/outbox.ts';
import { createDatabase } from '../db/index.ts';
import { appendEvent, createDispatcher, subscribe } from './index.ts';

const testDb = useTestDatabase();

const TENANTS = 5;
const AGGREGATES_PER_TENANT = 25;
const EVENTS_PER_AGGREGATE = 2;
const CONSUMERS = ['race:a', 'race:b'];
const WORKERS = 4;

describe('outbox dispatchers in parallel', () => {
  it('never hand one delivery to two workers, and keep per-aggregate order across workers', async () => {
    const { db, admin, appUrl } = testDb();
    const expected = new Set<string>();
    for (let t = 0; t < TENANTS; t++) {
      const ctx = await createTestTenant(db, `race ${t}`);
      await db.withTenant(ctx, async (tx) => {
        for (const consumer of CONSUMERS) await subscribe(tx, ctx, { consumer, eventTypes: ['*'] });
        // Each aggregate's events back to back, so that a claim ignoring the queue order
        // would hand out an aggregate's second event together with its first.
        for (let a = 0; a < AGGREGATES_PER_TENANT; a++) {
          for (let seq = 0; seq < EVENTS_PER_AGGREGATE; seq++) {
            const { deliveryIds } = await appendEvent(tx, ctx, { eventType: 'thing.happened', aggregateType: 'thing', aggregateId: `A${a}`, payload: { seq } });
            for (const id of deliveryIds) expected.add(id);
          }
        }
      });
    }
    expect(expected.size).toBe(500);

    // Every worker gets its own pool: real parallel connections, as separate processes would have.
    const pools = Array.from({ length: WORKERS }, () => createDatabase({ appUrl, poolSize: 3, applicationName: 'qm-test-worker' }));
    const seen = new Map<string, number>();
    const inFlight = new Set<string>();
    const violations: string[] = [];
    const lastSeq = new Map<string, number>();
    const handlers = pools.map(() =>
      recordingHandler(async (delivery, event) => {
        seen.set(delivery.deliveryId, (seen.get(delivery.deliveryId) ?? 0) + 1);
        const queue = `${delivery.tenantId}/${delivery.consumer}/${delivery.aggregateKey}`;
        if (inFlight.has(queue)) violations.push(`two deliveries of ${queue} in flight at once`);
        inFlight.add(queue);
        const seq = (event.payload as { seq: number }).seq;
        if ((lastSeq.get(queue) ?? -1) !== seq - 1) violations.push(`${queue} got ${seq} after ${lastSeq.get(queue)}`);
        lastSeq.set(queue, seq);
        // Hold the lease across an await, as a network call would.
        await sleep(1 + Math.floor(Math.random() * 3));
        inFlight.delete(queue);
      }, 'race'),
    );
    const dispatchers = pools.map((pool, index) =>
      createDispatcher({ db: pool, handlers: [handlers[index]!], workerId: `racer-${index}`, batchSize: 10 }),
    );
    try {
      const results = await Promise.all(
        dispatchers.map(async (dispatcher) => {
          let claimed = 0;
          for (let idle = 0; idle < 3; ) {
            const result = await dispatcher.runOnce();
            claimed += result.claimed;
            idle = result.claimed === 0 ? idle + 1 : 0;
            if (result.claimed === 0) await sleep(20);
          }
          return claimed;
        }),
      );
      expect(violations).toEqual([]);
      expect([...seen.keys()].sort()).toEqual([...expected].sort());
      expect([...seen.values()].filter((count) => count !== 1)).toEqual([]);
      expect(results.reduce((sum, n) => sum + n, 0)).toBe(500);
      // The work was actually shared: every worker claimed some of it.
      expect(results.every((n) => n > 0)).toBe(true);
      const { rows } = await admin.query("select status, attempts, count(*)::int as n from outbox_deliveries group by 1, 2");
      expect(rows).toEqual([{ status: 'delivered', attempts: 1, n: 500 }]);
    } finally {
      await Promise.all(pools.map((pool) => pool.close()));
    }
  });
});
