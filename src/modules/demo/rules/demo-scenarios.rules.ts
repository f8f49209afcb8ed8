import { Dec } from '../../../platform/money.ts';
import type { ApiBalance, ApiItem, ApiWarehouse } from '../demo-trail.types.ts';

/**
 * Which items the demo orders, chosen from the stock as it is NOW (not as the seed left it),
 * so that `qm demo` run a second or tenth time still finds a backorder, a split and stock
 * to pick: earlier runs shipped stock away and put some into receiving bins. Pure: data in,
 * a choice out; deterministic (SKU order) for the same stock.
 */

export interface StockView {
  items: ApiItem[];
  balances: ApiBalance[];
  warehouses: ApiWarehouse[];
}

export function availableIn(view: StockView, itemId: string, warehouseId: string): Dec {
  const balance = view.balances.find((row) => row.itemId === itemId && row.warehouseId === warehouseId);
  return new Dec(balance?.available ?? '0');
}

export function totalAvailable(view: StockView, itemId: string): Dec {
  return view.balances.filter((row) => row.itemId === itemId).reduce((sum, row) => sum.plus(row.available), new Dec(0));
}

/** Active items that a scanner can read (a GTIN), in SKU order, not yet used by another scenario. */
function candidates(view: StockView, used: Set<string>): ApiItem[] {
  return view.items.filter((item) => item.active && item.gtin !== null && !used.has(item.itemId)).sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

function warehouseIdOf(view: StockView, code: string): string {
  const warehouse = view.warehouses.find((candidate) => candidate.code === code);
  if (!warehouse) throw new Error(`invariant failed: the demo tenant has no warehouse ${code}`);
  return warehouse.warehouseId;
}

/** The first item with at least `minQty` available in the warehouse (and matching `accept`); null when none. */
export function stockedItem(view: StockView, warehouseCode: string, minQty: number, used: Set<string>, accept: (item: ApiItem) => boolean = () => true): ApiItem | null {
  const warehouseId = warehouseIdOf(view, warehouseCode);
  return candidates(view, used).find((item) => accept(item) && availableIn(view, item.itemId, warehouseId).gte(minQty)) ?? null;
}

/** An item nobody can ship today: nothing available in any warehouse (the seed leaves every 15th item out). */
export function outOfStockItem(view: StockView, used: Set<string>): ApiItem | null {
  return candidates(view, used).find((item) => totalAvailable(view, item.itemId).lte(0)) ?? null;
}

/**
 * The item the demo backorders and buys: one out of stock everywhere when there is one, else
 * the one with the least available in total (earlier runs' purchase orders, bought in packs,
 * leave a few on the shelf; after enough runs no item is out of stock any more, and ordering
 * what is available plus a few still backorders). Deterministic: SKU order breaks ties.
 */
export function scarceItem(view: StockView, used: Set<string>): ApiItem | null {
  const out = outOfStockItem(view, used);
  if (out) return out;
  let best: { item: ApiItem; available: Dec } | null = null;
  for (const item of candidates(view, used)) {
    const available = totalAvailable(view, item.itemId);
    if (!best || available.lt(best.available)) best = { item, available };
  }
  return best?.item ?? null;
}

/**
 * An item and quantity that neither warehouse can fill alone but the two together can:
 * qty = max(a, b) + 1 ≤ a + b when both hold at least 1. Allocation takes a line from one
 * warehouse whenever one can fill it, so only such a line splits. The smallest such quantity
 * keeps the order small (and within the customer's credit limit); no other warehouse may fill
 * it alone either.
 */
export function splitItem(view: StockView, firstCode: string, secondCode: string, used: Set<string>): { item: ApiItem; qty: string } | null {
  const first = warehouseIdOf(view, firstCode);
  const second = warehouseIdOf(view, secondCode);
  let best: { item: ApiItem; qty: Dec } | null = null;
  for (const item of candidates(view, used)) {
    const a = availableIn(view, item.itemId, first).floor();
    const b = availableIn(view, item.itemId, second).floor();
    if (a.lt(1) || b.lt(1)) continue;
    const qty = Dec.max(a, b).plus(1);
    // A third warehouse that can fill the line alone would take it whole.
    const anyFillsAlone = view.balances.some((row) => row.itemId === item.itemId && new Dec(row.available).gte(qty));
    if (anyFillsAlone) continue;
    if (best === null || qty.lt(best.qty)) best = { item, qty };
  }
  return best && { item: best.item, qty: best.qty.toFixed(0) };
}

/** What a buyer orders for `needed`: at least the supplier's minimum, rounded up to whole packs. */
export function orderQty(needed: Dec, supplierItem: { minOrderQty: string; packSize: string }): Dec {
  const pack = new Dec(supplierItem.packSize);
  const wanted = Dec.max(needed, new Dec(supplierItem.minOrderQty));
  return wanted.div(pack).ceil().times(pack);
}
