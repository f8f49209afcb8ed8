import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import { createTestTenant } from '../../test/support/outbox.ts';
import { appendEvent, subscribe } from '../platform/outbox/index.ts';

const testDb = useTestDatabase();
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('qm worker', () => {
  it("delivers to a 'log:' consumer and stops cleanly on SIGTERM", async () => {
    const { db, admin, adminUrl } = testDb();
    const ctx = await createTestTenant(db, 'cli');
    await db.withTenant(ctx, (tx) => subscribe(tx, ctx, { consumer: 'log:cli', eventTypes: ['*'] }));
    const { eventId } = await db.withTenant(ctx, (tx) =>
      appendEvent(tx, ctx, { eventType: 'outbox.ping', aggregateType: 'outbox', aggregateId: 'ping', payload: { hello: 1 } }),
    );

    const child = spawn(process.execPath, ['bin/qm.js', '--database-url', adminUrl, 'worker', '--poll-ms', '50'], {
      cwd: repoRoot,
      // The password migrate sets on qm_app: the one the test cluster already uses.
      env: { ...process.env, QM_APP_PASSWORD: inject('qmDatabase').appPassword, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines: Array<Record<string, unknown>> = [];
    try {
      await new Promise<void>((resolve, reject) => {
        readline.createInterface({ input: child.stdout! }).on('line', (line) => {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (entry.msg === 'outbox event' && entry.eventId === eventId) resolve();
        });
        child.once('exit', (code) => reject(new Error(`qm worker exited early with ${code}`)));
      });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }

    expect(lines.find((entry) => entry.msg === 'outbox event')).toMatchObject({ consumer: 'log:cli', eventType: 'outbox.ping', payload: { hello: 1 } });
    expect(lines.at(-1)).toMatchObject({ msg: 'outbox worker stopped' });
    const { rows } = await admin.query('select status from outbox_deliveries where event_id = $1', [eventId]);
    expect(rows).toEqual([{ status: 'delivered' }]);
  });
});
