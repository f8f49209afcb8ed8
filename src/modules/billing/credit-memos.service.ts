import type { Selectable } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import { actorRef, today } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { CreditMemos } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { applyRateMinor, assertMinor, decimalString, Dec, minorFromDb, parseDecimal, toMinorUnits } from '../../platform/money.ts';
import { nextGaplessNumber } from '../../platform/numbering/index.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { postJournalEntry } from '../ledger/index.ts';
import { returnGoodsToStock, type ReturnToStockInput } from './credit-memo-returns.service.ts';
import { findInvoiceRow, journalEntriesOf, loadInvoiceLines, type JournalEntryRef } from './invoices.queries.ts';

/**
 * Credit memos against an invoice: a price or quantity credit, per invoice line
 * (qty in the invoice's unit) and/or freight. Amount and tax per line like the
 * invoice (half-up once per line); the credit that takes the last of a line's
 * quantity takes the last of its amount and tax, so a line credited in full
 * always credits exactly what was invoiced.
 *
 * Posting: Dr sales_returns subtotal, Dr sales_tax_payable tax, Dr freight_income
 * freight / Cr accounts_receivable total; a NEGATIVE receivable open item (we
 * owe the customer until it is applied). With `returnToStock` the goods come back
 * at the cost they shipped at (credit-memo-returns.service.ts: Dr Inventory /
 * Cr COGS, backorders released); without it, nothing comes back (cost_minor 0).
 * The order's invoiced_minor is not touched (docs/fulfilment-contracts.md).
 */

export interface CreateCreditMemoInput {
  invoiceId: string;
  reason: string;
  lines: Array<{ invoiceLineNumber: number; qty: string }>;
  freightMinor?: number | undefined;
  /** The goods come back: received at the cost they shipped at (Dr Inventory / Cr COGS). */
  returnToStock?: ReturnToStockInput | undefined;
}

export interface CreditMemoLine {
  lineNumber: number;
  invoiceLineNumber: number;
  itemId: string;
  qty: string;
  qtyBase: string;
  unitPrice: string;
  amountMinor: number;
  taxMinor: number;
  /** Cost put back into stock with the goods; 0 for a price or quantity credit without a return. */
  costMinor: number;
}

export interface CreditMemo {
  creditMemoId: string;
  creditMemoNumber: string;
  customerId: string;
  invoiceId: string | null;
  memoDate: string;
  reason: string;
  currency: string;
  subtotalMinor: number;
  taxMinor: number;
  freightMinor: number;
  totalMinor: number;
  /** Where returned goods went back into stock; null when nothing came back. */
  returnWarehouseId: string | null;
  createdBy: string;
  createdAt: Date;
  lines: CreditMemoLine[];
  journalEntries: JournalEntryRef[];
}

