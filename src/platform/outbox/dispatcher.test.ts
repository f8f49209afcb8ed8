import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant, recordingHandler, sleep } from '../../../test/support/outbox.ts';
import type { OperationContext } from '../context.ts';
import { appendEvent, createDispatcher, subscribe, type Dispatcher } from './index.ts';
import { claimDeliveries } from './outbox.queries.ts';

const testDb = useTestDatabase();
const fastBackoff = { baseMs: 30, maxMs: 30 };

/** Runs batches until `done` holds (bounded), pausing briefly when a claim found nothing due. */
async function drain(dispatcher: Dispatcher, done: () => Promise<boolean>, maxRounds = 500): Promise<void> {
  for (let round = 0; round < maxRounds; round++) {
    if (await done()) return;
    const result = await dispatcher.runOnce();
    if (result.claimed === 0) await sleep(10);
  }
  throw new Error('outbox did not drain');
}

async function pendingCount(tenantId: string): Promise<number> {
  const { rows } = await testDb().admin.query(
    "select count(*)::int as n from outbox_deliveries where tenant_id = $1 and status = 'pending'",
    [tenantId],
  );
  return rows[0].n;
}

async function append(ctx: OperationContext, aggregateId: string, payload: Record<string, unknown>, eventType = 'thing.happened'): Promise<string> {
  const { eventId } = await testDb().db.withTenant(ctx, (tx) =>
    appendEvent(tx, ctx, { eventType, aggregateType: 'thing', aggregateId, payload }),
  );
  return eventId;
}

