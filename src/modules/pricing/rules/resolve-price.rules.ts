import { AppError, invariant } from '../../../platform/errors.ts';
import { Dec } from '../../../platform/money.ts';

/**
 * Price resolution: a pure decision over plain data (docs/pricing.md). The loaders fetch the
 * candidate rows; this function decides, and says why for every row it looked at, so that an
 * order line can store the price it got AND the prices it did not get.
 *
 * Precedence, first rule that yields a price wins:
 *   1. contract          — a contract price for this customer and item, valid on the date
 *                          (validity inclusive on both ends), in the ordered unit, its min_qty
 *                          reached. Several apply → the LOWEST price wins (a customer holding two
 *                          overlapping contracts is owed the better one); ties → the smaller id.
 *   2. customer_list     — the customer's own price list: the entry in the ordered unit with the
 *                          highest min_qty ≤ ordered qty (the best break reached).
 *   3. matrix_discount   — a discount by item attribute × customer tier, off the base-list price
 *                          (so it needs a base price). Several apply → the LARGEST percent wins;
 *                          ties → the smaller id. Price = base × (1 − pct/100) at 6 places, half-up.
 *   4. base_list         — the tenant's base list, best break reached, in the ordered unit.
 */

export type PriceRule = 'contract' | 'customer_list' | 'matrix_discount' | 'base_list';
export const PRICE_PRECEDENCE: readonly PriceRule[] = ['contract', 'customer_list', 'matrix_discount', 'base_list'];

/** Unit prices are numeric(18,6): a derived price is kept at this many places. */
export const UNIT_PRICE_DECIMALS = 6;

export interface PriceCandidate {
  rule: PriceRule;
  /** What the row is: a contract id (and reference), a list code with its break, a discount. */
  reference: string;
  unitPrice: string | null;
  /** True when the row is eligible on its own (date, unit, break, tier, attribute); the winner is the first eligible by precedence. */
  applies: boolean;
  /** Why it applies or not, for a human: "expired 2026-11-30", "below break 10". */
  reason: string;
}

export interface PriceExplanation {
  winner: PriceCandidate;
  /** Every row considered, in precedence order, the winner included. */
  candidates: PriceCandidate[];
  precedence: PriceRule[];
}

export interface PricedItem {
  itemId: string;
  brand: string | null;
  category: string | null;
  attributes: Record<string, string>;
}

export interface ContractPriceRow {
  contractPriceId: string;
  contractReference: string | null;
  unit: string;
  minQty: string;
  unitPrice: string;
  validFrom: string;
  validTo: string;
}

export interface PriceListEntryRow {
  unit: string;
  minQty: string;
  unitPrice: string;
}

export interface PriceListForItem {
  priceListId: string;
  code: string;
  currency: string;
  active: boolean;
  /** This list's entries for the item, in any unit. */
  entries: PriceListEntryRow[];
}

export interface MatrixDiscountRow {
  discountId: string;
  attribute: string;
  attributeValue: string;
  customerTier: string;
  discountPercent: string;
  validFrom: string | null;
  validTo: string | null;
}

