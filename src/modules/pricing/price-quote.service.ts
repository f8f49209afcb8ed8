import type { OperationContext } from '../../platform/context.ts';
import { today } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import { PRICE_QUOTE_LINES_MAX } from '../../platform/limits.ts';
import { assertMinor, decimalString, lineAmountMinor, parseDecimal } from '../../platform/money.ts';
import { loadPriceCandidates, loadTaxData } from './price-quote.queries.ts';
import { assertSellingUnit, customerForPricing, itemForPricing, shipToForPricing } from './pricing-lookups.ts';
import { assertFunctionalCurrency } from './pricing-masters.ts';
import type { PricingCustomer, PricingItem, PricingShipTo } from './pricing-masters.ts';
import { computeLineTax } from './rules/line-tax.rules.ts';
import { resolvePrice, type PriceExplanation, type PriceRule } from './rules/resolve-price.rules.ts';

/** How line amounts and tax are rounded; sales stores it on the order (DESIGN §2b). */
export const ROUNDING_METHOD = 'half_up_per_line';

export interface LineQuote {
  unitPrice: string;
  priceRule: PriceRule;
  priceExplanation: PriceExplanation;
  lineAmountMinor: number;
  taxClass: string;
  jurisdictionCode: string;
  taxRate: string;
  taxExemptCertificate: string | null;
  taxMinor: number;
}

export interface QuoteLineInput {
  customer: PricingCustomer;
  shipTo: PricingShipTo;
  item: PricingItem;
  unit: string;
  qty: string;
  /** Business date, YYYY-MM-DD, tenant zone. */
  date: string;
  currency: string;
}

/**
 * Prices one line in the ordered unit on the business date and computes its tax from the
 * ship-to's jurisdiction. Reads only; the caller (a quote, an order line) stores what it needs.
 * NO_PRICE when no rule yields a price; CURRENCY_NOT_SUPPORTED for a foreign currency.
 */
export async function quoteLine(tx: Tx, ctx: OperationContext, input: QuoteLineInput): Promise<LineQuote> {
  const qty = parseDecimal(input.qty, 'qty');
  if (qty.lte(0)) throw new AppError('VALIDATION_FAILED', 'qty must be greater than zero', [{ field: 'qty', message: 'must be greater than zero' }]);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date)) throw new AppError('VALIDATION_FAILED', 'date must be YYYY-MM-DD', [{ field: 'date', message: 'is not a date' }]);
  await assertFunctionalCurrency(tx, ctx, input.currency);
  assertSellingUnit(input.item, input.unit);
  if (input.shipTo.customerId !== input.customer.customerId) {
    throw new AppError('VALIDATION_FAILED', `ship-to ${input.shipTo.shipToId} belongs to another customer`, [{ field: 'shipToId', message: 'is not a ship-to of the customer' }]);
  }
  const candidates = await loadPriceCandidates(tx, ctx, input.customer, input.item);
  const explanation = resolvePrice({
    item: input.item,
    unit: input.unit,
    qty: qty.toFixed(),
    date: input.date,
    currency: input.currency,
    customerTier: input.customer.customerTier,
    ...candidates,
  });
  const unitPrice = explanation.winner.unitPrice!;
  const amountMinor = lineAmountMinor(unitPrice, qty, input.currency);
  const taxData = await loadTaxData(tx, ctx, input.shipTo.jurisdictionCode, input.customer.customerId);
  const tax = computeLineTax({
    lineAmountMinor: amountMinor,
    taxClass: input.item.taxClass,
    jurisdiction: taxData.jurisdiction,
    jurisdictionCode: input.shipTo.jurisdictionCode,
    exemptions: taxData.exemptions,
    date: input.date,
  });
  return {
    unitPrice: decimalString(unitPrice),
    priceRule: explanation.winner.rule,
    priceExplanation: explanation,
    lineAmountMinor: amountMinor,
    taxClass: tax.taxClass,
    jurisdictionCode: tax.jurisdictionCode,
    taxRate: tax.taxRate,
    taxExemptCertificate: tax.taxExemptCertificate,
    taxMinor: tax.taxMinor,
  };
}

