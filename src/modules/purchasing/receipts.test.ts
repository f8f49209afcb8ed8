/** Receiving by scan: stock, GRNI, PO status, backorders released, putaway; and every refusal writing nothing. */
import { describe, expect, it } from 'vitest';
import { verifyBooks } from '../reporting/index.ts';
import {
  admin,
  app,
  auth,
  bin,
  binQty,
  createPo,
  customer,
  glBalance,
  inTenant,
  item,
  lineQty,
  onHand,
  post,
  receive,
  receivingState,
  sentPo,
  stock,
  supplier,
  supplierItem,
  tenant,
  useWarehouseApi,
  warehouse,
} from './purchasing.fixtures.ts';

useWarehouseApi();

async function booksOk() {
  const result = await inTenant((tx, ctx) => verifyBooks(tx, ctx));
  expect(result.identities.filter((identity) => !identity.ok)).toEqual([]);
  return result;
}

async function order(c: Awaited<ReturnType<typeof customer>>, lines: Array<{ itemId: string; qty: string }>) {
  const created = await app.inject({ method: 'POST', url: '/v1/sales-orders', headers: auth(), payload: { customerId: c.customerId, shipToId: c.shipToId, lines } });
  expect(created.statusCode, created.body).toBe(201);
  const confirmed = await app.inject({ method: 'POST', url: `/v1/sales-orders/${created.json().orderId}/confirm`, headers: auth(), payload: {} });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return confirmed.json();
}

