import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestKey, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { buildApp } from '../../app.ts';
import { fixedClock } from '../../platform/context.ts';
import {
  addCustomer,
  addCustomerPartNumber,
  addItem,
  addOpenItem,
  addWarehouse,
  balanceOf,
  seedTaxAndPriceList,
  writtenCounts,
  type CustomerFixture,
  type CustomerOptions,
  type ItemFixture,
} from './sales.fixtures.ts';

const testDb = useTestDatabase();
const clock = fixedClock('2026-12-03T17:00:00Z');
const TODAY = '2026-12-03';
let app: FastifyInstance;
let tenant: TestTenant;
let priceListId: string;
let main: string;
let east: string;
let west: string;
let bolt: ItemFixture;
let nut: ItemFixture;
let washer: ItemFixture;

const admin = () => testDb().admin;
const auth = () => bearer(tenant.adminKey);

beforeAll(async () => {
  app = await buildApp({ db: testDb().db, clock });
  tenant = await createTestTenant(testDb().db);
  ({ priceListId } = await seedTaxAndPriceList(admin(), tenant.tenantId));
  main = await addWarehouse(admin(), tenant.tenantId, 'MAIN', 10);
  east = await addWarehouse(admin(), tenant.tenantId, 'EAST', 20);
  west = await addWarehouse(admin(), tenant.tenantId, 'WEST', 30);
  bolt = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'BOLT-M8', priceEa: '1.25', gtin: '4006381333931' });
  nut = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'NUT-M8', priceEa: '0.10' });
  washer = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'WASHER-M8', priceEa: '0.05' });
});
afterAll(async () => {
  await app?.close();
});

async function customer(options: CustomerOptions = {}): Promise<CustomerFixture> {
  return addCustomer(admin(), tenant.tenantId, { defaultWarehouseId: main, ...options });
}

async function adjust(itemId: string, warehouseId: string, qty: string, key = tenant.adminKey) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/stock-adjustments',
    headers: bearer(key),
    payload: { itemId, warehouseId, qty, ...(Number(qty) > 0 ? { unitCost: '0.50' } : {}), reason: 'test stock' },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function create(c: CustomerFixture, lines: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  return app.inject({ method: 'POST', url: '/v1/sales-orders', headers: auth(), payload: { customerId: c.customerId, shipToId: c.shipToId, lines, ...extra } });
}

