import { Dec } from '../../../platform/money.ts';

/**
 * The replenishment decisions, pure (docs/replenishment.md): how much a position needs,
 * which supplier supplies it, and how the quantity is rounded to what the supplier sells.
 */

export type ReplenishmentRule =
  | { method: 'min_max'; minQty: string; maxQty: string }
  | { method: 'reorder_point'; reorderPoint: string; reorderQty: string };

/**
 * The quantity a position needs before supplier rounding, or null when it needs nothing.
 * min/max: below min → up to max. Reorder point: at or below the point → the reorder
 * quantity as many times as it takes to rise above the point.
 */
export function quantityNeeded(rule: ReplenishmentRule, position: string): { qty: string; reason: 'BELOW_MIN' | 'AT_OR_BELOW_REORDER_POINT' } | null {
  const at = new Dec(position);
  if (rule.method === 'min_max') {
    if (!at.lt(rule.minQty)) return null;
    return { qty: new Dec(rule.maxQty).minus(at).toFixed(), reason: 'BELOW_MIN' };
  }
  const point = new Dec(rule.reorderPoint);
  if (at.gt(point)) return null;
  const times = point.minus(at).dividedToIntegerBy(rule.reorderQty).plus(1);
  return { qty: times.times(rule.reorderQty).toFixed(), reason: 'AT_OR_BELOW_REORDER_POINT' };
}

export interface SupplierOffer {
  supplierId: string;
  supplierCode: string;
  cost: string;
  leadTimeDays: number;
  minOrderQty: string;
  packSize: string;
}

/**
 * The preferred supplier when it has an active offer; else the lowest cost, then the
 * shortest lead time, then the supplier code (so the choice never depends on row order).
 * Offers passed in are the active ones of active suppliers.
 */
export function chooseSupplier(offers: SupplierOffer[], preferredSupplierId: string | null): SupplierOffer | null {
  const preferred = preferredSupplierId === null ? undefined : offers.find((offer) => offer.supplierId === preferredSupplierId);
  if (preferred) return preferred;
  const sorted = [...offers].sort((a, b) => new Dec(a.cost).comparedTo(b.cost) || a.leadTimeDays - b.leadTimeDays || (a.supplierCode < b.supplierCode ? -1 : a.supplierCode > b.supplierCode ? 1 : 0));
  return sorted[0] ?? null;
}

/** Raised to the minimum order quantity, then up to a whole number of packs. */
export function roundToSupplier(qty: string, offer: Pick<SupplierOffer, 'minOrderQty' | 'packSize'>): string {
  let rounded = Dec.max(qty, offer.minOrderQty);
  const pack = new Dec(offer.packSize);
  if (pack.gt(0)) rounded = rounded.dividedBy(pack).ceil().times(pack);
  return rounded.toFixed();
}
