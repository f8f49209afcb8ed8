import { Decimal } from 'decimal.js';
import { AppError, invariant } from './errors.ts';

/**
 * Money and quantities (DESIGN §2b). Amounts are integer minor units of a
 * currency (cents for USD, none for JPY, mils for KWD), carried in TypeScript
 * as safe integers and in PostgreSQL as bigint. Quantities and unit prices are
 * decimal strings (numeric in PostgreSQL) computed with decimal.js. A JS
 * float never holds money or a quantity: every product goes through Decimal
 * and is rounded half-up to the currency's minor unit exactly once per line.
 */

/** A private Decimal constructor: 40 significant digits, half-up, no exponent notation in strings. */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });
export type Dec = Decimal;

const QUANTITY_PATTERN = /^-?\d{1,12}(\.\d{1,6})?$/;

/** ISO 4217 minor units, from the platform's currency data (USD 2, JPY 0, KWD 3). */
const minorUnitsCache = new Map<string, number>();

export function minorUnitsOf(currency: string): number {
  const cached = minorUnitsCache.get(currency);
  if (cached !== undefined) return cached;
  if (!/^[A-Z]{3}$/.test(currency)) throw new AppError('CURRENCY_INVALID', `${currency} is not an ISO 4217 code`);
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  invariant(digits !== undefined && digits >= 0 && digits <= 4, `minor units of ${currency}`);
  minorUnitsCache.set(currency, digits);
  return digits;
}

/**
 * Minor units for people: 5612765 USD → "56,127.65"; −1234 → "-12.34"; JPY keeps no decimals.
 * Exact (string arithmetic on the integer), never through a float.
 */
export function formatMinor(minor: number | bigint, currency: string): string {
  const digits = minorUnitsOf(currency);
  const value = BigInt(minor);
  const text = (value < 0n ? -value : value).toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits > 0 ? `.${text.slice(text.length - digits)}` : '';
  return `${value < 0n ? '-' : ''}${whole}${fraction}`;
}

/** Parses a decimal quantity or price given as a string; refuses floats in exponent form and excess precision. */
export function parseDecimal(value: string | number, field: string): Dec {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!QUANTITY_PATTERN.test(text)) {
    throw new AppError('VALIDATION_FAILED', `${field} must be a decimal number with at most 6 decimal places`, [
      { field, message: 'is not a valid decimal' },
    ]);
  }
  return new Dec(text);
}

/** amount (in currency units, e.g. 12.345 USD) → minor units, rounded half-up (12.345 → 1235 cents). */
export function toMinorUnits(amount: Dec, currency: string): number {
  const minor = amount.times(new Dec(10).pow(minorUnitsOf(currency))).toDecimalPlaces(0, Dec.ROUND_HALF_UP);
  return assertMinor(minor.toNumber());
}

/** The line amount: unit price × quantity, rounded half-up to the minor unit (DESIGN §2b). */
export function lineAmountMinor(unitPrice: Dec | string, qty: Dec | string, currency: string): number {
  return toMinorUnits(new Dec(unitPrice).times(new Dec(qty)), currency);
}

/** A rate (0.0725) applied to an amount in minor units, rounded half-up. */
export function applyRateMinor(amountMinor: number, rate: Dec | string): number {
  return assertMinor(new Dec(amountMinor).times(new Dec(rate)).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber());
}

/** bigint columns arrive from node-postgres as strings. */
export function minorFromDb(value: string | number | bigint): number {
  return assertMinor(Number(value));
}

/**
 * Amounts beyond ±2^53 minor units (90 trillion dollars) cannot be carried
 * exactly; they only arise from absurd input (a quantity of a trillion cases),
 * so they are the caller's error, not ours.
 */
export function assertMinor(value: number): number {
  invariant(Number.isFinite(value), `minor units must be a number, got ${value}`);
  if (!Number.isSafeInteger(value)) {
    throw new AppError('AMOUNT_OUT_OF_RANGE', 'the amount is larger than the largest amount Quartermaster can carry exactly');
  }
  return value;
}

/** Normalises a numeric for output: no trailing zeros, never exponent notation ("12.500000" → "12.5"). */
export function decimalString(value: Dec | string): string {
  return new Dec(value).toFixed();
}
