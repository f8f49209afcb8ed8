import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { ITEM_UNITS_MAX } from '../../platform/limits.ts';
import { Dec } from '../../platform/money.ts';
import type { Item } from './items.queries.ts';
import { checkedFactor, lockItemOrThrow, recordItemChange } from './items.service.ts';

/**
 * Selling units of an item. A unit is part of the item: adding one or changing its factor
 * raises the item's revision (its ETag changes) and is audited as an item change. A factor
 * that order lines already used is frozen — those lines stored their quantity in stocking
 * units with the old factor, and a later re-price or revision would silently disagree.
 */

export async function addItemUnit(tx: Tx, ctx: OperationContext, itemId: string, input: { unit: string; factor: string }): Promise<Item> {
  const factor = checkedFactor(input.factor, 'factor');
  const before = await lockItemOrThrow(tx, ctx, itemId);
  if (before.units.some((unit) => unit.unit === input.unit)) {
    throw new AppError('UNIT_TAKEN', `item ${before.sku} already has unit ${input.unit}; change its factor with PUT instead`);
  }
  if (before.units.length >= ITEM_UNITS_MAX) throw new AppError('VALIDATION_FAILED', `an item has at most ${ITEM_UNITS_MAX} units`);
  await tx.insertInto('item_units').values({ tenant_id: ctx.tenantId, item_id: itemId, unit: input.unit, factor }).execute();
  await bumpRevision(tx, ctx, before);
  return recordItemChange(tx, ctx, 'item.add_unit', before);
}

export async function changeItemUnitFactor(tx: Tx, ctx: OperationContext, itemId: string, unit: string, input: { factor: string }): Promise<Item> {
  const factor = checkedFactor(input.factor, 'factor');
  const before = await lockItemOrThrow(tx, ctx, itemId);
  if (unit === before.stockingUnit) {
    throw new AppError('UNIT_FACTOR_LOCKED', `${unit} is the stocking unit of item ${before.sku}; its factor is always 1`);
  }
  // FOR UPDATE (not NO KEY UPDATE) conflicts with the FOR KEY SHARE lock that the foreign key
  // check of a concurrent order-line insert holds on this unit row: such an insert commits
  // before we look for lines below, and none can start while we hold the row.
  const current = await tx
    .selectFrom('item_units')
    .select('factor')
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', '=', itemId)
    .where('unit', '=', unit)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw new AppError('UNIT_NOT_CONVERTIBLE', `item ${before.sku} has no unit ${unit}; add it with POST /v1/items/${itemId}/units`);
  if (new Dec(current.factor).eq(factor)) return before;
  const used = await tx
    .selectFrom('sales_order_lines')
    .select('order_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', '=', itemId)
    .where('ordered_unit', '=', unit)
    .limit(1)
    .executeTakeFirst();
  if (used) {
    throw new AppError('UNIT_FACTOR_LOCKED', `order lines of item ${before.sku} use unit ${unit}; add a new unit code for the new pack size instead`);
  }
  await tx
    .updateTable('item_units')
    .set({ factor })
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', '=', itemId)
    .where('unit', '=', unit)
    .execute();
  await bumpRevision(tx, ctx, before);
  return recordItemChange(tx, ctx, 'item.change_unit', before);
}

async function bumpRevision(tx: Tx, ctx: OperationContext, before: Item): Promise<void> {
  await tx
    .updateTable('items')
    .set({ revision: before.revision + 1, updated_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', '=', before.itemId)
    .execute();
}