export interface PriceQuoteRequest {
  customerId: string;
  shipToId: string;
  date?: string;
  currency?: string;
  lines: Array<{ itemId?: string; sku?: string; unit: string; qty: string }>;
}

export interface PriceQuote {
  customerId: string;
  shipToId: string;
  date: string;
  currency: string;
  roundingMethod: string;
  /** Whether freight on a document shipped to this ship-to would be taxed (freight is charged by shipping, not here). */
  freightTaxable: boolean;
  lines: Array<LineQuote & { lineNumber: number; itemId: string; sku: string; unit: string; qty: string }>;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
}

/**
 * A quote for several lines, as an order would be priced: the same quoteLine per line, totals
 * as the sum of the lines as shown. Nothing is written. A failing line fails the quote with
 * the line named in the error (/lines/2/…), because a partial quote would mislead.
 */
export async function quotePrices(tx: Tx, ctx: OperationContext, request: PriceQuoteRequest): Promise<PriceQuote> {
  if (request.lines.length === 0 || request.lines.length > PRICE_QUOTE_LINES_MAX) {
    throw new AppError('VALIDATION_FAILED', `a quote has 1 to ${PRICE_QUOTE_LINES_MAX} lines`, [{ field: 'lines', message: 'has too few or too many lines' }]);
  }
  const date = request.date ?? today(ctx);
  const customer = await customerForPricing(tx, ctx, request.customerId);
  const currency = request.currency ?? customer.currency;
  await assertFunctionalCurrency(tx, ctx, currency);
  const shipTo = await shipToForPricing(tx, ctx, customer.customerId, request.shipToId);
  const lines: PriceQuote['lines'] = [];
  for (const [index, line] of request.lines.entries()) {
    try {
      if ((line.itemId === undefined) === (line.sku === undefined)) {
        throw new AppError('VALIDATION_FAILED', 'give exactly one of itemId and sku', [{ field: 'itemId', message: 'exactly one of itemId and sku' }]);
      }
      const item = await itemForPricing(tx, ctx, line.itemId !== undefined ? { itemId: line.itemId } : { sku: line.sku! });
      const quote = await quoteLine(tx, ctx, { customer, shipTo, item, unit: line.unit, qty: line.qty, date, currency });
      lines.push({ lineNumber: index + 1, itemId: item.itemId, sku: item.sku, unit: line.unit, qty: decimalString(line.qty), ...quote });
    } catch (error) {
      throw atLine(error, index);
    }
  }
  const subtotalMinor = assertMinor(lines.reduce((sum, line) => sum + line.lineAmountMinor, 0));
  const taxMinor = assertMinor(lines.reduce((sum, line) => sum + line.taxMinor, 0));
  const taxData = await loadTaxData(tx, ctx, shipTo.jurisdictionCode, customer.customerId);
  return {
    customerId: customer.customerId,
    shipToId: shipTo.shipToId,
    date,
    currency,
    roundingMethod: ROUNDING_METHOD,
    freightTaxable: taxData.jurisdiction?.freightTaxable ?? false,
    lines,
    subtotalMinor,
    taxMinor,
    totalMinor: assertMinor(subtotalMinor + taxMinor),
  };
}

/** Re-raises a line's error with the line's position in every field path and in the detail. */
function atLine(error: unknown, index: number): unknown {
  if (!isAppError(error)) return error;
  const fields = error.fieldErrors?.length ? error.fieldErrors : [{ field: '', message: error.message }];
  return new AppError(
    error.code,
    `line ${index + 1}: ${error.message}`,
    fields.map((field) => ({ field: `/lines/${index}${field.field ? `/${field.field}` : ''}`, message: field.message })),
    error.headers,
  );
}
