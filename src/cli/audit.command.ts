import { findTenantByNameOrThrow, listTenants } from '../modules/access/index.ts';
import { verifyAuditLog, type AuditVerifyResult } from '../platform/audit/index.ts';
import type { ConfigOverrides } from '../platform/config.ts';
import type { Database } from '../platform/db/index.ts';
import { openRuntime, stderrLog } from './runtime.ts';

/**
 * `qm audit verify [--tenant NAME]`: one line per tenant, exit code 1 when any tenant's
 * log is broken. It only reads: rows the sealer has not chained yet are reported as
 * unsealed, not sealed here (a verifier that wrote could hide what it was asked to find).
 */
export async function auditVerifyCommand(flags: ConfigOverrides, options: { tenant?: string }): Promise<void> {
  const runtime = await openRuntime(flags, 'cli', stderrLog);
  try {
    const allOk = await verifyTenants(runtime.db, options.tenant, (line) => process.stdout.write(`${line}\n`));
    if (!allOk) process.exitCode = 1;
  } finally {
    await runtime.close();
  }
}

export async function verifyTenants(db: Database, tenantName: string | undefined, write: (line: string) => void): Promise<boolean> {
  const tenants = tenantName === undefined ? await listTenants(db) : [await findTenantByNameOrThrow(db, tenantName)];
  let allOk = true;
  for (const tenant of tenants) {
    const result = await verifyAuditLog(db, tenant.tenantId);
    if (!result.ok) allOk = false;
    write(`${tenant.name}: ${formatVerifyResult(result)}`);
  }
  return allOk;
}

export function formatVerifyResult(result: AuditVerifyResult): string {
  if (!result.ok) return `BROKEN at audit row ${result.auditId}: ${result.reason}`;
  const unsealed = result.unsealed > 0 ? `, ${result.unsealed} unsealed` : '';
  return `ok: ${result.rows} rows, ${result.sealed} sealed${unsealed}`;
}
