/**
 * Putaway after the receiving bin lost stock (a wave or an adjustment took it first):
 * the task is skipped by …/next, flagged in the list, refused with what the bin holds,
 * and cancellable; and the PO supplier's part number is a valid item scan.
 */
import { describe, expect, it } from 'vitest';
import { createTestKey, bearer } from '../../../test/support/tenants.ts';
import { admin, app, auth, bin, binQty, item, post, receive, sentPo, stock, supplier, supplierItem, tenant, testDb, useWarehouseApi, warehouse } from './purchasing.fixtures.ts';

useWarehouseApi();

async function received(qty: string, gtin?: string) {
  const w = await warehouse();
  const rcv = await bin(w, 'RCV-01', 1, 'receiving');
  await bin(w, 'A-01', 2, 'storage');
  const s = await supplier();
  const a = await item(gtin);
  const po = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty, unitCost: '1' }] });
  const receipt = await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty }] });
  expect(receipt.statusCode, receipt.body).toBe(201);
  return { w, rcv, s, a, taskId: receipt.json().putawayTaskIds[0] as string };
}

async function counts() {
  const q = async (text: string) => Number((await admin().query(text, [tenant.tenantId])).rows[0].n);
  return {
    audits: await q(`select count(*)::int as n from audit_log where tenant_id = $1`),
    events: await q(`select count(*)::int as n from outbox_events where tenant_id = $1`),
    moves: await q(`select count(*)::int as n from stock_movements where tenant_id = $1`),
  };
}

const next = async (w: string) => app.inject({ method: 'GET', url: `/v1/putaway-tasks/next?warehouseId=${w}`, headers: auth() });

