import { buildApp } from '../app.ts';
import { formatDemoRun, runDemoFlow } from '../modules/demo/index.ts';
import type { ConfigOverrides } from '../platform/config.ts';
import { openRuntime, stderrLog } from './runtime.ts';

/**
 * `qm demo [--quiet]`: runs a batch of orders through the whole flow on the demo tenant
 * (seeding it first when it does not exist) through the HTTP API built in process, prints
 * the trail and the `qm verify` identities; exit code 1 when any identity differs.
 */
export async function demoCommand(flags: ConfigOverrides, options: { quiet?: boolean }): Promise<void> {
  const runtime = await openRuntime(flags, 'cli', stderrLog);
  const app = await buildApp({ db: runtime.db });
  try {
    const result = await runDemoFlow(runtime.db, app, { log: options.quiet ? undefined : stderrLog });
    for (const line of formatDemoRun(result.run, result.books, { quiet: options.quiet })) process.stdout.write(`${line}\n`);
    if (!result.books.ok) process.exitCode = 1;
  } finally {
    await app.close();
    await runtime.close();
  }
}