describe('POST /v1/receipts', () => {
  it('receives by GTIN, SKU and part number into the receiving bin at the PO cost, Dr Inventory / Cr GRNI, and moves the PO to partially_received then received', async () => {
    const w = await warehouse();
    const rcv = await bin(w, 'RCV', 1, 'receiving');
    const s = await supplier();
    const a = await item('4006381333931');
    const b = await item();
    await supplierItem(s, b.itemId, 'ACME-B', '2.00');
    const po = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '10', unitCost: '1.25' }, { itemId: b.itemId, qty: '4' }] });
    const inventoryBefore = await glBalance('inventory');
    const grniBefore = await glBalance('grni');

    const first = await receive({ poNumber: po.poNumber.toLowerCase(), lines: [{ scan: '4006381333931', qty: '6' }, { scan: 'acme-b', qty: '4' }] });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ receiptNumber: expect.stringMatching(/^RCV-\d+$/), poStatus: 'partially_received', totalMinor: 750 + 800, backordersReleased: [] });
    expect(first.json().lines).toMatchObject([
      { itemId: a.itemId, qty: '6', unitCost: '1.25', valueMinor: 750, binId: rcv },
      { itemId: b.itemId, qty: '4', unitCost: '2', valueMinor: 800, binId: rcv },
    ]);
    expect(await binQty(a.itemId, rcv)).toBe('6');
    expect(await glBalance('inventory')).toBe(inventoryBefore + 1550);
    expect(await glBalance('grni')).toBe(grniBefore - 1550);

    const second = await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '4' }] });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().poStatus).toBe('received');
    const read = await app.inject({ method: 'GET', url: `/v1/purchase-orders/${po.purchaseOrderId}`, headers: auth() });
    expect(read.json().lines.map((line: { qtyReceived: string; status: string }) => [line.qtyReceived, line.status])).toEqual([['10', 'received'], ['4', 'received']]);
    const { rows } = await admin().query(`select payload from outbox_events where tenant_id = $1 and event_type = 'receipt.posted' and aggregate_id = $2 order by event_id`, [tenant.tenantId, po.purchaseOrderId]);
    expect(rows).toHaveLength(2);
    const books = await booksOk();
    expect(books.identities.find((identity) => identity.name === 'grni')!.left.value).toBeGreaterThanOrEqual(1550 + 500);
  });

  it('releases waiting backorders of the received item oldest first, and lists them', async () => {
    const w = await warehouse();
    await bin(w, 'RCV', 1, 'receiving');
    const s = await supplier();
    const a = await item();
    const c = await customer(w);
    const older = await order(c, [{ itemId: a.itemId, qty: '3' }]);
    const newer = await order(c, [{ itemId: a.itemId, qty: '3' }]);
    expect(older.status).toBe('backordered');
    const po = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '3', unitCost: '1' }] });
    const received = await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '3' }] });
    expect(received.statusCode, received.body).toBe(201);
    expect(received.json().backordersReleased).toEqual([{ orderId: older.orderId, lineId: older.lines[0].lineId, qty: '3' }]);
    expect(await lineQty(older.lines[0].lineId)).toMatchObject({ allocated: '3', backordered: '0' });
    expect(await lineQty(newer.lines[0].lineId)).toMatchObject({ allocated: '0', backordered: '3' });
    await booksOk();
  });

  it('refuses bad receipts with stable codes and writes nothing', async () => {
    const w = await warehouse();
    await bin(w, 'RCV', 1, 'receiving');
    const s = await supplier();
    const other = await supplier();
    const a = await item();
    const notOnPo = await item();
    await supplierItem(other, a.itemId, 'OTHER-PART');
    const po = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '5', unitCost: '1' }] });
    const draft = await createPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '5', unitCost: '1' }] });
    const cancelledPo = await createPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '5', unitCost: '1' }] });
    expect((await post(`/v1/purchase-orders/${cancelledPo.purchaseOrderId}/cancel`, {})).statusCode).toBe(200);
    const closedPo = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '5', unitCost: '1' }] });
    expect((await post(`/v1/purchase-orders/${closedPo.purchaseOrderId}/close`, {})).statusCode).toBe(200);
    const before = await receivingState();
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ purchaseOrderId: crypto.randomUUID(), lines: [{ scan: a.sku, qty: '1' }] }, 404, 'PURCHASE_ORDER_NOT_FOUND'],
      [{ poNumber: 'PO-999999', lines: [{ scan: a.sku, qty: '1' }] }, 404, 'PURCHASE_ORDER_NOT_FOUND'],
      [{ purchaseOrderId: draft.purchaseOrderId, lines: [{ scan: a.sku, qty: '1' }] }, 409, 'PURCHASE_ORDER_NOT_RECEIVABLE'],
      [{ purchaseOrderId: cancelledPo.purchaseOrderId, lines: [{ scan: a.sku, qty: '1' }] }, 409, 'PURCHASE_ORDER_NOT_RECEIVABLE'],
      [{ purchaseOrderId: closedPo.purchaseOrderId, lines: [{ scan: a.sku, qty: '1' }] }, 409, 'PURCHASE_ORDER_NOT_RECEIVABLE'],
      [{ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: notOnPo.sku, qty: '1' }] }, 422, 'RECEIPT_ITEM_NOT_ON_ORDER'],
      [{ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: 'OTHER-PART', qty: '1' }] }, 422, 'RECEIPT_PART_NUMBER_OF_OTHER_SUPPLIER'],
      [{ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: 'NO-SUCH-THING', qty: '1' }] }, 422, 'RECEIPT_SCAN_UNKNOWN'],
      [{ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '-1' }] }, 400, 'VALIDATION_FAILED'],
      [{ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '0' }] }, 400, 'VALIDATION_FAILED'],
      [{ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '6' }] }, 422, 'OVER_RECEIPT_REFUSED'],
      // A valid first line does not survive a refused second one.
      [{ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '2' }, { scan: a.sku, qty: '4' }] }, 422, 'OVER_RECEIPT_REFUSED'],
      [{ purchaseOrderId: po.purchaseOrderId, warehouseId: await warehouse(), lines: [{ scan: a.sku, qty: '1' }] }, 422, 'RECEIPT_WAREHOUSE_MISMATCH'],
      [{ lines: [{ scan: a.sku, qty: '1' }] }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const response = await receive(body);
      expect(response.statusCode, `${JSON.stringify(body)} → ${response.body}`).toBe(status);
      expect(response.json().code).toBe(code);
      expect(response.body).not.toContain('    at ');
    }
    expect(await receivingState()).toEqual(before);
  });

  it('takes an over-receipt within the tenant tolerance and refuses beyond it', async () => {
    const w = await warehouse();
    await bin(w, 'RCV', 1, 'receiving');
    const s = await supplier();
    const a = await item();
    const po = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '100', unitCost: '1' }] });
    await admin().query(`update tenants set settings = settings || '{"purchasing": {"overReceiptTolerancePercent": 5}}'::jsonb where tenant_id = $1`, [tenant.tenantId]);
    try {
      expect((await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '106' }] })).json().code).toBe('OVER_RECEIPT_REFUSED');
      const ok = await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '105' }] });
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json().poStatus).toBe('received');
      expect((await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '0.5' }] })).json().code).toBe('OVER_RECEIPT_REFUSED');
      expect(await onHand(a.itemId, w)).toBe('105');
    } finally {
      await admin().query(`update tenants set settings = settings - 'purchasing' where tenant_id = $1`, [tenant.tenantId]);
    }
  });
});