describe('putaway when the receiving bin is short', () => {
  it('is skipped by next (not claimed), flagged fromBinShort in the list, refused with what the bin holds, and cancelled keeping qtyPutAway', async () => {
    const { w, rcv, a, taskId } = await received('10', '04006381000016');
    // Task responses carry what a client needs to build the scans.
    const first = (await next(w)).json().task;
    expect(first).toMatchObject({ taskId, sku: a.sku, gtin: '04006381000016', fromBinCode: 'RCV-01', fromBinShort: false });
    const part = await post(`/v1/putaway-tasks/${taskId}/confirm`, { binScan: 'A-01', itemScan: a.sku, qty: '2' });
    expect(part.statusCode, part.body).toBe(200);

    // Stock leaves the receiving bin before putaway: 8 remain on the task, 3 in the bin.
    await stock(a.itemId, w, rcv, '-5');
    expect(await binQty(a.itemId, rcv)).toBe('3');

    // My own (assigned) task is no longer handed out, nor is it claimed by someone else.
    expect((await next(w)).json().task).toBeNull();
    const list = await app.inject({ method: 'GET', url: `/v1/putaway-tasks?warehouseId=${w}&status=open`, headers: auth() });
    expect(list.json().data).toEqual([expect.objectContaining({ taskId, fromBinShort: true, qtyRemaining: '8' })]);

    const before = await counts();
    const short = await post(`/v1/putaway-tasks/${taskId}/confirm`, { binScan: 'A-01', itemScan: a.sku, qty: '8' });
    expect(short.statusCode).toBe(409);
    expect(short.json()).toMatchObject({ code: 'BIN_STOCK_SHORT' });
    expect(short.json().detail).toContain('RCV-01 holds 3');
    expect(await counts()).toEqual(before);

    const cancelled = await post(`/v1/putaway-tasks/${taskId}/cancel`, { reason: 'wave picked it from RCV-01' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    // A closed task has nothing left to put away (qtyRemaining 0); the 8 cancelled are in the event below.
    expect(cancelled.json()).toMatchObject({ taskId, status: 'cancelled', qtyPutAway: '2', qtyRemaining: '0', fromBinShort: false });
    const after = await counts();
    expect(after).toEqual({ audits: before.audits + 1, events: before.events + 1, moves: before.moves });
    const { rows } = await admin().query(`select payload from outbox_events where tenant_id = $1 and event_type = 'putaway_task.cancelled' and aggregate_id = $2`, [tenant.tenantId, taskId]);
    expect(rows).toEqual([{ payload: expect.objectContaining({ qtyCancelled: '8', reason: 'wave picked it from RCV-01' }) }]);
    expect(await binQty(a.itemId, rcv)).toBe('3');

    const again = await post(`/v1/putaway-tasks/${taskId}/cancel`, { reason: 'again' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('PUTAWAY_TASK_NOT_OPEN');
    expect(await counts()).toEqual(after);
    const missing = await post(`/v1/putaway-tasks/0190f6a1-7c2e-7b3a-9d41-5a6b7c8d9e0f/cancel`, { reason: 'x' });
    expect(missing.json().code).toBe('PUTAWAY_TASK_NOT_FOUND');
    const empty = await post(`/v1/putaway-tasks/${taskId}/cancel`, {});
    expect(empty.statusCode).toBe(400);
    expect(await counts()).toEqual(after);
  });

  it('still hands out a task whose bin holds exactly the remainder, and skips a short one for the next', async () => {
    const short = await received('5');
    await stock(short.a.itemId, short.w, short.rcv, '-1');
    const ok = await bin(short.w, 'RCV-02', 3, 'receiving');
    const s2 = await supplier();
    const b = await item();
    const po = await sentPo({ supplierId: s2, warehouseId: short.w, lines: [{ itemId: b.itemId, qty: '4', unitCost: '1' }] });
    const receipt = await receive({ purchaseOrderId: po.purchaseOrderId, binId: ok, lines: [{ scan: b.sku, qty: '4' }] });
    expect(receipt.statusCode, receipt.body).toBe(201);
    const task = (await next(short.w)).json().task;
    expect(task).toMatchObject({ itemId: b.itemId, fromBinShort: false });
    const { rows } = await admin().query(`select assigned_to from putaway_tasks where tenant_id = $1 and task_id = $2`, [tenant.tenantId, short.taskId]);
    expect(rows[0].assigned_to).toBeNull();
  });
});

describe('putaway next under concurrency', () => {
  it('two associates asking at once get two different confirmable tasks; the short one is claimed by neither', async () => {
    const short = await received('5');
    await stock(short.a.itemId, short.w, short.rcv, '-1');
    const s2 = await supplier();
    const [b, c] = [await item(), await item()];
    const po = await sentPo({ supplierId: s2, warehouseId: short.w, lines: [{ itemId: b.itemId, qty: '2', unitCost: '1' }, { itemId: c.itemId, qty: '3', unitCost: '1' }] });
    expect((await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: b.sku, qty: '2' }, { scan: c.sku, qty: '3' }] })).statusCode).toBe(201);
    const keys = [await createTestKey(testDb().db, tenant.tenantId, ['purchasing:receive']), await createTestKey(testDb().db, tenant.tenantId, ['purchasing:receive'])];
    const answers = await Promise.all(keys.map((key) => app.inject({ method: 'GET', url: `/v1/putaway-tasks/next?warehouseId=${short.w}`, headers: bearer(key) })));
    const items = answers.map((answer) => answer.json().task?.itemId).sort();
    expect(items).toEqual([b.itemId, c.itemId].sort());
    const { rows } = await admin().query(`select assigned_to from putaway_tasks where tenant_id = $1 and task_id = $2`, [tenant.tenantId, short.taskId]);
    expect(rows[0].assigned_to).toBeNull();
  });
});

describe('putaway item scan', () => {
  it("accepts the PO supplier's part number, like receiving, and refuses another supplier's", async () => {
    const { w, s, a, taskId, rcv } = await received('4');
    await supplierItem(s, a.itemId, 'ACME-778');
    const other = await supplier();
    const b = await item();
    await supplierItem(other, b.itemId, 'OTHER-1');
    await supplierItem(other, a.itemId, 'OTHER-A');
    const wrong = await post(`/v1/putaway-tasks/${taskId}/confirm`, { binScan: 'A-01', itemScan: 'OTHER-1', qty: '1' });
    expect(wrong.json().code).toBe('PUTAWAY_ITEM_MISMATCH');
    const notOurs = await post(`/v1/putaway-tasks/${taskId}/confirm`, { binScan: 'A-01', itemScan: 'OTHER-A', qty: '1' });
    expect(notOurs.json().code).toBe('PUTAWAY_ITEM_MISMATCH');
    expect(await binQty(a.itemId, rcv)).toBe('4');
    const done = await post(`/v1/putaway-tasks/${taskId}/confirm`, { binScan: 'A-01', itemScan: 'acme-778', qty: '4' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', qtyPutAway: '4' });
    expect(await binQty(a.itemId, rcv)).toBe('0');
    void w;
  });
});
