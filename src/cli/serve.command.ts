import { buildApp } from '../app.ts';
import { startAuditSealer } from '../platform/audit/index.ts';
import type { ConfigOverrides } from '../platform/config.ts';
import { SHUTDOWN_GRACE_MS } from '../platform/limits.ts';
import { createDispatcher, type Dispatcher } from '../platform/outbox/index.ts';
import { openRuntime } from './runtime.ts';
import { workerHandlers } from './worker.command.ts';

/**
 * `qm serve`: migrate, then serve HTTP. On SIGTERM/SIGINT it stops accepting,
 * lets in-flight requests finish (bounded by SHUTDOWN_GRACE_MS), closes the
 * pool and, in embedded mode, stops the PostgreSQL server it started.
 *
 * In embedded mode it also delivers the outbox: a single-box install runs no
 * separate `qm worker`. Against DATABASE_URL, delivery is left to `qm worker`
 * processes, so that HTTP and delivery scale (and fail) independently.
 */
export async function serveCommand(flags: ConfigOverrides): Promise<void> {
  const runtime = await openRuntime(flags, 'serve', (message) =>
    process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: message })}\n`),
  );
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp({ db: runtime.db, logger: { level: runtime.config.logLevel } });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  // The audit sealer chains committed audit rows shortly after commit; any number may run.
  const sealer = startAuditSealer(runtime.db, { log: (message) => app.log.warn(message) });
  let dispatcher: Dispatcher | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    try {
      await app.close();
      // Before the pool closes: in-flight deliveries still record their results.
      await dispatcher?.stop({ graceMs: SHUTDOWN_GRACE_MS / 2 });
      await sealer.stop();
      await runtime.close();
      app.log.info('stopped');
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  try {
    await app.listen({ port: runtime.config.port, host: runtime.config.host });
  } catch (error) {
    await sealer.stop();
    await runtime.close();
    throw error;
  }
  if (runtime.target.embedded && !stopping) {
    dispatcher = createDispatcher({ db: runtime.db, handlers: workerHandlers(app.log), log: app.log });
    dispatcher.start();
    app.log.info({ workerId: dispatcher.workerId }, 'outbox delivery started');
  }
}
