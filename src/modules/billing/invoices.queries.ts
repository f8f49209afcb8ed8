import type { Selectable } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { InvoiceLines, Invoices } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { decimalString, minorFromDb } from '../../platform/money.ts';

/** The SQL of invoices: rows, lines, their open item and journal entries. */

export type InvoiceRow = Selectable<Invoices>;
export type InvoiceLineRow = Selectable<InvoiceLines>;

export interface InvoiceLine {
  lineNumber: number;
  orderLineId: string;
  itemId: string;
  unit: string;
  qty: string;
  qtyBase: string;
  unitPrice: string;
  amountMinor: number;
  jurisdictionCode: string;
  taxRate: string;
  taxMinor: number;
}

export interface InvoiceHeader {
  invoiceId: string;
  invoiceNumber: string;
  customerId: string;
  orderId: string;
  shipmentId: string | null;
  status: 'posted' | 'voided';
  invoiceDate: string;
  dueDate: string;
  currency: string;
  roundingMethod: string;
  subtotalMinor: number;
  taxMinor: number;
  freightMinor: number;
  freightTaxMinor: number;
  totalMinor: number;
  customerPo: string | null;
  createdBy: string;
  createdAt: Date;
  voidedAt: Date | null;
}

export interface JournalEntryRef {
  entryId: string;
  entryDate: string;
  description: string;
  reversesEntryId: string | null;
  lines: Array<{ account: string; accountCode: string; debitMinor: number; creditMinor: number }>;
}

export interface Invoice extends InvoiceHeader {
  lines: InvoiceLine[];
  /** What is still owed on it (the open item's open amount); 0 once voided or paid. */
  openMinor: number;
  journalEntries: JournalEntryRef[];
}

export function toInvoiceHeader(row: InvoiceRow): InvoiceHeader {
  return {
    invoiceId: row.invoice_id,
    invoiceNumber: row.invoice_number,
    customerId: row.customer_id,
    orderId: row.order_id,
    shipmentId: row.shipment_id,
    status: row.status as InvoiceHeader['status'],
    invoiceDate: row.invoice_date,
    dueDate: row.due_date,
    currency: row.currency,
    roundingMethod: row.rounding_method,
    subtotalMinor: minorFromDb(row.subtotal_minor),
    taxMinor: minorFromDb(row.tax_minor),
    freightMinor: minorFromDb(row.freight_minor),
    freightTaxMinor: minorFromDb(row.freight_tax_minor),
    totalMinor: minorFromDb(row.total_minor),
    customerPo: row.customer_po,
    createdBy: row.created_by,
    createdAt: row.created_at,
    voidedAt: row.voided_at,
  };
}

export function toInvoiceLine(row: InvoiceLineRow): InvoiceLine {
  return {
    lineNumber: row.line_number,
    orderLineId: row.order_line_id,
    itemId: row.item_id,
    unit: row.unit,
    qty: decimalString(row.qty),
    qtyBase: decimalString(row.qty_base),
    unitPrice: decimalString(row.unit_price),
    amountMinor: minorFromDb(row.amount_minor),
    jurisdictionCode: row.jurisdiction_code,
    taxRate: decimalString(row.tax_rate),
    taxMinor: minorFromDb(row.tax_minor),
  };
}

export async function findInvoiceRow(tx: Tx, ctx: OperationContext, invoiceId: string, lock = false): Promise<InvoiceRow> {
  let query = tx.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenantId).where('invoice_id', '=', invoiceId);
  if (lock) query = query.forNoKeyUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError('INVOICE_NOT_FOUND', `no invoice ${invoiceId}`);
  return row;
}

export async function loadInvoiceLines(tx: Tx, ctx: OperationContext, invoiceId: string): Promise<InvoiceLine[]> {
  const rows = await tx.selectFrom('invoice_lines').selectAll().where('tenant_id', '=', ctx.tenantId).where('invoice_id', '=', invoiceId).orderBy('line_number').execute();
  return rows.map(toInvoiceLine);
}

/** The receivable open item of a document (billing writes one per invoice and credit memo). */
export async function findOpenItem(tx: Tx, ctx: OperationContext, documentType: 'invoice' | 'credit_memo', documentNumber: string, lock = false) {
  let query = tx
    .selectFrom('receivable_open_items')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('document_type', '=', documentType)
    .where('document_number', '=', documentNumber);
  if (lock) query = query.forNoKeyUpdate();
  return query.executeTakeFirst();
}

/** Journal entries whose source is the document, with their lines by account. */
export async function journalEntriesOf(tx: Tx, ctx: OperationContext, sourceType: string, sourceId: string): Promise<JournalEntryRef[]> {
  const entries = await tx
    .selectFrom('journal_entries')
    .select(['entry_id', 'entry_date', 'description', 'reverses_entry_id'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('source_type', '=', sourceType)
    .where('source_id', '=', sourceId)
    .orderBy('entry_id')
    .execute();
  if (entries.length === 0) return [];
  const lines = await tx
    .selectFrom('journal_lines as l')
    .innerJoin('accounts as a', (join) => join.onRef('a.tenant_id', '=', 'l.tenant_id').onRef('a.account_id', '=', 'l.account_id'))
    .select(['l.entry_id', 'l.line_number', 'a.code', 'a.system_role', 'a.name', 'l.debit_minor', 'l.credit_minor'])
    .where('l.tenant_id', '=', ctx.tenantId)
    .where(
      'l.entry_id',
      'in',
      entries.map((entry) => entry.entry_id),
    )
    .orderBy('l.entry_id')
    .orderBy('l.line_number')
    .execute();
  return entries.map((entry) => ({
    entryId: entry.entry_id,
    entryDate: entry.entry_date,
    description: entry.description,
    reversesEntryId: entry.reverses_entry_id,
    lines: lines
      .filter((line) => line.entry_id === entry.entry_id)
      .map((line) => ({ account: line.system_role ?? line.name, accountCode: line.code, debitMinor: minorFromDb(line.debit_minor), creditMinor: minorFromDb(line.credit_minor) })),
  }));
}
