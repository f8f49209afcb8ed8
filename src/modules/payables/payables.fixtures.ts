/**
 * The HTTP harness of the payables tests, on top of the purchasing harness (one database, app
 * and tenant per file): a PO received by scan, supplier invoices and payments through the API,
 * the posted journal lines and every written row read back with the owner pool.
 */
import { expect } from 'vitest';
import { createTestKey } from '../../../test/support/tenants.ts';
import { verifyBooks } from '../reporting/index.ts';
import { admin, bin, inTenant, item, post, receive, sentPo, supplier, tenant, testDb, warehouse } from '../purchasing/purchasing.fixtures.ts';

export * from '../purchasing/purchasing.fixtures.ts';

/** Today in the test clock is 2026-12-03 (UTC tenant). */
export const INVOICE_DATE = '2026-12-01';

export interface ReceivedPo {
  supplierId: string;
  warehouseId: string;
  purchaseOrderId: string;
  poNumber: string;
  items: Array<{ itemId: string; sku: string }>;
  lines: Array<{ lineId: string; lineNumber: number }>;
}

/** A sent PO of one line per entry ({qty, unitCost}); each line received by `received` (0 = nothing yet). */
export async function receivedPo(lines: Array<{ qty: string; unitCost: string; received: string }>, supplierId?: string): Promise<ReceivedPo> {
  const w = await warehouse();
  await bin(w, 'RCV', 1, 'receiving');
  const s = supplierId ?? (await supplier());
  const items: Array<{ itemId: string; sku: string }> = [];
  for (let i = 0; i < lines.length; i++) items.push(await item());
  const po = await sentPo({ supplierId: s, warehouseId: w, lines: lines.map((line, i) => ({ itemId: items[i]!.itemId, qty: line.qty, unitCost: line.unitCost })) });
  const scans = lines.map((line, i) => ({ scan: items[i]!.sku, qty: line.received })).filter((line) => Number(line.qty) > 0);
  if (scans.length > 0) {
    const response = await receive({ purchaseOrderId: po.purchaseOrderId, lines: scans });
    expect(response.statusCode, response.body).toBe(201);
  }
  return {
    supplierId: s,
    warehouseId: w,
    purchaseOrderId: po.purchaseOrderId,
    poNumber: po.poNumber,
    items: items.map((i) => ({ itemId: i.itemId, sku: i.sku })),
    lines: po.lines.map((line: { lineId: string; lineNumber: number }) => ({ lineId: line.lineId, lineNumber: line.lineNumber })),
  };
}

let invoiceSequence = 0;
export function supplierNumber(): string {
  return `INV-${process.pid}-${++invoiceSequence}`;
}

export async function enterInvoice(body: Record<string, unknown>, key = tenant.adminKey) {
  return post('/v1/supplier-invoices', { supplierInvoiceNumber: supplierNumber(), invoiceDate: INVOICE_DATE, ...body }, key);
}

export async function enterInvoiceOk(body: Record<string, unknown>) {
  const response = await enterInvoice(body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** The lines of one journal entry by account role, debit and credit in minor units, in line order. */
export async function entryLines(entryId: string): Promise<Array<{ account: string; debit: number; credit: number }>> {
  const { rows } = await admin().query(
    `select a.system_role as account, l.debit_minor::int as debit, l.credit_minor::int as credit
       from journal_lines l join accounts a on a.tenant_id = l.tenant_id and a.account_id = l.account_id
      where l.tenant_id = $1 and l.entry_id = $2 order by l.line_number`,
    [tenant.tenantId, entryId],
  );
  return rows;
}

/** Every verifyBooks identity holds (GRNI and AP included); returns them by name. */
export async function booksAgree() {
  const result = await inTenant((tx, ctx) => verifyBooks(tx, ctx));
  expect(result.identities.filter((identity) => !identity.ok)).toEqual([]);
  return Object.fromEntries(result.identities.map((identity) => [identity.name, identity]));
}

/** What a refused supplier invoice or payment must leave as it was. */
export async function payablesState(): Promise<unknown> {
  const { rows } = await admin().query(
    `select
       (select count(*)::int from supplier_invoices where tenant_id = $1) as invoices,
       (select count(*)::int from supplier_invoice_lines where tenant_id = $1) as invoice_lines,
       (select string_agg(status || ':' || revision, ',' order by supplier_invoice_id) from supplier_invoices where tenant_id = $1) as statuses,
       (select count(*)::int from supplier_payments where tenant_id = $1) as payments,
       (select count(*)::int from supplier_payment_applications where tenant_id = $1) as applications,
       (select coalesce(sum(open_minor), 0)::text from payable_open_items where tenant_id = $1) as open_minor,
       (select count(*)::int from payable_open_items where tenant_id = $1) as open_items,
       (select count(*)::int from journal_entries where tenant_id = $1) as journal,
       (select count(*)::int from outbox_events where tenant_id = $1) as events,
       (select count(*)::int from audit_log where tenant_id = $1) as audits`,
    [tenant.tenantId],
  );
  return rows[0];
}

let approver: string | undefined;
/** A second credential with payables:approve (and read), as a controller would hold. */
export async function payablesApproverKey(): Promise<string> {
  approver ??= await createTestKey(testDb().db, tenant.tenantId, ['payables:approve', 'payables:read']);
  return approver;
}

export async function setMatchTolerances(settings: { priceTolerancePercent?: number; qtyTolerancePercent?: number } | null): Promise<void> {
  if (settings === null) await admin().query(`update tenants set settings = settings - 'purchasing' where tenant_id = $1`, [tenant.tenantId]);
  else await admin().query(`update tenants set settings = settings || jsonb_build_object('purchasing', $2::jsonb) where tenant_id = $1`, [tenant.tenantId, JSON.stringify(settings)]);
}
