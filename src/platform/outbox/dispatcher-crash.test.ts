import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant, recordingHandler, sleep } from '../../../test/support/outbox.ts';
import { appendEvent, createDispatcher, subscribe } from './index.ts';

const testDb = useTestDatabase();
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const LEASE_SECONDS = 2;

describe('outbox delivery when a worker dies', () => {
  it('delivers, exactly once more, after a worker is killed mid-delivery and its lease lapses', async () => {
    const { db, admin, appUrl } = testDb();
    const ctx = await createTestTenant(db);
    await db.withTenant(ctx, (tx) => subscribe(tx, ctx, { consumer: 'crash:sink', eventTypes: ['*'] }));
    const { deliveryIds } = await db.withTenant(ctx, (tx) =>
      appendEvent(tx, ctx, { eventType: 'thing.happened', aggregateType: 'thing', aggregateId: 'C', payload: { n: 1 } }),
    );
    const deliveryId = deliveryIds[0]!;

    const child = spawn(process.execPath, ['--import', 'tsx/esm', 'test/support/outbox-doomed-worker.ts', appUrl, 'crash', String(LEASE_SECONDS)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    try {
      const started = await new Promise<{ started: string; leasedBy: string }>((resolve, reject) => {
        readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
        child.once('exit', () => reject(new Error('the doomed worker exited before it claimed anything')));
      });
      expect(started).toEqual({ started: deliveryId, leasedBy: expect.stringMatching(/^doomed-\d+#1$/) });
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    } finally {
      child.kill('SIGKILL');
    }

    const handler = recordingHandler(undefined, 'crash');
    const survivor = createDispatcher({ db, handlers: [handler], workerId: 'survivor' });
    // While the dead worker's lease holds, nobody else may take the delivery. (Checked only
    // when the lease was still running after the claim, so a slow machine cannot fail it.)
    const early = await survivor.runOnce();
    const { rows: leaseRows } = await admin.query('select lease_until > now() as leased from outbox_deliveries where delivery_id = $1', [deliveryId]);
    if (leaseRows[0].leased) expect(early.claimed).toBe(0);

    for (let round = 0; round < 300 && handler.successes.length === 0; round++) {
      if ((await survivor.runOnce()).claimed === 0) await sleep(100);
    }

    expect(handler.successes.map((s) => s.delivery.deliveryId)).toEqual([deliveryId]);
    expect(handler.calls).toHaveLength(1);
    expect(handler.calls[0]!.delivery.attempt).toBe(2);
    const { rows } = await admin.query('select status, attempts, leased_by, lease_until from outbox_deliveries where delivery_id = $1', [deliveryId]);
    expect(rows[0]).toMatchObject({ status: 'delivered', attempts: 2, leased_by: expect.stringMatching(/^survivor#/), lease_until: null });
    // Nothing left to do: the delivery is not handed out a third time.
    expect((await survivor.runOnce()).claimed).toBe(0);
  });
});
