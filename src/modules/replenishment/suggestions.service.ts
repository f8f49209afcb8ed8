import type { OperationContext } from '../../platform/context.ts';
import { today as todayOf } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { Dec } from '../../platform/money.ts';
import { getWarehouseOrThrow } from '../inventory/index.ts';
import { addDays } from '../partners/index.ts';
import { listActiveSupplierOffers, listOpenSupply, PLANNED_SUPPLY_STATUSES } from '../purchasing/index.ts';
import { listBackorderDemand } from '../sales/index.ts';
import { chooseSupplier, quantityNeeded, roundToSupplier, type ReplenishmentRule } from './rules/replenishment.rules.ts';

/**
 * Replenishment suggestions (docs/replenishment.md): for every (item, warehouse) with a
 * rule, position = on hand + incoming − reserved − backordered, where incoming is what
 * is still to arrive on open lines of draft, approved, sent and partially received POs
 * for that warehouse (drafts count, so the drafts replenishment made are not suggested
 * again). A position that needs supply gets a supplier (rules/replenishment.rules.ts)
 * and a quantity rounded to its minimum and pack size; without any supplier item the
 * suggestion says NO_SUPPLIER. Read without locks: a suggestion is advice.
 */

/** The suggestions of one request cover at most this many rules. */
export const SUGGESTION_RULES_MAX = 5000;

export type SuggestionReason = 'BELOW_MIN' | 'AT_OR_BELOW_REORDER_POINT' | 'NO_SUPPLIER';

export interface ReplenishmentSuggestion {
  itemId: string;
  sku: string;
  warehouseId: string;
  warehouseCode: string;
  method: ReplenishmentRule['method'];
  onHand: string;
  incoming: string;
  reserved: string;
  backordered: string;
  position: string;
  /** What the rule asks for, before the supplier's minimum and pack size. */
  neededQty: string;
  suggestedQty: string;
  supplierId: string | null;
  supplierCode: string | null;
  unitCost: string | null;
  leadTimeDays: number | null;
  expectedDate: string | null;
  reason: SuggestionReason;
}

export async function listReplenishmentSuggestions(
  tx: Tx,
  ctx: OperationContext,
  filter: { warehouseId?: string | undefined; itemIds?: string[] | undefined } = {},
): Promise<ReplenishmentSuggestion[]> {
  if (filter.warehouseId !== undefined) await getWarehouseOrThrow(tx, ctx, filter.warehouseId);
  let query = tx
    .selectFrom('item_warehouse_settings as r')
    .innerJoin('items as i', (join) => join.onRef('i.tenant_id', '=', 'r.tenant_id').onRef('i.item_id', '=', 'r.item_id'))
    .innerJoin('warehouses as w', (join) => join.onRef('w.tenant_id', '=', 'r.tenant_id').onRef('w.warehouse_id', '=', 'r.warehouse_id'))
    .leftJoin('stock_balances as b', (join) => join.onRef('b.tenant_id', '=', 'r.tenant_id').onRef('b.item_id', '=', 'r.item_id').onRef('b.warehouse_id', '=', 'r.warehouse_id'))
    .select(['r.item_id', 'r.warehouse_id', 'r.method', 'r.min_qty', 'r.max_qty', 'r.reorder_point', 'r.reorder_qty', 'r.preferred_supplier_id', 'i.sku', 'w.code', 'b.on_hand', 'b.reserved'])
    .where('r.tenant_id', '=', ctx.tenantId)
    .where('r.method', 'is not', null)
    .where('i.active', '=', true)
    .where('w.active', '=', true);
  if (filter.warehouseId !== undefined) query = query.where('r.warehouse_id', '=', filter.warehouseId);
  if (filter.itemIds !== undefined) {
    if (filter.itemIds.length === 0) return [];
    const known = await tx.selectFrom('items').select('item_id').where('tenant_id', '=', ctx.tenantId).where('item_id', 'in', filter.itemIds).execute();
    const missing = filter.itemIds.find((itemId) => !known.some((row) => row.item_id === itemId));
    if (missing !== undefined) throw new AppError('ITEM_NOT_FOUND', `no item ${missing}`, [{ field: '/itemIds', message: `names an unknown item ${missing}` }]);
    query = query.where('r.item_id', 'in', filter.itemIds);
  }
  const rules = await query.orderBy('w.code').orderBy('i.sku').limit(SUGGESTION_RULES_MAX).execute();
  if (rules.length === 0) return [];

  const key = (itemId: string, warehouseId: string) => `${itemId}/${warehouseId}`;
  const incoming = new Map<string, Dec>();
  for (const line of await listOpenSupply(tx, ctx, { statuses: PLANNED_SUPPLY_STATUSES, warehouseId: filter.warehouseId })) {
    const k = key(line.itemId, line.warehouseId);
    incoming.set(k, (incoming.get(k) ?? new Dec(0)).plus(line.qtyRemaining));
  }
  const backordered = new Map<string, Dec>();
  for (const line of await listBackorderDemand(tx, ctx, { warehouseId: filter.warehouseId })) {
    const k = key(line.itemId, line.warehouseId);
    backordered.set(k, (backordered.get(k) ?? new Dec(0)).plus(line.qtyBackordered));
  }
  const offers = await listActiveSupplierOffers(tx, ctx, [...new Set(rules.map((rule) => rule.item_id))]);
  const today = todayOf(ctx);

  const suggestions: ReplenishmentSuggestion[] = [];
  for (const row of rules) {
    const rule: ReplenishmentRule =
      row.method === 'min_max' ? { method: 'min_max', minQty: row.min_qty!, maxQty: row.max_qty! } : { method: 'reorder_point', reorderPoint: row.reorder_point!, reorderQty: row.reorder_qty! };
    const k = key(row.item_id, row.warehouse_id);
    const onHand = new Dec(row.on_hand ?? 0);
    const reserved = new Dec(row.reserved ?? 0);
    const inbound = incoming.get(k) ?? new Dec(0);
    const waiting = backordered.get(k) ?? new Dec(0);
    const position = onHand.plus(inbound).minus(reserved).minus(waiting);
    const need = quantityNeeded(rule, position.toFixed());
    if (!need) continue;
    const offer = chooseSupplier(offers.filter((candidate) => candidate.itemId === row.item_id), row.preferred_supplier_id);
    suggestions.push({
      itemId: row.item_id,
      sku: row.sku,
      warehouseId: row.warehouse_id,
      warehouseCode: row.code,
      method: rule.method,
      onHand: onHand.toFixed(),
      incoming: inbound.toFixed(),
      reserved: reserved.toFixed(),
      backordered: waiting.toFixed(),
      position: position.toFixed(),
      neededQty: need.qty,
      suggestedQty: offer ? roundToSupplier(need.qty, offer) : need.qty,
      supplierId: offer?.supplierId ?? null,
      supplierCode: offer?.supplierCode ?? null,
      unitCost: offer?.cost ?? null,
      leadTimeDays: offer?.leadTimeDays ?? null,
      expectedDate: offer ? addDays(today, offer.leadTimeDays) : null,
      reason: offer ? need.reason : 'NO_SUPPLIER',
    });
  }
  return suggestions;
}
