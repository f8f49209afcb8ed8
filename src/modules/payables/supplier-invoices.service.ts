import { audit } from '../../platform/audit/index.ts';
import { actorRef, today, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { memoInTransaction } from '../../platform/db/transaction-memo.ts';
import { AppError, invariant, isAppError, type FieldError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { MAX_INPUT_MINOR } from '../../platform/limits.ts';
import { assertMinor, decimalString, lineAmountMinor, parseDecimal, type Dec } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { getTenantOrThrow } from '../access/index.ts';
import { resolveItemOrThrow } from '../catalog/index.ts';
import { addDays, getSupplierOrThrow, isBusinessDate } from '../partners/index.ts';
import { assertSamePurchaseOrder, loadPurchaseOrderLines, lockPurchaseOrderHeadersInOrder, type PurchaseOrderLineRow, type PurchaseOrderRow } from '../purchasing/index.ts';
import { settleSupplierInvoice } from './supplier-invoice-match.service.ts';
import { findInvoiceRowOrThrow, getSupplierInvoiceOrThrow, type SupplierInvoice, type SupplierInvoiceRow } from './supplier-invoices.queries.ts';

/**
 * Supplier invoices (issue #6 item 5). Entry is ONE transaction: the invoice's PO headers are
 * locked FOR NO KEY UPDATE in id order (as a receipt locks its PO), every check is made before
 * the first write, then the invoice and its lines are written held and matched three ways
 * (supplier-invoice-match.service.ts): within tolerance it posts at once, otherwise it stays
 * held with its reasons for approval, rematch after more receipts, or rejection.
 */

/** An invoice bills at most this many lines. */
export const SUPPLIER_INVOICE_LINES_MAX = 200;
/** POs whose goods can be billed: everything after approval, including a closed PO. */
const INVOICEABLE_PO_STATUSES = new Set(['approved', 'sent', 'partially_received', 'received', 'closed']);

export interface SupplierInvoiceLineInput {
  purchaseOrderId?: string | undefined;
  poNumber?: string | undefined;
  poLineId?: string | undefined;
  lineNumber?: number | undefined;
  itemId?: string | undefined;
  sku?: string | undefined;
  qty: string;
  unitPrice: string;
}

export interface CreateSupplierInvoiceInput {
  /** SINV- number taken before the transaction (block series). */
  invoiceNumber: string;
  supplierId: string;
  supplierInvoiceNumber: string;
  invoiceDate: string;
  /** Default: invoiceDate + the supplier's payment terms. */
  dueDate?: string | undefined;
  freightMinor?: number | undefined;
  lines: SupplierInvoiceLineInput[];
}

interface ResolvedLine {
  po: PurchaseOrderRow;
  poLine: PurchaseOrderLineRow;
  qty: Dec;
  unitPrice: Dec;
  amountMinor: number;
}

export async function createSupplierInvoice(tx: Tx, ctx: OperationContext, input: CreateSupplierInvoiceInput): Promise<SupplierInvoice> {
  invariant(/^SINV-\d+$/.test(input.invoiceNumber), 'supplier invoice numbers come from the supplier_invoice series');
  const supplierInvoiceNumber = input.supplierInvoiceNumber.trim();
  if (supplierInvoiceNumber.length < 1 || supplierInvoiceNumber.length > 64) throw invalid('/supplierInvoiceNumber', 'is 1 to 64 characters');
  if (!isBusinessDate(input.invoiceDate)) throw invalid('/invoiceDate', 'is a date (YYYY-MM-DD)');
  if (input.invoiceDate > today(ctx)) throw invalid('/invoiceDate', `is not after today (${today(ctx)})`);
  if (input.dueDate !== undefined && (!isBusinessDate(input.dueDate) || input.dueDate < input.invoiceDate)) throw invalid('/dueDate', 'is a date on or after the invoice date');
  const freightMinor = input.freightMinor ?? 0;
  if (!Number.isSafeInteger(freightMinor) || freightMinor < 0 || freightMinor > MAX_INPUT_MINOR) throw invalid('/freightMinor', 'is a non-negative integer of minor units');
  if (input.lines.length === 0) throw invalid('/lines', 'is empty');
  if (input.lines.length > SUPPLIER_INVOICE_LINES_MAX) throw invalid('/lines', `has at most ${SUPPLIER_INVOICE_LINES_MAX} lines`);
  const amounts = input.lines.map((line, index) => {
    const qty = parseDecimal(line.qty, `/lines/${index}/qty`);
    if (!qty.gt(0)) throw invalid(`/lines/${index}/qty`, 'is positive');
    const unitPrice = parseDecimal(line.unitPrice, `/lines/${index}/unitPrice`);
    if (unitPrice.lt(0)) throw invalid(`/lines/${index}/unitPrice`, 'is not negative');
    if (line.purchaseOrderId === undefined && line.poNumber === undefined) throw invalid(`/lines/${index}/purchaseOrderId`, 'name the PO by purchaseOrderId or poNumber');
    return { qty, unitPrice };
  });

  const supplier = await getSupplierOrThrow(tx, ctx, input.supplierId);
  if (!supplier.active) throw new AppError('SUPPLIER_INACTIVE', `supplier ${supplier.code} is inactive`);
  const functionalCurrency = await memoInTransaction(tx, 'tenant:currency', async () => (await getTenantOrThrow(tx, ctx.tenantId)).functionalCurrency);
  if (supplier.currency !== functionalCurrency) throw new AppError('CURRENCY_NOT_SUPPORTED', `the supplier bills in ${supplier.currency}; only ${functionalCurrency} is supported`);

  // Lock step 1: the PO headers, in id order, in one statement.
  const poIds = await resolvePoIds(tx, ctx, input.lines);
  const pos = new Map((await lockPurchaseOrderHeadersInOrder(tx, ctx, [...new Set(poIds)])).map((po) => [po.po_id, po]));
  const poLines = new Map<string, PurchaseOrderLineRow[]>();
  for (const po of pos.values()) {
    if (po.supplier_id !== supplier.supplierId) {
      const index = poIds.indexOf(po.po_id);
      throw new AppError('SUPPLIER_INVOICE_PO_OF_OTHER_SUPPLIER', `purchase order ${po.po_number} is not from supplier ${supplier.code}`, [{ field: `/lines/${index}`, message: 'another supplier' }]);
    }
    if (!INVOICEABLE_PO_STATUSES.has(po.status)) throw new AppError('SUPPLIER_INVOICE_PO_NOT_INVOICEABLE', `purchase order ${po.po_number} is ${po.status}`);
    poLines.set(po.po_id, await loadPurchaseOrderLines(tx, ctx, po.po_id));
  }

  // Under the PO locks, two entries of the same supplier number (naming the same PO) run one
  // after the other, so the second finds the first here. Entries naming disjoint POs can still
  // race to the unique index; the loser gets CONFLICT (409) and writes nothing.
  const duplicate = await tx
    .selectFrom('supplier_invoices')
    .select('invoice_number')
    .where('tenant_id', '=', ctx.tenantId)
    .where('supplier_id', '=', supplier.supplierId)
    .where((eb) => eb(eb.fn('lower', ['supplier_invoice_number']), '=', supplierInvoiceNumber.toLowerCase()))
    .where('status', '<>', 'rejected')
    .executeTakeFirst();
  if (duplicate) throw new AppError('SUPPLIER_INVOICE_DUPLICATE', `supplier ${supplier.code}'s invoice ${supplierInvoiceNumber} is already entered as ${duplicate.invoice_number}`);

  const resolved: ResolvedLine[] = [];
  for (const [index, line] of input.lines.entries()) {
    const po = pos.get(poIds[index]!)!;
    const poLine = await resolvePoLine(tx, ctx, po, poLines.get(po.po_id)!, line, index);
    const { qty, unitPrice } = amounts[index]!;
    resolved.push({ po, poLine, qty, unitPrice, amountMinor: lineAmountMinor(unitPrice, qty, supplier.currency) });
  }
  const goodsMinor = assertMinor(resolved.reduce((total, line) => total + line.amountMinor, 0));
  const totalMinor = assertMinor(goodsMinor + freightMinor);
  if (totalMinor === 0) throw invalid('/lines', 'bill something: the invoice total is 0');

  const supplierInvoiceId = newId();
  const dueDate = input.dueDate ?? addDays(input.invoiceDate, supplier.paymentTermsDays);
  await tx
    .insertInto('supplier_invoices')
    .values({
      tenant_id: ctx.tenantId,
      supplier_invoice_id: supplierInvoiceId,
      invoice_number: input.invoiceNumber,
      supplier_id: supplier.supplierId,
      supplier_invoice_number: supplierInvoiceNumber,
      invoice_date: input.invoiceDate,
      due_date: dueDate,
      currency: supplier.currency,
      status: 'held',
      goods_minor: goodsMinor,
      freight_minor: freightMinor,
      total_minor: totalMinor,
      created_by: actorRef(ctx.actor),
      created_at: ctx.clock.now(),
    })
    .execute();
  await tx
    .insertInto('supplier_invoice_lines')
    .values(
      resolved.map((line, index) => ({
        tenant_id: ctx.tenantId,
        supplier_invoice_id: supplierInvoiceId,
        line_number: index + 1,
        po_id: line.po.po_id,
        po_line_id: line.poLine.line_id,
        item_id: line.poLine.item_id,
        qty: line.qty.toFixed(),
        unit_price: line.unitPrice.toFixed(),
        amount_minor: line.amountMinor,
        po_unit_cost: decimalString(line.poLine.unit_cost),
      })),
    )
    .execute();
  const invoice = await findInvoiceRowOrThrow(tx, ctx, supplierInvoiceId);
  const settled = await settleSupplierInvoice(tx, ctx, invoice, 'match', input.invoiceDate);
  await audit(tx, ctx, {
    action: 'supplier_invoice.create',
    entityType: 'supplier_invoice',
    entityId: supplierInvoiceId,
    before: null,
    after: { invoiceNumber: input.invoiceNumber, supplierId: supplier.supplierId, supplierInvoiceNumber, totalMinor, status: settled.status, holds: settled.holds },
  });
  return getSupplierInvoiceOrThrow(tx, ctx, supplierInvoiceId);
}

/** POST …/:id/rematch: the match again, e.g. after more receipts; posts when it now passes. */
export async function rematchSupplierInvoice(tx: Tx, ctx: OperationContext, supplierInvoiceId: string): Promise<SupplierInvoice> {
  const invoice = await lockHeldInvoice(tx, ctx, supplierInvoiceId);
  const settled = await settleSupplierInvoice(tx, ctx, invoice, 'match', today(ctx));
  await audit(tx, ctx, {
    action: 'supplier_invoice.rematch',
    entityType: 'supplier_invoice',
    entityId: supplierInvoiceId,
    before: { status: 'held' },
    after: { status: settled.status, holds: settled.holds },
  });
  return getSupplierInvoiceOrThrow(tx, ctx, supplierInvoiceId);
}

/** POST …/:id/approve: releases price holds (the variance goes to PPV); quantity holds refuse it. */
export async function approveSupplierInvoice(tx: Tx, ctx: OperationContext, supplierInvoiceId: string): Promise<SupplierInvoice> {
  const invoice = await lockHeldInvoice(tx, ctx, supplierInvoiceId);
  await settleSupplierInvoice(tx, ctx, invoice, 'approve', today(ctx));
  return getSupplierInvoiceOrThrow(tx, ctx, supplierInvoiceId);
}

export async function rejectSupplierInvoice(tx: Tx, ctx: OperationContext, supplierInvoiceId: string, reason: string): Promise<SupplierInvoice> {
  const text = reason.trim();
  if (text.length < 1 || text.length > 500) throw invalid('/reason', 'is 1 to 500 characters');
  const invoice = await lockHeldInvoice(tx, ctx, supplierInvoiceId);
  await tx
    .updateTable('supplier_invoices')
    .set({ status: 'rejected', rejected_by: actorRef(ctx.actor), rejected_at: ctx.clock.now(), reject_reason: text, revision: invoice.revision + 1 })
    .where('tenant_id', '=', ctx.tenantId)
    .where('supplier_invoice_id', '=', supplierInvoiceId)
    .execute();
  await audit(tx, ctx, { action: 'supplier_invoice.reject', entityType: 'supplier_invoice', entityId: supplierInvoiceId, before: { status: 'held' }, after: { status: 'rejected', reason: text } });
  await appendEvent(tx, ctx, {
    eventType: 'supplier_invoice.rejected',
    aggregateType: 'supplier_invoice',
    aggregateId: supplierInvoiceId,
    payload: { supplierInvoiceId, invoiceNumber: invoice.invoice_number, supplierId: invoice.supplier_id, reason: text },
  });
  return getSupplierInvoiceOrThrow(tx, ctx, supplierInvoiceId);
}

/**
 * Lock order for an existing invoice: its PO headers first (id order, as at entry and in
 * receipts), then the invoice row; its status is read only under the locks, so two approvals
 * (or an approval and a rejection) of one invoice run one after the other and the second is refused.
 */
async function lockHeldInvoice(tx: Tx, ctx: OperationContext, supplierInvoiceId: string): Promise<SupplierInvoiceRow> {
  await findInvoiceRowOrThrow(tx, ctx, supplierInvoiceId);
  const rows = await tx.selectFrom('supplier_invoice_lines').select('po_id').distinct().where('tenant_id', '=', ctx.tenantId).where('supplier_invoice_id', '=', supplierInvoiceId).execute();
  await lockPurchaseOrderHeadersInOrder(tx, ctx, rows.map((row) => row.po_id));
  const invoice = await findInvoiceRowOrThrow(tx, ctx, supplierInvoiceId, true);
  if (invoice.status !== 'held') throw new AppError('SUPPLIER_INVOICE_NOT_HELD', `supplier invoice ${invoice.invoice_number} is ${invoice.status}`);
  return invoice;
}

/** Each line's PO id, by id or number; an unknown PO is refused by the line that names it. */
async function resolvePoIds(tx: Tx, ctx: OperationContext, lines: SupplierInvoiceLineInput[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, line] of lines.entries()) {
    let query = tx.selectFrom('purchase_orders').select(['po_id', 'po_number']).where('tenant_id', '=', ctx.tenantId);
    query = line.purchaseOrderId !== undefined ? query.where('po_id', '=', line.purchaseOrderId) : query.where('po_number', '=', line.poNumber!.trim().toUpperCase());
    const row = await query.executeTakeFirst();
    if (!row) throw new AppError('PURCHASE_ORDER_NOT_FOUND', `no purchase order ${line.purchaseOrderId ?? line.poNumber}`, [{ field: `/lines/${index}`, message: 'unknown purchase order' }]);
    assertSamePurchaseOrder(row, line, `/lines/${index}/poNumber`);
    ids.push(row.po_id);
  }
  return ids;
}

/** The PO line an invoice line bills: by id, by line number, else by item (id or SKU) when the PO has it on one line. */
async function resolvePoLine(tx: Tx, ctx: OperationContext, po: PurchaseOrderRow, lines: PurchaseOrderLineRow[], input: SupplierInvoiceLineInput, index: number): Promise<PurchaseOrderLineRow> {
  const field = `/lines/${index}`;
  const notOnOrder = (what: string) => new AppError('SUPPLIER_INVOICE_LINE_NOT_ON_ORDER', `${what} is not a line of purchase order ${po.po_number}`, [{ field, message: 'not on the order' }]);
  const open = lines.filter((line) => line.status !== 'cancelled');
  let found: PurchaseOrderLineRow | undefined;
  if (input.poLineId !== undefined) found = open.find((line) => line.line_id === input.poLineId) ?? throwError(notOnOrder(`line ${input.poLineId}`));
  else if (input.lineNumber !== undefined) found = open.find((line) => line.line_number === input.lineNumber) ?? throwError(notOnOrder(`line number ${input.lineNumber}`));
  if (found !== undefined) return assertSameLine(tx, ctx, po, found, input, field);
  let itemId = input.itemId;
  if (itemId === undefined && input.sku !== undefined) {
    try {
      itemId = (await resolveItemOrThrow(tx, ctx, { sku: input.sku.trim() })).itemId;
    } catch (error) {
      if (!isAppError(error) || (error.code !== 'ITEM_NOT_FOUND' && error.code !== 'ITEM_INACTIVE')) throw error;
      throw notOnOrder(`SKU ${input.sku}`);
    }
  }
  if (itemId === undefined) throw invalid(field, 'name the PO line by poLineId, lineNumber, itemId or sku');
  const matching = open.filter((line) => line.item_id === itemId);
  if (matching.length === 0) throw notOnOrder(`item ${input.sku ?? itemId}`);
  if (matching.length > 1) throw invalid(field, `the item is on ${matching.length} lines of ${po.po_number}: name the lineNumber`);
  return matching[0]!;
}

/**
 * A line named by id or number must be the one every other reference given names too (lineNumber,
 * itemId, sku): otherwise the first would win silently and the bill land on another line.
 */
async function assertSameLine(tx: Tx, ctx: OperationContext, po: PurchaseOrderRow, line: PurchaseOrderLineRow, input: SupplierInvoiceLineInput, field: string): Promise<PurchaseOrderLineRow> {
  const mismatch = (what: string) =>
    new AppError('PURCHASE_ORDER_REFERENCE_MISMATCH', `${what} does not name line ${line.line_number} of purchase order ${po.po_number}`, [{ field: `${field}/${what.split(' ')[0]}`, message: 'another line' }]);
  if (input.lineNumber !== undefined && input.lineNumber !== line.line_number) throw mismatch(`lineNumber ${input.lineNumber}`);
  if (input.itemId !== undefined && input.itemId !== line.item_id) throw mismatch(`itemId ${input.itemId}`);
  if (input.sku !== undefined) {
    let itemId: string | null = null;
    try {
      itemId = (await resolveItemOrThrow(tx, ctx, { sku: input.sku.trim() })).itemId;
    } catch (error) {
      if (!isAppError(error) || (error.code !== 'ITEM_NOT_FOUND' && error.code !== 'ITEM_INACTIVE')) throw error;
    }
    if (itemId !== line.item_id) throw mismatch(`sku ${input.sku.trim()}`);
  }
  return line;
}

function throwError(error: AppError): never {
  throw error;
}

function invalid(field: string, message: string, extra: FieldError[] = []): AppError {
  return new AppError('VALIDATION_FAILED', `${field.replace(/^\//, '')} ${message}`, [{ field, message }, ...extra]);
}
