import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { buildApp } from '../../app.ts';
import { configureKeyring, envKeyring } from '../../platform/crypto/index.ts';
import { formatDemoRun, runDemoFlow, type DemoResult, type SupplierInvoiceTrail } from './index.ts';

/**
 * `qm demo` against the test database: the demo tenant is seeded by the run itself (as on a
 * fresh data directory), every scenario the issue names shows in the trail, the books agree,
 * and a second run on the same tenant works too (new orders; stock found or replenished).
 */

const testDb = useTestDatabase();
let app: FastifyInstance;
beforeAll(async () => {
  // The demo seals one supplier's bank details; `qm` would load the master key from DATA_DIR or QM_MASTER_KEY.
  configureKeyring(envKeyring(randomBytes(32).toString('base64')));
  app = await buildApp({ db: testDb().db });
});
afterAll(async () => {
  await app?.close();
});

/** GS1 mod-10: weights 3, 1, 3, … from the rightmost data digit. */
function gs1CheckDigitOk(code: string): boolean {
  const digits = [...code].map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((total, digit, index) => total + digit * (index % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

function expectEveryScenario(result: DemoResult): void {
  const { run, books } = result;
  const by = (scenario: string) => run.orders.find((trail) => trail.scenario === scenario)!;

  const hold = by('credit hold released');
  expect(hold.atConfirm.status).toBe('on_hold');
  expect(hold.atConfirm.holdReasons).toContain('past_due');
  expect(hold.afterRelease?.creditStatus).toBe('released');
  expect(hold.final.status).toBe('shipped');

  const backorder = by('backorder released');
  const secondInLine = by('backorder, second in line');
  for (const trail of [backorder, secondInLine]) {
    expect(trail.atConfirm.lines.some((line) => Number(line.qtyBackordered) > 0)).toBe(true);
    expect(trail.arrivals).toEqual([]);
    expect(trail.allocated.lines.every((line) => Number(line.qtyBackordered) === 0)).toBe(true);
    expect(trail.final.status).toBe('shipped');
    expect(trail.shipments.length).toBeGreaterThan(0);
  }

  const split = by('split across warehouses');
  expect(split.shipments).toHaveLength(2);
  expect(new Set(split.shipments.map((shipment) => shipment.warehouseCode)).size).toBe(2);
  expect(split.shipments.map((shipment) => shipment.shipment.freightSource).sort()).toEqual(['computed', 'entered']);

  const short = by('short pick');
  const shortPick = short.picks.find((pick) => Number(pick.qtyShort) > 0)!;
  expect(shortPick).toBeDefined();
  expect(shortPick.continuations > 0 || Number(shortPick.backorderedQty) > 0).toBe(true);
  expect(short.final.status).toBe('shipped');
  expect(short.final.lines.every((line) => line.qtyShipped === line.qtyBase || Number(line.qtyShipped) === Number(line.qtyBase))).toBe(true);

  // A wave across several orders, picked by following the queue.
  expect(run.waves.some((wave) => wave.orderNumbers.length >= 3)).toBe(true);

  const cartons = run.orders.flatMap((trail) => trail.shipments.flatMap((shipment) => shipment.shipment.cartons));
  expect(cartons.length).toBeGreaterThanOrEqual(run.orders.length);
  for (const carton of cartons) {
    expect(carton.sscc).toMatch(/^[0-9]{18}$/);
    expect(gs1CheckDigitOk(carton.sscc)).toBe(true);
  }
  for (const trail of run.orders) {
    for (const shipment of trail.shipments) {
      const lines = [shipment.costEntry!, ...shipment.invoiceEntries].flatMap((entry) => entry.lines);
      expect(lines.reduce((sum, line) => sum + line.debitMinor - line.creditMinor, 0)).toBe(0);
      expect(shipment.invoice.invoiceNumber).toMatch(/^INV-/);
    }
  }

  const partial = run.orders.flatMap((trail) => trail.payments).find((payment) => payment.kind === 'partial')!;
  expect(partial.payment.appliedMinor).toBeGreaterThan(0);
  expect(partial.openAfterMinor).toBeGreaterThan(0);
  const full = run.orders.flatMap((trail) => trail.payments).find((payment) => payment.kind === 'full')!;
  expect(full.openAfterMinor).toBe(0);

  expect(books.ok).toBe(true);
  expect(books.identities.every((identity) => identity.ok)).toBe(true);
}

/**
 * Procure to pay, checked against the database, not the trail: the receipt's released
 * backorders are reservations of the two backordered orders, both orders shipped and
 * invoiced, the PO was created by the run key and approved by the other one after the
 * creator was refused, and both run keys are revoked.
 */
async function expectProcurement(result: DemoResult): Promise<void> {
  const { run } = result;
  const procurement = run.procurement!;
  expect(procurement).not.toBeNull();
  const admin = testDb().admin;
  const by = (scenario: string) => run.orders.find((trail) => trail.scenario === scenario)!;
  const backorderIds = [by('backorder released'), by('backorder, second in line')].map((trail) => trail.atConfirm.orderId);

  // The refusal and the second approver.
  const above = procurement.purchaseOrders.filter((po) => po.purchaseOrder.totalMinor > po.approvalThresholdMinor);
  expect(above.length).toBeGreaterThanOrEqual(1);
  for (const po of above) {
    expect(po.creatorRefusal).toEqual({ status: 403, code: 'PO_APPROVER_IS_CREATOR' });
    const { rows } = await admin.query(
      `select po.status, po.created_by, po.approved_by, po.sent_at, k.name as approver_name
         from purchase_orders po left join api_keys k on k.tenant_id = po.tenant_id and 'api_key:' || k.api_key_id::text = po.approved_by
        where po.po_id = $1`,
      [po.purchaseOrder.purchaseOrderId],
    );
    expect(rows[0].approved_by).not.toBe(rows[0].created_by);
    expect(rows[0].approved_by).toBe(`api_key:${procurement.approverKeyId}`);
    expect(rows[0].approver_name).toMatch(/^qm demo .* approver$/);
    expect(rows[0].sent_at).not.toBeNull();
    expect(['received', 'partially_received']).toContain(rows[0].status);
  }

  // The receipt released both backorders (oldest first) — in the database, as reservations.
  const released = procurement.receipts.flatMap((receipt) => receipt.released);
  expect(released.map((row) => row.orderId)).toEqual(expect.arrayContaining(backorderIds));
  expect(released.findIndex((row) => row.orderId === backorderIds[0])).toBeLessThan(released.findIndex((row) => row.orderId === backorderIds[1]));
  const receiptIds = procurement.receipts.map((receipt) => receipt.receipt.receiptId);
  const { rows: receiptLines } = await admin.query('select count(*)::int as n, sum(value_minor)::bigint as v from receipt_lines where receipt_id = any($1::uuid[])', [receiptIds]);
  expect(receiptLines[0].n).toBeGreaterThanOrEqual(2);
  expect(procurement.receipts.flatMap((receipt) => receipt.scans.map((scan) => scan.scannedAs))).toEqual(expect.arrayContaining(['supplier part number', 'GTIN']));
  const { rows: orders } = await admin.query(
    `select o.order_id, o.status, (select count(*)::int from invoices i where i.tenant_id = o.tenant_id and i.order_id = o.order_id) as invoices,
            (select coalesce(sum(l.qty_backordered), 0)::text from sales_order_lines l where l.tenant_id = o.tenant_id and l.order_id = o.order_id) as backordered
       from sales_orders o where o.order_id = any($1::uuid[])`,
    [backorderIds],
  );
  expect(orders).toHaveLength(2);
  for (const order of orders) expect([order.status, order.invoices > 0, Number(order.backordered)]).toEqual(['shipped', true, 0]);

  // Putaway confirmed by scan: no open task left from the run's receipts.
  const { rows: tasks } = await admin.query(`select status, count(*)::int as n from putaway_tasks where receipt_id = any($1::uuid[]) group by status`, [receiptIds]);
  expect(tasks.map((row) => row.status)).toEqual(['done']);

  expect(procurement.verifyBeforeReceipt.ok).toBe(true);
  expect(procurement.verifyAfterReceipt.ok).toBe(true);
  expect(procurement.verifyAfterReceipt.identities.find((identity) => identity.name === 'grni')).toBeDefined();
  await expectSupplierInvoices(procurement.supplierInvoices);
  expect(procurement.bankDetails?.shown).toMatch(/6789/);
  expect(procurement.bankDetails?.shown).not.toContain('000123456789');
}

/** One invoice posted with a purchase price variance and paid, one held beyond the tolerance — in the database. */
async function expectSupplierInvoices(invoices: SupplierInvoiceTrail[]): Promise<void> {
  const admin = testDb().admin;
  expect(invoices.map((invoice) => invoice.status)).toEqual(['posted', 'held']);
  const [posted, held] = invoices as [SupplierInvoiceTrail, SupplierInvoiceTrail];
  const { rows } = await admin.query(
    `select si.supplier_invoice_id, si.status, si.journal_entry_id, si.total_minor::int as total,
            (select coalesce(sum(l.ppv_minor), 0)::int from supplier_invoice_lines l where l.tenant_id = si.tenant_id and l.supplier_invoice_id = si.supplier_invoice_id) as ppv,
            (select coalesce(sum(o.open_minor), 0)::int from payable_open_items o where o.tenant_id = si.tenant_id and o.document_id = si.supplier_invoice_id) as open
       from supplier_invoices si where si.supplier_invoice_id = any($1::uuid[]) order by si.invoice_number`,
    [[posted.supplierInvoiceId, held.supplierInvoiceId]],
  );
  const byId = new Map(rows.map((row) => [row.supplier_invoice_id, row]));
  const postedRow = byId.get(posted.supplierInvoiceId);
  expect([postedRow.status, postedRow.ppv > 0, postedRow.open]).toEqual(['posted', true, 0]);
  expect(postedRow.ppv).toBe(posted.priceVarianceMinor);
  const { rows: lines } = await admin.query(
    `select a.system_role, sum(jl.debit_minor)::int as debit, sum(jl.credit_minor)::int as credit
       from journal_lines jl join accounts a on a.tenant_id = jl.tenant_id and a.account_id = jl.account_id
      where jl.entry_id = $1 group by a.system_role order by a.system_role`,
    [postedRow.journal_entry_id],
  );
  expect(lines.find((line) => line.system_role === 'purchase_price_variance')?.debit).toBe(posted.priceVarianceMinor);
  expect(lines.find((line) => line.system_role === 'accounts_payable')?.credit).toBe(postedRow.total);
  expect(lines.find((line) => line.system_role === 'grni')?.debit).toBe(postedRow.total - posted.priceVarianceMinor);
  expect(posted.payment?.amountMinor).toBe(postedRow.total);
  const heldRow = byId.get(held.supplierInvoiceId);
  expect([heldRow.status, heldRow.journal_entry_id, heldRow.open]).toEqual(['held', null, 0]);
  expect(held.holdReason).toContain('PRICE_VARIANCE_ABOVE_TOLERANCE');
}

async function expectRunKeysRevoked(): Promise<void> {
  const { rows } = await testDb().admin.query(`select count(*)::int as n, count(revoked_at)::int as revoked from api_keys where name like 'qm demo %'`);
  expect(rows[0].n).toBeGreaterThanOrEqual(2);
  expect(rows[0].revoked).toBe(rows[0].n);
}

describe('qm demo flow', () => {
  it('seeds the demo tenant, runs every scenario through the API, and the books agree; a second run works too', async () => {
    const first = await runDemoFlow(testDb().db, app);
    expect(first.run.seeded).toBe(true);
    expect(first.run.procurement!.bankDetails?.enteredNow).toBe(true);
    expectEveryScenario(first);
    await expectProcurement(first);
    await expectRunKeysRevoked();
    const text = formatDemoRun(first.run, first.books).join('\n');
    expect(text).toContain('PO_APPROVER_IS_CREATOR');
    expect(text).toMatch(/backorders released by this receipt/);
    expect(text).toContain('qm verify before the receipt: ok');
    expect(text).toContain('qm verify after the receipt: ok');
    expect(text).toContain('SHORT');
    expect(text).toContain('hold released');
    expect(text).toMatch(/SSCC \d{18}/);
    expect(text).toContain('qm verify: ok');

    const second = await runDemoFlow(testDb().db, app);
    expect(second.run.seeded).toBe(false);
    expectEveryScenario(second);
    await expectProcurement(second);
    await expectRunKeysRevoked();
    expect(second.run.procurement!.bankDetails?.enteredNow).toBe(false);
    const firstNumbers = new Set(first.run.orders.map((trail) => trail.final.orderNumber));
    expect(second.run.orders.some((trail) => firstNumbers.has(trail.final.orderNumber))).toBe(false);
  }, 240_000);
});