describe('putaway', () => {
  it('makes a task per receipt line suggesting the storage bin holding the item; confirming by scan moves the stock', async () => {
    const w = await warehouse();
    const rcv = await bin(w, 'RCV', 1, 'receiving');
    const home = await bin(w, 'A-07', 7, 'storage');
    const spare = await bin(w, 'B-01', 8, 'storage');
    const s = await supplier();
    const a = await item();
    await stock(a.itemId, w, home, '2');
    const po = await sentPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '10', unitCost: '1' }] });
    const receipt = (await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: a.sku, qty: '10' }] })).json();
    expect(receipt.putawayTaskIds).toHaveLength(1);
    const next = await app.inject({ method: 'GET', url: `/v1/putaway-tasks/next?warehouseId=${w}`, headers: auth() });
    expect(next.statusCode, next.body).toBe(200);
    const task = next.json().task;
    expect(task).toMatchObject({ taskId: receipt.putawayTaskIds[0], fromBinId: rcv, suggestedBinId: home, suggestedBinCode: 'A-07', qty: '10', status: 'open' });

    const confirm = (body: Record<string, unknown>) => post(`/v1/putaway-tasks/${task.taskId}/confirm`, body);
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ binScan: 'NOPE', itemScan: a.sku, qty: '1' }, 'PUTAWAY_BIN_INVALID'],
      [{ binScan: 'RCV', itemScan: a.sku, qty: '1' }, 'PUTAWAY_BIN_INVALID'],
      [{ binScan: 'a-07', itemScan: 'WRONG', qty: '1' }, 'PUTAWAY_ITEM_MISMATCH'],
      [{ binScan: 'a-07', itemScan: a.sku, qty: '11' }, 'PUTAWAY_QTY_EXCEEDS_TASK'],
      [{ binScan: 'a-07', itemScan: a.sku, qty: '0' }, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of refusals) expect((await confirm(body)).json().code).toBe(code);
    expect(await binQty(a.itemId, rcv)).toBe('10');

    const part = await confirm({ binScan: 'a-07', itemScan: a.sku, qty: '6' });
    expect(part.statusCode, part.body).toBe(200);
    expect(part.json()).toMatchObject({ status: 'open', qtyPutAway: '6', qtyRemaining: '4' });
    // Any active storage bin is accepted, not only the suggestion.
    const rest = await confirm({ binScan: 'B-01', itemScan: a.sku, qty: '4' });
    expect(rest.json()).toMatchObject({ status: 'done', qtyRemaining: '0' });
    expect([await binQty(a.itemId, rcv), await binQty(a.itemId, home), await binQty(a.itemId, spare)]).toEqual(['0', '8', '4']);
    expect((await confirm({ binScan: 'B-01', itemScan: a.sku, qty: '1' })).json().code).toBe('PUTAWAY_TASK_NOT_OPEN');
    const list = await app.inject({ method: 'GET', url: `/v1/putaway-tasks?receiptId=${receipt.receiptId}&status=done`, headers: auth() });
    expect(list.json().data).toHaveLength(1);
    await booksOk();
  });
});
