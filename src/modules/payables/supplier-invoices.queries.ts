import { sql, type Selectable } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { SupplierInvoiceLines, SupplierInvoices } from '../../platform/db/schema.generated.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { decimalString, minorFromDb } from '../../platform/money.ts';
import type { MatchHold } from './rules/three-way-match.rules.ts';

export type SupplierInvoiceRow = Selectable<SupplierInvoices>;
export type SupplierInvoiceLineRow = Selectable<SupplierInvoiceLines>;
export const SUPPLIER_INVOICE_STATUSES = ['held', 'posted', 'rejected'] as const;
export type SupplierInvoiceStatus = (typeof SUPPLIER_INVOICE_STATUSES)[number];

export interface SupplierInvoiceHeader {
  supplierInvoiceId: string;
  invoiceNumber: string;
  supplierId: string;
  supplierInvoiceNumber: string;
  invoiceDate: string;
  dueDate: string;
  currency: string;
  status: SupplierInvoiceStatus;
  goodsMinor: number;
  freightMinor: number;
  totalMinor: number;
  journalEntryId: string | null;
  revision: number;
  createdBy: string;
  createdAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  postedAt: Date | null;
  rejectedBy: string | null;
  rejectedAt: Date | null;
  rejectReason: string | null;
}

export interface SupplierInvoiceLine {
  lineNumber: number;
  purchaseOrderId: string;
  poLineId: string;
  itemId: string;
  qty: string;
  unitPrice: string;
  amountMinor: number;
  poUnitCost: string;
  grniClearedMinor: number;
  ppvMinor: number;
  holds: MatchHold[];
}

export interface SupplierInvoice extends SupplierInvoiceHeader {
  lines: SupplierInvoiceLine[];
  /** What is still owed on a posted invoice (its AP open item); null unless posted. */
  openMinor: number | null;
}

export function toHeader(row: SupplierInvoiceRow): SupplierInvoiceHeader {
  return {
    supplierInvoiceId: row.supplier_invoice_id,
    invoiceNumber: row.invoice_number,
    supplierId: row.supplier_id,
    supplierInvoiceNumber: row.supplier_invoice_number,
    invoiceDate: row.invoice_date,
    dueDate: row.due_date,
    currency: row.currency,
    status: row.status as SupplierInvoiceStatus,
    goodsMinor: minorFromDb(row.goods_minor),
    freightMinor: minorFromDb(row.freight_minor),
    totalMinor: minorFromDb(row.total_minor),
    journalEntryId: row.journal_entry_id,
    revision: row.revision,
    createdBy: row.created_by,
    createdAt: row.created_at,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    postedAt: row.posted_at,
    rejectedBy: row.rejected_by,
    rejectedAt: row.rejected_at,
    rejectReason: row.reject_reason,
  };
}

export function toLine(row: SupplierInvoiceLineRow): SupplierInvoiceLine {
  return {
    lineNumber: row.line_number,
    purchaseOrderId: row.po_id,
    poLineId: row.po_line_id,
    itemId: row.item_id,
    qty: decimalString(row.qty),
    unitPrice: decimalString(row.unit_price),
    amountMinor: minorFromDb(row.amount_minor),
    poUnitCost: decimalString(row.po_unit_cost),
    grniClearedMinor: minorFromDb(row.grni_cleared_minor),
    ppvMinor: minorFromDb(row.ppv_minor),
    holds: row.holds as unknown as MatchHold[],
  };
}

export async function findInvoiceRowOrThrow(tx: Tx, ctx: OperationContext, supplierInvoiceId: string, lock = false): Promise<SupplierInvoiceRow> {
  let query = tx.selectFrom('supplier_invoices').selectAll().where('tenant_id', '=', ctx.tenantId).where('supplier_invoice_id', '=', supplierInvoiceId);
  if (lock) query = query.forNoKeyUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError('SUPPLIER_INVOICE_NOT_FOUND', `no supplier invoice ${supplierInvoiceId}`);
  return row;
}

export async function loadInvoiceLines(tx: Tx, ctx: OperationContext, supplierInvoiceId: string): Promise<SupplierInvoiceLineRow[]> {
  return tx.selectFrom('supplier_invoice_lines').selectAll().where('tenant_id', '=', ctx.tenantId).where('supplier_invoice_id', '=', supplierInvoiceId).orderBy('line_number').execute();
}

