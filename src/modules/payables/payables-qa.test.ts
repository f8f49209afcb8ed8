/**
 * QA regressions of supplier invoices (issue #6 QA pass): one `it` per defect found by trying to
 * break POST /v1/supplier-invoices over HTTP. Each refusal is a 4xx problem with a stable code and
 * writes nothing (payablesState: invoices, lines, open items, payments, GL, outbox, audit).
 */
import { describe, expect, it } from 'vitest';
import { enterInvoice, payablesState, receivedPo, sentPo, useWarehouseApi } from './payables.fixtures.ts';

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
});