describe('outbox dispatcher', () => {
  it('delivers an event to its consumer with the event data and records it delivered', async () => {
    const { db, admin } = testDb();
    const ctx = await createTestTenant(db);
    await db.withTenant(ctx, (tx) => subscribe(tx, ctx, { consumer: 'basic:sink', eventTypes: ['*'] }));
    const eventId = await append(ctx, 'T-1', { hello: 'world' });
    const handler = recordingHandler(undefined, 'basic');
    const dispatcher = createDispatcher({ db, handlers: [handler], workerId: 'w-basic' });

    expect(await dispatcher.runOnce()).toEqual({ claimed: 1, delivered: 1, failed: 0, dead: 0, unrecorded: 0 });
    expect(handler.calls).toHaveLength(1);
    expect(handler.calls[0]!.event).toMatchObject({ tenantId: ctx.tenantId, eventId, eventType: 'thing.happened', aggregateId: 'T-1', payload: { hello: 'world' } });
    expect(handler.calls[0]!.delivery).toMatchObject({ consumer: 'basic:sink', kind: 'basic', target: 'sink', attempt: 1, aggregateKey: 'thing:T-1' });
    const { rows } = await admin.query('select status, attempts, lease_until, delivered_at from outbox_deliveries where event_id = $1', [eventId]);
    expect(rows[0]).toMatchObject({ status: 'delivered', attempts: 1, lease_until: null });
    expect(rows[0].delivered_at).toBeInstanceOf(Date);
    expect((await dispatcher.runOnce()).claimed).toBe(0);
  });

  it('keeps event order per aggregate when earlier events fail and are retried', async () => {
    const { db, admin } = testDb();
    const ctx = await createTestTenant(db);
    await db.withTenant(ctx, (tx) => subscribe(tx, ctx, { consumer: 'ordered:sink', eventTypes: ['*'] }));
    const seqX: number[] = [];
    for (let seq = 1; seq <= 6; seq++) {
      await append(ctx, 'X', { seq });
      seqX.push(seq);
      if (seq % 2 === 0) await append(ctx, 'Y', { seq });
    }
    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    const failedOnce = new Set<string>();
    const handler = recordingHandler((delivery, event) => {
      if (inFlight.has(delivery.aggregateKey)) overlaps.push(delivery.aggregateKey);
      inFlight.add(delivery.aggregateKey);
      const seq = (event.payload as { seq: number }).seq;
      // Odd events of X fail their first attempt: were a later event of X handed out while an
      // earlier one waits for its retry, it would be delivered first.
      const fail = event.aggregateId === 'X' && seq % 2 === 1 && !failedOnce.has(event.eventId);
      if (fail) failedOnce.add(event.eventId);
      return sleep(5).then(() => {
        inFlight.delete(delivery.aggregateKey);
        if (fail) throw new Error(`refusing ${seq} once`);
      });
    }, 'ordered');
    const dispatcher = createDispatcher({ db, handlers: [handler], batchSize: 10, backoff: fastBackoff });

    await drain(dispatcher, async () => (await pendingCount(ctx.tenantId)) === 0);

    const delivered = (aggregateId: string) =>
      handler.successes.filter((s) => s.event.aggregateId === aggregateId).map((s) => (s.event.payload as { seq: number }).seq);
    expect(delivered('X')).toEqual(seqX);
    expect(delivered('Y')).toEqual([2, 4, 6]);
    expect(failedOnce.size).toBe(3);
    expect(overlaps).toEqual([]);
    const { rows } = await admin.query(
      `select (e.payload->>'seq')::int as seq, d.attempts, d.status from outbox_deliveries d
       join outbox_events e using (tenant_id, event_id) where d.tenant_id = $1 and e.aggregate_id = 'X' order by d.delivery_id`,
      [ctx.tenantId],
    );
    expect(rows.map((r) => [r.seq, r.attempts, r.status])).toEqual(seqX.map((seq) => [seq, seq % 2 === 1 ? 2 : 1, 'delivered']));
  });

  it('marks a delivery dead after its last attempt and then delivers the next event of its aggregate', async () => {
    const { db, admin } = testDb();
    const ctx = await createTestTenant(db);
    await db.withTenant(ctx, (tx) => subscribe(tx, ctx, { consumer: 'fragile:sink', eventTypes: ['*'], maxAttempts: 2 }));
    const poison = await append(ctx, 'Z', { seq: 1 });
    await append(ctx, 'Z', { seq: 2 });
    const handler = recordingHandler((_, event) => (event.eventId === poison ? new Error('endpoint says 500') : undefined), 'fragile');
    const dispatcher = createDispatcher({ db, handlers: [handler], backoff: fastBackoff });

    await drain(dispatcher, async () => (await pendingCount(ctx.tenantId)) === 0);

    expect(handler.calls.map((c) => [(c.event.payload as { seq: number }).seq, c.delivery.attempt])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
    const { rows } = await admin.query(
      `select (e.payload->>'seq')::int as seq, d.status, d.attempts, d.last_error from outbox_deliveries d
       join outbox_events e using (tenant_id, event_id) where d.tenant_id = $1 order by d.delivery_id`,
      [ctx.tenantId],
    );
    expect(rows).toEqual([
      { seq: 1, status: 'dead', attempts: 2, last_error: 'Error: endpoint says 500' },
      { seq: 2, status: 'delivered', attempts: 1, last_error: null },
    ]);
  });

  it('leaves deliveries of a kind it has no handler for unclaimed', async () => {
    const { db, admin } = testDb();
    const ctx = await createTestTenant(db);
    await db.withTenant(ctx, async (tx) => {
      await subscribe(tx, ctx, { consumer: 'known:sink', eventTypes: ['*'] });
      await subscribe(tx, ctx, { consumer: 'elsewhere:sink', eventTypes: ['*'] });
    });
    await append(ctx, 'K', {});
    const handler = recordingHandler(undefined, 'known');
    const dispatcher = createDispatcher({ db, handlers: [handler] });
    expect((await dispatcher.runOnce()).delivered).toBe(1);
    expect((await dispatcher.runOnce()).claimed).toBe(0);
    const { rows } = await admin.query('select consumer, status, attempts, leased_by from outbox_deliveries where tenant_id = $1 order by consumer', [ctx.tenantId]);
    expect(rows).toEqual([
      { consumer: 'elsewhere:sink', status: 'pending', attempts: 0, leased_by: null },
      { consumer: 'known:sink', status: 'delivered', attempts: 1, leased_by: expect.stringContaining(dispatcher.workerId) },
    ]);
  });

  it('does not let a worker whose lease lapsed overwrite the worker that holds the lease now', async () => {
    const { db, admin } = testDb();
    const ctx = await createTestTenant(db);
    await db.withTenant(ctx, (tx) => subscribe(tx, ctx, { consumer: 'fenced:sink', eventTypes: ['*'] }));
    const eventId = await append(ctx, 'F', {});
    let releaseA!: () => void;
    let releaseB!: () => void;
    const gateA = new Promise<void>((resolve) => (releaseA = resolve));
    const gateB = new Promise<void>((resolve) => (releaseB = resolve));
    const handlerA = recordingHandler(() => gateA.then(() => Promise.reject(new Error('A failed late'))), 'fenced');
    const handlerB = recordingHandler(() => gateB, 'fenced');
    const dispatcherA = createDispatcher({ db, handlers: [handlerA], workerId: 'worker-a', leaseSeconds: 60 });
    const dispatcherB = createDispatcher({ db, handlers: [handlerB], workerId: 'worker-b', leaseSeconds: 60 });

    const runA = dispatcherA.runOnce();
    while (handlerA.calls.length === 0) await sleep(5);
    // A's lease lapses (as if A stalled for a minute); B claims the delivery and is delivering it.
    await admin.query("update outbox_deliveries set lease_until = now() - interval '1 second' where event_id = $1", [eventId]);
    const runB = dispatcherB.runOnce();
    while (handlerB.calls.length === 0) await sleep(5);
    releaseA();
    expect(await runA).toMatchObject({ claimed: 1, unrecorded: 1, failed: 0 });

    const during = await admin.query('select status, attempts, leased_by, lease_until > now() as leased, last_error from outbox_deliveries where event_id = $1', [eventId]);
    expect(during.rows[0]).toEqual({ status: 'pending', attempts: 2, leased_by: 'worker-b#1', leased: true, last_error: null });

    releaseB();
    expect(await runB).toMatchObject({ claimed: 1, delivered: 1 });
    const after = await admin.query('select status, leased_by from outbox_deliveries where event_id = $1', [eventId]);
    expect(after.rows[0]).toEqual({ status: 'delivered', leased_by: 'worker-b#1' });
  });

  it('marks a delivery dead when the lease of its final attempt lapses, unblocking its aggregate', async () => {
    const { db, admin } = testDb();
    const ctx = await createTestTenant(db);
    await db.withTenant(ctx, (tx) => subscribe(tx, ctx, { consumer: 'lapse:sink', eventTypes: ['*'], maxAttempts: 1 }));
    const lost = await append(ctx, 'L', { seq: 1 });
    await append(ctx, 'L', { seq: 2 });
    // A worker claims the first delivery and dies without recording anything.
    const claimed = await claimDeliveries(db, { leaseToken: 'ghost#1', kinds: ['lapse'], limit: 10, leaseSeconds: 60 });
    expect(claimed.map((c) => c.event.eventId)).toEqual([lost]);
    await admin.query("update outbox_deliveries set lease_until = now() - interval '1 second' where event_id = $1", [lost]);

    const handler = recordingHandler(undefined, 'lapse');
    const dispatcher = createDispatcher({ db, handlers: [handler] });
    await drain(dispatcher, async () => (await pendingCount(ctx.tenantId)) === 0);

    expect(handler.calls.map((c) => (c.event.payload as { seq: number }).seq)).toEqual([2]);
    const { rows } = await admin.query('select status, attempts, last_error from outbox_deliveries where event_id = $1', [lost]);
    expect(rows[0]).toMatchObject({ status: 'dead', attempts: 1, last_error: expect.stringContaining('lease') });
  });

  it('runs until stopped, and stop waits for the delivery in flight to be recorded', async () => {
    const { db, admin } = testDb();
    const ctx = await createTestTenant(db);
    await db.withTenant(ctx, (tx) => subscribe(tx, ctx, { consumer: 'looped:sink', eventTypes: ['*'] }));
    let started!: () => void;
    const inHandler = new Promise<void>((resolve) => (started = resolve));
    const handler = recordingHandler(() => {
      started();
      return sleep(300);
    }, 'looped');
    const dispatcher = createDispatcher({ db, handlers: [handler], pollIntervalMs: 20 });
    dispatcher.start();
    const eventId = await append(ctx, 'S', {});
    await inHandler;
    await dispatcher.stop();
    expect(handler.successes).toHaveLength(1);
    const { rows } = await admin.query('select status from outbox_deliveries where event_id = $1', [eventId]);
    expect(rows[0].status).toBe('delivered');
  });
});