export async function getSupplierInvoiceOrThrow(tx: Tx, ctx: OperationContext, supplierInvoiceId: string): Promise<SupplierInvoice> {
  const row = await findInvoiceRowOrThrow(tx, ctx, supplierInvoiceId);
  const lines = await loadInvoiceLines(tx, ctx, supplierInvoiceId);
  const openItem = await tx
    .selectFrom('payable_open_items')
    .select('open_minor')
    .where('tenant_id', '=', ctx.tenantId)
    .where('document_type', '=', 'supplier_invoice')
    .where('document_id', '=', supplierInvoiceId)
    .executeTakeFirst();
  return { ...toHeader(row), lines: lines.map(toLine), openMinor: openItem ? minorFromDb(openItem.open_minor) : null };
}

export interface SupplierInvoiceFilter {
  status?: SupplierInvoiceStatus | undefined;
  supplierId?: string | undefined;
  /** Invoice dates from..to, inclusive. */
  from?: string | undefined;
  to?: string | undefined;
}

export async function listSupplierInvoices(tx: Tx, ctx: OperationContext, page: PageRequest, filter: SupplierInvoiceFilter = {}): Promise<Page<SupplierInvoiceHeader>> {
  let query = tx.selectFrom('supplier_invoices').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.supplierId !== undefined) query = query.where('supplier_id', '=', filter.supplierId);
  if (filter.from !== undefined) query = query.where('invoice_date', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('invoice_date', '<=', filter.to);
  if (page.after) query = query.where('supplier_invoice_id', '>', page.after);
  const rows = await query.orderBy('supplier_invoice_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toHeader), page, (invoice) => invoice.supplierInvoiceId);
}

/**
 * What the match needs of each PO line, read under the PO header locks: received quantity,
 * Σ billed by POSTED invoices (held ones have not been paid for anything), Σ receipt values and
 * Σ GRNI already cleared. One statement, so the figures come from one snapshot.
 */
export interface PoLineFigures {
  qtyReceived: string;
  unitCost: string;
  qtyInvoiced: string;
  receivedValueMinor: number;
  grniClearedMinor: number;
}

export async function poLineFigures(tx: Tx, ctx: OperationContext, poLineIds: string[]): Promise<Map<string, PoLineFigures>> {
  if (poLineIds.length === 0) return new Map();
  const { rows } = await sql<{ line_id: string; qty_received: string; unit_cost: string; qty_invoiced: string; received_value: string; cleared: string }>`
    select l.line_id, l.qty_received, l.unit_cost,
      (select coalesce(sum(sil.qty), 0) from supplier_invoice_lines sil
         join supplier_invoices si on si.tenant_id = sil.tenant_id and si.supplier_invoice_id = sil.supplier_invoice_id
        where sil.tenant_id = l.tenant_id and sil.po_id = l.po_id and sil.po_line_id = l.line_id and si.status = 'posted') as qty_invoiced,
      (select coalesce(sum(rl.value_minor), 0) from receipt_lines rl
        where rl.tenant_id = l.tenant_id and rl.po_id = l.po_id and rl.po_line_id = l.line_id) as received_value,
      (select coalesce(sum(sil.grni_cleared_minor), 0) from supplier_invoice_lines sil
         join supplier_invoices si on si.tenant_id = sil.tenant_id and si.supplier_invoice_id = sil.supplier_invoice_id
        where sil.tenant_id = l.tenant_id and sil.po_id = l.po_id and sil.po_line_id = l.line_id and si.status = 'posted') as cleared
    from purchase_order_lines l
    where l.tenant_id = ${ctx.tenantId} and l.line_id in (${sql.join([...new Set(poLineIds)])})`.execute(tx);
  return new Map(
    rows.map((row) => [
      row.line_id,
      { qtyReceived: row.qty_received, unitCost: row.unit_cost, qtyInvoiced: row.qty_invoiced, receivedValueMinor: minorFromDb(row.received_value), grniClearedMinor: minorFromDb(row.cleared) },
    ]),
  );
}
