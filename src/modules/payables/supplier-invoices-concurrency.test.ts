/**
 * Supplier invoices on the real PostgreSQL server, in parallel: each request runs in its own
 * transaction on its own pooled connection, so they really race for the PO headers (DESIGN §2a).
 */
import { describe, expect, it } from 'vitest';
import { admin, booksAgree, enterInvoice, enterInvoiceOk, payablesApproverKey, post, receive, receivedPo, supplier, tenant, useWarehouseApi } from './payables.fixtures.ts';

useWarehouseApi();

/** Waits until at least n backends of the test tenant's database wait on a lock. */
async function waitForLockWaiters(n: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { rows } = await admin().query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
    if (rows[0].n >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${n} transactions waited on a lock`);
}

describe('concurrent supplier invoices', () => {
  it('two invoices for the same received quantity: exactly one posts, the other is held (never both matched)', async () => {
    const po = await receivedPo([{ qty: '10', unitCost: '5', received: '10' }]);
    // Make the race certain rather than lucky: a SHARE lock on supplier_invoices stops both entries at
    // their first insert — after the PO header lock, before the match reads what is invoiced. Without
    // the header lock both would then read "nothing invoiced yet" and both post; with it the second
    // waits on the header and reads the first one's committed invoice.
    const blocker = await admin().connect();
    let responses;
    try {
      await blocker.query('begin');
      await blocker.query('lock table supplier_invoices in share mode');
      const racing = Promise.all(
        [0, 1].map(() => enterInvoice({ supplierId: po.supplierId, lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '10', unitPrice: '5' }] })),
      );
      await waitForLockWaiters(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await blocker.query('commit');
      responses = await racing;
    } finally {
      blocker.release();
    }
    for (const response of responses) {
      expect(response.statusCode, response.body).toBe(201);
      expect(response.body).not.toMatch(/40P01|40001|deadlock|serializ/i);
    }
    const statuses = responses.map((response) => response.json().status).sort();
    expect(statuses).toEqual(['held', 'posted']);
    const held = responses.map((response) => response.json()).find((invoice) => invoice.status === 'held');
    expect(held.lines[0].holds).toMatchObject([{ code: 'QTY_EXCEEDS_RECEIVED', qty: '10' }]);
    const { rows } = await admin().query(
      `select coalesce(sum(l.grni_cleared_minor), 0)::int as cleared, count(*)::int as lines from supplier_invoice_lines l join supplier_invoices i using (tenant_id, supplier_invoice_id)
        where l.tenant_id = $1 and l.po_id = $2 and i.status = 'posted'`,
      [tenant.tenantId, po.purchaseOrderId],
    );
    expect(rows[0]).toEqual({ cleared: 5000, lines: 1 });
    await booksAgree();
  });

  it('invoices spanning two POs named in opposite orders race receipts of both without a deadlock reaching a caller; what is billed never exceeds what was received', async () => {
    const s = await supplier();
    const one = await receivedPo([{ qty: '6', unitCost: '2', received: '3' }], s);
    const two = await receivedPo([{ qty: '6', unitCost: '3', received: '3' }], s);
    const both = (first: typeof one, second: typeof one) =>
      enterInvoice({
        supplierId: s,
        lines: [
          { purchaseOrderId: first.purchaseOrderId, lineNumber: 1, qty: '2', unitPrice: first === one ? '2' : '3' },
          { purchaseOrderId: second.purchaseOrderId, lineNumber: 1, qty: '2', unitPrice: second === one ? '2' : '3' },
        ],
      });
    const results = await Promise.all([
      both(one, two),
      both(two, one),
      both(one, two),
      both(two, one),
      receive({ purchaseOrderId: one.purchaseOrderId, lines: [{ scan: one.items[0]!.sku, qty: '3' }] }),
      receive({ purchaseOrderId: two.purchaseOrderId, lines: [{ scan: two.items[0]!.sku, qty: '3' }] }),
    ]);
    for (const result of results) {
      expect(result.statusCode, result.body).toBe(201);
      expect(result.body).not.toMatch(/40P01|40001|deadlock|serializ/i);
    }
    const { rows } = await admin().query(
      `select l.po_id, sum(l.qty)::float8 as billed,
              (select qty_received::float8 from purchase_order_lines p where p.tenant_id = l.tenant_id and p.line_id = l.po_line_id) as received
         from supplier_invoice_lines l join supplier_invoices i using (tenant_id, supplier_invoice_id)
        where l.tenant_id = $1 and i.status = 'posted' and l.po_id in ($2, $3) group by l.tenant_id, l.po_id, l.po_line_id`,
      [tenant.tenantId, one.purchaseOrderId, two.purchaseOrderId],
    );
    for (const row of rows) expect(row.billed).toBeLessThanOrEqual(row.received);
    // Held ones post on rematch only while goods remain un-billed; afterwards the books still agree.
    for (const held of results.slice(0, 4).map((result) => result.json()).filter((invoice) => invoice.status === 'held')) {
      const rematched = await post(`/v1/supplier-invoices/${held.supplierInvoiceId}/rematch`, {});
      expect(rematched.statusCode, rematched.body).toBe(200);
    }
    const after = await admin().query(
      `select sum(l.qty)::float8 as billed from supplier_invoice_lines l join supplier_invoices i using (tenant_id, supplier_invoice_id)
        where l.tenant_id = $1 and i.status = 'posted' and l.po_id = $2`,
      [tenant.tenantId, one.purchaseOrderId],
    );
    expect(after.rows[0].billed).toBeLessThanOrEqual(6);
    await booksAgree();
  });

  it('two approvals of one held invoice racing: one posts it, the other is refused; it posts once', async () => {
    const po = await receivedPo([{ qty: '10', unitCost: '5', received: '10' }]);
    const held = await enterInvoiceOk({ supplierId: po.supplierId, lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '10', unitPrice: '6' }] });
    expect(held.status).toBe('held');
    const key = await payablesApproverKey();
    const responses = await Promise.all([0, 1, 2].map(() => post(`/v1/supplier-invoices/${held.supplierInvoiceId}/approve`, {}, key)));
    expect(responses.map((response) => (response.statusCode === 200 ? 'ok' : response.json().code)).sort()).toEqual(['SUPPLIER_INVOICE_NOT_HELD', 'SUPPLIER_INVOICE_NOT_HELD', 'ok']);
    const { rows } = await admin().query(`select count(*)::int as n from journal_entries where tenant_id = $1 and source_type = 'supplier_invoice' and source_id = $2`, [tenant.tenantId, held.supplierInvoiceId]);
    expect(rows[0].n).toBe(1);
    await booksAgree();
  });
});
