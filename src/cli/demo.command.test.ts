import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import { DEMO_TENANT } from '../modules/demo/index.ts';

const testDb = useTestDatabase();
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** A master key for the run: `qm demo` seals one supplier's bank details, and a DATABASE_URL server has no key file. */
const masterKey = randomBytes(32).toString('base64');

/** Runs the real `qm` binary against this file's test database. */
function qm(args: string[], options: { masterKey?: boolean } = { masterKey: true }): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: testDb().adminUrl, QM_APP_PASSWORD: inject('qmDatabase').appPassword, LOG_LEVEL: 'warn' };
  delete env.DATABASE_APP_URL;
  if (options.masterKey) env.QM_MASTER_KEY = masterKey;
  else delete env.QM_MASTER_KEY;
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/qm.js', ...args], { cwd: repoRoot, env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('qm demo', () => {
  it('seeds the demo tenant on an empty database, runs the flow, prints the trail and verify, exit 0; --quiet prints the summary only', async () => {
    const run = await qm(['demo']);
    expect(run.stderr).toContain('seeding the demo tenant');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`qm demo on "${DEMO_TENANT.name}" (seeded for this run)`);
    expect(run.stdout).toMatch(/hold released \(sales:release_hold, audited\) → released/);
    expect(run.stdout).toMatch(/SHORT \d+ →/);
    expect(run.stdout).toMatch(/SSCC \d{18}/);
    expect(run.stdout).toMatch(/payment +PAY-\S+ check [\d,]+\.\d\d \(partial\)/);
    expect(run.stdout).toContain('qm verify: ok');
    expect(run.stdout).not.toContain('DIFF');
    // Procure to pay: the creator refused above the threshold, verify before and after the receipt, the backorders released.
    expect(run.stdout).toMatch(/purchase order PO-\d+ to V-\S+ .* status sent/);
    expect(run.stdout).toMatch(/the creator's approval refused \(403 PO_APPROVER_IS_CREATOR\), approved by the second actor api_key:/);
    expect(run.stdout).toContain('qm verify before the receipt: ok');
    expect(run.stdout).toContain('qm verify after the receipt: ok');
    expect(run.stdout).toMatch(/scan +\S+ +\(supplier part number\)/);
    expect(run.stdout).toMatch(/scan +\d{12,14} +\(GTIN\)/);
    expect(run.stdout).toMatch(/receipt +RCV-\d+ \(scan at receiving, PO-\d+\) → backorder released/);
    expect(run.stdout).toMatch(/supplier bank details +V-BRIGHTWAY: .*6789.* entered now/);
    // Supplier invoices matched three ways: one posted with a variance and paid, one held beyond the tolerance.
    expect(run.stdout).toMatch(/SINV-\d+ \(supplier's DEMO-PO-\d+-A\) for PO-\d+ line \d+: .* posted +price variance \d+\.\d\d/);
    expect(run.stdout).toMatch(/supplier_invoice +SINV-\d+ +5100 Purchase price variance/);
    expect(run.stdout).toMatch(/paid +SPAY-\d+ [\d,]+\.\d\d/);
    expect(run.stdout).toMatch(/SINV-\d+ \(supplier's DEMO-PO-\d+-B\) .* held — PRICE_VARIANCE_ABOVE_TOLERANCE/);
    const released = [...run.stdout.matchAll(/^ +(SO-\d+) +\S+ +allocated (\d+)/gm)].map((match) => match[1]);
    expect(released.length).toBeGreaterThanOrEqual(2);
    // Through the database: the released orders shipped and invoiced, both run keys revoked.
    const { rows } = await testDb().admin.query(
      `select o.status, (select count(*)::int from invoices i where i.tenant_id = o.tenant_id and i.order_id = o.order_id) as invoices from sales_orders o where o.order_number = any($1::text[])`,
      [released],
    );
    expect(rows.length).toBe(new Set(released).size);
    for (const row of rows) expect([row.status, row.invoices > 0]).toEqual(['shipped', true]);
    const keys = await testDb().admin.query(`select count(*)::int as n, count(revoked_at)::int as revoked from api_keys where name like 'qm demo %'`);
    expect(keys.rows[0]).toEqual({ n: 2, revoked: 2 });

    // Without a master key (a DATABASE_URL server that has none) the demo still runs; it neither enters nor shows bank details.
    const quiet = await qm(['demo', '--quiet'], { masterKey: false });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/Procure to pay: PO-\d+ \S+.*released SO-\d+ × \d+.*qm verify before the receipt ok — the books agree, after ok — the books agree; supplier invoices SINV-\d+ posted, SINV-\d+ held/);
    expect(quiet.stdout).not.toContain('seeded for this run');
    expect(quiet.stdout).not.toContain('pick path');
    expect(quiet.stdout).toContain('Summary');
    expect(quiet.stdout).toContain('qm verify: ok');
  }, 360_000);
});
