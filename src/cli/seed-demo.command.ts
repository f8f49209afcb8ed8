import fs from 'node:fs';
import path from 'node:path';
import { listTenants } from '../modules/access/index.ts';
import { seedDemo, type DemoSeedResult } from '../modules/demo/index.ts';
import type { ConfigOverrides } from '../platform/config.ts';
import type { Database } from '../platform/db/index.ts';
import { openRuntime, stderrLog } from './runtime.ts';

/** Where `qm serve` leaves the auto-seeded demo's admin key for a newcomer (mode 0600). */
export const DEMO_KEY_FILE = 'demo-admin-key.txt';

/** `qm seed-demo`: the demo tenant; its admin key on stdout, a summary on stderr. */
export async function seedDemoCommand(flags: ConfigOverrides): Promise<void> {
  const runtime = await openRuntime(flags, 'cli', stderrLog);
  try {
    const started = Date.now();
    const result = await seedDemo(runtime.db);
    stderrLog(`${demoSummary(result)} in ${Date.now() - started} ms`);
    stderrLog(`the demo tenant's admin API key (every permission) is shown once:`);
    process.stdout.write(`${result.adminKey}\n`);
  } finally {
    await runtime.close();
  }
}

export function demoSummary(result: DemoSeedResult): string {
  const c = result.counts;
  return (
    `demo tenant "${result.tenantName}" (${result.tenantId}) seeded: ${c.items} items, ${c.warehouses} warehouses with ${c.bins} bins, ` +
    `${c.customers} customers with ${c.shipTos} ship-tos and ${c.openItems} open items, ${c.suppliers} suppliers, ${c.priceListEntries} price list entries, ` +
    `${c.contractPrices} contract prices, ${c.matrixDiscounts} matrix discounts, ${c.openingMovements} opening stock movements`
  );
}

/**
 * The demo for a newcomer's first `npm start`: only in embedded mode, only on a database
 * with no tenant at all (a fresh data directory), and never when switched off. A server
 * named by DATABASE_URL is somebody's real database: it is never seeded behind their back.
 * Returns the seed, or null when nothing was seeded.
 */
export async function seedDemoOnFirstStart(
  db: Database,
  options: { embedded: boolean; noDemo: boolean; dataDir: string },
): Promise<DemoSeedResult | null> {
  if (!options.embedded || options.noDemo) return null;
  if ((await listTenants(db)).length > 0) return null;
  const result = await seedDemo(db);
  // 0600 from the first byte: the file is a credential. A leftover file from an earlier
  // data directory is replaced, since its key no longer opens anything.
  const file = path.join(options.dataDir, DEMO_KEY_FILE);
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, `${result.adminKey}\n`, { mode: 0o600, flag: 'wx' });
  return result;
}

/** QM_NO_DEMO=1 (or true/yes) skips the first-start demo. */
export function noDemoFromEnv(env: NodeJS.ProcessEnv): boolean {
  return /^(1|true|yes)$/i.test(env.QM_NO_DEMO ?? '');
}
