/** Allocation policies and backorder release over HTTP, on the database. */
import { describe, expect, it } from 'vitest';
import { bearer, createTestKey } from '../../../test/support/tenants.ts';
import { addItem, balanceOf } from './sales.fixtures.ts';
import {
  adjust,
  admin,
  app,
  auth,
  confirmOk,
  createOk,
  customer,
  east,
  events,
  get,
  main,
  nut,
  priceListId,
  tenant,
  testDb,
  useSalesApi,
  washer,
  west,
} from './sales-api.fixtures.ts';

useSalesApi();

describe('allocation policies (tables of cases, on the database)', () => {
  // Stock: BOLT 4 in MAIN (the default), 10 in EAST, 3 in WEST. A fresh item per case keeps cases independent.
  it.each([
    { name: 'partial allowed, remainder backordered, split allowed: takes what it can in preference order, backorders the rest', policy: { allowPartialShipment: true, remainderPolicy: 'backorder', allowSplitWarehouses: true }, qty: '20', reserved: { MAIN: '4', EAST: '10', WEST: '3' }, backordered: '3', cancelled: '0', status: 'partially_allocated' },
    { name: 'partial allowed, remainder cancelled: cancels what it cannot reserve', policy: { allowPartialShipment: true, remainderPolicy: 'cancel', allowSplitWarehouses: true }, qty: '20', reserved: { MAIN: '4', EAST: '10', WEST: '3' }, backordered: '0', cancelled: '3', status: 'allocated' },
    { name: 'partial refused (ship complete), remainder backordered: reserves nothing and backorders it all', policy: { allowPartialShipment: false, remainderPolicy: 'backorder', allowSplitWarehouses: true }, qty: '20', reserved: {}, backordered: '20', cancelled: '0', status: 'backordered' },
    { name: 'partial refused, remainder cancelled: fill or kill cancels the order', policy: { allowPartialShipment: false, remainderPolicy: 'cancel', allowSplitWarehouses: true }, qty: '20', reserved: {}, backordered: '0', cancelled: '20', status: 'cancelled' },
    { name: 'split refused: ships from the one warehouse that can fill it, not the default', policy: { allowPartialShipment: true, remainderPolicy: 'backorder', allowSplitWarehouses: false }, qty: '8', reserved: { EAST: '8' }, backordered: '0', cancelled: '0', status: 'allocated' },
    { name: 'split refused and nobody can fill: the warehouse that reserves most, the rest backordered', policy: { allowPartialShipment: true, remainderPolicy: 'backorder', allowSplitWarehouses: false }, qty: '12', reserved: { EAST: '10' }, backordered: '2', cancelled: '0', status: 'partially_allocated' },
    { name: 'split allowed but the default can fill: all from the default', policy: { allowPartialShipment: true, remainderPolicy: 'backorder', allowSplitWarehouses: true }, qty: '4', reserved: { MAIN: '4' }, backordered: '0', cancelled: '0', status: 'allocated' },
    { name: 'ship complete across warehouses when split is allowed and together they can fill it', policy: { allowPartialShipment: false, remainderPolicy: 'backorder', allowSplitWarehouses: true }, qty: '17', reserved: { MAIN: '4', EAST: '10', WEST: '3' }, backordered: '0', cancelled: '0', status: 'allocated' },
  ] as const)('$name', async ({ policy, qty, reserved, backordered, cancelled, status }) => {
    const item = await addItem(admin(), tenant.tenantId, priceListId, { sku: `P-${Math.random().toString(36).slice(2, 10)}`, priceEa: '1.00' });
    await adjust(item.itemId, main, '4');
    await adjust(item.itemId, east, '10');
    await adjust(item.itemId, west, '3');
    const c = await customer({ ...policy });
    const order = await createOk(c, [{ itemId: item.itemId, qty }]);
    const confirmed = await confirmOk(order.orderId);
    const names: Record<string, string> = { [main]: 'MAIN', [east]: 'EAST', [west]: 'WEST' };
    expect(Object.fromEntries(confirmed.lines[0].reservations.map((r: { warehouseId: string; qty: string }) => [names[r.warehouseId], r.qty]))).toEqual(reserved);
    expect(confirmed.lines[0]).toMatchObject({ qtyBackordered: backordered, qtyCancelled: cancelled });
    expect(confirmed.status).toBe(status);
    for (const [warehouseId, name] of Object.entries(names)) {
      expect((await balanceOf(admin(), tenant.tenantId, item.itemId, warehouseId)).reserved).toBe((reserved as Record<string, string>)[name] ?? '0');
    }
  });

  it('prefers the ship-to\'s default warehouse over the customer\'s', async () => {
    const item = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'SHIPTO-PREF', priceEa: '1.00' });
    await adjust(item.itemId, main, '5');
    await adjust(item.itemId, west, '5');
    const c = await customer({ shipToWarehouseId: west });
    const order = await createOk(c, [{ itemId: item.itemId, qty: '2' }]);
    expect((await confirmOk(order.orderId)).lines[0].reservations).toEqual([{ warehouseId: west, qty: '2' }]);
  });
});

