import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import { createTenant } from '../modules/access/index.ts';
import { audit, sealAuditLog } from '../platform/audit/index.ts';
import { systemContext } from '../platform/context.ts';
import { verifyTenants } from './audit.command.ts';

const testDb = useTestDatabase();
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the real `qm` binary against this file's test database. */
function qm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: testDb().adminUrl, QM_APP_PASSWORD: inject('qmDatabase').appPassword, LOG_LEVEL: 'warn' };
  delete env.DATABASE_APP_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/qm.js', ...args], { cwd: repoRoot, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function tenantWithAuditRows(name: string, rows: number): Promise<string[]> {
  const { db } = testDb();
  const { result } = await createTenant(db, { name }, async (tx, tenant) => {
    const ids: string[] = [];
    for (let i = 0; i < rows; i++) {
      ids.push(await audit(tx, systemContext(tenant.tenantId, 'cli-test'), { action: 'tenant.update', entityType: 'tenant', entityId: tenant.tenantId, after: { n: i } }));
    }
    return ids;
  });
  return result;
}

describe('qm audit verify', () => {
  it('prints one line per tenant, names the first broken row and exits 1 when any tenant is broken', async () => {
    const { db, admin } = testDb();
    const [tamperedId] = await tenantWithAuditRows('Broken Co', 2);
    await tenantWithAuditRows('Intact Co', 3);
    while ((await sealAuditLog(db)) > 0);
    await tenantWithAuditRows('Intact Co 2', 1);

    const lines: string[] = [];
    expect(await verifyTenants(db, undefined, (line) => lines.push(line))).toBe(true);
    expect(lines).toEqual(['Broken Co: ok: 3 rows, 3 sealed', 'Intact Co: ok: 4 rows, 4 sealed', 'Intact Co 2: ok: 2 rows, 0 sealed, 2 unsealed']);

    const client = await admin.connect();
    try {
      await client.query('set session_replication_role = replica');
      await client.query(`update audit_log set action = 'tenant.delete' where audit_id = $1`, [tamperedId]);
    } finally {
      await client.query('reset session_replication_role');
      client.release();
    }

    // The real binary, for the exit code and the output stream.
    const all = await qm(['audit', 'verify']);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(new RegExp(`^Broken Co: BROKEN at audit row ${tamperedId}: .*changed`, 'm'));
    expect(all.stdout).toContain('Intact Co: ok: 4 rows, 4 sealed\n');

    const one: string[] = [];
    expect(await verifyTenants(db, 'intact co', (line) => one.push(line))).toBe(true);
    expect(one).toEqual(['Intact Co: ok: 4 rows, 4 sealed']);
  });

  it('refuses an unknown tenant name with exit code 1', async () => {
    const missing = await qm(['audit', 'verify', '--tenant', 'Nobody Inc']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/TENANT_NOT_FOUND/);
  });
});