export interface ResolvePriceInput {
  item: PricedItem;
  /** The ordered unit and quantity (quantity in that unit, > 0). */
  unit: string;
  qty: string;
  /** Business date in the tenant's zone, YYYY-MM-DD. */
  date: string;
  /** The document currency; a list in another currency never applies. */
  currency: string;
  customerTier: string | null;
  /** The customer's contract prices for this item (any date, any unit). */
  contracts: ContractPriceRow[];
  /** The customer's own price list, or null when it has none (or it is the base list). */
  customerList: PriceListForItem | null;
  baseList: PriceListForItem | null;
  /** Matrix discounts that might concern the item (the rule checks tier, attribute and dates itself). */
  matrixDiscounts: MatrixDiscountRow[];
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Resolves the unit price, or throws NO_PRICE (422) naming why every candidate failed. */
export function resolvePrice(input: ResolvePriceInput): PriceExplanation {
  invariant(DATE_PATTERN.test(input.date), `business date must be YYYY-MM-DD, got ${input.date}`);
  const qty = new Dec(input.qty);
  invariant(qty.isFinite() && qty.gt(0), `ordered quantity must be positive, got ${input.qty}`);

  const contracts = contractCandidates(input, qty);
  const customerList = input.customerList ? listCandidates('customer_list', input.customerList, input, qty) : [];
  const base = input.baseList ? listCandidates('base_list', input.baseList, input, qty) : [];
  const basePrice = base.find((candidate) => candidate.applies)?.unitPrice ?? null;
  const matrix = matrixCandidates(input, basePrice);

  const groups: Record<PriceRule, PriceCandidate[]> = {
    contract: contracts,
    customer_list: customerList,
    matrix_discount: matrix,
    base_list: base,
  };
  const candidates = PRICE_PRECEDENCE.flatMap((rule) => groups[rule]);
  // Within each group the helpers put the group's best eligible row first.
  const winner = candidates.find((candidate) => candidate.applies);
  if (!winner) {
    const why = candidates.length === 0 ? 'no contract, list entry or discount exists for the item' : candidates.map((c) => `${c.rule} ${c.reference}: ${c.reason}`).join('; ');
    throw new AppError('NO_PRICE', `no price for item ${input.item.itemId} in ${input.unit} × ${input.qty} on ${input.date}: ${why}`);
  }
  for (const candidate of candidates) {
    if (candidate !== winner && candidate.applies) {
      candidate.reason = `${candidate.reason}; not used: ${winner.rule} ${winner.reference} takes precedence`;
    }
  }
  return { winner, candidates, precedence: [...PRICE_PRECEDENCE] };
}

function contractCandidates(input: ResolvePriceInput, qty: Dec): PriceCandidate[] {
  const judged = input.contracts.map((row) => {
    const reference = row.contractReference ? `${row.contractPriceId} (${row.contractReference})` : row.contractPriceId;
    const unitPrice = decimal6(row.unitPrice);
    let reason: string | null = null;
    if (input.date < row.validFrom) reason = `not yet valid: starts ${row.validFrom}`;
    else if (input.date > row.validTo) reason = `expired ${row.validTo}`;
    else if (row.unit !== input.unit) reason = `priced per ${row.unit}, ordered in ${input.unit}`;
    else if (qty.lt(row.minQty)) reason = `below break ${decimal6(row.minQty)}`;
    return {
      row,
      candidate: {
        rule: 'contract' as const,
        reference,
        unitPrice,
        applies: reason === null,
        reason: reason ?? `valid ${row.validFrom} to ${row.validTo}, break ${decimal6(row.minQty)} reached`,
      },
    };
  });
  const eligible = judged.filter((entry) => entry.candidate.applies);
  eligible.sort((a, b) => new Dec(a.row.unitPrice).comparedTo(b.row.unitPrice) || compareText(a.row.contractPriceId, b.row.contractPriceId));
  const best = eligible[0];
  for (const entry of eligible.slice(1)) {
    entry.candidate.applies = false;
    entry.candidate.reason = `${entry.candidate.reason}; contract ${best!.candidate.reference} is lower or equal and wins`;
  }
  // Best first, then the others in their given order.
  return [...(best ? [best.candidate] : []), ...judged.filter((entry) => entry !== best).map((entry) => entry.candidate)];
}

function listCandidates(rule: 'customer_list' | 'base_list', list: PriceListForItem, input: ResolvePriceInput, qty: Dec): PriceCandidate[] {
  const reference = (entry: PriceListEntryRow) => `${list.code} ${entry.unit} from ${decimal6(entry.minQty)}`;
  if (list.entries.length === 0) {
    return [{ rule, reference: list.code, unitPrice: null, applies: false, reason: `list ${list.code} has no entry for the item` }];
  }
  const listProblem = !list.active ? `list ${list.code} is inactive` : list.currency !== input.currency ? `list ${list.code} is in ${list.currency}, document in ${input.currency}` : null;
  // The best break: in the ordered unit, the highest min_qty the quantity reaches.
  let best: PriceListEntryRow | undefined;
  for (const entry of list.entries) {
    if (entry.unit !== input.unit || qty.lt(entry.minQty)) continue;
    if (!best || new Dec(entry.minQty).gt(best.minQty)) best = entry;
  }
  const judged = list.entries.map((entry): PriceCandidate => {
    const base = { rule, reference: reference(entry), unitPrice: decimal6(entry.unitPrice) };
    if (listProblem) return { ...base, applies: false, reason: listProblem };
    if (entry.unit !== input.unit) return { ...base, applies: false, reason: `priced per ${entry.unit}, ordered in ${input.unit}` };
    if (qty.lt(entry.minQty)) return { ...base, applies: false, reason: `below break ${decimal6(entry.minQty)}` };
    if (entry !== best) return { ...base, applies: false, reason: `break ${decimal6(entry.minQty)} superseded by break ${decimal6(best!.minQty)}` };
    return { ...base, applies: true, reason: `best break reached: ${decimal6(entry.minQty)}` };
  });
  const winnerIndex = judged.findIndex((candidate) => candidate.applies);
  if (winnerIndex <= 0) return judged;
  return [judged[winnerIndex]!, ...judged.filter((_, index) => index !== winnerIndex)];
}

function matrixCandidates(input: ResolvePriceInput, basePrice: string | null): PriceCandidate[] {
  const judged = input.matrixDiscounts.map((row) => {
    const percent = new Dec(row.discountPercent);
    const reference = `${row.discountId} (${row.attribute}=${row.attributeValue}, tier ${row.customerTier}, ${percent.toFixed()} %)`;
    const itemValue = attributeValue(input.item, row.attribute);
    let reason: string | null = null;
    if (input.customerTier === null) reason = 'customer has no tier';
    else if (row.customerTier !== input.customerTier) reason = `for tier ${row.customerTier}, customer is tier ${input.customerTier}`;
    else if (itemValue !== row.attributeValue) reason = `item ${row.attribute} is ${itemValue === null ? 'not set' : `"${itemValue}"`}, not "${row.attributeValue}"`;
    else if (row.validFrom !== null && input.date < row.validFrom) reason = `not yet valid: starts ${row.validFrom}`;
    else if (row.validTo !== null && input.date > row.validTo) reason = `expired ${row.validTo}`;
    else if (basePrice === null) reason = 'no base-list price to discount';
    const unitPrice = basePrice === null ? null : discounted(basePrice, percent);
    return {
      row,
      percent,
      candidate: {
        rule: 'matrix_discount' as const,
        reference,
        unitPrice,
        applies: reason === null,
        reason: reason ?? `${percent.toFixed()} % off base ${basePrice}`,
      },
    };
  });
  const eligible = judged.filter((entry) => entry.candidate.applies);
  eligible.sort((a, b) => b.percent.comparedTo(a.percent) || compareText(a.row.discountId, b.row.discountId));
  const best = eligible[0];
  for (const entry of eligible.slice(1)) {
    entry.candidate.applies = false;
    entry.candidate.reason = `${entry.candidate.reason}; discount ${best!.row.discountId} is larger or equal and wins`;
  }
  return [...(best ? [best.candidate] : []), ...judged.filter((entry) => entry !== best).map((entry) => entry.candidate)];
}

/** brand and category are columns; any other attribute is a key of items.attributes. */
export function attributeValue(item: PricedItem, attribute: string): string | null {
  if (attribute === 'brand') return item.brand;
  if (attribute === 'category') return item.category;
  return Object.hasOwn(item.attributes, attribute) ? (item.attributes[attribute] ?? null) : null;
}

/** base × (1 − pct/100), kept at 6 places, half-up: 10.00 less 12.5 % = 8.75; 0.333333 less 10 % = 0.3. */
export function discounted(basePrice: string, percent: Dec | string): string {
  const factor = new Dec(100).minus(percent).div(100);
  return new Dec(basePrice).times(factor).toDecimalPlaces(UNIT_PRICE_DECIMALS, Dec.ROUND_HALF_UP).toFixed();
}

function decimal6(value: string): string {
  return new Dec(value).toDecimalPlaces(UNIT_PRICE_DECIMALS, Dec.ROUND_HALF_UP).toFixed();
}

/** Byte order, not locale order: deterministic everywhere (uuid v7 ids sort by time this way). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