export async function createCreditMemo(tx: Tx, ctx: OperationContext, input: CreateCreditMemoInput): Promise<CreditMemo> {
  const reason = input.reason.trim();
  if (!reason) throw new AppError('VALIDATION_FAILED', 'a credit memo needs a reason', [{ field: '/reason', message: 'is empty' }]);
  const freightMinor = input.freightMinor ?? 0;
  if (!Number.isSafeInteger(freightMinor) || freightMinor < 0) throw new AppError('VALIDATION_FAILED', 'freightMinor is a non-negative integer', [{ field: '/freightMinor', message: 'is not a non-negative integer' }]);
  const seen = new Set<number>();
  for (const [index, line] of input.lines.entries()) {
    if (seen.has(line.invoiceLineNumber)) throw new AppError('VALIDATION_FAILED', 'each invoice line once', [{ field: `/lines/${index}/invoiceLineNumber`, message: 'is repeated' }]);
    seen.add(line.invoiceLineNumber);
    if (!parseDecimal(line.qty, `/lines/${index}/qty`).gt(0)) throw new AppError('VALIDATION_FAILED', 'qty must be positive', [{ field: `/lines/${index}/qty`, message: 'must be positive' }]);
  }
  if (input.lines.length === 0 && freightMinor === 0) throw new AppError('VALIDATION_FAILED', 'a credit memo credits at least one line or some freight', [{ field: '/lines', message: 'is empty' }]);

  // Lock step 1: the invoice (a document header), so two credits of one invoice cannot both pass the check.
  const invoice = await findInvoiceRow(tx, ctx, input.invoiceId, true);
  if (invoice.status === 'voided') throw new AppError('INVOICE_VOIDED', `invoice ${invoice.invoice_number} is voided; nothing is left to credit`);
  const invoiceLines = await loadInvoiceLines(tx, ctx, invoice.invoice_id);
  const credited = await tx
    .selectFrom('credit_memo_lines')
    .select(['invoice_line_number', (eb) => eb.fn.sum<string>('qty').as('qty'), (eb) => eb.fn.sum<string>('amount_minor').as('amount'), (eb) => eb.fn.sum<string>('tax_minor').as('tax')])
    .where('tenant_id', '=', ctx.tenantId)
    .where('invoice_id', '=', invoice.invoice_id)
    .groupBy('invoice_line_number')
    .execute();
  const creditedFreight = await tx
    .selectFrom('credit_memos')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('freight_minor'), eb.val('0')).as('freight'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('invoice_id', '=', invoice.invoice_id)
    .executeTakeFirstOrThrow();

  const lines: CreditMemoLine[] = input.lines.map((requested, index) => {
    const line = invoiceLines.find((candidate) => candidate.lineNumber === requested.invoiceLineNumber);
    if (!line) throw new AppError('VALIDATION_FAILED', `invoice ${invoice.invoice_number} has no line ${requested.invoiceLineNumber}`, [{ field: `/lines/${index}/invoiceLineNumber`, message: 'no such line' }]);
    const before = credited.find((row) => row.invoice_line_number === line.lineNumber);
    const qty = new Dec(requested.qty);
    const left = new Dec(line.qty).minus(before?.qty ?? 0);
    if (qty.greaterThan(left)) {
      throw new AppError('CREDIT_EXCEEDS_INVOICED', `line ${line.lineNumber}: ${decimalString(left)} invoiced and not yet credited; ${qty.toFixed()} requested`, [{ field: `/lines/${index}/qty`, message: 'exceeds what is left to credit' }]);
    }
    const all = qty.equals(left);
    const amountMinor = all ? line.amountMinor - Number(before?.amount ?? 0) : Math.min(toMinorUnits(qty.times(line.unitPrice), invoice.currency), line.amountMinor - Number(before?.amount ?? 0));
    const taxMinor = all ? line.taxMinor - Number(before?.tax ?? 0) : Math.min(applyRateMinor(amountMinor, line.taxRate), line.taxMinor - Number(before?.tax ?? 0));
    const qtyBase = qty.times(line.qtyBase).dividedBy(line.qty).toDecimalPlaces(6, Dec.ROUND_HALF_UP);
    return { lineNumber: index + 1, invoiceLineNumber: line.lineNumber, itemId: line.itemId, qty: qty.toFixed(), qtyBase: qtyBase.isZero() ? '0.000001' : qtyBase.toFixed(), unitPrice: line.unitPrice, amountMinor, taxMinor, costMinor: 0 };
  });
  const invoiceFreight = minorFromDb(invoice.freight_minor);
  const freightLeft = invoiceFreight - minorFromDb(creditedFreight.freight as string);
  if (freightMinor > freightLeft) throw new AppError('CREDIT_EXCEEDS_INVOICED', `${freightLeft} of the freight is left to credit; ${freightMinor} requested`, [{ field: '/freightMinor', message: 'exceeds what is left to credit' }]);
  // Freight tax follows the freight credited, in proportion (the whole of it with the last of the freight).
  const invoiceFreightTax = minorFromDb(invoice.freight_tax_minor);
  const freightTax = freightMinor === 0 || invoiceFreight === 0 ? 0 : new Dec(invoiceFreightTax).times(freightMinor).dividedBy(invoiceFreight).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber();
  const subtotalMinor = assertMinor(lines.reduce((sum, line) => sum + line.amountMinor, 0));
  const taxMinor = assertMinor(lines.reduce((sum, line) => sum + line.taxMinor, 0) + freightTax);
  const totalMinor = assertMinor(subtotalMinor + taxMinor + freightMinor);
  if (totalMinor <= 0) throw new AppError('CREDIT_EXCEEDS_INVOICED', 'nothing is left to credit on these lines');
  const memoDate = today(ctx);
  const creditMemoId = newId();

  // Goods back into stock (sales order headers, then balances — after the invoice, before the number).
  const returned = input.returnToStock
    ? await returnGoodsToStock(tx, ctx, {
        invoiceId: invoice.invoice_id,
        invoiceNumber: invoice.invoice_number,
        shipmentId: invoice.shipment_id,
        currency: invoice.currency,
        creditMemoId,
        lines: lines.map((line) => ({ invoiceLineNumber: line.invoiceLineNumber, orderLineId: invoiceLines.find((candidate) => candidate.lineNumber === line.invoiceLineNumber)!.orderLineId, itemId: line.itemId, qtyBase: line.qtyBase })),
        target: input.returnToStock,
      })
    : null;
  for (const line of lines) line.costMinor = returned?.lines.find((candidate) => candidate.invoiceLineNumber === line.invoiceLineNumber)?.costMinor ?? 0;

  // Lock order step 4: the gapless CM- number, last; only inserts follow.
  const creditMemoNumber = await nextGaplessNumber(tx, ctx, 'credit_memo');
  const row = await tx
    .insertInto('credit_memos')
    .values({
      tenant_id: ctx.tenantId,
      credit_memo_id: creditMemoId,
      credit_memo_number: creditMemoNumber,
      customer_id: invoice.customer_id,
      invoice_id: invoice.invoice_id,
      memo_date: memoDate,
      reason,
      currency: invoice.currency,
      subtotal_minor: subtotalMinor,
      tax_minor: taxMinor,
      freight_minor: freightMinor,
      total_minor: totalMinor,
      return_warehouse_id: returned?.warehouseId ?? null,
      created_by: actorRef(ctx.actor),
      created_at: ctx.clock.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (lines.length > 0) {
    await tx
      .insertInto('credit_memo_lines')
      .values(
        lines.map((line) => ({
          tenant_id: ctx.tenantId,
          credit_memo_id: creditMemoId,
          line_number: line.lineNumber,
          invoice_id: invoice.invoice_id,
          invoice_line_number: line.invoiceLineNumber,
          item_id: line.itemId,
          qty: line.qty,
          qty_base: line.qtyBase,
          unit_price: line.unitPrice,
          amount_minor: line.amountMinor,
          tax_minor: line.taxMinor,
          cost_minor: line.costMinor,
        })),
      )
      .execute();
  }
  await tx
    .insertInto('receivable_open_items')
    .values({
      tenant_id: ctx.tenantId,
      open_item_id: newId(),
      customer_id: invoice.customer_id,
      document_type: 'credit_memo',
      document_number: creditMemoNumber,
      document_date: memoDate,
      due_date: memoDate,
      currency: invoice.currency,
      amount_minor: -totalMinor,
      open_minor: -totalMinor,
      created_at: ctx.clock.now(),
    })
    .execute();
  await postJournalEntry(tx, ctx, {
    entryDate: memoDate,
    sourceType: 'credit_memo',
    sourceId: creditMemoId,
    sourceNumber: creditMemoNumber,
    description: `Credit memo ${creditMemoNumber} against invoice ${invoice.invoice_number}`,
    lines: [
      { account: 'sales_returns', debitMinor: subtotalMinor },
      { account: 'sales_tax_payable', debitMinor: taxMinor },
      { account: 'freight_income', debitMinor: freightMinor },
      { account: 'accounts_receivable', creditMinor: totalMinor },
    ],
  });
  const memo = toCreditMemo(row, lines, []);
  await audit(tx, ctx, { action: 'credit_memo.create', entityType: 'credit_memo', entityId: creditMemoId, before: null, after: { ...memo, lines: undefined, journalEntries: undefined } });
  await appendEvent(tx, ctx, {
    eventType: 'credit_memo.created',
    aggregateType: 'credit_memo',
    aggregateId: creditMemoId,
    payload: {
      creditMemoId,
      creditMemoNumber,
      invoiceId: invoice.invoice_id,
      invoiceNumber: invoice.invoice_number,
      customerId: invoice.customer_id,
      reason,
      lines: lines.map((line) => ({ ...line, amountMinor: String(line.amountMinor), taxMinor: String(line.taxMinor) })),
      subtotalMinor: String(subtotalMinor),
      taxMinor: String(taxMinor),
      freightMinor: String(freightMinor),
      totalMinor: String(totalMinor),
      returnWarehouseId: returned?.warehouseId ?? null,
      backordersReleased: returned?.backordersReleased ?? [],
    },
  });
  return getCreditMemoOrThrow(tx, ctx, creditMemoId);
}

function toCreditMemo(row: Selectable<CreditMemos>, lines: CreditMemoLine[], journalEntries: JournalEntryRef[]): CreditMemo {
  return {
    creditMemoId: row.credit_memo_id,
    creditMemoNumber: row.credit_memo_number,
    customerId: row.customer_id,
    invoiceId: row.invoice_id,
    memoDate: row.memo_date,
    reason: row.reason,
    currency: row.currency,
    subtotalMinor: minorFromDb(row.subtotal_minor),
    taxMinor: minorFromDb(row.tax_minor),
    freightMinor: minorFromDb(row.freight_minor),
    totalMinor: minorFromDb(row.total_minor),
    returnWarehouseId: row.return_warehouse_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lines,
    journalEntries,
  };
}

export async function getCreditMemoOrThrow(tx: Tx, ctx: OperationContext, creditMemoId: string): Promise<CreditMemo> {
  const row = await tx.selectFrom('credit_memos').selectAll().where('tenant_id', '=', ctx.tenantId).where('credit_memo_id', '=', creditMemoId).executeTakeFirst();
  if (!row) throw new AppError('CREDIT_MEMO_NOT_FOUND', `no credit memo ${creditMemoId}`);
  const lineRows = await tx.selectFrom('credit_memo_lines').selectAll().where('tenant_id', '=', ctx.tenantId).where('credit_memo_id', '=', creditMemoId).orderBy('line_number').execute();
  const lines = lineRows.map((line) => ({
    lineNumber: line.line_number,
    invoiceLineNumber: line.invoice_line_number,
    itemId: line.item_id,
    qty: decimalString(line.qty),
    qtyBase: decimalString(line.qty_base),
    unitPrice: decimalString(line.unit_price),
    amountMinor: minorFromDb(line.amount_minor),
    taxMinor: minorFromDb(line.tax_minor),
    costMinor: minorFromDb(line.cost_minor),
  }));
  return toCreditMemo(row, lines, await journalEntriesOf(tx, ctx, 'credit_memo', creditMemoId));
}

export async function listCreditMemos(
  tx: Tx,
  ctx: OperationContext,
  page: PageRequest,
  filter: { customerId?: string | undefined; invoiceId?: string | undefined } = {},
): Promise<Page<Omit<CreditMemo, 'lines' | 'journalEntries'>>> {
  let query = tx.selectFrom('credit_memos').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
  if (filter.invoiceId) query = query.where('invoice_id', '=', filter.invoiceId);
  if (page.after) query = query.where('credit_memo_id', '>', page.after);
  const rows = await query.orderBy('credit_memo_id').limit(page.limit + 1).execute();
  return toPage(
    rows.map((row) => {
      const { lines: _lines, journalEntries: _entries, ...header } = toCreditMemo(row, [], []);
      return header;
    }),
    page,
    (memo) => memo.creditMemoId,
  );
}
