/** Replenishment settings, suggestions, draft POs from them, and the home bin in putaway — through the API. */
import { describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import {
  admin,
  app,
  auth,
  bin,
  customer,
  get,
  item,
  offer,
  post,
  putSetting,
  receive,
  replenishmentState,
  rule,
  salesOrder,
  sentPo,
  stock,
  supplier,
  tenant,
  useWarehouseApi,
  warehouse,
} from './replenishment.fixtures.ts';

useWarehouseApi();

const suggestionsOf = async (warehouseId: string) => {
  const response = await get(`/v1/replenishment/suggestions?warehouseId=${warehouseId}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data as Array<Record<string, unknown> & { sku: string }>;
};

describe('replenishment settings', () => {
  it('creates without If-Match, replaces with it (428 / 412 otherwise), reads, lists and deletes', async () => {
    const w = await warehouse();
    const a = await item();
    const created = await putSetting(a.itemId, w, { method: 'min_max', minQty: '10', maxQty: '50' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.json()).toMatchObject({ method: 'min_max', minQty: '10', maxQty: '50', reorderPoint: null, homeBinId: null, revision: 1 });
    expect((await putSetting(a.itemId, w, { method: 'reorder_point', reorderPoint: '5', reorderQty: '24' })).statusCode).toBe(428);
    expect((await putSetting(a.itemId, w, { method: 'reorder_point', reorderPoint: '5', reorderQty: '24' }, { 'if-match': '"7"' })).statusCode).toBe(412);
    const replaced = await putSetting(a.itemId, w, { method: 'reorder_point', reorderPoint: '5', reorderQty: '24' }, { 'if-match': '"1"' });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({ method: 'reorder_point', minQty: null, maxQty: null, reorderPoint: '5', reorderQty: '24', revision: 2 });
    expect((await get(`/v1/items/${a.itemId}/replenishment/${w}`)).json()).toMatchObject({ revision: 2, reorderQty: '24' });
    const list = (await get(`/v1/replenishment/rules?warehouseId=${w}`)).json();
    expect(list.data.map((row: { itemId: string }) => row.itemId)).toEqual([a.itemId]);
    const stale = await app.inject({ method: 'DELETE', url: `/v1/items/${a.itemId}/replenishment/${w}`, headers: { ...auth(), 'if-match': '"1"' } });
    expect(stale.statusCode).toBe(412);
    const deleted = await app.inject({ method: 'DELETE', url: `/v1/items/${a.itemId}/replenishment/${w}`, headers: { ...auth(), 'if-match': '"2"' } });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect((await get(`/v1/items/${a.itemId}/replenishment/${w}`)).json().code).toBe('REPLENISHMENT_RULE_NOT_FOUND');
    const { rows } = await admin().query(`select action from audit_log where tenant_id = $1 and entity_id = $2 order by audit_id`, [tenant.tenantId, `${a.itemId}:${w}`]);
    expect(rows.map((row: { action: string }) => row.action)).toEqual(['replenishment_setting.create', 'replenishment_setting.update', 'replenishment_setting.delete']);
  });

  it('refuses bad input with a stable code and writes nothing', async () => {
    const w = await warehouse();
    const other = await warehouse();
    const otherBin = await bin(other, 'H-OTHER', 1);
    const receivingBin = await bin(w, 'RCV-X', 0, 'receiving');
    const a = await item();
    const before = await replenishmentState();
    const cases: Array<[string, string, string, Record<string, unknown>, number, string]> = [
      ['max < min', a.itemId, w, { method: 'min_max', minQty: '10', maxQty: '5' }, 400, 'VALIDATION_FAILED'],
      ['negative min', a.itemId, w, { method: 'min_max', minQty: '-1', maxQty: '5' }, 400, 'VALIDATION_FAILED'],
      ['negative reorder point', a.itemId, w, { method: 'reorder_point', reorderPoint: '-3', reorderQty: '5' }, 400, 'VALIDATION_FAILED'],
      ['zero reorder qty', a.itemId, w, { method: 'reorder_point', reorderPoint: '3', reorderQty: '0' }, 400, 'VALIDATION_FAILED'],
      ['zero max', a.itemId, w, { method: 'min_max', minQty: '0', maxQty: '0' }, 400, 'VALIDATION_FAILED'],
      ['mixed parameters', a.itemId, w, { method: 'min_max', minQty: '1', maxQty: '5', reorderQty: '5' }, 400, 'VALIDATION_FAILED'],
      ['quantities without a method', a.itemId, w, { minQty: '1', maxQty: '5' }, 400, 'VALIDATION_FAILED'],
      ['nothing at all', a.itemId, w, {}, 400, 'VALIDATION_FAILED'],
      ['unknown item', crypto.randomUUID(), w, { method: 'min_max', minQty: '1', maxQty: '5' }, 404, 'ITEM_NOT_FOUND'],
      ['unknown warehouse', a.itemId, crypto.randomUUID(), { method: 'min_max', minQty: '1', maxQty: '5' }, 404, 'WAREHOUSE_NOT_FOUND'],
      ['unknown preferred supplier', a.itemId, w, { method: 'min_max', minQty: '1', maxQty: '5', preferredSupplierId: crypto.randomUUID() }, 404, 'SUPPLIER_NOT_FOUND'],
      ['home bin of another warehouse', a.itemId, w, { homeBinId: otherBin }, 422, 'HOME_BIN_INVALID'],
      ['home bin that is not a storage bin', a.itemId, w, { homeBinId: receivingBin }, 422, 'HOME_BIN_INVALID'],
    ];
    for (const [name, itemId, warehouseId, body, status, code] of cases) {
      const response = await putSetting(itemId, warehouseId, body);
      expect(response.statusCode, `${name}: ${response.body}`).toBe(status);
      expect(response.json().code, name).toBe(code);
    }
    expect(await replenishmentState()).toEqual(before);
  });
});

describe('replenishment suggestions', () => {
  it('min/max and reorder point with MOQ and pack rounding, preferred vs cheapest supplier, reserved, incoming and backorders, NO_SUPPLIER', async () => {
    const w = await warehouse();
    const [s1, s2, s3] = [await supplier(), await supplier(), await supplier()];
    const items = { minMax: await item(), moqPack: await item(), enough: await item(), preferred: await item(), leadTie: await item(), none: await item(), position: await item() };
    // min/max 10/50, on hand 4 → 46. The preferred S3 sells nothing of it → the cheapest.
    await offer(s1, items.minMax.itemId, { cost: '1.00', leadTimeDays: 5 });
    await offer(s2, items.minMax.itemId, { cost: '1.10', leadTimeDays: 1 });
    await stock(items.minMax.itemId, w, null, '4');
    await rule(items.minMax.itemId, w, { method: 'min_max', minQty: '10', maxQty: '50', preferredSupplierId: s3 });
    // Reorder point 10, qty 24, on hand 0 → 24, raised to the minimum 50, then to packs of 12 → 60.
    await offer(s1, items.moqPack.itemId, { cost: '2.00', minOrderQty: '50', packSize: '12' });
    await rule(items.moqPack.itemId, w, { method: 'reorder_point', reorderPoint: '10', reorderQty: '24' });
    // Enough on hand: no suggestion.
    await offer(s1, items.enough.itemId, { cost: '1.00' });
    await stock(items.enough.itemId, w, null, '30');
    await rule(items.enough.itemId, w, { method: 'min_max', minQty: '5', maxQty: '20' });
    // The preferred S2 wins although S1 is cheaper; expected today + S2's lead time.
    await offer(s1, items.preferred.itemId, { cost: '1.00', leadTimeDays: 2 });
    await offer(s2, items.preferred.itemId, { cost: '2.00', leadTimeDays: 10 });
    await rule(items.preferred.itemId, w, { method: 'min_max', minQty: '10', maxQty: '30', preferredSupplierId: s2 });
    // Same cost: the shorter lead time; reorder qty 10 in packs of 4 → 12.
    await offer(s1, items.leadTie.itemId, { cost: '1.50', leadTimeDays: 7 });
    await offer(s2, items.leadTie.itemId, { cost: '1.50', leadTimeDays: 2, packSize: '4' });
    await rule(items.leadTie.itemId, w, { method: 'reorder_point', reorderPoint: '5', reorderQty: '10' });
    // No supplier item at all.
    await rule(items.none.itemId, w, { method: 'min_max', minQty: '1', maxQty: '5' });
    // Position = 20 on hand + 10 incoming − 20 reserved − 5 backordered = 5 → up to 40 = 35.
    await offer(s1, items.position.itemId, { cost: '1.00' });
    await stock(items.position.itemId, w, null, '20');
    await salesOrder(await customer(w), [{ itemId: items.position.itemId, qty: '25' }]);
    await sentPo({ supplierId: s1, warehouseId: w, lines: [{ itemId: items.position.itemId, qty: '10' }] });
    await rule(items.position.itemId, w, { method: 'min_max', minQty: '10', maxQty: '40' });

    const bySku = new Map((await suggestionsOf(w)).map((row) => [row.sku, row]));
    expect(bySku.has(items.enough.sku)).toBe(false);
    expect(bySku.size).toBe(6);
    expect(bySku.get(items.minMax.sku)).toMatchObject({ position: '4', neededQty: '46', suggestedQty: '46', supplierId: s1, unitCost: '1', leadTimeDays: 5, expectedDate: '2026-12-08', reason: 'BELOW_MIN' });
    expect(bySku.get(items.moqPack.sku)).toMatchObject({ position: '0', neededQty: '24', suggestedQty: '60', supplierId: s1, reason: 'AT_OR_BELOW_REORDER_POINT' });
    expect(bySku.get(items.preferred.sku)).toMatchObject({ suggestedQty: '30', supplierId: s2, unitCost: '2', expectedDate: '2026-12-13' });
    expect(bySku.get(items.leadTie.sku)).toMatchObject({ neededQty: '10', suggestedQty: '12', supplierId: s2, leadTimeDays: 2 });
    expect(bySku.get(items.none.sku)).toMatchObject({ suggestedQty: '5', supplierId: null, supplierCode: null, unitCost: null, expectedDate: null, reason: 'NO_SUPPLIER' });
    expect(bySku.get(items.position.sku)).toMatchObject({ onHand: '20', incoming: '10', reserved: '20', backordered: '5', position: '5', neededQty: '35', suggestedQty: '35' });

    const unknown = await get(`/v1/replenishment/suggestions?warehouseId=${crypto.randomUUID()}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('WAREHOUSE_NOT_FOUND');
  });
});

