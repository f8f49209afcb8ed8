/**
 * The whole back half at once (issue #5): ship confirmations, payments and credit
 * memos of one tenant run in parallel on real connections, sharing stock balances,
 * invoices and both gapless series. Afterwards: INV- and CM- numbers gapless, one
 * invoice and one cost entry per shipment, no over-application, every `qm verify`
 * identity holds, and no deadlock or serialization failure (40P01/40001) reached a
 * caller — anything but a business refusal fails the test.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { nextDocumentNumber } from '../../platform/numbering/index.ts';
import { createCreditMemo, recordPayment } from '../billing/index.ts';
import { verifyBooks } from '../reporting/index.ts';
import { confirmShipment } from './ship-confirm.service.ts';
import { admin, confirmedOrder, customer, gizmo, inTenant, main, packedShipment, pick, stock, tenant, testDb, useShippingApi, widget } from './shipping.fixtures.ts';

useShippingApi();

const SHIPPED_FIRST = 3;
const SHIPPED_TOGETHER = 5;

async function outcome<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; code: string }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, code: error.code };
    throw error;
  }
}

describe('ship confirmations, payments and credit memos in parallel', () => {
  it('numbers invoices and credit memos gaplessly, posts each shipment once and keeps the books', async () => {
    await stock(widget.itemId, main, String((SHIPPED_FIRST + SHIPPED_TOGETHER) * 2), '14.00');
    await stock(gizmo.itemId, main, String((SHIPPED_FIRST + SHIPPED_TOGETHER) * 3), '1.46');
    const customers = [await customer(), await customer()];
    const shipments: string[] = [];
    for (let index = 0; index < SHIPPED_FIRST + SHIPPED_TOGETHER; index++) {
      const order = await confirmedOrder(customers[index % 2]!, [{ sku: 'WIDGET', qty: '2' }, { sku: 'GIZMO', qty: '3' }]);
      await pick(order, main);
      shipments.push((await packedShipment(order, main)).shipmentId);
    }
    // Invoices to pay and credit while the others ship.
    const invoices = [];
    for (const shipmentId of shipments.slice(0, SHIPPED_FIRST)) {
      const shipped = await inTenant((tx, c) => confirmShipment(tx, c, { shipmentId, carrier: 'UPS', service: 'GROUND', freightMinor: 500 }));
      invoices.push({ ...shipped.invoice!, customerId: customers[invoices.length % 2]!.customerId });
    }

    const payments = await Promise.all(invoices.flatMap((invoice) => [1, 2].map(() => nextDocumentNumber(testDb().db, { tenantId: tenant.tenantId }, 'payment'))));
    const work: Array<Promise<{ ok: boolean; code?: string }>> = [
      ...shipments.slice(SHIPPED_FIRST).map((shipmentId) => outcome(inTenant((tx, c) => confirmShipment(tx, c, { shipmentId, carrier: 'UPS', service: 'GROUND' })))),
      // Two payments per invoice, each of 60 % of it: the second over-applies and must be refused.
      ...invoices.flatMap((invoice, index) =>
        [0, 1].map((n) =>
          outcome(inTenant((tx, c) => recordPayment(tx, c, {
            paymentNumber: payments[index * 2 + n]!, customerId: invoice.customerId, amountMinor: Math.ceil(invoice.totalMinor * 0.6), method: 'ach',
            applications: [{ documentNumber: invoice.invoiceNumber, amountMinor: Math.ceil(invoice.totalMinor * 0.6) }],
          }))),
        ),
      ),
      // Two credit memos per invoice of one widget each: both fit (two were invoiced).
      ...invoices.flatMap((invoice) => [0, 1].map(() => outcome(inTenant((tx, c) => createCreditMemo(tx, c, { invoiceId: invoice.invoiceId, reason: 'damaged', lines: [{ invoiceLineNumber: 1, qty: '1' }] }))))),
    ];
    const results = await Promise.all(work);

    expect(results.slice(0, SHIPPED_TOGETHER).every((r) => r.ok)).toBe(true);
    const paid = results.slice(SHIPPED_TOGETHER, SHIPPED_TOGETHER + invoices.length * 2);
    expect(paid.filter((r) => r.ok)).toHaveLength(invoices.length);
    expect(paid.filter((r) => !r.ok).map((r) => r.code)).toEqual(invoices.map(() => 'APPLICATION_EXCEEDS_OPEN'));
    expect(results.slice(SHIPPED_TOGETHER + invoices.length * 2).every((r) => r.ok)).toBe(true);

    const numbers = async (text: string) => (await admin().query(text, [tenant.tenantId])).rows.map((row) => row.n);
    const total = SHIPPED_FIRST + SHIPPED_TOGETHER;
    expect(await numbers('select invoice_number as n from invoices where tenant_id = $1 order by 1')).toEqual(Array.from({ length: total }, (_, i) => `INV-${String(i + 1).padStart(6, '0')}`));
    expect(await numbers('select credit_memo_number as n from credit_memos where tenant_id = $1 order by 1')).toEqual(Array.from({ length: invoices.length * 2 }, (_, i) => `CM-${String(i + 1).padStart(6, '0')}`));
    const { rows } = await admin().query(
      `select s.shipment_id,
              (select count(*)::int from invoices i where i.tenant_id = s.tenant_id and i.shipment_id = s.shipment_id) as invoices,
              (select count(*)::int from journal_entries e where e.tenant_id = s.tenant_id and e.source_type = 'shipment' and e.source_id = s.shipment_id::text) as cost_entries
       from shipments s where s.tenant_id = $1 and s.status = 'shipped'`,
      [tenant.tenantId],
    );
    expect(rows).toHaveLength(total);
    for (const row of rows) expect(row).toMatchObject({ invoices: 1, cost_entries: 1 });
    // Each invoice is paid 60 % exactly once; its open amount never went below 0 (the database check) nor was applied twice.
    for (const invoice of invoices) {
      const { rows: [item] } = await admin().query(`select open_minor::int as open from receivable_open_items where tenant_id = $1 and document_type = 'invoice' and document_number = $2`, [tenant.tenantId, invoice.invoiceNumber]);
      expect(item.open).toBe(invoice.totalMinor - Math.ceil(invoice.totalMinor * 0.6));
    }
    const verification = await inTenant((tx, c) => verifyBooks(tx, c));
    expect(verification.identities.filter((identity) => !identity.ok)).toEqual([]);
  });
});
