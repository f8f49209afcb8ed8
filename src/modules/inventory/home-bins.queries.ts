import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';

/**
 * The item's home bin in a warehouse (item_warehouse_settings.home_bin_id, set through
 * PUT /v1/items/:itemId/replenishment/:warehouseId), when it is still an active storage
 * bin of that warehouse: a bin deactivated or re-purposed since is no place to send goods.
 */
export async function activeHomeBin(tx: Tx, ctx: OperationContext, itemId: string, warehouseId: string): Promise<string | null> {
  const row = await tx
    .selectFrom('item_warehouse_settings as s')
    .innerJoin('bins as b', (join) => join.onRef('b.tenant_id', '=', 's.tenant_id').onRef('b.bin_id', '=', 's.home_bin_id'))
    .select('b.bin_id')
    .where('s.tenant_id', '=', ctx.tenantId)
    .where('s.item_id', '=', itemId)
    .where('s.warehouse_id', '=', warehouseId)
    .where('b.warehouse_id', '=', warehouseId)
    .where('b.kind', '=', 'storage')
    .where('b.active', '=', true)
    .executeTakeFirst();
  return row?.bin_id ?? null;
}