async function createOk(c: CustomerFixture, lines: Array<Record<string, unknown>>) {
  const response = await create(c, lines);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function act(orderId: string, action: 'confirm' | 'allocate' | 'cancel' | 'release-hold', key = tenant.adminKey) {
  return app.inject({ method: 'POST', url: `/v1/sales-orders/${orderId}/${action}`, headers: bearer(key), payload: {} });
}

async function confirmOk(orderId: string) {
  const response = await act(orderId, 'confirm');
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function get(orderId: string) {
  const response = await app.inject({ method: 'GET', url: `/v1/sales-orders/${orderId}`, headers: auth() });
  expect(response.statusCode, response.body).toBe(200);
  return response;
}

async function revise(orderId: string, revision: number | undefined, body: Record<string, unknown>) {
  return app.inject({
    method: 'POST',
    url: `/v1/sales-orders/${orderId}/revisions`,
    headers: { ...auth(), ...(revision !== undefined ? { 'if-match': `"${revision}"` } : {}) },
    payload: body,
  });
}

async function events(orderId: string): Promise<string[]> {
  const { rows } = await admin().query(`select event_type from outbox_events where aggregate_id = $1 order by event_id`, [orderId]);
  return rows.map((row) => row.event_type);
}

async function audits(orderId: string): Promise<Array<{ action: string; actor_id: string; changes: Record<string, { old: unknown; new: unknown }> }>> {
  const { rows } = await admin().query(`select action, actor_id, changes from audit_log where entity_id = $1 order by audit_id`, [orderId]);
  return rows;
}

describe('creating an order', () => {
  it('resolves items by sku, gtin, id and customer part number, converts units, prices and taxes each line, and totals the lines as shown', async () => {
    const c = await customer();
    await addCustomerPartNumber(admin(), tenant.tenantId, c.customerId, 'ACME-991', washer.itemId);
    const response = await create(c, [
      { sku: 'BOLT-M8', unit: 'CA', qty: '2' },
      { gtin: bolt.gtin, qty: '3' },
      { itemId: nut.itemId, qty: '7' },
      { customerPartNumber: 'ACME-991', qty: '11' },
    ], { customerPo: 'PO-4471' });
    expect(response.statusCode, response.body).toBe(201);
    const order = response.json();
    expect(response.headers.etag).toBe('"1"');
    expect(order).toMatchObject({ status: 'draft', creditStatus: 'unchecked', customerPo: 'PO-4471', orderDate: TODAY, currency: 'USD', revision: 1 });
    expect(order.orderNumber).toMatch(/^SO-\d{6,}$/);
    expect(order.lines.map((l: { itemId: string; unit: string; qty: string; qtyBase: string }) => [l.itemId, l.unit, l.qty, l.qtyBase])).toEqual([
      [bolt.itemId, 'CA', '2', '24'],
      [bolt.itemId, 'EA', '3', '3'],
      [nut.itemId, 'EA', '7', '7'],
      [washer.itemId, 'EA', '11', '11'],
    ]);
    expect(order.lines[3].customerPartNumber).toBe('ACME-991');
    // 2 CA × 15.00 = 30.00; 3 × 1.25 = 3.75; 7 × 0.10 = 0.70; 11 × 0.05 = 0.55; tax 7.25 % per line, half-up.
    expect(order.lines.map((l: { lineAmountMinor: number }) => l.lineAmountMinor)).toEqual([3000, 375, 70, 55]);
    expect(order.lines.map((l: { taxMinor: number }) => l.taxMinor)).toEqual([218, 27, 5, 4]);
    expect(order.subtotalMinor).toBe(3500);
    expect(order.taxMinor).toBe(254);
    expect(order.totalMinor).toBe(3754);
    expect(order.lines[0].priceRule).toBe('base_list');
    expect(order.lines[0].priceExplanation.winner.rule).toBe('base_list');
    expect(Array.isArray(order.lines[0].priceExplanation.candidates)).toBe(true);

    const fetched = await get(order.orderId);
    expect(fetched.headers.etag).toBe('"1"');
    expect(fetched.json().lines[0].priceExplanation).toEqual(order.lines[0].priceExplanation);
    expect(await events(order.orderId)).toEqual(['sales_order.created']);
    expect((await audits(order.orderId)).map((a) => a.action)).toEqual(['sales_order.create']);
  });

  it('replays an idempotent create instead of creating a second order', async () => {
    const c = await customer();
    const send = () =>
      app.inject({ method: 'POST', url: '/v1/sales-orders', headers: { ...auth(), 'idempotency-key': `k-${c.customerId}` }, payload: { customerId: c.customerId, shipToId: c.shipToId, lines: [{ sku: 'NUT-M8', qty: '1' }] } });
    const first = await send();
    const second = await send();
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().orderId).toBe(first.json().orderId);
    const { rows } = await admin().query('select count(*)::int as n from sales_orders where customer_id = $1', [c.customerId]);
    expect(rows[0].n).toBe(1);
  });

  it.each([
    { name: 'an unknown SKU', body: (c: CustomerFixture) => ({ customerId: c.customerId, shipToId: c.shipToId, lines: [{ sku: 'NOPE-1', qty: '1' }] }), status: 422, code: 'ORDER_ITEM_NOT_FOUND' },
    { name: 'a zero quantity', body: (c: CustomerFixture) => ({ customerId: c.customerId, shipToId: c.shipToId, lines: [{ sku: 'NUT-M8', qty: '0' }] }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'a negative quantity', body: (c: CustomerFixture) => ({ customerId: c.customerId, shipToId: c.shipToId, lines: [{ sku: 'NUT-M8', qty: '-2' }] }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'a quantity as a float', body: (c: CustomerFixture) => ({ customerId: c.customerId, shipToId: c.shipToId, lines: [{ sku: 'NUT-M8', qty: 1.5 }] }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'a unit without conversion', body: (c: CustomerFixture) => ({ customerId: c.customerId, shipToId: c.shipToId, lines: [{ sku: 'NUT-M8', unit: 'PL', qty: '1' }] }), status: 422, code: 'UNIT_NOT_CONVERTIBLE' },
    { name: 'a missing ship-to', body: (c: CustomerFixture) => ({ customerId: c.customerId, shipToId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45', lines: [{ sku: 'NUT-M8', qty: '1' }] }), status: 422, code: 'SHIP_TO_INVALID' },
    { name: 'no ship-to at all', body: (c: CustomerFixture) => ({ customerId: c.customerId, lines: [{ sku: 'NUT-M8', qty: '1' }] }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'a foreign currency', body: (c: CustomerFixture) => ({ customerId: c.customerId, shipToId: c.shipToId, currency: 'EUR', lines: [{ sku: 'NUT-M8', qty: '1' }] }), status: 422, code: 'CURRENCY_NOT_SUPPORTED' },
    { name: 'a line naming its item twice', body: (c: CustomerFixture) => ({ customerId: c.customerId, shipToId: c.shipToId, lines: [{ sku: 'NUT-M8', itemId: nut.itemId, qty: '1' }] }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'a later bad line after good ones', body: (c: CustomerFixture) => ({ customerId: c.customerId, shipToId: c.shipToId, lines: [{ sku: 'NUT-M8', qty: '1' }, { sku: 'NOPE-2', qty: '1' }] }), status: 422, code: 'ORDER_ITEM_NOT_FOUND' },
  ])('refuses $name with $status $code and writes nothing', async ({ body, status, code }) => {
    const c = await customer();
    const before = await writtenCounts(admin(), tenant.tenantId);
    const response = await app.inject({ method: 'POST', url: '/v1/sales-orders', headers: auth(), payload: body(c) });
    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().code).toBe(code);
    expect(await writtenCounts(admin(), tenant.tenantId)).toEqual(before);
  });

  it('lists orders filtered by status, customer and date range', async () => {
    const c = await customer();
    const a = await createOk(c, [{ sku: 'NUT-M8', qty: '1' }]);
    const b = await createOk(c, [{ sku: 'NUT-M8', qty: '1' }]);
    await act(b.orderId, 'cancel');
    const list = async (query: string) =>
      (await app.inject({ method: 'GET', url: `/v1/sales-orders?${query}`, headers: auth() })).json().data.map((o: { orderId: string }) => o.orderId);
    expect(await list(`customerId=${c.customerId}`)).toEqual([a.orderId, b.orderId]);
    expect(await list(`customerId=${c.customerId}&status=cancelled`)).toEqual([b.orderId]);
    expect(await list(`customerId=${c.customerId}&orderDateFrom=${TODAY}&orderDateTo=${TODAY}`)).toEqual([a.orderId, b.orderId]);
    expect(await list(`customerId=${c.customerId}&orderDateFrom=2026-12-04`)).toEqual([]);
    const paged = await app.inject({ method: 'GET', url: `/v1/sales-orders?customerId=${c.customerId}&limit=1`, headers: auth() });
    expect(paged.json().data).toHaveLength(1);
    expect(paged.json().nextCursor).not.toBeNull();
  });
});

describe('confirming: the credit check', () => {
  it('confirms and allocates an order inside the limit, lowering ATP at commit', async () => {
    const c = await customer({ creditLimitMinor: 10_000 });
    await adjust(nut.itemId, main, '100');
    const before = await balanceOf(admin(), tenant.tenantId, nut.itemId, main);
    const order = await createOk(c, [{ sku: 'NUT-M8', qty: '10' }]);
    const confirmed = await confirmOk(order.orderId);
    expect(confirmed).toMatchObject({ status: 'allocated', creditStatus: 'approved', holdReasons: [] });
    expect(confirmed.lines[0]).toMatchObject({ qtyAllocated: '10', qtyBackordered: '0', reservations: [{ warehouseId: main, qty: '10' }] });
    const after = await balanceOf(admin(), tenant.tenantId, nut.itemId, main);
    expect(Number(after.reserved) - Number(before.reserved)).toBe(10);
    expect(await events(order.orderId)).toEqual(['sales_order.created', 'sales_order.confirmed', 'sales_order.allocated']);
  });

  // Tables of cases: credit holds. Order total of 10 NUT-M8 = 1.00 + 0.07 tax = 107.
  it.each([
    { name: 'holds an order over the limit', limit: 100, openItems: [], tolerance: 0, status: 'on_hold', reasons: ['credit_limit_exceeded'] },
    { name: 'passes an order exactly at the limit', limit: 107, openItems: [], tolerance: 0, status: 'allocated', reasons: [] },
    { name: 'counts open receivables against the limit', limit: 1_000, openItems: [{ openMinor: 900, dueDate: '2026-12-31' }], tolerance: 0, status: 'on_hold', reasons: ['credit_limit_exceeded'] },
    { name: 'holds when an open item is past due beyond the tolerance', limit: 100_000, openItems: [{ openMinor: 50, dueDate: '2026-11-20' }], tolerance: 10, status: 'on_hold', reasons: ['past_due'] },
    { name: 'passes when the open item is past due within the tolerance', limit: 100_000, openItems: [{ openMinor: 50, dueDate: '2026-11-25' }], tolerance: 10, status: 'allocated', reasons: [] },
    { name: 'holds for both reasons at once', limit: 100, openItems: [{ openMinor: 50, dueDate: '2026-10-01' }], tolerance: 10, status: 'on_hold', reasons: ['credit_limit_exceeded', 'past_due'] },
  ])('$name', async ({ limit, openItems, tolerance, status, reasons }) => {
    const c = await customer({ creditLimitMinor: limit, pastDueToleranceDays: tolerance });
    for (const item of openItems) await addOpenItem(admin(), tenant.tenantId, { customerId: c.customerId, openMinor: item.openMinor, documentDate: '2026-09-01', dueDate: item.dueDate });
    await adjust(nut.itemId, main, '10');
    const order = await createOk(c, [{ sku: 'NUT-M8', qty: '10' }]);
    expect(order.totalMinor).toBe(107);
    const confirmed = await confirmOk(order.orderId);
    expect(confirmed.status).toBe(status);
    expect(confirmed.holdReasons).toEqual(reasons);
    if (status === 'on_hold') {
      expect(confirmed.creditStatus).toBe('held');
      expect(confirmed.lines[0].qtyAllocated).toBe('0');
      expect(confirmed.lines[0].reservations).toEqual([]);
      expect(await events(order.orderId)).toContain('sales_order.held');
    }
  });

  it('counts the customer\'s other confirmed orders in exposure', async () => {
    const c = await customer({ creditLimitMinor: 200 });
    await adjust(nut.itemId, main, '20');
    const first = await createOk(c, [{ sku: 'NUT-M8', qty: '10' }]);
    const second = await createOk(c, [{ sku: 'NUT-M8', qty: '10' }]);
    expect((await confirmOk(first.orderId)).status).toBe('allocated');
    expect((await confirmOk(second.orderId)).status).toBe('on_hold');
    // A cancelled order no longer counts: the held one would now pass a re-check.
    await act(first.orderId, 'cancel');
    const revised = await revise(second.orderId, 1, { lines: [{ lineId: second.lines[0].lineId, qty: '10' }] });
    expect(revised.json().status).toBe('allocated');
  });

  it('refuses to confirm a cancelled order, or one confirmed already, and writes nothing', async () => {
    const c = await customer();
    const order = await createOk(c, [{ sku: 'NUT-M8', qty: '1' }]);
    expect((await act(order.orderId, 'cancel')).statusCode).toBe(200);
    const before = await writtenCounts(admin(), tenant.tenantId);
    const refused = await act(order.orderId, 'confirm');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('SALES_ORDER_NOT_CONFIRMABLE');
    expect(await writtenCounts(admin(), tenant.tenantId)).toEqual(before);

    const other = await createOk(c, [{ sku: 'NUT-M8', qty: '1' }]);
    await adjust(nut.itemId, main, '1');
    await confirmOk(other.orderId);
    expect((await act(other.orderId, 'confirm')).json().code).toBe('SALES_ORDER_NOT_CONFIRMABLE');
  });

  it('answers 404 for an order of another tenant', async () => {
    const c = await customer();
    const order = await createOk(c, [{ sku: 'NUT-M8', qty: '1' }]);
    const stranger = await createTestTenant(testDb().db);
    const response = await app.inject({ method: 'GET', url: `/v1/sales-orders/${order.orderId}`, headers: bearer(stranger.adminKey) });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('SALES_ORDER_NOT_FOUND');
  });
});

describe('releasing a credit hold', () => {
  it('needs sales:release_hold, is audited with who released it, and then allocates', async () => {
    const c = await customer({ creditLimitMinor: 0 });
    await adjust(washer.itemId, main, '5');
    const order = await createOk(c, [{ sku: 'WASHER-M8', qty: '5' }]);
    expect((await confirmOk(order.orderId)).status).toBe('on_hold');

    const clerk = await createTestKey(testDb().db, tenant.tenantId, ['sales:write', 'sales:read']);
    const denied = await act(order.orderId, 'release-hold', clerk);
    expect(denied.statusCode).toBe(403);

    const manager = await createTestKey(testDb().db, tenant.tenantId, ['sales:release_hold']);
    const released = await app.inject({ method: 'POST', url: `/v1/sales-orders/${order.orderId}/release-hold`, headers: bearer(manager), payload: { note: 'paid by wire' } });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({ status: 'allocated', creditStatus: 'released', holdReasons: [] });
    const release = (await audits(order.orderId)).find((a) => a.action === 'sales_order.release_credit_hold')!;
    expect(release.changes.status).toEqual({ old: 'on_hold', new: 'allocated' });
    expect(release.changes.releaseNote).toEqual({ old: null, new: 'paid by wire' });

    const again = await act(order.orderId, 'release-hold');
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('SALES_ORDER_NOT_ON_HOLD');
  });
});

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

describe('revisions', () => {
  it('needs If-Match: 428 without it, 412 when stale, and nothing is written', async () => {
    const c = await customer();
    const order = await createOk(c, [{ sku: 'NUT-M8', qty: '1' }]);
    const before = await writtenCounts(admin(), tenant.tenantId);
    const missing = await revise(order.orderId, undefined, { lines: [{ lineId: order.lines[0].lineId, qty: '2' }] });
    expect(missing.statusCode).toBe(428);
    const stale = await revise(order.orderId, 7, { lines: [{ lineId: order.lines[0].lineId, qty: '2' }] });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('PRECONDITION_FAILED');
    expect(await writtenCounts(admin(), tenant.tenantId)).toEqual(before);
    expect((await get(order.orderId)).json().lines[0].qty).toBe('1');
  });

  it('re-prices the changed line, keeps the unchanged one, re-allocates the difference and bumps the revision', async () => {
    const item = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'REV-1', priceEa: '2.00' });
    await adjust(item.itemId, main, '10');
    await adjust(nut.itemId, main, '5');
    const c = await customer();
    const order = await createOk(c, [{ itemId: item.itemId, qty: '4' }, { sku: 'NUT-M8', qty: '5' }]);
    await confirmOk(order.orderId);
    // The base price rises between confirmation and revision: only the changed line takes it.
    await admin().query(`update price_list_entries set unit_price = 3 where item_id = $1 and unit = 'EA'`, [item.itemId]);
    await admin().query(`update price_list_entries set unit_price = 0.2 where item_id = $1 and unit = 'EA'`, [nut.itemId]);
    const response = await revise(order.orderId, 1, { lines: [{ lineId: order.lines[0].lineId, qty: '7' }, { lineId: order.lines[1].lineId, qty: '5' }] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers.etag).toBe('"2"');
    const revised = response.json();
    expect(revised.revision).toBe(2);
    expect(revised.lines[0]).toMatchObject({ qty: '7', unitPrice: '3', lineAmountMinor: 2100, qtyAllocated: '7' });
    expect(revised.lines[1]).toMatchObject({ qty: '5', unitPrice: '0.1', lineAmountMinor: 50, qtyAllocated: '5' });
    expect(revised.subtotalMinor).toBe(2150);
    expect((await balanceOf(admin(), tenant.tenantId, item.itemId, main)).reserved).toBe('7');
    const revision = (await audits(order.orderId)).find((a) => a.action === 'sales_order.revise')!;
    expect(revision.changes.totalMinor!.old).toBe(order.totalMinor);
    expect(await events(order.orderId)).toContain('sales_order.revised');
    await admin().query(`update price_list_entries set unit_price = 0.1 where item_id = $1 and unit = 'EA'`, [nut.itemId]);
  });

  it('puts the order back on hold and releases its stock when a revision pushes exposure over the limit', async () => {
    const c = await customer({ creditLimitMinor: 500 });
    await adjust(washer.itemId, main, '100');
    const order = await createOk(c, [{ sku: 'WASHER-M8', qty: '10' }]);
    expect((await confirmOk(order.orderId)).status).toBe('allocated');
    const reservedBefore = Number((await balanceOf(admin(), tenant.tenantId, washer.itemId, main)).reserved);
    const response = await revise(order.orderId, 1, { lines: [{ lineId: order.lines[0].lineId, qty: '100' }] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'on_hold', creditStatus: 'held', holdReasons: ['credit_limit_exceeded'] });
    expect(response.json().lines[0].reservations).toEqual([]);
    expect(Number((await balanceOf(admin(), tenant.tenantId, washer.itemId, main)).reserved)).toBe(reservedBefore - 10);
  });

  it('adds new lines and cancels lines left out, which stop counting in the total', async () => {
    const c = await customer();
    await adjust(bolt.itemId, main, '10');
    const order = await createOk(c, [{ sku: 'BOLT-M8', qty: '2' }, { sku: 'NUT-M8', qty: '3' }]);
    const response = await revise(order.orderId, 1, { lines: [{ lineId: order.lines[0].lineId, qty: '2' }, { sku: 'WASHER-M8', qty: '20' }] });
    expect(response.statusCode, response.body).toBe(200);
    const revised = response.json();
    expect(revised.lines.map((l: { lineNumber: number; qty: string; qtyCancelled: string; lineAmountMinor: number }) => [l.lineNumber, l.qty, l.qtyCancelled, l.lineAmountMinor])).toEqual([
      [1, '2', '0', 250],
      [2, '3', '3', 0],
      [3, '20', '0', 100],
    ]);
    expect(revised.subtotalMinor).toBe(350);
    expect(revised.status).toBe('draft');
  });

  it('refuses an unknown line id with 422 and writes nothing', async () => {
    const c = await customer();
    const order = await createOk(c, [{ sku: 'NUT-M8', qty: '1' }]);
    const before = await writtenCounts(admin(), tenant.tenantId);
    const response = await revise(order.orderId, 1, { lines: [{ lineId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c46', qty: '1' }] });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('SALES_ORDER_LINE_NOT_FOUND');
    expect(await writtenCounts(admin(), tenant.tenantId)).toEqual(before);
  });
});

describe('cancelling', () => {
  it('releases the reservations and makes the stock available again', async () => {
    const item = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'CXL-1', priceEa: '1.00' });
    await adjust(item.itemId, main, '6');
    const c = await customer();
    const order = await createOk(c, [{ itemId: item.itemId, qty: '6' }]);
    await confirmOk(order.orderId);
    expect((await balanceOf(admin(), tenant.tenantId, item.itemId, main)).reserved).toBe('6');
    const cancelled = await act(order.orderId, 'cancel');
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect(cancelled.json().lines[0]).toMatchObject({ qtyAllocated: '0', qtyCancelled: '6', reservations: [] });
    expect((await balanceOf(admin(), tenant.tenantId, item.itemId, main)).reserved).toBe('0');
    expect(await events(order.orderId)).toContain('sales_order.cancelled');
    // Cancelling twice changes nothing.
    expect((await act(order.orderId, 'cancel')).statusCode).toBe(200);
  });

  it('hands the stock it frees to other orders\' backorders, oldest first, in the same transaction', async () => {
    const item = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'CXL-BO', priceEa: '1.00' });
    await adjust(item.itemId, main, '6');
    const holder = await createOk(await customer(), [{ itemId: item.itemId, qty: '6' }]);
    const waitingOld = await createOk(await customer(), [{ itemId: item.itemId, qty: '4' }]);
    const waitingNew = await createOk(await customer(), [{ itemId: item.itemId, qty: '4' }]);
    await confirmOk(holder.orderId);
    expect((await confirmOk(waitingNew.orderId)).status).toBe('backordered');
    expect((await confirmOk(waitingOld.orderId)).status).toBe('backordered');
    expect((await act(holder.orderId, 'cancel')).statusCode).toBe(200);
    expect((await get(waitingOld.orderId)).json()).toMatchObject({ status: 'allocated' });
    expect((await get(waitingNew.orderId)).json().lines[0]).toMatchObject({ qtyAllocated: '2', qtyBackordered: '2' });
    expect(await events(waitingOld.orderId)).toContain('backorder.released');
    expect((await balanceOf(admin(), tenant.tenantId, item.itemId, main)).reserved).toBe('6');
  });

  it('refuses to cancel a shipped order with SALES_ORDER_NOT_CANCELLABLE', async () => {
    const c = await customer();
    const order = await createOk(c, [{ sku: 'NUT-M8', qty: '1' }]);
    await admin().query(`update sales_orders set status = 'shipped' where order_id = $1`, [order.orderId]);
    const response = await act(order.orderId, 'cancel');
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('SALES_ORDER_NOT_CANCELLABLE');
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

describe('OpenAPI', () => {
  it('publishes the sales routes and the stock-adjustment route with their schemas', async () => {
    const document = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/sales-orders',
        '/v1/sales-orders/{orderId}',
        '/v1/sales-orders/{orderId}/revisions',
        '/v1/sales-orders/{orderId}/confirm',
        '/v1/sales-orders/{orderId}/release-hold',
        '/v1/sales-orders/{orderId}/allocate',
        '/v1/sales-orders/{orderId}/cancel',
        '/v1/stock-adjustments',
      ]),
    );
    expect(document.components.schemas).toHaveProperty('SalesOrder');
    expect(document.paths['/v1/sales-orders/{orderId}/release-hold'].post['x-permission']).toBe('sales:release_hold');
  });
});
