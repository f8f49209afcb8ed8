/** Pick waves and the associate's queue, over HTTP and with real parallel connections. */
import { describe, expect, it } from 'vitest';
import { bearer } from '../../../test/support/tenants.ts';
import { nextPickTask } from './pick-tasks.service.ts';
import {
  admin,
  app,
  auth,
  bin,
  createWave,
  customer,
  inTenant,
  item,
  nextTask,
  order,
  pickerKey,
  stock,
  tenant,
  useWarehouseApi,
  warehouse,
  waveOk,
} from './warehouse.fixtures.ts';

useWarehouseApi();

describe('POST /v1/waves', () => {
  it('tasks several orders in walk order: pick sequence, then bin code, order, line; orders move to picking', async () => {
    const w = await warehouse();
    const a01 = await bin(w, 'A-01', 10);
    const a02 = await bin(w, 'A-02', 20);
    const b01 = await bin(w, 'B-01', 30);
    const x = await item();
    const y = await item();
    await stock(x.itemId, w, b01, '5');
    await stock(x.itemId, w, a01, '3');
    await stock(y.itemId, w, a02, '10');
    const c = await customer(w);
    const older = await order(c, [{ itemId: x.itemId, qty: '6' }, { itemId: y.itemId, qty: '2' }]);
    const younger = await order(c, [{ itemId: x.itemId, qty: '2' }, { itemId: y.itemId, qty: '3' }]);
    expect(older.orderNumber < younger.orderNumber).toBe(true);

    const wave = await waveOk({ warehouseId: w, orderIds: [younger.orderId, older.orderId] });
    expect(wave.waveNumber).toMatch(/^WV-\d{6,}$/);
    const walk = wave.tasks.map((t: { binCode: string; orderNumber: string; sku: string; qtyToPick: string }) => [t.binCode, t.orderNumber, t.sku, t.qtyToPick]);
    // The older order is served first: it takes A-01's 3 and B-01's first 3 of X; the younger gets 2 from B-01.
    expect(walk).toEqual([
      ['A-01', older.orderNumber, x.sku, '3'],
      ['A-02', older.orderNumber, y.sku, '2'],
      ['A-02', younger.orderNumber, y.sku, '3'],
      ['B-01', older.orderNumber, x.sku, '3'],
      ['B-01', younger.orderNumber, x.sku, '2'],
    ]);
    expect(wave.unplaced).toEqual([]);
    expect(wave.progress).toEqual({ tasksOpen: 5, tasksPicked: 0, tasksShort: 0, qtyToPick: '13', qtyPicked: '0', qtyShort: '0', qtyRemaining: '13' });

    const detail = await app.inject({ method: 'GET', url: `/v1/waves/${wave.waveId}`, headers: auth() });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().tasks.map((t: { taskId: string }) => t.taskId)).toEqual(wave.tasks.map((t: { taskId: string }) => t.taskId));

    for (const o of [older, younger]) {
      const got = await app.inject({ method: 'GET', url: `/v1/sales-orders/${o.orderId}`, headers: auth() });
      expect(got.json().status).toBe('picking');
    }
    const { rows } = await admin().query(`select event_type from outbox_events where tenant_id = $1 and aggregate_id = any($2::text[]) order by event_id`, [tenant.tenantId, [older.orderId, wave.waveId]]);
    expect(rows.map((r) => r.event_type)).toEqual(expect.arrayContaining(['sales_order.picking', 'pick_wave.created']));

    // Everything is tasked: a second wave of the same orders has nothing to pick and writes nothing.
    const again = await createWave({ warehouseId: w, orderIds: [older.orderId, younger.orderId] });
    expect(again.statusCode).toBe(422);
    expect(again.json().code).toBe('NOTHING_TO_PICK');
    const waves = await admin().query(`select count(*)::int as n from pick_waves where tenant_id = $1 and warehouse_id = $2`, [tenant.tenantId, w]);
    expect(waves.rows[0].n).toBe(1);
  });

  it('tasks what the bins hold and reports stock without a bin as unplaced; NOTHING_TO_PICK when no bin holds any', async () => {
    const w = await warehouse();
    const a01 = await bin(w, 'A-01', 10);
    const x = await item();
    await stock(x.itemId, w, null, '10'); // no receiving bin: this stock has no bin
    await stock(x.itemId, w, a01, '1');
    const c = await customer(w);
    const o = await order(c, [{ itemId: x.itemId, qty: '4' }]);
    const wave = await waveOk({ warehouseId: w, orderIds: [o.orderId] });
    expect(wave.tasks.map((t: { binCode: string; qtyToPick: string }) => [t.binCode, t.qtyToPick])).toEqual([['A-01', '1']]);
    expect(wave.unplaced).toEqual([{ orderId: o.orderId, lineId: o.lines[0]!.lineId, itemId: x.itemId, qty: '3' }]);

    const nothingInBins = await order(c, [{ itemId: x.itemId, qty: '2' }]);
    const refused = await createWave({ warehouseId: w, orderIds: [nothingInBins.orderId] });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('NOTHING_TO_PICK');
    expect((await app.inject({ method: 'GET', url: `/v1/sales-orders/${nothingInBins.orderId}`, headers: auth() })).json().status).toBe('allocated');
  });

  it('without orderIds takes the oldest waveable orders up to maxOrders', async () => {
    const w = await warehouse();
    const a01 = await bin(w, 'A-01', 10);
    const x = await item();
    await stock(x.itemId, w, a01, '30');
    const c = await customer(w);
    const first = await order(c, [{ itemId: x.itemId, qty: '1' }]);
    const second = await order(c, [{ itemId: x.itemId, qty: '1' }]);
    const third = await order(c, [{ itemId: x.itemId, qty: '1' }]);
    const wave = await waveOk({ warehouseId: w, maxOrders: 2 });
    expect(new Set(wave.tasks.map((t: { orderId: string }) => t.orderId))).toEqual(new Set([first.orderId, second.orderId]));
    const rest = await waveOk({ warehouseId: w });
    expect(rest.tasks.map((t: { orderId: string }) => t.orderId)).toEqual([third.orderId]);
  });

  it('refuses unknown orders and needs warehouse:manage', async () => {
    const w = await warehouse();
    const unknown = await createWave({ warehouseId: w, orderIds: ['01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].field).toBe('/orderIds/0');
    const picker = await pickerKey();
    const forbidden = await createWave({ warehouseId: w }, picker.key);
    expect(forbidden.statusCode).toBe(403);
  });
});

describe('the associate queue (GET /v1/pick-tasks/next)', () => {
  async function waveOfTasks(count: number) {
    const w = await warehouse();
    const x = await item();
    const bins: string[] = [];
    for (let index = 0; index < count; index++) {
      bins.push(await bin(w, `Q-${String(index).padStart(2, '0')}`, 100 + index));
      await stock(x.itemId, w, bins[index]!, '1');
    }
    const c = await customer(w);
    const o = await order(c, [{ itemId: x.itemId, qty: String(count) }]);
    const wave = await waveOk({ warehouseId: w, orderIds: [o.orderId] });
    expect(wave.tasks).toHaveLength(count);
    return { w, wave };
  }

  it('claims the next unassigned task for me, then keeps giving me my lowest open task', async () => {
    const { w, wave } = await waveOfTasks(3);
    const picker = await pickerKey();
    const first = await nextTask(w, picker.key);
    expect(first.task).toMatchObject({ taskId: wave.tasks[0].taskId, assignedTo: picker.actor });
    expect(first.waveProgress).toMatchObject({ tasksOpen: 3 });
    expect((await nextTask(w, picker.key)).task.taskId).toBe(wave.tasks[0].taskId);
    const other = await pickerKey();
    expect((await nextTask(w, other.key)).task.taskId).toBe(wave.tasks[1].taskId);

    const assigned = await app.inject({ method: 'POST', url: `/v1/waves/${wave.waveId}/assign`, headers: auth(), payload: { assignee: other.actor } });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().tasks.every((t: { assignedTo: string }) => t.assignedTo === other.actor)).toBe(true);
    expect((await nextTask(w, other.key)).task.taskId).toBe(wave.tasks[0].taskId);
    expect((await nextTask(w, picker.key)).task).toBeNull();

    const list = await app.inject({ method: 'GET', url: `/v1/pick-tasks?waveId=${wave.waveId}&assignedTo=${encodeURIComponent(other.actor)}&status=open`, headers: auth() });
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toHaveLength(3);
  });

  it('two associates asking at the same moment never get the same task (parallel connections)', async () => {
    const { w, wave } = await waveOfTasks(8);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, index) => inTenant((tx, ctx) => nextPickTask(tx, { ...ctx, actor: { type: 'user', id: `picker-${index}` } }, { warehouseId: w }))),
    );
    const taskIds = claims.map((claim) => claim.task?.taskId);
    expect(taskIds.every((id) => id !== undefined)).toBe(true);
    expect(new Set(taskIds).size).toBe(8);
    expect(new Set(taskIds)).toEqual(new Set(wave.tasks.map((t: { taskId: string }) => t.taskId)));
  });

  it('a claim in flight is skipped, not waited for: the second associate gets the next task at once', async () => {
    const { w, wave } = await waveOfTasks(2);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstClaim: string | undefined;
    const claimed = new Promise<void>((resolve) => {
      void inTenant(async (tx, ctx) => {
        firstClaim = (await nextPickTask(tx, { ...ctx, actor: { type: 'user', id: 'slow' } }, { warehouseId: w })).task?.taskId;
        resolve();
        await held; // keep the claim's row lock until the second associate has been served
      });
    });
    await claimed;
    const second = await inTenant((tx, ctx) => nextPickTask(tx, { ...ctx, actor: { type: 'user', id: 'fast' } }, { warehouseId: w }));
    release();
    expect(firstClaim).toBe(wave.tasks[0].taskId);
    expect(second.task?.taskId).toBe(wave.tasks[1].taskId);
  });
});

describe('reading waves', () => {
  it('lists waves by warehouse', async () => {
    const w = await warehouse();
    const a01 = await bin(w, 'A-01', 10);
    const x = await item();
    await stock(x.itemId, w, a01, '2');
    const o = await order(await customer(w), [{ itemId: x.itemId, qty: '2' }]);
    const wave = await waveOk({ warehouseId: w, orderIds: [o.orderId] });
    const list = await app.inject({ method: 'GET', url: `/v1/waves?warehouseId=${w}`, headers: bearer(tenant.adminKey) });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((v: { waveId: string }) => v.waveId)).toEqual([wave.waveId]);
    expect((await app.inject({ method: 'GET', url: `/v1/waves/01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44`, headers: auth() })).json().code).toBe('WAVE_NOT_FOUND');
  });
});
