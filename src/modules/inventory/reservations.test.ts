import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant } from '../../../test/support/tenants.ts';
import type { OperationContext } from '../../platform/context.ts';
import { availableToPromise } from './atp.service.ts';
import { createFixtureItem, createFixtureOrder, createFixtureWarehouse, inventoryContext } from './inventory.fixtures.ts';
import { releaseReservations, reserveStock } from './reservations.service.ts';
import { lockStockBalances } from './stock-balances.service.ts';
import { adjustStock } from './stock-movements.service.ts';
import { verifyInventory } from './verify-inventory.service.ts';
import { listAllocationWarehouses } from './warehouses.service.ts';

const testDb = useTestDatabase();
let tenantId: string;
let ctx: OperationContext;

beforeAll(async () => {
  tenantId = (await createTestTenant(testDb().db)).tenantId;
  ctx = inventoryContext(tenantId);
});


async function stock(itemId: string, warehouseId: string, qty: string) {
  await testDb().db.withTenant(ctx, (tx) => adjustStock(tx, ctx, { itemId, warehouseId, qty, unitCost: '2', reason: 'count' }));
}

async function reserve(itemId: string, warehouseId: string, orderId: string, lineId: string, qty: string) {
  return testDb().db.withTenant(ctx, async (tx) => {
    await lockStockBalances(tx, ctx, [{ itemId, warehouseId }]);
    return reserveStock(tx, ctx, { itemId, warehouseId, orderId, lineId, qty });
  });
}

describe('reservations and available-to-promise', () => {
  it('reserves up to what is available and refuses beyond it with INSUFFICIENT_STOCK, writing nothing', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId } = await createFixtureWarehouse(testDb().db, tenantId);
    await stock(itemId, warehouseId, '10');
    const order = await createFixtureOrder(testDb().db, tenantId, [itemId]);
    await reserve(itemId, warehouseId, order.orderId, order.lineIds[0]!, '7');
    await expect(reserve(itemId, warehouseId, order.orderId, order.lineIds[0]!, '3.000001')).rejects.toMatchObject({
      code: 'INSUFFICIENT_STOCK',
      message: expect.stringContaining('3 available'),
    });
    const { rows } = await testDb().admin.query('select count(*)::int as n from reservations where order_id = $1', [order.orderId]);
    expect(rows[0].n).toBe(1);
    await reserve(itemId, warehouseId, order.orderId, order.lineIds[0]!, '3');
    const atp = await testDb().db.withTenant(ctx, (tx) => availableToPromise(tx, ctx, itemId));
    expect(atp.warehouses.find((w) => w.warehouseId === warehouseId)).toMatchObject({ onHand: '10', reserved: '10', available: '0' });
  });

  it('refuses a reservation where the item was never stocked', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId } = await createFixtureWarehouse(testDb().db, tenantId);
    const order = await createFixtureOrder(testDb().db, tenantId, [itemId]);
    await expect(reserve(itemId, warehouseId, order.orderId, order.lineIds[0]!, '1')).rejects.toMatchObject({ code: 'INSUFFICIENT_STOCK' });
  });

  it('releases an order line or a whole order, restoring ATP, and never releases twice', async () => {
    const [itemA, itemB] = [await createFixtureItem(testDb().db, tenantId), await createFixtureItem(testDb().db, tenantId)];
    const { warehouseId: w1 } = await createFixtureWarehouse(testDb().db, tenantId);
    const { warehouseId: w2 } = await createFixtureWarehouse(testDb().db, tenantId);
    await stock(itemA, w1, '5');
    await stock(itemA, w2, '5');
    await stock(itemB, w1, '5');
    const order = await createFixtureOrder(testDb().db, tenantId, [itemA, itemB]);
    const [lineA, lineB] = order.lineIds as [string, string];
    await reserve(itemA, w1, order.orderId, lineA, '4');
    await reserve(itemA, w2, order.orderId, lineA, '2');
    await reserve(itemB, w1, order.orderId, lineB, '1.5');

    const atpA = () => testDb().db.withTenant(ctx, (tx) => availableToPromise(tx, ctx, itemA));
    expect((await atpA()).total).toEqual({ onHand: '10', reserved: '6', available: '4' });

    const releasedB = await testDb().db.withTenant(ctx, (tx) => releaseReservations(tx, ctx, { orderId: order.orderId, lineId: lineB }));
    expect(releasedB).toEqual([{ itemId: itemB, warehouseId: w1, qty: '1.5' }]);
    expect((await atpA()).total.reserved).toBe('6');

    const released = await testDb().db.withTenant(ctx, (tx) => releaseReservations(tx, ctx, { orderId: order.orderId }));
    expect(released).toHaveLength(2);
    expect(Object.fromEntries(released.map((entry) => [entry.warehouseId, entry.qty]))).toEqual({ [w1]: '4', [w2]: '2' });
    expect((await atpA()).total).toEqual({ onHand: '10', reserved: '0', available: '10' });
    const atpB = await testDb().db.withTenant(ctx, (tx) => availableToPromise(tx, ctx, itemB));
    expect(atpB.total).toEqual({ onHand: '5', reserved: '0', available: '5' });

    expect(await testDb().db.withTenant(ctx, (tx) => releaseReservations(tx, ctx, { orderId: order.orderId }))).toEqual([]);
    const { rows } = await testDb().admin.query(`select status, count(*)::int as n from reservations where order_id = $1 group by status`, [order.orderId]);
    expect(rows).toEqual([{ status: 'released', n: 3 }]);
    await testDb().db.withTenant(ctx, async (tx) => expect(await verifyInventory(tx, ctx)).toEqual([]));
  });
});

