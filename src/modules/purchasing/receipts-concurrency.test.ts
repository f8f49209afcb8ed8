/**
 * Receipts on the real PostgreSQL server, in parallel: each request runs in its own
 * transaction on its own pooled connection, so they really race for the PO header,
 * the order headers and the stock balance (DESIGN §2a).
 */
import { describe, expect, it } from 'vitest';
import { verifyBooks } from '../reporting/index.ts';
import { admin, app, auth, bin, binQty, customer, inTenant, item, onHand, receive, sentPo, supplier, tenant, useWarehouseApi, warehouse } from './purchasing.fixtures.ts';

useWarehouseApi();

async function booksAgree() {
  const result = await inTenant((tx, ctx) => verifyBooks(tx, ctx));
  expect(result.identities.filter((identity) => !identity.ok)).toEqual([]);
}

describe('concurrent receipts', () => {
  it('5 parallel receipts of +1 into one bin raise on-hand by exactly 5', async () => {
    const w = await warehouse();
    const rcv = await bin(w, 'RCV', 1, 'receiving');
    const s = await supplier();
    const a = await item();
    // Two POs, so the receipts race both on one PO header and across headers on the balance.
    const one = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '3', unitCost: '2' }] });
    const two = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '2', unitCost: '2' }] });
    const responses = await Promise.all(
      [one, one, one, two, two].map((po) => receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '1' }] })),
    );
    expect(responses.map((response) => response.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(await onHand(a.itemId, w)).toBe('5');
    expect(await binQty(a.itemId, rcv)).toBe('5');
    const { rows } = await admin().query(`select status, (select sum(qty_received)::text from purchase_order_lines l where l.tenant_id = p.tenant_id and l.po_id = p.po_id) as received from purchase_orders p where tenant_id = $1 and po_id in ($2, $3) order by po_number`, [tenant.tenantId, one.purchaseOrderId, two.purchaseOrderId]);
    expect(rows).toEqual([{ status: 'received', received: '3.000000' }, { status: 'received', received: '2.000000' }]);
    // A sixth unit is over-receipt on either PO, however it races.
    expect((await receive({ purchaseOrderId: one.purchaseOrderId, lines: [{ scan: a.sku, qty: '1' }] })).json().code).toBe('OVER_RECEIPT_REFUSED');
    await booksAgree();
  });

  it('receipts racing order confirmations on one SKU release each backorder exactly once, oldest first, with no oversell and no 40P01/40001', async () => {
    const w = await warehouse();
    await bin(w, 'RCV', 1, 'receiving');
    const s = await supplier();
    const a = await item();
    const c = await customer(w);
    const createOrder = async () => {
      const created = await app.inject({ method: 'POST', url: '/v1/sales-orders', headers: auth(), payload: { customerId: c.customerId, shipToId: c.shipToId, lines: [{ itemId: a.itemId, qty: '2' }] } });
      expect(created.statusCode, created.body).toBe(201);
      return created.json().orderId as string;
    };
    const confirm = (orderId: string) => app.inject({ method: 'POST', url: `/v1/sales-orders/${orderId}/confirm`, headers: auth(), payload: {} });
    // Six orders backordered first (oldest first by order date, then id), then six more confirmed while eight receipts of 2 arrive.
    const waiting: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = await createOrder();
      expect((await confirm(id)).json().status).toBe('backordered');
      waiting.push(id);
    }
    const racing: string[] = [];
    for (let i = 0; i < 6; i++) racing.push(await createOrder());
    const pos = [];
    for (let i = 0; i < 8; i++) pos.push(await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '2', unitCost: '1' }] }));

    const results = await Promise.all([
      ...pos.map((po) => receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '2' }] })),
      ...racing.map((id) => confirm(id)),
    ]);
    for (const result of results) {
      expect([200, 201], result.body).toContain(result.statusCode);
      expect(result.body).not.toMatch(/40P01|40001|deadlock|serializ/i);
    }
    const receipts = results.slice(0, pos.length).map((result) => result.json());
    const released = receipts.flatMap((receipt) => receipt.backordersReleased as Array<{ orderId: string; qty: string }>);
    // Each backorder released at most once, never more than it waited for.
    const perOrder = new Map<string, number>();
    for (const entry of released) perOrder.set(entry.orderId, (perOrder.get(entry.orderId) ?? 0) + Number(entry.qty));
    for (const qty of perOrder.values()) expect(qty).toBeLessThanOrEqual(2);

    const { rows } = await admin().query(
      `select o.order_id, o.order_date, sum(l.qty_allocated)::float8 as allocated, sum(l.qty_backordered)::float8 as backordered
         from sales_orders o join sales_order_lines l on l.tenant_id = o.tenant_id and l.order_id = o.order_id
        where o.tenant_id = $1 and l.item_id = $2 group by o.order_id, o.order_date order by o.order_date, o.order_id`,
      [tenant.tenantId, a.itemId],
    );
    const allocated = rows.reduce((total: number, row: { allocated: number }) => total + row.allocated, 0);
    // 16 units arrived for 24 wanted: exactly 16 allocated, none oversold.
    expect(allocated).toBe(16);
    const balance = (await admin().query(`select on_hand::float8 as on_hand, reserved::float8 as reserved from stock_balances where tenant_id = $1 and item_id = $2 and warehouse_id = $3`, [tenant.tenantId, a.itemId, w])).rows[0];
    expect(balance).toEqual({ on_hand: 16, reserved: 16 });
    // The six that waited were served oldest first: no older waiting order is short while a newer waiting one got stock.
    const waitingRows = rows.filter((row: { order_id: string }) => waiting.includes(row.order_id));
    const served = waitingRows.map((row: { allocated: number }) => row.allocated);
    for (let i = 1; i < served.length; i++) if (served[i]! > 0) expect(served[i - 1]).toBe(2);
    await booksAgree();
  });
});
