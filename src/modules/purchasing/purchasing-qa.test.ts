/**
 * QA regressions of receiving (issue #6 QA pass): one `it` per defect found by trying to break
 * POST /v1/receipts over HTTP. Each refusal is a 4xx problem with a stable code and writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { bearer } from '../../../test/support/tenants.ts';
import { admin, app, bin, binQty, confirm, createPo, customer, item, nextTask, order, post, receive, receivingState, sentPo, supplier, tenant, useWarehouseApi, waveOk, warehouse } from './purchasing.fixtures.ts';

useWarehouseApi();

async function sentPoWithItem() {
  const w = await warehouse();
  await bin(w, 'RCV', 1, 'receiving');
  const s = await supplier();
  const a = await item();
  const po = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '5', unitCost: '2' }] });
  return { w, s, a, po };
}

async function expectRefusedNothingWritten(body: Record<string, unknown>, status: number, code: string) {
  const before = await receivingState();
  const response = await receive(body);
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json().code).toBe(code);
  expect(response.body).not.toMatch(/\bat .*\.ts:\d+/);
  expect(await receivingState()).toEqual(before);
}

describe('receiving QA regressions', () => {
  it('refuses a receipt whose purchaseOrderId and poNumber name different orders (the id used to win silently)', async () => {
    const { w, s, a, po } = await sentPoWithItem();
    const other = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '5', unitCost: '2' }] });
    await expectRefusedNothingWritten({ purchaseOrderId: po.purchaseOrderId, poNumber: other.poNumber, lines: [{ scan: a.sku, qty: '1' }] }, 422, 'PURCHASE_ORDER_REFERENCE_MISMATCH');
    // Both naming the same order (any case) is fine.
    const ok = await receive({ purchaseOrderId: po.purchaseOrderId, poNumber: po.poNumber.toLowerCase(), lines: [{ scan: a.sku, qty: '1' }] });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().poNumber).toBe(po.poNumber);
  });

  it('refuses a receipt into a packing bin, where received goods would be hidden from picking', async () => {
    const { w, a, po } = await sentPoWithItem();
    const packing = await bin(w, 'PACK-Q', 99, 'packing');
    await expectRefusedNothingWritten({ purchaseOrderId: po.purchaseOrderId, binId: packing, lines: [{ scan: a.sku, qty: '1' }] }, 422, 'RECEIPT_BIN_INVALID');
    const { rows } = await admin().query(`select count(*)::int as n from bin_balances where tenant_id = $1 and bin_id = $2`, [tenant.tenantId, packing]);
    expect(rows[0].n).toBe(0);
  });

  it('makes no putaway task for goods received straight into a storage bin (it could only be confirmed by moving them away)', async () => {
    const { w, a, po } = await sentPoWithItem();
    const storage = await bin(w, 'S-Q1', 5, 'storage');
    const response = await receive({ purchaseOrderId: po.purchaseOrderId, binId: storage, lines: [{ scan: a.sku, qty: '2' }] });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().putawayTaskIds).toEqual([]);
    const tasks = await admin().query(`select count(*)::int as n from putaway_tasks where tenant_id = $1 and receipt_id = $2`, [tenant.tenantId, response.json().receiptId]);
    expect(tasks.rows[0].n).toBe(0);
    const held = await admin().query(`select on_hand::int as q from bin_balances where tenant_id = $1 and bin_id = $2 and item_id = $3`, [tenant.tenantId, storage, a.itemId]);
    expect(held.rows[0].q).toBe(2);
    // Into the receiving bin (the default) the task is still made.
    const rest = await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '3' }] });
    expect(rest.statusCode, rest.body).toBe(201);
    expect(rest.json().putawayTaskIds).toHaveLength(1);
  });

  it('refuses a purchase order or revision for a deactivated item (its scan would be refused at receiving)', async () => {
    const { w, s, a } = await sentPoWithItem();
    const gone = await item();
    await admin().query(`update items set active = false where tenant_id = $1 and item_id = $2`, [tenant.tenantId, gone.itemId]);
    const state = async () => (await admin().query(
      `select (select count(*)::int from purchase_orders where tenant_id = $1) as pos, (select count(*)::int from purchase_order_lines where tenant_id = $1) as lines,
              (select string_agg(po_id || ':' || revision || ':' || status, ',' order by po_id) from purchase_orders where tenant_id = $1) as revisions,
              (select count(*)::int from audit_log where tenant_id = $1) as audits, (select count(*)::int from outbox_events where tenant_id = $1) as events`,
      [tenant.tenantId],
    )).rows[0];
    const draft = await createPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '5', unitCost: '2' }] });
    const before = await state();
    const created = await post('/v1/purchase-orders', { supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '1', unitCost: '2' }, { itemId: gone.itemId, qty: '5', unitCost: '2' }] });
    expect(created.statusCode, created.body).toBe(422);
    expect(created.json().code).toBe('ITEM_INACTIVE');
    const revised = await app.inject({
      method: 'POST', url: `/v1/purchase-orders/${draft.purchaseOrderId}/revisions`, headers: { ...bearer(tenant.adminKey), 'if-match': '"1"' }, payload: { lines: [{ itemId: gone.itemId, qty: '5', unitCost: '2' }] },
    });
    expect(revised.statusCode, revised.body).toBe(422);
    expect(revised.json().code).toBe('ITEM_INACTIVE');
    expect(await state()).toEqual(before);
  });

  it('closes a putaway task whose goods were picked from the dock first (confirm short: true); it used to stay open for ever, refused BIN_STOCK_SHORT, at the head of /next', async () => {
    const w = await warehouse();
    const rcv = await bin(w, 'RCV', 1, 'receiving');
    const shelf = await bin(w, 'S-Q2', 5, 'storage');
    const s = await supplier();
    const a = await item();
    const po = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '5', unitCost: '2' }] });
    const received = await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '5' }] });
    expect(received.statusCode, received.body).toBe(201);
    const [taskId] = received.json().putawayTaskIds;
    // Before the putaway, a wave takes 3 straight from the receiving bin (picking draws from any bin but packing).
    await order(await customer(w), [{ itemId: a.itemId, qty: '3' }]);
    await waveOk({ warehouseId: w });
    const pick = (await nextTask(w)).task;
    expect(pick.binId).toBe(rcv);
    expect((await confirm(pick.taskId, { binScan: 'RCV', itemScan: a.sku, qty: '3' })).statusCode).toBe(200);
    expect(await binQty(a.itemId, rcv)).toBe('2');

    const putaway = (body: Record<string, unknown>, id = taskId) => post(`/v1/putaway-tasks/${id}/confirm`, { binScan: 'S-Q2', itemScan: a.sku, ...body });
    // The whole task cannot move: refused, nothing written.
    const before = await receivingState();
    const refused = await putaway({ qty: '5' });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().code).toBe('BIN_STOCK_SHORT');
    expect(await receivingState()).toEqual(before);
    // Short, but less than the bin holds: refused (nothing may stay in the receiving bin without a task).
    expect((await putaway({ qty: '1', short: true })).json().code).toBe('PUTAWAY_NOT_SHORT');
    expect(await receivingState()).toEqual(before);
    // A later receipt of 4 lands in the same bin (its own task): the bin holds 6, of which only 2 are the first task's.
    const po2 = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '4', unitCost: '2' }] });
    const later = await receive({ purchaseOrderId: po2.purchaseOrderId, lines: [{ scan: a.sku, qty: '4' }] });
    expect(later.statusCode, later.body).toBe(201);
    const [laterTaskId] = later.json().putawayTaskIds;
    // Short: all the bin holds for the task moves and the task closes; /next no longer hands it out.
    const short = await putaway({ qty: '5', short: true });
    expect(short.statusCode, short.body).toBe(200);
    expect(short.json()).toMatchObject({ status: 'done', qty: '5', qtyPutAway: '2', qtyRemaining: '0' });
    expect({ rcv: await binQty(a.itemId, rcv), shelf: await binQty(a.itemId, shelf) }).toEqual({ rcv: '4', shelf: '2' });
    // The later receipt's task is whole: short is refused for it, and it completes in full.
    expect((await putaway({ qty: '4', short: true }, laterTaskId)).json().code).toBe('PUTAWAY_NOT_SHORT');
    const whole = await putaway({ qty: '4' }, laterTaskId);
    expect(whole.statusCode, whole.body).toBe(200);
    expect(whole.json()).toMatchObject({ status: 'done', qtyPutAway: '4', qtyRemaining: '0' });
    expect({ rcv: await binQty(a.itemId, rcv), shelf: await binQty(a.itemId, shelf) }).toEqual({ rcv: '0', shelf: '6' });
    const next = await app.inject({ method: 'GET', url: `/v1/putaway-tasks/next?warehouseId=${w}`, headers: bearer(tenant.adminKey) });
    expect(next.json().task).toBeNull();
    const again = await putaway({ qty: '1', short: true });
    expect(again.json().code).toBe('PUTAWAY_TASK_NOT_OPEN');
  });
});
