/** Sales orders over HTTP: capture, credit, holds, revisions, cancellation, bad input. */
import { describe, expect, it } from 'vitest';
import { bearer, createTestKey, createTestTenant } from '../../../test/support/tenants.ts';
import { addCustomerPartNumber, addItem, addOpenItem, balanceOf, writtenCounts, type CustomerFixture } from './sales.fixtures.ts';
import {
  act,
  adjust,
  admin,
  app,
  audits,
  auth,
  bolt,
  confirmOk,
  create,
  createOk,
  customer,
  events,
  get,
  main,
  nut,
  priceListId,
  revise,
  tenant,
  testDb,
  TODAY,
  useSalesApi,
  washer,
} from './sales-api.fixtures.ts';

useSalesApi();

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
