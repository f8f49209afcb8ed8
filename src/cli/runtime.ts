import { loadConfig, type Config, type ConfigOverrides } from '../platform/config.ts';
import { createDatabase, migrate, openDatabaseTarget, type Database, type DatabaseTarget } from '../platform/db/index.ts';
import { configureKeyring, loadKeyring } from '../platform/crypto/index.ts';

export interface Runtime {
  config: Config;
  target: DatabaseTarget;
  db: Database;
  close(): Promise<void>;
}

/**
 * Opens the database for a command: connects to the embedded server that a
 * running `qm serve` owns, or starts one for the command's lifetime, or uses
 * DATABASE_URL; then makes sure the schema is current.
 */
export async function openRuntime(
  flags: ConfigOverrides,
  kind: 'serve' | 'cli',
  log: (message: string) => void,
  options: { attachOnly?: boolean } = {},
): Promise<Runtime> {
  const config = loadConfig(process.env, flags);
  // The process keyring for sealed fields. `qm serve` loads it at start, so the embedded
  // default creates its key file on first start and a production server without a master
  // key refuses to start; other commands load it only if they touch a sealed field.
  configureKeyring(kind === 'serve' ? loadKeyring(config) : () => loadKeyring(config));
  const target = await openDatabaseTarget(config, kind, log, options);
  try {
    const result = await migrate(target.adminUrl, { appPassword: target.appPassword });
    for (const name of result.applied) log(`applied migration ${name}`);
  } catch (error) {
    await target.release();
    throw error;
  }
  const db = createDatabase({ appUrl: target.appUrl, applicationName: `qm-${kind}` });
  return {
    config,
    target,
    db,
    close: async () => {
      await db.close();
      await target.release();
    },
  };
}

/** Diagnostics go to stderr so that stdout carries only a command's result (keys, ids, JSON). */
export function stderrLog(message: string): void {
  process.stderr.write(`qm: ${message}\n`);
}
