import { applyRateMinor, Dec, toMinorUnits } from '../../../platform/money.ts';

/**
 * Invoice and credit-memo amounts (DESIGN §2b): per line, the quantity in the
 * ordered unit = qty in stocking units ÷ the unit's factor; amount = that
 * quantity × the order's unit price, rounded half-up to the minor unit once;
 * tax = amount × the line's rate, rounded half-up (exempt lines carry rate 0
 * and a certificate, and pay none). The document total is the sum of its lines
 * as shown, plus freight and the freight's tax.
 *
 * The amount is computed from the exact fraction (qtyBase × price ÷ factor),
 * not from the 6-place quantity shown, so shipping an order in pieces never
 * drifts from what one shipment of the whole would cost by more than the
 * rounding of each document.
 */

export interface BillableLine {
  /** Stocking units billed now. */
  qtyBase: string;
  /** The order line: ordered qty and qty_base give the unit factor. */
  orderedQty: string;
  orderedQtyBase: string;
  unitPrice: string;
  taxRate: string;
  taxExempt: boolean;
}

export interface BilledLine {
  /** In the ordered unit, 6 places. */
  qty: string;
  amountMinor: number;
  taxMinor: number;
}

export function billLine(line: BillableLine, currency: string): BilledLine {
  const factor = new Dec(line.orderedQtyBase).dividedBy(line.orderedQty);
  const qtyExact = new Dec(line.qtyBase).dividedBy(factor);
  const amountMinor = toMinorUnits(qtyExact.times(line.unitPrice), currency);
  const taxMinor = line.taxExempt ? 0 : applyRateMinor(amountMinor, line.taxRate);
  return { qty: qtyExact.toDecimalPlaces(6, Dec.ROUND_HALF_UP).toFixed(), amountMinor, taxMinor };
}

export function freightTaxMinor(freightMinor: number, freightTaxable: boolean, rate: string | null): number {
  if (!freightTaxable || rate === null || freightMinor === 0) return 0;
  return applyRateMinor(freightMinor, rate);
}
