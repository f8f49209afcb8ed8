import { audit } from '../../platform/audit/index.ts';
import { actorRef, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { assertMinor, Dec } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { postJournalEntry, type PostingLine } from '../ledger/index.ts';
import { getPurchasingSettings } from '../purchasing/index.ts';
import { matchInvoiceLine, QTY_HOLD_CODES, type MatchHold } from './rules/three-way-match.rules.ts';
import { loadInvoiceLines, poLineFigures, type SupplierInvoiceRow } from './supplier-invoices.queries.ts';

/**
 * Runs the three-way match of a held supplier invoice and posts it when it passes. The caller
 * holds the locks (DESIGN §2a): the invoice's PO headers FOR NO KEY UPDATE in id order — the
 * same rows a receipt of those POs locks first — then the invoice row. Under them the figures
 * read here (received, invoiced by posted invoices, GRNI left) cannot move, so two invoices for
 * the same received quantity cannot both match it: the second waits, then sees the first posted.
 *
 * mode 'match' (entry, rematch): any hold keeps the invoice held.
 * mode 'approve': price holds are released (the variance goes to PPV); a quantity hold refuses
 * the approval — goods that have not arrived are not paid for.
 */

export type SettleMode = 'match' | 'approve';

export interface SettleResult {
  status: 'held' | 'posted';
  holds: Array<MatchHold & { lineNumber: number }>;
  journalEntryId: string | null;
}

/**
 * entryDate: the invoice date at entry; the release day for rematch and approval (the invoice
 * date's period may be closed by then, and the liability is recognised when the invoice is released).
 */
export async function settleSupplierInvoice(tx: Tx, ctx: OperationContext, invoice: SupplierInvoiceRow, mode: SettleMode, entryDate: string): Promise<SettleResult> {
  invariant(invoice.status === 'held', 'only a held invoice is matched');
  const lines = await loadInvoiceLines(tx, ctx, invoice.supplier_invoice_id);
  const settings = await getPurchasingSettings(tx, ctx);
  const figures = await poLineFigures(tx, ctx, lines.map((line) => line.po_line_id));

  // Lines of one invoice on the same PO line consume its received quantity and GRNI in line order.
  const invoicedSoFar = new Map<string, Dec>();
  const clearedSoFar = new Map<string, number>();
  const results = lines.map((line) => {
    const figure = figures.get(line.po_line_id);
    invariant(figure, `PO line ${line.po_line_id} exists (foreign key)`);
    const qtyInvoiced = invoicedSoFar.get(line.po_line_id) ?? new Dec(figure.qtyInvoiced);
    const cleared = clearedSoFar.get(line.po_line_id) ?? figure.grniClearedMinor;
    const result = matchInvoiceLine({
      qty: new Dec(line.qty),
      unitPrice: new Dec(line.unit_price),
      poUnitCost: new Dec(figure.unitCost),
      qtyReceived: new Dec(figure.qtyReceived),
      qtyInvoiced,
      receivedValueMinor: figure.receivedValueMinor,
      grniClearedMinor: cleared,
      currency: invoice.currency,
      priceTolerancePercent: settings.priceTolerancePercent,
      qtyTolerancePercent: settings.qtyTolerancePercent,
    });
    invariant(result.amountMinor === Number(line.amount_minor), 'the line amount is what was stored at entry');
    invoicedSoFar.set(line.po_line_id, qtyInvoiced.plus(line.qty));
    clearedSoFar.set(line.po_line_id, cleared + result.grniClearMinor);
    return { line, ...result };
  });
  const holds = results.flatMap((result) => result.holds.map((hold) => ({ lineNumber: result.line.line_number, ...hold })));

  if (mode === 'approve') {
    const qtyHolds = holds.filter((hold) => QTY_HOLD_CODES.has(hold.code));
    if (qtyHolds.length > 0) {
      throw new AppError(
        'SUPPLIER_INVOICE_QTY_NOT_RECEIVED',
        `invoice ${invoice.invoice_number}: ${qtyHolds.map((hold) => `line ${hold.lineNumber} ${hold.code} (${hold.detail})`).join('; ')}`,
      );
    }
  }

  for (const result of results) {
    await tx
      .updateTable('supplier_invoice_lines')
      .set({ holds: JSON.stringify(result.holds) })
      .where('tenant_id', '=', ctx.tenantId)
      .where('supplier_invoice_id', '=', invoice.supplier_invoice_id)
      .where('line_number', '=', result.line.line_number)
      .execute();
  }
  if (mode === 'match' && holds.length > 0) {
    await tx
      .updateTable('supplier_invoices')
      .set({ revision: invoice.revision + 1 })
      .where('tenant_id', '=', ctx.tenantId)
      .where('supplier_invoice_id', '=', invoice.supplier_invoice_id)
      .execute();
    await appendEvent(tx, ctx, {
      eventType: 'supplier_invoice.held',
      aggregateType: 'supplier_invoice',
      aggregateId: invoice.supplier_invoice_id,
      payload: { supplierInvoiceId: invoice.supplier_invoice_id, invoiceNumber: invoice.invoice_number, supplierId: invoice.supplier_id, holds },
    });
    return { status: 'held', holds, journalEntryId: null };
  }

  // Post: Dr GRNI (received value at PO price), Dr/Cr PPV (the rest of the goods), Dr freight / Cr AP.
  const grniMinor = assertMinor(results.reduce((total, result) => total + result.grniClearMinor, 0));
  const ppvMinor = assertMinor(results.reduce((total, result) => total + result.ppvMinor, 0));
  const freightMinor = Number(invoice.freight_minor);
  const totalMinor = Number(invoice.total_minor);
  invariant(grniMinor + ppvMinor + freightMinor === totalMinor, 'GRNI + PPV + freight = the invoice total');
  const postingLines: PostingLine[] = [
    { account: 'grni', debitMinor: grniMinor },
    ppvMinor >= 0 ? { account: 'purchase_price_variance', debitMinor: ppvMinor } : { account: 'purchase_price_variance', creditMinor: -ppvMinor },
    { account: 'freight_expense', debitMinor: freightMinor },
    { account: 'accounts_payable', creditMinor: totalMinor },
  ];
  const entry = await postJournalEntry(tx, ctx, {
    entryDate,
    sourceType: 'supplier_invoice',
    sourceId: invoice.supplier_invoice_id,
    sourceNumber: invoice.invoice_number,
    description: `Supplier invoice ${invoice.invoice_number} (${invoice.supplier_invoice_number})`,
    lines: postingLines,
  });
  // The total is positive (refused at entry otherwise), so the AP credit makes a non-empty entry.
  invariant(entry, 'a posted supplier invoice has a journal entry');

  for (const result of results) {
    await tx
      .updateTable('supplier_invoice_lines')
      .set({ grni_cleared_minor: result.grniClearMinor, ppv_minor: result.ppvMinor })
      .where('tenant_id', '=', ctx.tenantId)
      .where('supplier_invoice_id', '=', invoice.supplier_invoice_id)
      .where('line_number', '=', result.line.line_number)
      .execute();
  }
  const now = ctx.clock.now();
  await tx
    .updateTable('supplier_invoices')
    .set({
      status: 'posted',
      journal_entry_id: entry.entryId,
      posted_at: now,
      revision: invoice.revision + 1,
      ...(mode === 'approve' ? { approved_by: actorRef(ctx.actor), approved_at: now } : {}),
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('supplier_invoice_id', '=', invoice.supplier_invoice_id)
    .execute();
  await tx
    .insertInto('payable_open_items')
    .values({
      tenant_id: ctx.tenantId,
      open_item_id: newId(),
      supplier_id: invoice.supplier_id,
      document_type: 'supplier_invoice',
      document_id: invoice.supplier_invoice_id,
      document_number: invoice.invoice_number,
      supplier_document_number: invoice.supplier_invoice_number,
      document_date: invoice.invoice_date,
      due_date: invoice.due_date,
      currency: invoice.currency,
      amount_minor: totalMinor,
      open_minor: totalMinor,
      created_at: now,
    })
    .execute();
  if (mode === 'approve') {
    await audit(tx, ctx, {
      action: 'supplier_invoice.approve',
      entityType: 'supplier_invoice',
      entityId: invoice.supplier_invoice_id,
      before: { status: 'held' },
      after: { status: 'posted', invoiceNumber: invoice.invoice_number, holdsReleased: holds, ppvMinor, journalEntryId: entry.entryId },
    });
  }
  await appendEvent(tx, ctx, {
    eventType: 'supplier_invoice.posted',
    aggregateType: 'supplier_invoice',
    aggregateId: invoice.supplier_invoice_id,
    payload: {
      supplierInvoiceId: invoice.supplier_invoice_id,
      invoiceNumber: invoice.invoice_number,
      supplierId: invoice.supplier_id,
      supplierInvoiceNumber: invoice.supplier_invoice_number,
      totalMinor: String(totalMinor),
      grniClearedMinor: String(grniMinor),
      ppvMinor: String(ppvMinor),
      freightMinor: String(freightMinor),
      journalEntryId: entry.entryId,
      approved: mode === 'approve',
    },
  });
  return { status: 'posted', holds: mode === 'approve' ? holds : [], journalEntryId: entry.entryId };
}
