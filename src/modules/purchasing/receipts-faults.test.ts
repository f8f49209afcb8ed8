/**
 * Fault injection inside a receipt: after EACH write of the transaction the test
 * hook throws, and nothing of the receipt may persist — no stock, no GRNI entry,
 * no receipt, PO line or status change, no backorder released, no putaway task,
 * event or audit row — and the books still agree. Then the same receipt posts cleanly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyBooks } from '../reporting/index.ts';
import { RECEIPT_STEPS, receiptFaults } from './receipts.service.ts';
import { app, auth, bin, customer, inTenant, item, receive, receivingState, sentPo, supplier, useWarehouseApi, warehouse } from './purchasing.fixtures.ts';

useWarehouseApi();

afterEach(() => {
  receiptFaults.afterStep = () => {};
});

async function booksAgree() {
  const result = await inTenant((tx, ctx) => verifyBooks(tx, ctx));
  expect(result.identities.filter((identity) => !identity.ok)).toEqual([]);
}

describe('a failure after any write of a receipt leaves nothing behind', () => {
  it('rolls back every step; then the receipt posts and releases the backorder', async () => {
    const w = await warehouse();
    await bin(w, 'RCV', 1, 'receiving');
    await bin(w, 'A-01', 2, 'storage');
    const s = await supplier();
    const a = await item();
    const c = await customer(w);
    const created = await app.inject({ method: 'POST', url: '/v1/sales-orders', headers: auth(), payload: { customerId: c.customerId, shipToId: c.shipToId, lines: [{ itemId: a.itemId, qty: '2' }] } });
    const confirmed = await app.inject({ method: 'POST', url: `/v1/sales-orders/${created.json().orderId}/confirm`, headers: auth(), payload: {} });
    expect(confirmed.json().status).toBe('backordered');
    const po = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '5', unitCost: '1.10' }] });
    const before = await receivingState();

    const reached: string[] = [];
    for (const step of RECEIPT_STEPS) {
      receiptFaults.afterStep = (name) => {
        if (name === step) {
          reached.push(name);
          throw new Error(`injected fault after ${name}`);
        }
      };
      const response = await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '5' }] });
      expect(response.statusCode, `${step}: ${response.body}`).toBe(500);
      expect(response.body).not.toContain('injected');
      expect(await receivingState(), step).toEqual(before);
      await booksAgree();
    }
    // Every step was really reached (a renamed step would otherwise pass silently).
    expect(reached).toEqual([...RECEIPT_STEPS]);

    receiptFaults.afterStep = () => {};
    const response = await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '5' }] });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ poStatus: 'received', totalMinor: 550, backordersReleased: [{ orderId: created.json().orderId, qty: '2' }] });
    await booksAgree();
  });
});
