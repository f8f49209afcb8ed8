/**
 * A worker process for the crash test: claims with a short lease, reports each
 * delivery it starts on stdout, and never finishes it — the test SIGKILLs it.
 * Usage: node --import tsx/esm test/support/outbox-doomed-worker.ts <appUrl> <kind> <leaseSeconds>
 */
import { createDatabase } from '../../src/platform/db/index.ts';
import { createDispatcher } from '../../src/platform/outbox/index.ts';

const [appUrl, kind, leaseSeconds] = process.argv.slice(2);
if (!appUrl || !kind || !leaseSeconds) throw new Error('usage: outbox-doomed-worker.ts <appUrl> <kind> <leaseSeconds>');
const db = createDatabase({ appUrl, poolSize: 2, applicationName: 'qm-test-doomed-worker' });
const dispatcher = createDispatcher({
  db,
  workerId: `doomed-${process.pid}`,
  leaseSeconds: Number(leaseSeconds),
  pollIntervalMs: 20,
  handlers: [
    {
      kind,
      deliver: (delivery) => {
        process.stdout.write(`${JSON.stringify({ started: delivery.deliveryId, leasedBy: delivery.leasedBy })}\n`);
        return new Promise<void>(() => {});
      },
    },
  ],
});
dispatcher.start();
