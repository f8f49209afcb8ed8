import type { Selectable } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { actorRef, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { ItemWarehouseSettings } from '../../platform/db/schema.generated.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { assertRevision } from '../../platform/http/revision.ts';
import { decimalString, Dec, parseDecimal } from '../../platform/money.ts';
import { getItemOrThrow } from '../catalog/index.ts';
import { getWarehouseOrThrow } from '../inventory/index.ts';
import { getSupplierOrThrow } from '../partners/index.ts';

/**
 * Per (item, warehouse): a replenishment rule (min/max or reorder point) and the item's
 * home bin. PUT replaces the whole setting: without If-Match it only creates (an existing
 * setting answers 428, so nobody overwrites what they never read); with If-Match it only
 * updates that revision (412 when stale, REPLENISHMENT_RULE_NOT_FOUND when absent).
 */

type Row = Selectable<ItemWarehouseSettings>;
export type ReplenishmentMethod = 'min_max' | 'reorder_point';

export interface ReplenishmentSetting {
  itemId: string;
  warehouseId: string;
  method: ReplenishmentMethod | null;
  minQty: string | null;
  maxQty: string | null;
  reorderPoint: string | null;
  reorderQty: string | null;
  preferredSupplierId: string | null;
  homeBinId: string | null;
  revision: number;
  updatedAt: Date;
  updatedBy: string;
}

export interface ReplenishmentSettingInput {
  method?: ReplenishmentMethod | null | undefined;
  minQty?: string | null | undefined;
  maxQty?: string | null | undefined;
  reorderPoint?: string | null | undefined;
  reorderQty?: string | null | undefined;
  preferredSupplierId?: string | null | undefined;
  homeBinId?: string | null | undefined;
}

export function toSetting(row: Row): ReplenishmentSetting {
  const qty = (value: string | null) => (value === null ? null : decimalString(value));
  return {
    itemId: row.item_id,
    warehouseId: row.warehouse_id,
    method: row.method as ReplenishmentMethod | null,
    minQty: qty(row.min_qty),
    maxQty: qty(row.max_qty),
    reorderPoint: qty(row.reorder_point),
    reorderQty: qty(row.reorder_qty),
    preferredSupplierId: row.preferred_supplier_id,
    homeBinId: row.home_bin_id,
    revision: row.revision,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

const invalid = (field: string, message: string, detail: string): AppError => new AppError('VALIDATION_FAILED', detail, [{ field, message }]);

/** Every check before any write; returns the columns to store. */
async function validate(tx: Tx, ctx: OperationContext, itemId: string, warehouseId: string, input: ReplenishmentSettingInput) {
  await getItemOrThrow(tx, ctx, itemId);
  await getWarehouseOrThrow(tx, ctx, warehouseId);
  const method = input.method ?? null;
  const parse = (value: string | null | undefined, field: string, positive: boolean): string | null => {
    if (value === null || value === undefined) return null;
    const qty = parseDecimal(value, field);
    if (qty.isNegative() || (positive && qty.isZero())) throw invalid(field, positive ? 'is not positive' : 'is negative', `${field.slice(1)} must be ${positive ? 'positive' : 'zero or more'}`);
    return qty.toFixed();
  };
  const minQty = parse(input.minQty, '/minQty', false);
  const maxQty = parse(input.maxQty, '/maxQty', true);
  const reorderPoint = parse(input.reorderPoint, '/reorderPoint', false);
  const reorderQty = parse(input.reorderQty, '/reorderQty', true);
  if (method === 'min_max') {
    if (minQty === null) throw invalid('/minQty', 'is required', 'min_max needs minQty and maxQty');
    if (maxQty === null) throw invalid('/maxQty', 'is required', 'min_max needs minQty and maxQty');
    if (new Dec(maxQty).lt(minQty)) throw invalid('/maxQty', 'is less than minQty', 'maxQty must be at least minQty');
    if (reorderPoint !== null || reorderQty !== null) throw invalid('/reorderPoint', 'belongs to reorder_point', 'min_max takes no reorderPoint or reorderQty');
  } else if (method === 'reorder_point') {
    if (reorderPoint === null) throw invalid('/reorderPoint', 'is required', 'reorder_point needs reorderPoint and reorderQty');
    if (reorderQty === null) throw invalid('/reorderQty', 'is required', 'reorder_point needs reorderPoint and reorderQty');
    if (minQty !== null || maxQty !== null) throw invalid('/minQty', 'belongs to min_max', 'reorder_point takes no minQty or maxQty');
  } else if (minQty !== null || maxQty !== null || reorderPoint !== null || reorderQty !== null) {
    throw invalid('/method', 'is required', 'quantities need a method (min_max or reorder_point)');
  }
  const homeBinId = input.homeBinId ?? null;
  if (method === null && homeBinId === null) throw invalid('/method', 'is required', 'give a method or a homeBinId (DELETE removes the setting)');
  const preferredSupplierId = input.preferredSupplierId ?? null;
  if (preferredSupplierId !== null) await getSupplierOrThrow(tx, ctx, preferredSupplierId);
  if (homeBinId !== null) {
    const bin = await tx.selectFrom('bins').select(['warehouse_id', 'kind', 'active']).where('tenant_id', '=', ctx.tenantId).where('bin_id', '=', homeBinId).executeTakeFirst();
    if (!bin || bin.warehouse_id !== warehouseId || bin.kind !== 'storage' || !bin.active) throw new AppError('HOME_BIN_INVALID', `bin ${homeBinId} is not an active storage bin of warehouse ${warehouseId}`, [{ field: '/homeBinId', message: 'is not an active storage bin of the warehouse' }]);
  }
  return { method, min_qty: minQty, max_qty: maxQty, reorder_point: reorderPoint, reorder_qty: reorderQty, preferred_supplier_id: preferredSupplierId, home_bin_id: homeBinId };
}

async function lockRow(tx: Tx, ctx: OperationContext, itemId: string, warehouseId: string): Promise<Row | undefined> {
  return tx.selectFrom('item_warehouse_settings').selectAll().where('tenant_id', '=', ctx.tenantId).where('item_id', '=', itemId).where('warehouse_id', '=', warehouseId).forNoKeyUpdate().executeTakeFirst();
}

export async function putReplenishmentSetting(
  tx: Tx,
  ctx: OperationContext,
  input: ReplenishmentSettingInput & { itemId: string; warehouseId: string; expectedRevision: number | undefined },
): Promise<{ setting: ReplenishmentSetting; created: boolean }> {
  const columns = await validate(tx, ctx, input.itemId, input.warehouseId, input);
  const entityId = `${input.itemId}:${input.warehouseId}`;
  const now = ctx.clock.now();
  const by = actorRef(ctx.actor);
  if (input.expectedRevision === undefined) {
    // Create only. ON CONFLICT DO NOTHING makes a concurrent create answer 428 instead of a unique violation.
    const row = await tx
      .insertInto('item_warehouse_settings')
      .values({ tenant_id: ctx.tenantId, item_id: input.itemId, warehouse_id: input.warehouseId, ...columns, created_at: now, updated_at: now, updated_by: by })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'item_id', 'warehouse_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AppError('PRECONDITION_REQUIRED', 'the item already has settings for this warehouse; send its ETag in If-Match to replace them');
    const setting = toSetting(row);
    await audit(tx, ctx, { action: 'replenishment_setting.create', entityType: 'replenishment_setting', entityId, after: { ...setting } });
    return { setting, created: true };
  }
  const current = await lockRow(tx, ctx, input.itemId, input.warehouseId);
  if (!current) throw new AppError('REPLENISHMENT_RULE_NOT_FOUND', 'nothing to update: the item has no settings for this warehouse; PUT without If-Match creates them');
  assertRevision(current.revision, input.expectedRevision, 'the replenishment setting');
  const row = await tx
    .updateTable('item_warehouse_settings')
    .set({ ...columns, revision: current.revision + 1, updated_at: now, updated_by: by })
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', '=', input.itemId)
    .where('warehouse_id', '=', input.warehouseId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const setting = toSetting(row);
  await audit(tx, ctx, { action: 'replenishment_setting.update', entityType: 'replenishment_setting', entityId, before: { ...toSetting(current) }, after: { ...setting } });
  return { setting, created: false };
}

export async function getReplenishmentSettingOrThrow(tx: Tx, ctx: OperationContext, itemId: string, warehouseId: string): Promise<ReplenishmentSetting> {
  const row = await tx.selectFrom('item_warehouse_settings').selectAll().where('tenant_id', '=', ctx.tenantId).where('item_id', '=', itemId).where('warehouse_id', '=', warehouseId).executeTakeFirst();
  if (!row) throw new AppError('REPLENISHMENT_RULE_NOT_FOUND', `item ${itemId} has no settings for warehouse ${warehouseId}`);
  return toSetting(row);
}

/** Deleting needs If-Match too: a setting someone else just changed is not removed unseen. */
export async function deleteReplenishmentSetting(tx: Tx, ctx: OperationContext, input: { itemId: string; warehouseId: string; expectedRevision: number }): Promise<ReplenishmentSetting> {
  const current = await lockRow(tx, ctx, input.itemId, input.warehouseId);
  if (!current) throw new AppError('REPLENISHMENT_RULE_NOT_FOUND', `item ${input.itemId} has no settings for warehouse ${input.warehouseId}`);
  assertRevision(current.revision, input.expectedRevision, 'the replenishment setting');
  await tx.deleteFrom('item_warehouse_settings').where('tenant_id', '=', ctx.tenantId).where('item_id', '=', input.itemId).where('warehouse_id', '=', input.warehouseId).execute();
  await audit(tx, ctx, { action: 'replenishment_setting.delete', entityType: 'replenishment_setting', entityId: `${input.itemId}:${input.warehouseId}`, before: { ...toSetting(current) } });
  return toSetting(current);
}

/** Keyset pages over (item, warehouse); the cursor key is "itemId:warehouseId". */
export async function listReplenishmentSettings(
  tx: Tx,
  ctx: OperationContext,
  page: PageRequest,
  filter: { warehouseId?: string | undefined; itemId?: string | undefined; method?: ReplenishmentMethod | undefined } = {},
): Promise<Page<ReplenishmentSetting>> {
  let query = tx.selectFrom('item_warehouse_settings').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (filter.itemId) query = query.where('item_id', '=', filter.itemId);
  if (filter.method) query = query.where('method', '=', filter.method);
  if (page.after) {
    const [itemId, warehouseId] = page.after.split(':');
    if (!itemId || !warehouseId) throw new AppError('CURSOR_INVALID', 'the cursor was not issued by this API or is damaged');
    query = query.where((eb) => eb.or([eb('item_id', '>', itemId), eb.and([eb('item_id', '=', itemId), eb('warehouse_id', '>', warehouseId)])]));
  }
  const rows = await query.orderBy('item_id').orderBy('warehouse_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toSetting), page, (row) => `${row.itemId}:${row.warehouseId}`);
}
