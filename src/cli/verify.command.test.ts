import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import { createTestTenant } from '../../test/support/tenants.ts';
import { DEMO_TENANT, seedDemo } from '../modules/demo/index.ts';
import { insertStrayInventoryEntry } from '../modules/reporting/reporting.fixtures.ts';
import { fixedClock } from '../platform/context.ts';
import { verifyBooksOfTenants } from './verify.command.ts';

const testDb = useTestDatabase();
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the real `qm` binary against this file's test database. */
function qm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: testDb().adminUrl, QM_APP_PASSWORD: inject('qmDatabase').appPassword, LOG_LEVEL: 'warn' };
  delete env.DATABASE_APP_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/qm.js', ...args], { cwd: repoRoot, env, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('qm verify', () => {
  it('finds the books of a freshly seeded demo tenant in agreement, exit 0', async () => {
    await seedDemo(testDb().db, { clock: fixedClock('2026-04-15T17:00:00Z') });
    const lines: string[] = [];
    expect(await verifyBooksOfTenants(testDb().db, undefined, (line) => lines.push(line))).toBe(true);
    expect(lines[0]).toBe(`${DEMO_TENANT.name}: ok`);
    // The demo has opening stock and opening receivables: the identities compare real figures.
    const inventory = lines.find((line) => line.includes('GL inventory balance'))!;
    const [, stockValue, glValue] = /stock ledger value ([\d,]+\.\d\d) USD, GL inventory (-?[\d,]+\.\d\d) USD/.exec(inventory)!;
    expect(Number(stockValue!.replaceAll(',', ''))).toBeGreaterThan(0);
    expect(glValue).toBe(stockValue);
    expect(lines.find((line) => line.includes('GL accounts receivable'))).toMatch(/open items ([\d,]+\.\d\d USD), GL accounts receivable \1$/);
    // GRNI nets what posted supplier invoices cleared; AP is the payables subledger against the GL (both money lines).
    expect(lines.find((line) => line.includes('GL GRNI'))).toMatch(/^ {2}ok {3}Σ value received − Σ GRNI cleared by posted supplier invoices = GL GRNI \(credit\) balance: received not invoiced ([\d,]+\.\d\d USD), GL GRNI \1$/);
    expect(lines.find((line) => line.includes('GL accounts payable'))).toMatch(/^ {2}ok {3}Σ payable open items = GL accounts payable \(credit\) balance: open supplier items ([\d,]+\.\d\d USD), GL accounts payable \1$/);

    const run = await qm(['verify']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${DEMO_TENANT.name}: ok\n`);
  }, 120_000);

  it('exits 1 and prints both figures when the ledger moves inventory without a movement', async () => {
    const broken = await createTestTenant(testDb().db, { name: 'Broken Books Co' });
    await insertStrayInventoryEntry(testDb().admin, broken.tenantId, 4321);

    const all = await qm(['verify']);
    expect(all.code).toBe(1);
    expect(all.stdout).toContain('Broken Books Co: DIFFERENCES\n');
    expect(all.stdout).toMatch(/DIFF Σ stock movement values = GL inventory balance: stock ledger value 0\.00 USD, GL inventory 43\.21 USD/);
    expect(all.stdout).toContain(`${DEMO_TENANT.name}: ok\n`);

    const demoOnly = await qm(['verify', '--tenant', DEMO_TENANT.name]);
    expect(demoOnly.code).toBe(0);
    expect(demoOnly.stdout).not.toContain('Broken Books Co');
    const missing = await qm(['verify', '--tenant', 'Nobody Inc']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/TENANT_NOT_FOUND/);
  }, 120_000);
});