describe('backorders released when stock arrives', () => {
  it('allocates backorders oldest order first through POST /v1/stock-adjustments, in the same transaction', async () => {
    const item = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'BO-1', priceEa: '1.00' });
    const c1 = await customer();
    const c2 = await customer();
    const older = await createOk(c1, [{ itemId: item.itemId, qty: '5' }]);
    const younger = await createOk(c2, [{ itemId: item.itemId, qty: '5' }]);
    // Confirm the younger first: age is the order, not the confirmation.
    expect((await confirmOk(younger.orderId)).status).toBe('backordered');
    expect((await confirmOk(older.orderId)).status).toBe('backordered');

    const arrival = await adjust(item.itemId, east, '7');
    expect(arrival.backordersReleased).toEqual([
      { orderId: older.orderId, lineId: older.lines[0].lineId, qty: '5' },
      { orderId: younger.orderId, lineId: younger.lines[0].lineId, qty: '2' },
    ]);
    expect((await get(older.orderId)).json()).toMatchObject({ status: 'allocated' });
    const y = (await get(younger.orderId)).json();
    expect(y.status).toBe('partially_allocated');
    expect(y.lines[0]).toMatchObject({ qtyAllocated: '2', qtyBackordered: '3' });
    expect((await balanceOf(admin(), tenant.tenantId, item.itemId, east)).reserved).toBe('7');
    expect(await events(older.orderId)).toContain('backorder.released');

    // A second arrival tops up the partially allocated order: it keeps what it held and gains the rest.
    const topUp = await adjust(item.itemId, main, '3');
    expect(topUp.backordersReleased).toEqual([{ orderId: younger.orderId, lineId: younger.lines[0].lineId, qty: '3' }]);
    const full = (await get(younger.orderId)).json();
    expect(full.status).toBe('allocated');
    expect(full.lines[0]).toMatchObject({ qtyAllocated: '5', qtyBackordered: '0' });
    expect(full.lines[0].reservations).toEqual(expect.arrayContaining([{ warehouseId: east, qty: '2' }, { warehouseId: main, qty: '3' }]));

    // Stock taken out is never taken from reservations.
    const takeOut = await app.inject({ method: 'POST', url: '/v1/stock-adjustments', headers: auth(), payload: { itemId: item.itemId, warehouseId: east, qty: '-1', reason: 'damaged' } });
    expect(takeOut.statusCode).toBe(409);
  });

  it('gives a ship-complete backorder nothing until the whole order can be filled', async () => {
    const item = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'BO-SC', priceEa: '1.00' });
    const c = await customer({ allowPartialShipment: false });
    const order = await createOk(c, [{ itemId: item.itemId, qty: '5' }, { sku: 'WASHER-M8', qty: '1' }]);
    await adjust(washer.itemId, main, '1');
    expect((await confirmOk(order.orderId)).status).toBe('backordered');
    expect((await adjust(item.itemId, main, '4')).backordersReleased).toEqual([]);
    const released = await adjust(item.itemId, main, '1');
    expect(released.backordersReleased.map((r: { qty: string }) => r.qty).sort()).toEqual(['1', '5']);
    expect((await get(order.orderId)).json().status).toBe('allocated');
  });

  it('needs inventory:adjust for a stock adjustment', async () => {
    const key = await createTestKey(testDb().db, tenant.tenantId, ['sales:write']);
    const response = await app.inject({ method: 'POST', url: '/v1/stock-adjustments', headers: bearer(key), payload: { itemId: nut.itemId, warehouseId: main, qty: '1', unitCost: '1', reason: 'x' } });
    expect(response.statusCode).toBe(403);
  });
});

