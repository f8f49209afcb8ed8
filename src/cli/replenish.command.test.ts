import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import { createTestTenant, type TestTenant } from '../../test/support/tenants.ts';
import { newId } from '../platform/ids.ts';
import { addItem, addWarehouse, seedTaxAndPriceList } from '../modules/sales/sales.fixtures.ts';
import { costText } from './replenish.command.ts';

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

let tenant: TestTenant;
const sku = { short: 'RPL-SHORT-1', nosup: 'RPL-NOSUP-1', fine: 'RPL-FINE-1' };

beforeAll(async () => {
  const admin = testDb().admin;
  tenant = await createTestTenant(testDb().db, { name: 'Replenish Co' });
  const { priceListId } = await seedTaxAndPriceList(admin, tenant.tenantId);
  const dal = await addWarehouse(admin, tenant.tenantId, 'DAL', 10);
  const supplierId = newId();
  await admin.query(`insert into suppliers (tenant_id, supplier_id, code, name, currency) values ($1, $2, 'ACME', 'Acme', 'USD')`, [tenant.tenantId, supplierId]);
  const short = await addItem(admin, tenant.tenantId, priceListId, { sku: sku.short, priceEa: '2.00' });
  const nosup = await addItem(admin, tenant.tenantId, priceListId, { sku: sku.nosup, priceEa: '2.00' });
  const fine = await addItem(admin, tenant.tenantId, priceListId, { sku: sku.fine, priceEa: '2.00' });
  await admin.query(
    `insert into supplier_items (tenant_id, supplier_id, item_id, supplier_part_number, cost, lead_time_days, min_order_qty, pack_size, created_at)
     values ($1, $2, $3, 'AC-1', 39.2, 4, 30, 12, now())`,
    [tenant.tenantId, supplierId, short.itemId],
  );
  const setting = `insert into item_warehouse_settings (tenant_id, item_id, warehouse_id, method, min_qty, max_qty, reorder_point, reorder_qty, created_at, updated_at, updated_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, now(), now(), 'test')`;
  // Position 0: min/max 5/20 → 20 → MOQ 30 → packs of 12 → 36.
  await admin.query(setting, [tenant.tenantId, short.itemId, dal, 'min_max', '5', '20', null, null]);
  await admin.query(setting, [tenant.tenantId, nosup.itemId, dal, 'reorder_point', null, null, '0', '10']);
  // Reorder point 0 with a position of 0 needs supply; min 0 with position 0 does not.
  await admin.query(setting, [tenant.tenantId, fine.itemId, dal, 'min_max', '0', '10', null, null]);
});

describe('qm replenish', () => {
  it('prints unit costs with at least 2 decimals and never rounds them', () => {
    expect(['39.2', '1', '1.25', '1.4275', '0.000001'].map(costText)).toEqual(['39.20', '1.00', '1.25', '1.4275', '0.000001']);
  });

  it('prints the suggestions as a table and as JSON, defaulting to the only tenant', async () => {
    const table = await qm(['replenish', '--warehouse', 'dal']);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('Replenish Co: 2 replenishment suggestions');
    expect(table.stdout).toMatch(new RegExp(`DAL\\s+${sku.short}\\s+min_max\\s+0\\s+0\\s+0\\s+0\\s+0\\s+36\\s+ACME\\s+39\\.20\\s+\\d{4}-\\d{2}-\\d{2}\\s+BELOW_MIN`));
    expect(table.stdout).toMatch(new RegExp(`DAL\\s+${sku.nosup}\\s+reorder_point\\s+.*\\s10\\s+-\\s+-\\s+-\\s+NO_SUPPLIER`));
    expect(table.stdout).not.toContain(sku.fine);

    const json = await qm(['replenish', '--tenant', 'replenish co', '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.suggestions.map((row: { sku: string; suggestedQty: string }) => [row.sku, row.suggestedQty])).toEqual([
      [sku.nosup, '10'],
      [sku.short, '36'],
    ]);
  }, 120_000);

  it('--create makes the draft purchase order once and prints its number', async () => {
    const created = await qm(['replenish', '--tenant', tenant.tenantId, '--create']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/created 1 draft purchase order:\n {2}PO-\d+ {2}ACME {2}1 line {2}total 1,411\.20 USD\n/);
    const { rows } = await testDb().admin.query(`select status, created_by from purchase_orders where tenant_id = $1`, [tenant.tenantId]);
    expect(rows).toEqual([{ status: 'draft', created_by: 'system:qm-replenish' }]);
    const again = await qm(['replenish', '--create', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).purchaseOrders).toEqual([]);
    expect((await testDb().admin.query(`select count(*)::int as n from purchase_orders where tenant_id = $1`, [tenant.tenantId])).rows[0].n).toBe(1);
  }, 120_000);

  it('exits 2 with a clear message on bad arguments', async () => {
    const warehouse = await qm(['replenish', '--warehouse', 'NOPE']);
    expect(warehouse.code).toBe(2);
    expect(warehouse.stderr).toMatch(/WAREHOUSE_NOT_FOUND: tenant "Replenish Co" has no active warehouse NOPE/);
    const unknownTenant = await qm(['replenish', '--tenant', 'Nobody Inc']);
    expect(unknownTenant.code).toBe(2);
    expect(unknownTenant.stderr).toMatch(/TENANT_NOT_FOUND/);
    const option = await qm(['replenish', '--bogus']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown option/);
    await createTestTenant(testDb().db, { name: 'Second Co' });
    const ambiguous = await qm(['replenish']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/several tenants: name one with --tenant/);
  }, 120_000);
});
