import { findTenantByNameOrThrow, getTenantOrThrow, listTenants } from '../modules/access/index.ts';
import { formatBooksVerification, verifyBooks } from '../modules/reporting/index.ts';
import type { ConfigOverrides } from '../platform/config.ts';
import { systemContext } from '../platform/context.ts';
import type { Database } from '../platform/db/index.ts';
import { openRuntime, stderrLog } from './runtime.ts';

/**
 * `qm verify [--tenant NAME]`: the books' identities per tenant (all tenants by default,
 * found through the system path), each printed with both of its sides. Exit code 1 when
 * any identity of any tenant differs. It only reads.
 */
export async function verifyCommand(flags: ConfigOverrides, options: { tenant?: string }): Promise<void> {
  const runtime = await openRuntime(flags, 'cli', stderrLog);
  try {
    const allOk = await verifyBooksOfTenants(runtime.db, options.tenant, (line) => process.stdout.write(`${line}\n`));
    if (!allOk) process.exitCode = 1;
  } finally {
    await runtime.close();
  }
}

export async function verifyBooksOfTenants(db: Database, tenantName: string | undefined, write: (line: string) => void): Promise<boolean> {
  const tenants = tenantName === undefined ? await listTenants(db) : [await findTenantByNameOrThrow(db, tenantName)];
  let allOk = true;
  for (const tenant of tenants) {
    const ctx = systemContext(tenant.tenantId, 'qm-verify');
    const { result, currency } = await db.withTenant(ctx, async (tx) => ({
      result: await verifyBooks(tx, ctx),
      currency: (await getTenantOrThrow(tx, tenant.tenantId)).functionalCurrency,
    }));
    if (!result.ok) allOk = false;
    write(`${tenant.name}: ${result.ok ? 'ok' : 'DIFFERENCES'}`);
    for (const line of formatBooksVerification(result, currency)) write(line);
  }
  return allOk;
}