describe('POST /v1/replenishment/purchase-orders', () => {
  it('makes one draft PO per supplier, and a second run creates nothing; the same key replays', async () => {
    const w = await warehouse();
    const [s1, s2] = [await supplier(), await supplier()];
    const [j1, j2, j3, j4] = [await item(), await item(), await item(), await item()];
    await offer(s1, j1.itemId, { cost: '1.25', leadTimeDays: 4, packSize: '6' });
    await offer(s1, j2.itemId, { cost: '3.00', leadTimeDays: 1 });
    await offer(s2, j3.itemId, { cost: '0.50', minOrderQty: '100' });
    await rule(j1.itemId, w, { method: 'min_max', minQty: '5', maxQty: '20' });
    await rule(j2.itemId, w, { method: 'reorder_point', reorderPoint: '2', reorderQty: '10' });
    await rule(j3.itemId, w, { method: 'min_max', minQty: '5', maxQty: '20' });
    await rule(j4.itemId, w, { method: 'min_max', minQty: '5', maxQty: '20' });
    const before = (await admin().query(`select count(*)::int as n from outbox_events where tenant_id = $1 and event_type = 'purchase_order.created'`, [tenant.tenantId])).rows[0].n;

    const key = newId();
    const first = await post('/v1/replenishment/purchase-orders', { warehouseId: w }, tenant.adminKey, { 'idempotency-key': key });
    expect(first.statusCode, first.body).toBe(201);
    const run = first.json();
    expect(run.purchaseOrders).toHaveLength(2);
    const bySupplier = new Map(run.purchaseOrders.map((po: { supplierId: string }) => [po.supplierId, po]));
    expect(bySupplier.get(s1)).toMatchObject({
      status: 'draft',
      warehouseId: w,
      poNumber: expect.stringMatching(/^PO-\d+$/),
      // j1: 0 → up to 20, in packs of 6 → 24 × 1.25; j2: 0 ≤ 2 → 10 × 3.00.
      totalMinor: 6000,
      lines: [
        { itemId: j1.itemId, qty: '24', unitCost: '1.25', expectedDate: '2026-12-07' },
        { itemId: j2.itemId, qty: '10', unitCost: '3', expectedDate: '2026-12-04' },
      ],
    });
    expect(bySupplier.get(s2)).toMatchObject({ lines: [{ itemId: j3.itemId, qty: '100', unitCost: '0.5', expectedDate: '2026-12-03' }] });
    expect(run.noSupplier).toEqual([{ itemId: j4.itemId, sku: j4.sku, warehouseId: w, warehouseCode: expect.any(String), suggestedQty: '20' }]);
    const after = (await admin().query(`select count(*)::int as n from outbox_events where tenant_id = $1 and event_type = 'purchase_order.created'`, [tenant.tenantId])).rows[0].n;
    expect(after - before).toBe(2);

    // The drafts are incoming supply now: only the item without a supplier is still suggested.
    expect((await suggestionsOf(w)).map((row) => row.sku)).toEqual([j4.sku]);
    const poCount = async () => (await admin().query(`select count(*)::int as n from purchase_orders where tenant_id = $1 and warehouse_id = $2`, [tenant.tenantId, w])).rows[0].n;
    expect(await poCount()).toBe(2);
    const second = await post('/v1/replenishment/purchase-orders', { warehouseId: w });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().purchaseOrders).toEqual([]);
    const replay = await post('/v1/replenishment/purchase-orders', { warehouseId: w }, tenant.adminKey, { 'idempotency-key': key });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(run);
    expect(await poCount()).toBe(2);
  });

  it('orders only the items named in itemIds', async () => {
    const w = await warehouse();
    const s = await supplier();
    const [named, other] = [await item(), await item()];
    for (const each of [named, other]) {
      await offer(s, each.itemId, { cost: '1.00' });
      await rule(each.itemId, w, { method: 'min_max', minQty: '1', maxQty: '3' });
    }
    const run = await post('/v1/replenishment/purchase-orders', { warehouseId: w, itemIds: [named.itemId] });
    expect(run.statusCode, run.body).toBe(201);
    expect(run.json().purchaseOrders.map((po: { lines: Array<{ itemId: string }> }) => po.lines.map((line) => line.itemId))).toEqual([[named.itemId]]);
    expect((await suggestionsOf(w)).map((row) => row.itemId)).toEqual([other.itemId]);
  });

  it('two runs at once do not double the orders', async () => {
    const w = await warehouse();
    const s = await supplier();
    const items = [await item(), await item(), await item()];
    for (const each of items) {
      await offer(s, each.itemId, { cost: '1.00' });
      await rule(each.itemId, w, { method: 'min_max', minQty: '5', maxQty: '10' });
    }
    const runs = await Promise.all([post('/v1/replenishment/purchase-orders', { warehouseId: w }), post('/v1/replenishment/purchase-orders', { warehouseId: w })]);
    for (const response of runs) expect(response.statusCode, response.body).toBe(201);
    expect(runs.map((response) => response.json().purchaseOrders.length).sort()).toEqual([0, 1]);
    const { rows } = await admin().query(`select count(*)::int as n, sum(l.qty)::text as qty from purchase_order_lines l join purchase_orders po using (tenant_id, po_id) where po.tenant_id = $1 and po.warehouse_id = $2`, [tenant.tenantId, w]);
    expect(rows[0]).toEqual({ n: 3, qty: '30.000000' });
  });

  it('refuses an unknown warehouse or a bad item list and writes nothing', async () => {
    const before = await replenishmentState();
    const unknown = await post('/v1/replenishment/purchase-orders', { warehouseId: crypto.randomUUID() });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('WAREHOUSE_NOT_FOUND');
    const badItems = await post('/v1/replenishment/purchase-orders', { itemIds: ['not-a-uuid'] });
    expect(badItems.statusCode).toBe(400);
    expect(badItems.json().code).toBe('VALIDATION_FAILED');
    const unknownItem = await post('/v1/replenishment/purchase-orders', { itemIds: [crypto.randomUUID()] });
    expect(unknownItem.statusCode).toBe(404);
    expect(unknownItem.json().code).toBe('ITEM_NOT_FOUND');
    expect(await replenishmentState()).toEqual(before);
  });
});

