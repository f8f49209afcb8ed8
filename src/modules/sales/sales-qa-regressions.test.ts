import { describe, expect, it } from 'vitest';
import { adjust, app, auth, bolt, customer, main, testDb, useSalesApi } from './sales-api.fixtures.ts';

/** Defects found by QA on the order desk, each pinned by a test. */
useSalesApi();

async function createOrder(body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/sales-orders', headers: auth(), payload: body });
}

describe('order desk regressions', () => {
  it('answers an absurdly large quantity with a 4xx problem (never a 500) and writes nothing', async () => {
    const buyer = await customer({ creditLimitMinor: 1_000_000 });
    const before = await testDb().admin.query('select count(*)::int as n from sales_orders');
    const response = await createOrder({ customerId: buyer.customerId, shipToId: buyer.shipToId, lines: [{ sku: 'BOLT-M8', unit: 'CA', qty: '999999999999' }] });
    // Either the quantity in stocking units overflows numeric(18,6) or the amount passes 2^53 minor units.
    expect([400, 422]).toContain(response.statusCode);
    expect(['VALIDATION_FAILED', 'AMOUNT_OUT_OF_RANGE']).toContain(response.json().code);
    const after = await testDb().admin.query('select count(*)::int as n from sales_orders');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('refuses quantities that are not plain positive decimals', async () => {
    const buyer = await customer({ creditLimitMinor: 1_000_000 });
    for (const qty of [' 2', '1e3', '-1', '1.1234567', 'abc']) {
      const response = await createOrder({ customerId: buyer.customerId, shipToId: buyer.shipToId, lines: [{ sku: 'BOLT-M8', qty }] });
      expect(response.statusCode, qty).toBe(400);
    }
  });

  it('refuses to change the item of an existing line in a revision', async () => {
    const buyer = await customer({ creditLimitMinor: 1_000_000 });
    await adjust(bolt.itemId, main, '100');
    const created = await createOrder({ customerId: buyer.customerId, shipToId: buyer.shipToId, lines: [{ sku: 'BOLT-M8', qty: '2' }] });
    expect(created.statusCode).toBe(201);
    const order = created.json();
    const revised = await app.inject({
      method: 'POST',
      url: `/v1/sales-orders/${order.orderId}/revisions`,
      headers: { ...auth(), 'if-match': created.headers.etag as string },
      payload: { lines: [{ lineId: order.lines[0].lineId, sku: 'NUT-M8', qty: '1' }] },
    });
    expect(revised.statusCode).toBe(400);
    expect(revised.json().errors[0].field).toContain('sku');
  });

  it('accepts an action POST sent with a JSON content type and no body', async () => {
    const buyer = await customer({ creditLimitMinor: 1_000_000 });
    const created = await createOrder({ customerId: buyer.customerId, shipToId: buyer.shipToId, lines: [{ sku: 'BOLT-M8', qty: '1' }] });
    const confirmed = await app.inject({ method: 'POST', url: `/v1/sales-orders/${created.json().orderId}/confirm`, headers: { ...auth(), 'content-type': 'application/json' } });
    expect(confirmed.statusCode).toBe(200);
  });

  it('treats a weak ETag as not matching', async () => {
    const buyer = await customer({ creditLimitMinor: 1_000_000 });
    const created = await createOrder({ customerId: buyer.customerId, shipToId: buyer.shipToId, lines: [{ sku: 'BOLT-M8', qty: '1' }] });
    const order = created.json();
    const revised = await app.inject({
      method: 'POST',
      url: `/v1/sales-orders/${order.orderId}/revisions`,
      headers: { ...auth(), 'if-match': `W/${created.headers.etag as string}` },
      payload: { lines: [{ lineId: order.lines[0].lineId, qty: '2' }] },
    });
    expect(revised.statusCode).toBe(412);
  });

  it('refuses a SKU that differs from an existing one only by case', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/items', headers: auth(), payload: { sku: 'bolt-m8', description: 'duplicate', stockingUnit: 'EA' } });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('SKU_TAKEN');
  });
});

describe('stock given back by a revision', () => {
  it('goes to another order\'s backorder in the same transaction', async () => {
    const { nut } = await import('./sales-api.fixtures.ts');
    const first = await customer({ creditLimitMinor: 10_000_000 });
    const second = await customer({ creditLimitMinor: 10_000_000 });
    await adjust(nut.itemId, main, '10');
    const a = await createOrder({ customerId: first.customerId, shipToId: first.shipToId, lines: [{ sku: 'NUT-M8', qty: '10' }] });
    await app.inject({ method: 'POST', url: `/v1/sales-orders/${a.json().orderId}/confirm`, headers: auth() });
    const b = await createOrder({ customerId: second.customerId, shipToId: second.shipToId, lines: [{ sku: 'NUT-M8', qty: '5' }] });
    const confirmedB = await app.inject({ method: 'POST', url: `/v1/sales-orders/${b.json().orderId}/confirm`, headers: auth() });
    expect(confirmedB.json().status).toBe('backordered');

    const current = await app.inject({ method: 'GET', url: `/v1/sales-orders/${a.json().orderId}`, headers: auth() });
    const revised = await app.inject({
      method: 'POST',
      url: `/v1/sales-orders/${a.json().orderId}/revisions`,
      headers: { ...auth(), 'if-match': current.headers.etag as string },
      payload: { lines: [{ lineId: current.json().lines[0].lineId, qty: '4' }] },
    });
    expect(revised.statusCode).toBe(200);
    const afterB = await app.inject({ method: 'GET', url: `/v1/sales-orders/${b.json().orderId}`, headers: auth() });
    expect(afterB.json().status).toBe('allocated');
    expect(afterB.json().lines[0].qtyAllocated).toBe('5');
  });
});
