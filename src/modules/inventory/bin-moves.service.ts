import { sql } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import { actorRef, today } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { parseDecimal } from '../../platform/money.ts';
import { getBinOrThrow, type Bin } from './warehouses.service.ts';

/**
 * Moving stock inside one warehouse: from a storage bin to the packing location
 * at pick, from the receiving bin to storage at putaway. The warehouse's
 * on-hand, reserved and value do not change (DOMAIN: a pick posts nothing), so
 * the hot (item, warehouse) balance is not locked — only the two bin rows are,
 * in bin-id order. The stock ledger records the move as two 'bin_move'
 * movements of value 0 (out of one bin, into the other), so every bin balance
 * stays the sum of the movements through it.
 */

export interface MoveStockBetweenBinsInput {
  itemId: string;
  warehouseId: string;
  fromBinId: string;
  toBinId: string;
  /** In stocking units, > 0. */
  qty: string;
  referenceType: string;
  referenceId: string;
}

/** BIN_STOCK_SHORT when the source bin does not hold qty; nothing is written then. */
export async function moveStockBetweenBins(tx: Tx, ctx: OperationContext, input: MoveStockBetweenBinsInput): Promise<{ fromBin: Bin; toBin: Bin }> {
  const qty = parseDecimal(input.qty, '/qty');
  if (!qty.gt(0)) throw new AppError('VALIDATION_FAILED', 'a bin move takes a positive qty', [{ field: '/qty', message: 'must be positive' }]);
  if (input.fromBinId === input.toBinId) throw new AppError('VALIDATION_FAILED', 'a bin move needs two different bins', [{ field: '/toBinId', message: 'is the source bin' }]);
  const fromBin = await getBinOrThrow(tx, ctx, input.warehouseId, input.fromBinId);
  const toBin = await getBinOrThrow(tx, ctx, input.warehouseId, input.toBinId);

  // Lock the two bin rows in id order (the destination may not exist yet: the
  // upsert creates it), so two moves in opposite directions cannot deadlock.
  const quantity = qty.toFixed();
  const take = async () => {
    const moved = await tx
      .updateTable('bin_balances')
      .set({ on_hand: sql`on_hand - ${quantity}::numeric` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('item_id', '=', input.itemId)
      .where('bin_id', '=', fromBin.binId)
      .where(sql<boolean>`on_hand >= ${quantity}::numeric`)
      .executeTakeFirst();
    if (moved.numUpdatedRows === 0n) throw new AppError('BIN_STOCK_SHORT', `bin ${fromBin.code} does not hold ${quantity} of this item`);
  };
  const put = async () => {
    await tx
      .insertInto('bin_balances')
      .values({ tenant_id: ctx.tenantId, item_id: input.itemId, bin_id: toBin.binId, warehouse_id: input.warehouseId, on_hand: quantity })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'item_id', 'bin_id']).doUpdateSet({ on_hand: sql`bin_balances.on_hand + excluded.on_hand` }))
      .execute();
  };
  if (fromBin.binId < toBin.binId) {
    await take();
    await put();
  } else {
    await put();
    await take();
  }

  const common = {
    tenant_id: ctx.tenantId,
    item_id: input.itemId,
    warehouse_id: input.warehouseId,
    movement_type: 'bin_move',
    value_minor: 0,
    unit_cost: null,
    reason: null,
    reference_type: input.referenceType,
    reference_id: input.referenceId,
    business_date: today(ctx),
    occurred_at: ctx.clock.now(),
    actor: actorRef(ctx.actor),
  } as const;
  await tx
    .insertInto('stock_movements')
    .values([
      { ...common, movement_id: newId(), bin_id: fromBin.binId, qty: qty.negated().toFixed() },
      { ...common, movement_id: newId(), bin_id: toBin.binId, qty: quantity },
    ])
    .execute();
  return { fromBin, toBin };
}