describe('OpenAPI', () => {
  it('documents the replenishment routes, the PUT with both its 201 and 200 answers', async () => {
    const document = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    for (const path of ['/v1/items/{itemId}/atp-by-date', '/v1/items/{itemId}/replenishment/{warehouseId}', '/v1/replenishment/rules', '/v1/replenishment/suggestions', '/v1/replenishment/purchase-orders']) {
      expect(document.paths[path], path).toBeDefined();
    }
    const put = document.paths['/v1/items/{itemId}/replenishment/{warehouseId}'].put;
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['200', '201']));
    expect(put['x-permission']).toBe('purchasing:write');
  });
});

describe('putaway suggests the home bin', () => {
  it('suggests the active home bin over the bin holding most, and falls back when the home bin is deactivated', async () => {
    const w = await warehouse();
    await bin(w, 'RCV-01', 0, 'receiving');
    const most = await bin(w, 'A-01', 1);
    const home = await bin(w, 'H-01', 2);
    const s = await supplier();
    const a = await item();
    await offer(s, a.itemId, { cost: '1.00' });
    await stock(a.itemId, w, most, '5');
    const receiveOne = async () => {
      const po = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '2' }] });
      const receipt = await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '2' }] });
      expect(receipt.statusCode, receipt.body).toBe(201);
      const task = (await get(`/v1/putaway-tasks?receiptId=${receipt.json().receiptId}`)).json().data[0];
      return task.suggestedBinId as string | null;
    };
    expect(await receiveOne()).toBe(most);
    await rule(a.itemId, w, { homeBinId: home });
    expect(await receiveOne()).toBe(home);
    await admin().query(`update bins set active = false where tenant_id = $1 and bin_id = $2`, [tenant.tenantId, home]);
    expect(await receiveOne()).toBe(most);
  });
});
