/**
 * QA regressions of supplier invoices (issue #6 QA pass): one `it` per defect found by trying to
 * break POST /v1/supplier-invoices over HTTP. Each refusal is a 4xx problem with a stable code and
 * writes nothing (payablesState: invoices, lines, open items, payments, GL, outbox, audit).
 */
import { describe, expect, it } from 'vitest';
import { bearer } from '../../../test/support/tenants.ts';
import { admin, app, approverKey, bin, createPo, enterInvoice, item, payablesState, post, receivedPo, sentPo, supplier, tenant, useWarehouseApi, warehouse } from './payables.fixtures.ts';

useWarehouseApi();

async function expectRefusedNothingWritten(body: Record<string, unknown>, status: number, code: string) {
  const before = await payablesState();
  const response = await enterInvoice(body);
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json().code).toBe(code);
  expect(response.body).not.toMatch(/\bat .*\.ts:\d+/);
  expect(await payablesState()).toEqual(before);
}

describe('supplier invoice QA regressions', () => {
  it('refuses a line whose purchaseOrderId and poNumber name different orders (the id used to win silently)', async () => {
    const po = await receivedPo([{ qty: '10', unitCost: '5', received: '10' }]);
    const other = await sentPo({ supplierId: po.supplierId, warehouseId: po.warehouseId, lines: [{ itemId: po.items[0]!.itemId, qty: '10', unitCost: '5' }] });
    await expectRefusedNothingWritten(
      { supplierId: po.supplierId, lines: [{ purchaseOrderId: po.purchaseOrderId, poNumber: other.poNumber, lineNumber: 1, qty: '2', unitPrice: '5' }] },
      422,
      'PURCHASE_ORDER_REFERENCE_MISMATCH',
    );
  });

  it('refuses a line whose lineNumber, itemId or sku name another line than its poLineId / lineNumber (the first used to win silently)', async () => {
    const po = await receivedPo([{ qty: '10', unitCost: '5', received: '10' }, { qty: '10', unitCost: '7', received: '10' }]);
    const [first, second] = po.lines;
    const line = (extra: Record<string, unknown>) => ({ supplierId: po.supplierId, lines: [{ purchaseOrderId: po.purchaseOrderId, qty: '2', unitPrice: '5', ...extra }] });
    await expectRefusedNothingWritten(line({ poLineId: first!.lineId, lineNumber: second!.lineNumber }), 422, 'PURCHASE_ORDER_REFERENCE_MISMATCH');
    await expectRefusedNothingWritten(line({ lineNumber: 1, itemId: po.items[1]!.itemId }), 422, 'PURCHASE_ORDER_REFERENCE_MISMATCH');
    await expectRefusedNothingWritten(line({ lineNumber: 1, sku: po.items[1]!.sku }), 422, 'PURCHASE_ORDER_REFERENCE_MISMATCH');
    await expectRefusedNothingWritten(line({ poLineId: first!.lineId, sku: 'NO-SUCH-SKU' }), 422, 'PURCHASE_ORDER_REFERENCE_MISMATCH');
    // References that agree are taken.
    const ok = await enterInvoice(line({ poLineId: first!.lineId, lineNumber: 1, itemId: po.items[0]!.itemId, sku: po.items[0]!.sku }));
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().lines[0].poLineId).toBe(first!.lineId);
  });

  it('refuses to revise an approved PO a supplier invoice was entered against with 409 PURCHASE_ORDER_NOT_REVISABLE (was 400 "refers to something that does not exist")', async () => {
    const w = await warehouse();
    await bin(w, 'RCV', 1, 'receiving');
    const s = await supplier();
    const a = await item();
    const po = await createPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '5', unitCost: '2' }] });
    expect((await post(`/v1/purchase-orders/${po.purchaseOrderId}/approve`, {}, await approverKey())).statusCode).toBe(200);
    // Billed before anything arrived: held (nothing received), its line names PO line 1.
    const invoice = await enterInvoice({ supplierId: s, lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '5', unitPrice: '2' }] });
    expect(invoice.json().status).toBe('held');
    const lines = async () => (await admin().query(`select line_id, qty::text, status from purchase_order_lines where tenant_id = $1 and po_id = $2 order by line_id`, [tenant.tenantId, po.purchaseOrderId])).rows;
    const header = async () => (await admin().query(`select status, revision from purchase_orders where tenant_id = $1 and po_id = $2`, [tenant.tenantId, po.purchaseOrderId])).rows[0];
    const before = { lines: await lines(), header: await header(), payables: await payablesState() };
    const revised = await app.inject({
      method: 'POST', url: `/v1/purchase-orders/${po.purchaseOrderId}/revisions`, headers: { ...bearer(tenant.adminKey), 'if-match': `"${before.header.revision}"` }, payload: { lines: [{ itemId: a.itemId, qty: '3', unitCost: '2' }] },
    });
    expect(revised.statusCode, revised.body).toBe(409);
    expect(revised.json().code).toBe('PURCHASE_ORDER_NOT_REVISABLE');
    expect(revised.json().detail).toContain(invoice.json().invoiceNumber);
    expect({ lines: await lines(), header: await header(), payables: await payablesState() }).toEqual(before);
  });
});