describe('ATP and allocation order', () => {
  it('lists every active warehouse in allocation order with per-warehouse and total positions', async () => {
    const tenant = await createTestTenant(testDb().db);
    const tctx = inventoryContext(tenant.tenantId);
    const itemId = await createFixtureItem(testDb().db, tenant.tenantId);
    const east = await createFixtureWarehouse(testDb().db, tenant.tenantId, { code: 'EAST', allocationPriority: 20 });
    const west = await createFixtureWarehouse(testDb().db, tenant.tenantId, { code: 'WEST', allocationPriority: 10 });
    const north = await createFixtureWarehouse(testDb().db, tenant.tenantId, { code: 'NORTH', allocationPriority: 20 });
    await testDb().db.withTenant(tctx, (tx) => adjustStock(tx, tctx, { itemId, warehouseId: east.warehouseId, qty: '8', unitCost: '1', reason: 'count' }));
    await testDb().db.withTenant(tctx, (tx) => adjustStock(tx, tctx, { itemId, warehouseId: west.warehouseId, qty: '2.25', unitCost: '1', reason: 'count' }));

    const order = await listAllocationWarehouses_(tenant.tenantId);
    expect(order.map((w) => w.code)).toEqual(['WEST', 'EAST', 'NORTH']);

    const atp = await testDb().db.withTenant(tctx, (tx) => availableToPromise(tx, tctx, itemId));
    expect(atp).toEqual({
      itemId,
      warehouses: [
        { warehouseId: west.warehouseId, code: 'WEST', onHand: '2.25', reserved: '0', available: '2.25' },
        { warehouseId: east.warehouseId, code: 'EAST', onHand: '8', reserved: '0', available: '8' },
        { warehouseId: north.warehouseId, code: 'NORTH', onHand: '0', reserved: '0', available: '0' },
      ],
      total: { onHand: '10.25', reserved: '0', available: '10.25' },
    });
    await expect(testDb().db.withTenant(tctx, (tx) => availableToPromise(tx, tctx, crypto.randomUUID()))).rejects.toMatchObject({ code: 'ITEM_NOT_FOUND' });
  });
});

function listAllocationWarehouses_(tid: string) {
  const tctx = inventoryContext(tid);
  return testDb().db.withTenant(tctx, (tx) => listAllocationWarehouses(tx, tctx));
}
