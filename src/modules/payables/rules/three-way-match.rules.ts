import { Dec, lineAmountMinor } from '../../../platform/money.ts';

/**
 * The three-way match of one supplier-invoice line (DOMAIN.md, procure to pay): the PO line's
 * unit cost × what was received and not yet invoiced × what the supplier bills. Pure: the service
 * reads the figures under the PO header locks and writes what this decides.
 *
 * - quantity: the billed quantity may exceed (received − already invoiced) by qtyTolerancePercent
 *   of that figure; beyond it the line is held — NOT_RECEIVED when nothing of the line has been
 *   received (an invoice before the goods), else QTY_EXCEEDS_RECEIVED (including goods received
 *   but already billed by another invoice). These holds cannot be approved away: only a
 *   receipt (then rematch) releases them.
 * - price: |unit price − PO unit cost| may be at most priceTolerancePercent of the PO unit cost;
 *   beyond it (up or down) PRICE_VARIANCE_ABOVE_TOLERANCE, which an approver may release.
 * - GRNI cleared: the billed quantity at the PO unit cost — except when the invoice bills
 *   everything received so far on the line, where it clears exactly what is left of the line's
 *   GRNI (Σ receipt values − Σ cleared), so that per-receipt rounding leaves no pennies behind.
 *   The purchase price variance is the rest: line amount − GRNI cleared (signed).
 */

export const HOLD_CODES = ['PRICE_VARIANCE_ABOVE_TOLERANCE', 'QTY_EXCEEDS_RECEIVED', 'NOT_RECEIVED'] as const;
export type HoldCode = (typeof HOLD_CODES)[number];
/** Holds an approver cannot release: the goods have not arrived. */
export const QTY_HOLD_CODES: ReadonlySet<HoldCode> = new Set(['QTY_EXCEEDS_RECEIVED', 'NOT_RECEIVED']);

export interface MatchHold {
  code: HoldCode;
  detail: string;
  /** PRICE: the billed amount minus the same quantity at PO cost (signed). */
  amountMinor?: number;
  /** QTY: the billed quantity beyond what was received and not yet invoiced. */
  qty?: string;
}

export interface MatchLineInput {
  qty: Dec;
  unitPrice: Dec;
  poUnitCost: Dec;
  /** Σ received on the PO line. */
  qtyReceived: Dec;
  /** Σ billed on the PO line by posted invoices and by earlier lines of this invoice. */
  qtyInvoiced: Dec;
  /** Σ receipt_lines.value_minor of the PO line, and Σ GRNI already cleared from it. */
  receivedValueMinor: number;
  grniClearedMinor: number;
  currency: string;
  priceTolerancePercent: number;
  qtyTolerancePercent: number;
}

export interface MatchLineResult {
  amountMinor: number;
  holds: MatchHold[];
  /** What posting this line would clear from GRNI and put to PPV (computed even when held). */
  grniClearMinor: number;
  ppvMinor: number;
}

export function matchInvoiceLine(input: MatchLineInput): MatchLineResult {
  const amountMinor = lineAmountMinor(input.unitPrice, input.qty, input.currency);
  const holds: MatchHold[] = [];

  const open = Dec.max(input.qtyReceived.minus(input.qtyInvoiced), 0);
  const qtyLimit = open.times(new Dec(100).plus(input.qtyTolerancePercent)).div(100);
  if (input.qty.gt(qtyLimit)) {
    const excess = input.qty.minus(open).toFixed();
    holds.push(
      input.qtyReceived.isZero()
        ? { code: 'NOT_RECEIVED', detail: 'nothing of the line has been received', qty: excess }
        : {
            code: 'QTY_EXCEEDS_RECEIVED',
            detail: `billed ${input.qty.toFixed()}, received and not invoiced ${open.toFixed()} (tolerance ${input.qtyTolerancePercent}%)`,
            qty: excess,
          },
    );
  }

  const priceDifference = input.unitPrice.minus(input.poUnitCost);
  const priceLimit = input.poUnitCost.times(input.priceTolerancePercent).div(100);
  if (priceDifference.abs().gt(priceLimit)) {
    const atCostMinor = lineAmountMinor(input.poUnitCost, input.qty, input.currency);
    holds.push({
      code: 'PRICE_VARIANCE_ABOVE_TOLERANCE',
      detail: `unit price ${input.unitPrice.toFixed()} is ${priceDifference.isPositive() ? 'above' : 'below'} the PO unit cost ${input.poUnitCost.toFixed()} by more than ${input.priceTolerancePercent}%`,
      amountMinor: amountMinor - atCostMinor,
    });
  }

  const remainingGrniMinor = Math.max(input.receivedValueMinor - input.grniClearedMinor, 0);
  const billsEverythingReceived = input.qtyInvoiced.plus(input.qty).gte(input.qtyReceived);
  const grniClearMinor = billsEverythingReceived
    ? remainingGrniMinor
    : Math.min(lineAmountMinor(input.poUnitCost, input.qty, input.currency), remainingGrniMinor);
  return { amountMinor, holds, grniClearMinor, ppvMinor: amountMinor - grniClearMinor };
}
