import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant } from '../../../test/support/tenants.ts';
import type { Tx } from '../../platform/db/index.ts';
import { isAppError } from '../../platform/errors.ts';
import { moveStockBetweenBins } from './bin-moves.service.ts';
import { createFixtureItem, createFixtureWarehouse, inventoryContext } from './inventory.fixtures.ts';
import { adjustStock } from './stock-movements.service.ts';
import { verifyInventory } from './verify-inventory.service.ts';

/** Moving stock between bins of one warehouse: the bins change, the warehouse's position and value do not. */
const testDb = useTestDatabase();
let tenantId: string;
let itemId: string;
let warehouseId: string;
let binIds: Record<string, string>;

const inTenant = <T>(fn: (tx: Tx) => Promise<T>) => testDb().db.withTenant({ tenantId }, fn);

beforeAll(async () => {
  tenantId = (await createTestTenant(testDb().db)).tenantId;
  itemId = await createFixtureItem(testDb().db, tenantId);
  ({ warehouseId, binIds } = await createFixtureWarehouse(testDb().db, tenantId, { bins: [{ code: 'A-1' }, { code: 'B-1' }] }));
  await inTenant((tx) => adjustStock(tx, inventoryContext(tenantId), { itemId, warehouseId, binId: binIds['A-1'], qty: '5', unitCost: '1.46', reason: 'test' }));
});

async function binQty(code: string): Promise<string> {
  const { rows } = await testDb().admin.query(`select coalesce(sum(on_hand), 0)::text as qty from bin_balances where tenant_id = $1 and bin_id = $2`, [tenantId, binIds[code]]);
  return rows[0].qty;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('moveStockBetweenBins', () => {
  it('moves the quantity between the bins, leaving the warehouse balance and the ledger identities intact', async () => {
    await inTenant((tx) => moveStockBetweenBins(tx, inventoryContext(tenantId), { itemId, warehouseId, fromBinId: binIds['A-1']!, toBinId: binIds['B-1']!, qty: '2', referenceType: 'test', referenceId: 'move' }));
    expect(Number(await binQty('A-1'))).toBe(3);
    expect(Number(await binQty('B-1'))).toBe(2);
    expect(await inTenant((tx) => verifyInventory(tx, inventoryContext(tenantId)))).toEqual([]);
  });

  it.each([['0'], ['0.000000'], ['-1']])('refuses qty %s with VALIDATION_FAILED and writes nothing', async (qty) => {
    const movements = async () => Number((await testDb().admin.query(`select count(*) from stock_movements where tenant_id = $1`, [tenantId])).rows[0].count);
    const before = await movements();
    expect(await codeOf(inTenant((tx) => moveStockBetweenBins(tx, inventoryContext(tenantId), { itemId, warehouseId, fromBinId: binIds['A-1']!, toBinId: binIds['B-1']!, qty, referenceType: 'test', referenceId: 'zero' })))).toBe('VALIDATION_FAILED');
    expect(await movements()).toBe(before);
  });

  it('refuses more than the source bin holds with BIN_STOCK_SHORT', async () => {
    expect(await codeOf(inTenant((tx) => moveStockBetweenBins(tx, inventoryContext(tenantId), { itemId, warehouseId, fromBinId: binIds['B-1']!, toBinId: binIds['A-1']!, qty: '9', referenceType: 'test', referenceId: 'short' })))).toBe('BIN_STOCK_SHORT');
  });
});
