import { Dec } from '../../../platform/money.ts';

/**
 * Value-based moving average (DESIGN §2b, DOMAIN.md "Moving average by value").
 * A warehouse holds a quantity and a value in minor units. An increase adds
 * qty × unit cost, rounded half-up to the minor unit once. A decrease takes
 * value × (qty out ÷ on hand), rounded half-up — and the last unit out takes
 * whatever value is left, so a quantity of zero always carries a value of
 * exactly zero and the ledger never drifts from the general ledger by a cent.
 *
 * Pure: data in, decision out. The service turns a refusal into an AppError.
 */

export interface StockPosition {
  onHand: string;
  reserved: string;
  valueMinor: number;
}

export interface StockChange {
  /** Signed, in stocking units; never zero. */
  qty: string;
  /** In currency units (e.g. "1.46"); required for increases, ignored for decreases. */
  unitCost?: string | undefined;
  /** Minor units of the tenant's functional currency (USD 2). */
  minorUnits: number;
}

export type StockDecision =
  | {
      ok: true;
      /** Signed value of the movement in minor units (negative for a decrease). */
      valueMinor: number;
      /** The cost per unit the movement used, in currency units: given for increases, the average for decreases. */
      unitCost: string;
      after: StockPosition;
    }
  | { ok: false; code: 'UNIT_COST_REQUIRED' | 'NEGATIVE_STOCK_REFUSED' | 'STOCK_RESERVED' | 'VALUE_OUT_OF_RANGE'; detail: string };

export function decideStockChange(position: StockPosition, change: StockChange): StockDecision {
  const qty = new Dec(change.qty);
  const onHand = new Dec(position.onHand);
  const reserved = new Dec(position.reserved);
  const scale = new Dec(10).pow(change.minorUnits);
  const onHandAfter = onHand.plus(qty);

  if (qty.isPositive()) {
    if (change.unitCost === undefined) {
      return { ok: false, code: 'UNIT_COST_REQUIRED', detail: 'an increase of stock needs a unitCost (its value is qty × unitCost)' };
    }
    const valueMinor = qty.times(change.unitCost).times(scale).toDecimalPlaces(0, Dec.ROUND_HALF_UP);
    const valueAfter = valueMinor.plus(position.valueMinor);
    if (!Number.isSafeInteger(valueAfter.toNumber())) {
      return { ok: false, code: 'VALUE_OUT_OF_RANGE', detail: 'the value of this movement is too large' };
    }
    return {
      ok: true,
      valueMinor: valueMinor.toNumber(),
      unitCost: new Dec(change.unitCost).toFixed(),
      after: { onHand: onHandAfter.toFixed(), reserved: position.reserved, valueMinor: valueAfter.toNumber() },
    };
  }

  if (onHandAfter.isNegative()) {
    return {
      ok: false,
      code: 'NEGATIVE_STOCK_REFUSED',
      detail: `on hand is ${onHand.toFixed()}; taking ${qty.negated().toFixed()} would leave ${onHandAfter.toFixed()}`,
    };
  }
  if (onHandAfter.lessThan(reserved)) {
    return {
      ok: false,
      code: 'STOCK_RESERVED',
      detail: `on hand would be ${onHandAfter.toFixed()} but ${reserved.toFixed()} is reserved for orders; release reservations first`,
    };
  }
  // The last unit out takes what is left; otherwise the proportional share of the value.
  const valueOut = onHandAfter.isZero()
    ? new Dec(position.valueMinor)
    : new Dec(position.valueMinor).times(qty.negated()).dividedBy(onHand).toDecimalPlaces(0, Dec.ROUND_HALF_UP);
  const valueAfter = position.valueMinor - valueOut.toNumber();
  return {
    ok: true,
    valueMinor: -valueOut.toNumber(),
    unitCost: valueOut.dividedBy(qty.negated()).dividedBy(scale).toDecimalPlaces(6, Dec.ROUND_HALF_UP).toFixed(),
    after: { onHand: onHandAfter.toFixed(), reserved: position.reserved, valueMinor: valueAfter },
  };
}
