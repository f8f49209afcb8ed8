/** Pick confirmation by scan: moves, partial and short picks, and every refusal writing nothing. */
import { describe, expect, it } from 'vitest';
import { verifyInventory } from '../inventory/index.ts';
import {
  admin,
  app,
  auth,
  bin,
  binQty,
  confirm,
  customer,
  inTenant,
  item,
  lineQty,
  nextTask,
  order,
  pickerKey,
  pickingState,
  stock,
  tenant,
  useWarehouseApi,
  warehouse,
  waveOk,
} from './warehouse.fixtures.ts';

useWarehouseApi();

async function packQty(itemId: string, warehouseId: string): Promise<string> {
  const { rows } = await admin().query(
    `select coalesce(sum(bb.on_hand), 0)::float8::text as q from bin_balances bb join bins b on b.tenant_id = bb.tenant_id and b.bin_id = bb.bin_id
      where bb.tenant_id = $1 and bb.item_id = $2 and b.warehouse_id = $3 and b.kind = 'packing'`,
    [tenant.tenantId, itemId, warehouseId],
  );
  return rows[0].q;
}

async function atp(itemId: string, warehouseId: string) {
  const response = await app.inject({ method: 'GET', url: `/v1/items/${itemId}/atp`, headers: auth() });
  expect(response.statusCode).toBe(200);
  return response.json().warehouses.find((w: { warehouseId: string }) => w.warehouseId === warehouseId);
}

async function verified() {
  expect(await inTenant((tx, ctx) => verifyInventory(tx, ctx))).toEqual([]);
}

