import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import { Dec, parseDecimal } from '../../platform/money.ts';
import { resolveItemOrThrow, unitFactorOrThrow, type Item } from '../catalog/index.ts';
import type { Customer, ShipTo } from '../partners/index.ts';
import { getShipToOrThrow } from '../partners/index.ts';
import { quoteLine, type LineQuote } from '../pricing/index.ts';

/**
 * Turning what a customer sends (an item by id, SKU, GTIN or their own part
 * number; a unit; a quantity) into a priced, taxed order line. Shared by create
 * and revise so that both paths resolve, convert and price the same way.
 */

export interface OrderLineInput {
  itemId?: string;
  sku?: string;
  gtin?: string;
  customerPartNumber?: string;
  /** The ordered unit; the item's stocking unit when absent. */
  unit?: string;
  qty: string;
  requestedDate?: string | null;
}

export interface PricedLine {
  item: Item;
  customerPartNumber: string | null;
  unit: string;
  qty: string;
  qtyBase: string;
  quote: LineQuote;
  requestedDate: string | null;
}

/** A positive quantity with at most 6 decimals, or VALIDATION_FAILED naming the field. */
export function parsePositiveQty(value: string, field: string): Dec {
  const qty = parseDecimal(value, field);
  if (qty.lte(0)) throw new AppError('VALIDATION_FAILED', `${field} must be greater than zero`, [{ field, message: 'must be greater than zero' }]);
  return qty;
}

export async function resolveLineItem(tx: Tx, ctx: OperationContext, customerId: string, line: OrderLineInput, field: string): Promise<Item> {
  const refs = (['itemId', 'sku', 'gtin', 'customerPartNumber'] as const).filter((key) => line[key] !== undefined);
  if (refs.length !== 1) {
    throw new AppError('VALIDATION_FAILED', `${field} must name its item by exactly one of itemId, sku, gtin or customerPartNumber`, [
      { field, message: refs.length === 0 ? 'names no item' : `names its item ${refs.length} ways` },
    ]);
  }
  const ref = refs[0]!;
  try {
    return await resolveItemOrThrow(
      tx,
      ctx,
      ref === 'customerPartNumber' ? { customerId, customerPartNumber: line.customerPartNumber! } : { [ref]: line[ref] },
    );
  } catch (error) {
    // An unknown item inside an order body is a problem with the body (422), not a
    // missing resource at the URL (404): same distinction as SHIP_TO_INVALID.
    if (isAppError(error) && (error.code as string) === 'ITEM_NOT_FOUND') {
      throw new AppError('ORDER_ITEM_NOT_FOUND', `${field}: no item with ${ref} ${JSON.stringify(line[ref])}`, [{ field: `${field}/${ref}`, message: 'no such item' }]);
    }
    throw error;
  }
}

/** A ship-to referenced from an order body: unknown, foreign or inactive → SHIP_TO_INVALID (422). */
export async function shipToForOrderOrThrow(tx: Tx, ctx: OperationContext, customerId: string, shipToId: string): Promise<ShipTo> {
  try {
    return await getShipToOrThrow(tx, ctx, customerId, shipToId);
  } catch (error) {
    if (isAppError(error) && (error.code as string) === 'SHIP_TO_NOT_FOUND') {
      throw new AppError('SHIP_TO_INVALID', `ship-to ${shipToId} is not an active ship-to of customer ${customerId}`, [{ field: '/shipToId', message: 'not a ship-to of this customer' }]);
    }
    throw error;
  }
}

/** Prices one line: converts the ordered quantity to stocking units and asks pricing for price and tax. */
export async function priceLine(
  tx: Tx,
  ctx: OperationContext,
  input: { customer: Customer; shipTo: ShipTo; item: Item; unit: string; qty: string; date: string; currency: string },
): Promise<{ qtyBase: string; quote: LineQuote }> {
  const factor = unitFactorOrThrow(input.item, input.unit);
  const qtyBase = new Dec(input.qty).times(factor);
  // qty_base is numeric(18, 6): a factor with many decimals could produce more.
  if (qtyBase.decimalPlaces() > 6 || qtyBase.lte(0)) {
    throw new AppError('VALIDATION_FAILED', `${input.qty} ${input.unit} is not a whole number of millionths of the stocking unit`);
  }
  const quote = await quoteLine(tx, ctx, {
    customer: input.customer,
    shipTo: input.shipTo,
    item: input.item,
    unit: input.unit,
    qty: input.qty,
    date: input.date,
    currency: input.currency,
  });
  return { qtyBase: qtyBase.toFixed(), quote };
}

export async function resolveAndPriceLines(
  tx: Tx,
  ctx: OperationContext,
  input: { customer: Customer; shipTo: ShipTo; lines: OrderLineInput[]; date: string; currency: string },
): Promise<PricedLine[]> {
  const priced: PricedLine[] = [];
  for (const [index, line] of input.lines.entries()) {
    const field = `/lines/${index}`;
    const qty = parsePositiveQty(line.qty, `${field}/qty`);
    const item = await resolveLineItem(tx, ctx, input.customer.customerId, line, field);
    const unit = line.unit ?? item.stockingUnit;
    const { qtyBase, quote } = await priceLine(tx, ctx, { customer: input.customer, shipTo: input.shipTo, item, unit, qty: qty.toFixed(), date: input.date, currency: input.currency });
    priced.push({
      item,
      customerPartNumber: line.customerPartNumber ?? null,
      unit,
      qty: qty.toFixed(),
      qtyBase,
      quote,
      requestedDate: line.requestedDate ?? null,
    });
  }
  return priced;
}

export function lineColumns(line: { unit: string; qty: string; qtyBase: string; quote: LineQuote }) {
  return {
    ordered_unit: line.unit,
    ordered_qty: line.qty,
    qty_base: line.qtyBase,
    unit_price: line.quote.unitPrice,
    price_rule: line.quote.priceRule,
    price_explanation: JSON.stringify(line.quote.priceExplanation),
    line_amount_minor: line.quote.lineAmountMinor,
    tax_class: line.quote.taxClass,
    jurisdiction_code: line.quote.jurisdictionCode,
    tax_rate: line.quote.taxRate,
    tax_exempt_certificate: line.quote.taxExemptCertificate,
    tax_minor: line.quote.taxMinor,
  };
}
