import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import { actorRef } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { assertMinor } from '../../platform/money.ts';
import { nextGaplessNumber } from '../../platform/numbering/index.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { postJournalEntry, reverseJournalEntry } from '../ledger/index.ts';
import { addDays, getCustomerOrThrow, getShipToOrThrow, getTaxJurisdictionOrThrow, taxRateOrNull } from '../partners/index.ts';
import { addInvoicedMinor, lockSalesOrderHeader } from '../sales/index.ts';
import {
  findInvoiceRow,
  findOpenItem,
  journalEntriesOf,
  loadInvoiceLines,
  toInvoiceHeader,
  type Invoice,
  type InvoiceHeader,
  type InvoiceLine,
} from './invoices.queries.ts';
import { billLine, freightTaxMinor } from './rules/invoice-amounts.rules.ts';

/**
 * Invoices from what actually shipped (DESIGN §4 step 6). An invoice is created
 * only inside ship confirmation (createInvoiceForShipment, in its transaction)
 * and corrected only by a void (nothing applied yet) or a credit memo.
 *
 * Postings (docs/fulfilment-contracts.md): Dr accounts_receivable total /
 * Cr revenue subtotal, Cr sales_tax_payable tax + freight tax, Cr freight_income
 * freight; a positive receivable open item for the total; the order's
 * invoiced_minor += total (credit exposure counts the order at total − invoiced).
 */

export interface InvoiceShipmentInput {
  shipmentId: string;
  shipmentNumber: string;
  order: { orderId: string; orderNumber: string; customerId: string; shipToId: string; currency: string; customerPo: string | null };
  lines: Array<{
    orderLineId: string;
    itemId: string;
    unit: string;
    orderedQty: string;
    orderedQtyBase: string;
    unitPrice: string;
    jurisdictionCode: string;
    taxRate: string;
    taxExempt: boolean;
    /** Stocking units shipped now. */
    qtyBase: string;
  }>;
  /** Decided by shipping (entered, or from the customer's freight terms). */
  freightMinor: number;
  invoiceDate: string;
  /** Test hook of ship confirmation's fault injection: called after each write. */
  afterStep?: ((step: string) => Promise<void> | void) | undefined;
}

/**
 * Creates, posts and numbers the invoice of a confirmed shipment. The caller
 * holds the order header lock (and every other lock of the confirmation); the
 * only existing row written here is that header (invoiced_minor), BEFORE the
 * gapless INV- number — after the number only new rows are inserted, so the
 * tenant's invoice series row is held for as short a time as possible.
 */
