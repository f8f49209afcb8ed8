import type { ConfigOverrides } from '../platform/config.ts';
import { ConfigError } from '../platform/config.ts';
import { SHUTDOWN_GRACE_MS } from '../platform/limits.ts';
import { OUTBOX_CLAIM_BATCH_MAX, OUTBOX_POLL_INTERVAL_MS_DEFAULT } from '../platform/limits.ts';
import { startAuditSealer } from '../platform/audit/index.ts';
import { createDispatcher, logHandler, type OutboxHandler, type OutboxLog } from '../platform/outbox/index.ts';
import { openRuntime, stderrLog } from './runtime.ts';

export interface WorkerFlags extends ConfigOverrides {
  batchSize?: string | undefined;
  pollMs?: string | undefined;
}

/**
 * The consumer handlers a worker process runs. Webhooks and EDI add theirs
 * here as they arrive; 'log' is always present so that a 'log:<name>'
 * subscription shows what a tenant emits.
 */
export function workerHandlers(log: OutboxLog): OutboxHandler[] {
  return [logHandler(log)];
}

/**
 * `qm worker`: delivers the outbox until SIGTERM/SIGINT, then stops claiming,
 * lets in-flight deliveries finish (bounded) and closes the database. Any
 * number may run at once; leases keep them from delivering the same row.
 */
export async function workerCommand(flags: WorkerFlags): Promise<void> {
  const logLevel = flags.logLevel ?? process.env.LOG_LEVEL ?? 'info';
  const log = jsonLineLog(logLevel);
  const batchSize = flags.batchSize === undefined ? undefined : parseIntegerFlag('--batch-size', flags.batchSize, 1, OUTBOX_CLAIM_BATCH_MAX);
  const pollIntervalMs = parseIntegerFlag('--poll-ms', flags.pollMs ?? String(OUTBOX_POLL_INTERVAL_MS_DEFAULT), 10, 60_000);
  // A long-running worker never owns the embedded server: if it did, `qm serve` could not
  // start, and every other command would lose its database when the worker stopped.
  const runtime = await openRuntime(flags, 'cli', stderrLog, { attachOnly: true });
  const dispatcher = createDispatcher({ db: runtime.db, handlers: workerHandlers(log), log, batchSize, pollIntervalMs });
  dispatcher.start();
  const sealer = startAuditSealer(runtime.db, { log: (message) => log.warn({}, message) });
  log.info({ workerId: dispatcher.workerId }, 'outbox worker started');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'outbox worker stopping');
      const timer = setTimeout(() => {
        log.error({}, 'graceful shutdown timed out; exiting');
        process.exit(1);
      }, SHUTDOWN_GRACE_MS);
      timer.unref();
      dispatcher
        .stop({ graceMs: SHUTDOWN_GRACE_MS / 2 })
        .then(() => sealer.stop())
        .then(() => runtime.close())
        .then(() => {
          log.info({}, 'outbox worker stopped');
          resolve();
        })
        .catch((error: unknown) => {
          log.error({ error: (error as Error).message }, 'outbox worker shutdown failed');
          process.exitCode = 1;
          resolve();
        });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

const LEVELS = { info: 30, warn: 40, error: 50 } as const;

/** The same one-JSON-object-per-line shape as `qm serve`'s log. */
function jsonLineLog(level: string): OutboxLog {
  const threshold = level === 'error' ? 50 : level === 'warn' ? 40 : level === 'silent' ? 100 : 30;
  const write = (name: keyof typeof LEVELS) => (fields: Record<string, unknown>, msg: string) => {
    if (LEVELS[name] < threshold) return;
    process.stdout.write(`${JSON.stringify({ level: LEVELS[name], time: Date.now(), ...fields, msg })}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

function parseIntegerFlag(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}
