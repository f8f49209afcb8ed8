import { sql } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { createPurchaseOrder, type PurchaseOrder } from '../purchasing/index.ts';
import { listReplenishmentSuggestions, type ReplenishmentSuggestion } from './suggestions.service.ts';

/**
 * Suggestions → draft purchase orders, one per (supplier, warehouse), each made by
 * purchasing.createPurchaseOrder (its checks, numbering, audit row and
 * purchase_order.created event), all in the caller's one transaction. The new drafts'
 * lines are incoming supply for the next run, so running it again creates nothing.
 * Two runs at once would both see the same shortfall and double the orders: a
 * per-tenant transaction-scoped advisory lock serialises them, and the second, once it
 * holds the lock, reads the first one's committed drafts (READ COMMITTED takes a new
 * snapshot per statement) and finds nothing left to order.
 */

/** One run creates at most this many purchase orders. */
export const REPLENISHMENT_PURCHASE_ORDERS_MAX = 200;

export interface ReplenishmentRunInput {
  warehouseId?: string | undefined;
  itemIds?: string[] | undefined;
}

export interface ReplenishmentRun {
  purchaseOrders: PurchaseOrder[];
  /** Suggestions no PO could be made for (no active supplier item). */
  noSupplier: Array<Pick<ReplenishmentSuggestion, 'itemId' | 'sku' | 'warehouseId' | 'warehouseCode' | 'suggestedQty'>>;
}

type Group = { supplierId: string; warehouseId: string; suggestions: ReplenishmentSuggestion[] };

function groupBySupplier(suggestions: ReplenishmentSuggestion[]): Group[] {
  const groups = new Map<string, Group>();
  for (const suggestion of suggestions) {
    if (suggestion.supplierId === null) continue;
    const key = `${suggestion.warehouseCode}\u0000${suggestion.supplierCode}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { supplierId: suggestion.supplierId, warehouseId: suggestion.warehouseId, suggestions: [] }));
    group.suggestions.push(suggestion);
  }
  // Warehouse code, then supplier code: PO numbers follow a stable, readable order.
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
}

/** How many POs a run would create now: the route takes that many numbers before its transaction. */
export async function countReplenishmentPurchaseOrders(tx: Tx, ctx: OperationContext, input: ReplenishmentRunInput): Promise<number> {
  return Math.min(groupBySupplier(await listReplenishmentSuggestions(tx, ctx, input)).length, REPLENISHMENT_PURCHASE_ORDERS_MAX);
}

export async function createReplenishmentPurchaseOrders(tx: Tx, ctx: OperationContext, input: ReplenishmentRunInput & { poNumbers: string[] }): Promise<ReplenishmentRun> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`qm.replenishment:${ctx.tenantId}`}, 0))`.execute(tx);
  const suggestions = await listReplenishmentSuggestions(tx, ctx, input);
  const groups = groupBySupplier(suggestions).slice(0, REPLENISHMENT_PURCHASE_ORDERS_MAX);
  if (groups.length > input.poNumbers.length) {
    // More supplier groups than numbers taken: rules or stock changed since the count. A retry recounts.
    throw new AppError('CONFLICT', 'the suggestions changed while the purchase order numbers were being taken; send the request again');
  }
  const purchaseOrders: PurchaseOrder[] = [];
  for (const [index, group] of groups.entries()) {
    purchaseOrders.push(
      await createPurchaseOrder(tx, ctx, {
        poNumber: input.poNumbers[index]!,
        supplierId: group.supplierId,
        warehouseId: group.warehouseId,
        notes: 'Created by replenishment',
        // Unit costs default to the supplier item's cost, the one the suggestion showed.
        lines: group.suggestions.map((suggestion) => ({ itemId: suggestion.itemId, qty: suggestion.suggestedQty, expectedDate: suggestion.expectedDate ?? undefined })),
      }),
    );
  }
  const noSupplier = suggestions
    .filter((suggestion) => suggestion.supplierId === null)
    .map(({ itemId, sku, warehouseId, warehouseCode, suggestedQty }) => ({ itemId, sku, warehouseId, warehouseCode, suggestedQty }));
  return { purchaseOrders, noSupplier };
}