export async function createInvoiceForShipment(tx: Tx, ctx: OperationContext, input: InvoiceShipmentInput): Promise<Invoice> {
  const step = async (name: string) => input.afterStep?.(name);
  invariant(input.lines.length > 0, 'an invoice has lines');
  const customer = await getCustomerOrThrow(tx, ctx, input.order.customerId);
  const shipTo = await getShipToOrThrow(tx, ctx, input.order.customerId, input.order.shipToId);
  const jurisdiction = await getTaxJurisdictionOrThrow(tx, ctx, shipTo.jurisdictionCode);
  const currency = input.order.currency;

  const lines: InvoiceLine[] = input.lines.map((line, index) => {
    const billed = billLine(
      { qtyBase: line.qtyBase, orderedQty: line.orderedQty, orderedQtyBase: line.orderedQtyBase, unitPrice: line.unitPrice, taxRate: line.taxRate, taxExempt: line.taxExempt },
      currency,
    );
    return {
      lineNumber: index + 1,
      orderLineId: line.orderLineId,
      itemId: line.itemId,
      unit: line.unit,
      qty: billed.qty,
      qtyBase: line.qtyBase,
      unitPrice: line.unitPrice,
      amountMinor: billed.amountMinor,
      jurisdictionCode: line.jurisdictionCode,
      taxRate: line.taxRate,
      taxMinor: billed.taxMinor,
    };
  });
  const subtotalMinor = assertMinor(lines.reduce((sum, line) => sum + line.amountMinor, 0));
  const taxMinor = assertMinor(lines.reduce((sum, line) => sum + line.taxMinor, 0));
  // Freight is taxed where the ship-to's jurisdiction says so, at its 'freight' rate (else
  // 'standard'); a customer exempt on every line is exempt on the freight too.
  const allExempt = input.lines.every((line) => line.taxExempt);
  const freightRate = allExempt ? null : ((await taxRateOrNull(tx, ctx, jurisdiction.jurisdictionCode, 'freight')) ?? (await taxRateOrNull(tx, ctx, jurisdiction.jurisdictionCode, 'standard')));
  const freightTax = freightTaxMinor(input.freightMinor, jurisdiction.freightTaxable, freightRate);
  const totalMinor = assertMinor(subtotalMinor + taxMinor + input.freightMinor + freightTax);
  const dueDate = addDays(input.invoiceDate, customer.paymentTermsDays);

  // The last write to an existing row: the order header the caller has locked.
  await addInvoicedMinor(tx, ctx, input.order.orderId, totalMinor);
  await step('order_invoiced');

  // Lock order step 4: the gapless number, last. Only inserts of new rows follow.
  const invoiceNumber = await nextGaplessNumber(tx, ctx, 'invoice');
  await step('invoice_number');

  const invoiceId = newId();
  const row = await tx
    .insertInto('invoices')
    .values({
      tenant_id: ctx.tenantId,
      invoice_id: invoiceId,
      invoice_number: invoiceNumber,
      customer_id: input.order.customerId,
      order_id: input.order.orderId,
      shipment_id: input.shipmentId,
      status: 'posted',
      invoice_date: input.invoiceDate,
      due_date: dueDate,
      currency,
      subtotal_minor: subtotalMinor,
      tax_minor: taxMinor,
      freight_minor: input.freightMinor,
      freight_tax_minor: freightTax,
      total_minor: totalMinor,
      customer_po: input.order.customerPo,
      created_by: actorRef(ctx.actor),
      created_at: ctx.clock.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('invoice_lines')
    .values(
      lines.map((line) => ({
        tenant_id: ctx.tenantId,
        invoice_id: invoiceId,
        line_number: line.lineNumber,
        order_id: input.order.orderId,
        order_line_id: line.orderLineId,
        item_id: line.itemId,
        unit: line.unit,
        qty: line.qty,
        qty_base: line.qtyBase,
        unit_price: line.unitPrice,
        amount_minor: line.amountMinor,
        jurisdiction_code: line.jurisdictionCode,
        tax_rate: line.taxRate,
        tax_minor: line.taxMinor,
      })),
    )
    .execute();
  await step('invoice');

  await tx
    .insertInto('receivable_open_items')
    .values({
      tenant_id: ctx.tenantId,
      open_item_id: newId(),
      customer_id: input.order.customerId,
      document_type: 'invoice',
      document_number: invoiceNumber,
      document_date: input.invoiceDate,
      due_date: dueDate,
      currency,
      amount_minor: totalMinor,
      open_minor: totalMinor,
      created_at: ctx.clock.now(),
    })
    .execute();
  await step('open_item');

  const entry = await postJournalEntry(tx, ctx, {
    entryDate: input.invoiceDate,
    sourceType: 'invoice',
    sourceId: invoiceId,
    sourceNumber: invoiceNumber,
    description: `Invoice ${invoiceNumber} for shipment ${input.shipmentNumber} of order ${input.order.orderNumber}`,
    lines: [
      { account: 'accounts_receivable', debitMinor: totalMinor },
      { account: 'revenue', creditMinor: subtotalMinor },
      { account: 'sales_tax_payable', creditMinor: taxMinor + freightTax },
      { account: 'freight_income', creditMinor: input.freightMinor },
    ],
  });
  await step('invoice_entry');

  const header = toInvoiceHeader(row);
  await audit(tx, ctx, { action: 'invoice.create', entityType: 'invoice', entityId: invoiceId, before: null, after: { ...header } });
  await appendEvent(tx, ctx, {
    eventType: 'invoice.created',
    aggregateType: 'invoice',
    aggregateId: invoiceId,
    payload: {
      invoiceId,
      invoiceNumber,
      customerId: header.customerId,
      customerCode: customer.code,
      orderId: header.orderId,
      orderNumber: input.order.orderNumber,
      customerPo: header.customerPo,
      shipmentId: input.shipmentId,
      shipmentNumber: input.shipmentNumber,
      invoiceDate: header.invoiceDate,
      dueDate,
      paymentTermsDays: customer.paymentTermsDays,
      currency,
      lines: lines.map((line) => ({ ...line, amountMinor: String(line.amountMinor), taxMinor: String(line.taxMinor) })),
      subtotalMinor: String(subtotalMinor),
      taxMinor: String(taxMinor),
      freightMinor: String(input.freightMinor),
      freightTaxMinor: String(freightTax),
      totalMinor: String(totalMinor),
    },
  });
  await step('invoice_event');
  return { ...header, lines, openMinor: totalMinor, journalEntries: entry ? await journalEntriesOf(tx, ctx, 'invoice', invoiceId) : [] };
}

export async function getInvoiceOrThrow(tx: Tx, ctx: OperationContext, invoiceId: string): Promise<Invoice> {
  const row = await findInvoiceRow(tx, ctx, invoiceId);
  const [lines, openItem, journalEntries] = await Promise.all([
    loadInvoiceLines(tx, ctx, invoiceId),
    findOpenItem(tx, ctx, 'invoice', row.invoice_number),
    journalEntriesOf(tx, ctx, 'invoice', invoiceId),
  ]);
  return { ...toInvoiceHeader(row), lines, openMinor: openItem ? Number(openItem.open_minor) : 0, journalEntries };
}

/** The invoice of a shipment, for the shipment's view (null until it is confirmed). */
export async function findInvoiceForShipment(tx: Tx, ctx: OperationContext, shipmentId: string): Promise<{ invoiceId: string; invoiceNumber: string; status: string; totalMinor: number } | null> {
  const row = await tx
    .selectFrom('invoices')
    .select(['invoice_id', 'invoice_number', 'status', 'total_minor'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('shipment_id', '=', shipmentId)
    .executeTakeFirst();
  return row ? { invoiceId: row.invoice_id, invoiceNumber: row.invoice_number, status: row.status, totalMinor: Number(row.total_minor) } : null;
}

export interface InvoiceFilter {
  customerId?: string | undefined;
  orderId?: string | undefined;
  status?: 'posted' | 'voided' | undefined;
  /** Invoice dates, inclusive. */
  from?: string | undefined;
  to?: string | undefined;
}

export async function listInvoices(tx: Tx, ctx: OperationContext, page: PageRequest, filter: InvoiceFilter = {}): Promise<Page<InvoiceHeader>> {
  let query = tx.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
  if (filter.orderId) query = query.where('order_id', '=', filter.orderId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.from) query = query.where('invoice_date', '>=', filter.from);
  if (filter.to) query = query.where('invoice_date', '<=', filter.to);
  if (page.after) query = query.where('invoice_id', '>', page.after);
  const rows = await query.orderBy('invoice_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toInvoiceHeader), page, (invoice) => invoice.invoiceId);
}

/**
 * Voids an invoice nothing has been applied to (a billing correction: the goods
 * stay shipped). Locks: the order header, then the invoice, then its open
 * item. Refused when voided already (INVOICE_VOIDED), when any payment or
 * credit has touched it — open ≠ amount, or a credit memo names it
 * (INVOICE_NOT_VOIDABLE). Posts the reversing entry of the invoice's entry in
 * today's (open) period.
 */
export async function voidInvoice(tx: Tx, ctx: OperationContext, input: { invoiceId: string; reason: string }): Promise<Invoice> {
  const reason = input.reason.trim();
  if (!reason) throw new AppError('VALIDATION_FAILED', 'a void needs a reason', [{ field: '/reason', message: 'is empty' }]);
  const unlocked = await findInvoiceRow(tx, ctx, input.invoiceId);
  await lockSalesOrderHeader(tx, ctx, unlocked.order_id);
  const invoice = await findInvoiceRow(tx, ctx, input.invoiceId, true);
  if (invoice.status === 'voided') throw new AppError('INVOICE_VOIDED', `invoice ${invoice.invoice_number} is already voided`);
  const openItem = await findOpenItem(tx, ctx, 'invoice', invoice.invoice_number, true);
  invariant(openItem, `invoice ${invoice.invoice_number} has its open item`);
  if (Number(openItem.open_minor) !== Number(openItem.amount_minor)) {
    throw new AppError('INVOICE_NOT_VOIDABLE', `invoice ${invoice.invoice_number} has ${Number(openItem.amount_minor) - Number(openItem.open_minor)} minor units applied; issue a credit memo instead`);
  }
  const credited = await tx.selectFrom('credit_memos').select('credit_memo_id').where('tenant_id', '=', ctx.tenantId).where('invoice_id', '=', invoice.invoice_id).limit(1).executeTakeFirst();
  if (credited) throw new AppError('INVOICE_NOT_VOIDABLE', `invoice ${invoice.invoice_number} has credit memos; credit the rest instead of voiding`);

  await tx
    .updateTable('invoices')
    .set({ status: 'voided', voided_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('invoice_id', '=', invoice.invoice_id)
    .execute();
  await tx
    .updateTable('receivable_open_items')
    .set({ open_minor: 0 })
    .where('tenant_id', '=', ctx.tenantId)
    .where('open_item_id', '=', openItem.open_item_id)
    .execute();
  const total = Number(invoice.total_minor);
  await addInvoicedMinor(tx, ctx, invoice.order_id, -total);

  const entries = await journalEntriesOf(tx, ctx, 'invoice', invoice.invoice_id);
  const original = entries.find((entry) => entry.reversesEntryId === null);
  if (original) await reverseJournalEntry(tx, ctx, original.entryId, { reason: `void of invoice ${invoice.invoice_number}: ${reason}` });
  await audit(tx, ctx, {
    action: 'invoice.void',
    entityType: 'invoice',
    entityId: invoice.invoice_id,
    before: { status: 'posted', openMinor: Number(openItem.open_minor) },
    after: { status: 'voided', openMinor: 0, reason },
  });
  await appendEvent(tx, ctx, {
    eventType: 'invoice.voided',
    aggregateType: 'invoice',
    aggregateId: invoice.invoice_id,
    payload: { invoiceId: invoice.invoice_id, invoiceNumber: invoice.invoice_number, orderId: invoice.order_id, customerId: invoice.customer_id, totalMinor: String(total), reason },
  });
  return getInvoiceOrThrow(tx, ctx, invoice.invoice_id);
}