describe('POST /v1/pick-tasks/:taskId/confirm', () => {
  it('a partial confirmation keeps the task open with the rest; the second completes it and the wave; stock follows the picks', async () => {
    const w = await warehouse();
    const a01 = await bin(w, 'A-01', 10);
    const x = await item('4006381333931');
    await stock(x.itemId, w, a01, '8');
    const o = await order(await customer(w), [{ itemId: x.itemId, qty: '5' }]);
    const wave = await waveOk({ warehouseId: w, orderIds: [o.orderId] });
    const task = wave.tasks[0];

    const first = await confirm(task.taskId, { binScan: 'A-01', itemScan: x.sku, qty: '2' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().task).toMatchObject({ status: 'open', qtyPicked: '2', qtyRemaining: '3' });
    expect(first.json().waveStatus).toBe('open');
    expect(await binQty(x.itemId, a01)).toBe('6');
    expect(await packQty(x.itemId, w)).toBe('2');
    expect((await lineQty(o.lines[0]!.lineId)).picked).toBe('2');

    // Bin codes scan case-insensitively; the item by its GTIN.
    const second = await confirm(task.taskId, { binScan: 'a-01', itemScan: '4006381333931', qty: '3' });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().task).toMatchObject({ status: 'picked', qtyPicked: '5', qtyRemaining: '0', pickedBy: expect.stringMatching(/^api_key:/) });
    expect(second.json().waveStatus).toBe('completed');
    expect(second.json().waveProgress).toMatchObject({ tasksOpen: 0, tasksPicked: 1, qtyPicked: '5' });
    expect(await binQty(x.itemId, a01)).toBe('3');
    expect(await packQty(x.itemId, w)).toBe('5');
    expect(await lineQty(o.lines[0]!.lineId)).toEqual({ allocated: '5', backordered: '0', picked: '5' });
    // A pick moves stock inside the warehouse: on hand and reserved do not change.
    expect(await atp(x.itemId, w)).toMatchObject({ onHand: '8', reserved: '5', available: '3' });
    const { rows } = await admin().query(`select event_type from outbox_events where tenant_id = $1 and aggregate_id = any($2::text[]) order by event_id`, [tenant.tenantId, [task.taskId, wave.waveId]]);
    expect(rows.map((r) => r.event_type)).toEqual(['pick_wave.created', 'pick_task.picked', 'pick_task.picked', 'pick_wave.completed']);
    const waveRow = await app.inject({ method: 'GET', url: `/v1/waves/${wave.waveId}`, headers: auth() });
    expect(waveRow.json()).toMatchObject({ status: 'completed' });
    await verified();
  });

  it('every scan error is a 4xx with its code and writes nothing', async () => {
    const w = await warehouse();
    const a01 = await bin(w, 'A-01', 10);
    const x = await item();
    const other = await item();
    await stock(x.itemId, w, a01, '4');
    await stock(x.itemId, w, null, '5'); // stock without a bin, so a bin can be emptied below the reservation
    await stock(other.itemId, w, a01, '1');
    const o = await order(await customer(w), [{ itemId: x.itemId, qty: '4' }]);
    const wave = await waveOk({ warehouseId: w, orderIds: [o.orderId] });
    const taskId = wave.tasks[0].taskId;
    const picker = await pickerKey();
    const someoneElse = await pickerKey();
    expect((await nextTask(w, picker.key)).task.taskId).toBe(taskId);

    const cases: Array<[string, Record<string, unknown>, string, number, string?]> = [
      ['wrong bin', { binScan: 'A-02', itemScan: x.sku, qty: '1' }, 'PICK_BIN_MISMATCH', 422],
      ['another item', { binScan: 'A-01', itemScan: other.sku, qty: '1' }, 'PICK_ITEM_MISMATCH', 422],
      ['an unknown code', { binScan: 'A-01', itemScan: 'NO-SUCH-THING', qty: '1' }, 'PICK_ITEM_MISMATCH', 422],
      ['more than the task', { binScan: 'A-01', itemScan: x.sku, qty: '5' }, 'PICK_QTY_EXCEEDS_TASK', 422],
      ['zero without short', { binScan: 'A-01', itemScan: x.sku, qty: '0' }, 'VALIDATION_FAILED', 400],
      ['another associate\'s task', { binScan: 'A-01', itemScan: x.sku, qty: '1' }, 'PICK_TASK_ASSIGNED_TO_OTHER', 409, someoneElse.key],
    ];
    const before = await pickingState();
    for (const [name, body, code, status, key] of cases) {
      const response = await confirm(taskId, body, key ?? picker.key);
      expect([name, response.statusCode, response.json().code]).toEqual([name, status, code]);
      expect(response.body).not.toContain('stack');
      expect(await pickingState()).toEqual(before);
    }
    // The bin loses stock behind the task's back: a confirmation of more than it holds is refused.
    await stock(x.itemId, w, a01, '-3');
    const afterAdjust = await pickingState();
    const short = await confirm(taskId, { binScan: 'A-01', itemScan: x.sku, qty: '4' }, picker.key);
    expect([short.statusCode, short.json().code]).toEqual([409, 'BIN_STOCK_SHORT']);
    expect(await pickingState()).toEqual(afterAdjust);

    const done = await confirm(taskId, { binScan: 'A-01', itemScan: x.sku, qty: '1' }, picker.key);
    expect(done.statusCode).toBe(200);
    await confirm(taskId, { binScan: 'A-01', itemScan: x.sku, qty: '0', short: true }, picker.key);
    const closed = await pickingState();
    const notOpen = await confirm(taskId, { binScan: 'A-01', itemScan: x.sku, qty: '1' }, picker.key);
    expect([notOpen.statusCode, notOpen.json().code]).toEqual([409, 'PICK_TASK_NOT_OPEN']);
    expect(await pickingState()).toEqual(closed);
    const missing = await confirm('01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', { binScan: 'A-01', itemScan: x.sku, qty: '1' }, picker.key);
    expect([missing.statusCode, missing.json().code]).toEqual([404, 'PICK_TASK_NOT_FOUND']);
    await verified();
  });

  it('a short pick is re-tasked from another bin that holds untasked stock, for the same associate and wave', async () => {
    const w = await warehouse();
    const a01 = await bin(w, 'A-01', 10);
    const b01 = await bin(w, 'B-01', 20);
    const x = await item();
    await stock(x.itemId, w, a01, '3');
    await stock(x.itemId, w, b01, '10');
    const o = await order(await customer(w), [{ itemId: x.itemId, qty: '3' }]);
    const wave = await waveOk({ warehouseId: w, orderIds: [o.orderId] });
    expect(wave.tasks.map((t: { binCode: string }) => t.binCode)).toEqual(['A-01']);
    const picker = await pickerKey();
    const task = (await nextTask(w, picker.key)).task;

    const response = await confirm(task.taskId, { binScan: 'A-01', itemScan: x.sku, qty: '1', short: true }, picker.key);
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json();
    expect(result.task).toMatchObject({ status: 'short', qtyPicked: '1', qtyShort: '2' });
    expect(result.continuations).toHaveLength(1);
    expect(result.continuations[0]).toMatchObject({ binCode: 'B-01', qtyToPick: '2', continuesTaskId: task.taskId, assignedTo: picker.actor, waveId: wave.waveId, status: 'open' });
    expect(result.backorderedQty).toBe('0');
    expect(result.waveStatus).toBe('open');
    expect(await lineQty(o.lines[0]!.lineId)).toEqual({ allocated: '3', backordered: '0', picked: '1' });
    expect(await atp(x.itemId, w)).toMatchObject({ reserved: '3' });

    expect((await nextTask(w, picker.key)).task.taskId).toBe(result.continuations[0].taskId);
    const rest = await confirm(result.continuations[0].taskId, { binScan: 'B-01', itemScan: x.sku, qty: '2' }, picker.key);
    expect(rest.json()).toMatchObject({ waveStatus: 'completed', waveProgress: { tasksOpen: 0, tasksPicked: 1, tasksShort: 1, qtyPicked: '3', qtyShort: '2' } });
    expect(await binQty(x.itemId, a01)).toBe('2');
    expect(await binQty(x.itemId, b01)).toBe('8');
    expect(await packQty(x.itemId, w)).toBe('3');
    expect(await lineQty(o.lines[0]!.lineId)).toEqual({ allocated: '3', backordered: '0', picked: '3' });
    const { rows } = await admin().query(`select event_type from outbox_events where tenant_id = $1 and aggregate_id = $2`, [tenant.tenantId, task.taskId]);
    expect(rows.map((r) => r.event_type)).toEqual(['pick_task.short']);
    await verified();
  });

  it('a short pick no bin can cover is backordered: the reservation shrinks, the line moves allocated to backordered, ATP follows', async () => {
    const w = await warehouse();
    const a01 = await bin(w, 'A-01', 10);
    const x = await item();
    await stock(x.itemId, w, a01, '5');
    await stock(x.itemId, w, null, '2'); // not in a bin: cannot cover the shortfall
    const c = await customer(w);
    const o = await order(c, [{ itemId: x.itemId, qty: '5' }]);
    const wave = await waveOk({ warehouseId: w, orderIds: [o.orderId] });
    expect(await atp(x.itemId, w)).toMatchObject({ onHand: '7', reserved: '5', available: '2' });

    // The books say A-01 holds 5; the associate finds 3.
    const response = await confirm(wave.tasks[0].taskId, { binScan: 'A-01', itemScan: x.sku, qty: '3', short: true });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ continuations: [], backorderedQty: '2', waveStatus: 'completed', task: { status: 'short', qtyPicked: '3', qtyShort: '2' } });
    expect(await lineQty(o.lines[0]!.lineId)).toEqual({ allocated: '3', backordered: '2', picked: '3' });
    const { rows: reservations } = await admin().query(`select qty::float8::text as qty from reservations where tenant_id = $1 and line_id = $2 and status = 'open'`, [tenant.tenantId, o.lines[0]!.lineId]);
    expect(reservations.map((r) => r.qty)).toEqual(['3']);
    expect(await atp(x.itemId, w)).toMatchObject({ onHand: '7', reserved: '3', available: '4' });
    expect(await binQty(x.itemId, a01)).toBe('2');
    expect(await packQty(x.itemId, w)).toBe('3');
    const orderNow = await app.inject({ method: 'GET', url: `/v1/sales-orders/${o.orderId}`, headers: auth() });
    expect(orderNow.json()).toMatchObject({ status: 'picking', lines: [{ qtyAllocated: '3', qtyBackordered: '2' }] });
    await verified();

    // The backorder is served by the next arrival although the order is picking, and the status stays.
    await stock(x.itemId, w, a01, '1');
    const served = await app.inject({ method: 'GET', url: `/v1/sales-orders/${o.orderId}`, headers: auth() });
    expect(served.json()).toMatchObject({ status: 'picking', lines: [{ qtyAllocated: '5', qtyBackordered: '0' }] });
    // …and becomes waveable again.
    const next = await waveOk({ warehouseId: w, orderIds: [o.orderId] });
    expect(next.tasks.map((t: { binCode: string; qtyToPick: string }) => [t.binCode, t.qtyToPick])).toEqual([['A-01', '2']]);
    await verified();
  });

  it('short with the bin holding less than confirmed takes what the bin holds', async () => {
    const w = await warehouse();
    const a01 = await bin(w, 'A-01', 10);
    const x = await item();
    await stock(x.itemId, w, a01, '4');
    await stock(x.itemId, w, null, '4');
    const o = await order(await customer(w), [{ itemId: x.itemId, qty: '4' }]);
    const wave = await waveOk({ warehouseId: w, orderIds: [o.orderId] });
    await stock(x.itemId, w, a01, '-3');
    const response = await confirm(wave.tasks[0].taskId, { binScan: 'A-01', itemScan: x.sku, qty: '4', short: true });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ task: { qtyPicked: '1', qtyShort: '3', status: 'short' }, backorderedQty: '3' });
    expect(await binQty(x.itemId, a01)).toBe('0');
    await verified();
  });
});
