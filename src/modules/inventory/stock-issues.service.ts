import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import { actorRef, today } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { decimalString, Dec, minorUnitsOf, parseDecimal } from '../../platform/money.ts';
import { getTenantOrThrow } from '../access/index.ts';
import { decideStockChange } from './rules/moving-average.rules.ts';
import { balanceKey, lockStockBalances, writeStockBalance, type StockBalance } from './stock-balances.service.ts';
import { getBinOrThrow } from './warehouses.service.ts';
import type { PostedMovement, StockMovement } from './stock-movements.service.ts';

/**
 * Goods out for an order line (ship confirmation). The goods were promised to
 * the line (reserved) and moved to the packing bin by the pick; shipping them
 * takes them off the books of the warehouse: on hand AND reserved drop by the
 * same quantity, the line's open reservations in the warehouse are consumed
 * (oldest first), and one 'issue' movement records the value that left at the
 * moving average — the last unit out takes whatever value is left, so zero
 * quantity always means zero value (DOMAIN "Moving average by value").
 *
 * It posts no journal entry: shipping posts one cost entry per shipment from
 * the values of its issues (docs/fulfilment-contracts.md).
 */

export interface IssueReservedStockInput {
  itemId: string;
  warehouseId: string;
  /** Where the goods physically are (the packing bin). */
  binId: string;
  orderId: string;
  lineId: string;
  /** In stocking units, > 0. */
  qty: string;
  referenceType: string;
  referenceId: string;
}

/**
 * The caller holds the (item, warehouse) balance lock (DESIGN §2a step 3);
 * lockStockBalances is taken again here (a no-op wait in the same transaction)
 * to read the locked position. Validates everything before the first write.
 */
export async function issueReservedStock(tx: Tx, ctx: OperationContext, input: IssueReservedStockInput): Promise<PostedMovement> {
  const qty = parseDecimal(input.qty, '/qty');
  if (!qty.gt(0)) throw new AppError('VALIDATION_FAILED', 'an issue takes a positive qty', [{ field: '/qty', message: 'must be positive' }]);
  const bin = await getBinOrThrow(tx, ctx, input.warehouseId, input.binId);
  const currency = (await getTenantOrThrow(tx, ctx.tenantId)).functionalCurrency;

  const locked = await lockStockBalances(tx, ctx, [{ itemId: input.itemId, warehouseId: input.warehouseId }]);
  const before = locked.get(balanceKey(input.itemId, input.warehouseId))!;
  const reservations = await tx
    .selectFrom('reservations')
    .select(['reservation_id', 'qty'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', input.orderId)
    .where('line_id', '=', input.lineId)
    .where('warehouse_id', '=', input.warehouseId)
    .where('status', '=', 'open')
    .orderBy('reservation_id')
    .forNoKeyUpdate()
    .execute();
  const reservedForLine = reservations.reduce((sum, row) => sum.plus(row.qty), new Dec(0));
  if (reservedForLine.lessThan(qty)) {
    throw new AppError('STOCK_RESERVED', `the line holds ${decimalString(reservedForLine)} reserved in this warehouse; ${qty.toFixed()} cannot be issued against it`);
  }
  // Reserved stock leaves with the goods: decide on the position with the reservation already taken off.
  const reservedAfter = new Dec(before.reserved).minus(qty);
  invariant(!reservedAfter.isNegative(), 'the balance holds at least the reservations of the line');
  const decision = decideStockChange(
    { onHand: before.onHand, reserved: reservedAfter.toFixed(), valueMinor: before.valueMinor },
    { qty: qty.negated().toFixed(), minorUnits: minorUnitsOf(currency) },
  );
  if (!decision.ok) {
    throw decision.code === 'VALUE_OUT_OF_RANGE' ? new AppError('VALIDATION_FAILED', decision.detail) : new AppError(decision.code, decision.detail);
  }

  const fromBin = await tx
    .updateTable('bin_balances')
    .set({ on_hand: sql`on_hand - ${qty.toFixed()}::numeric` })
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', '=', input.itemId)
    .where('bin_id', '=', bin.binId)
    .where(sql<boolean>`on_hand >= ${qty.toFixed()}::numeric`)
    .executeTakeFirst();
  if (fromBin.numUpdatedRows === 0n) throw new AppError('BIN_STOCK_SHORT', `bin ${bin.code} does not hold ${qty.toFixed()} of this item`);

  // Consume the line's reservations oldest first; the last one touched may be reduced instead.
  let remaining = qty;
  for (const row of reservations) {
    if (remaining.isZero()) break;
    const held = new Dec(row.qty);
    if (held.lte(remaining)) {
      await tx
        .updateTable('reservations')
        .set({ status: 'consumed', closed_at: ctx.clock.now() })
        .where('tenant_id', '=', ctx.tenantId)
        .where('reservation_id', '=', row.reservation_id)
        .execute();
      remaining = remaining.minus(held);
      await audit(tx, ctx, { action: 'reservation.consume', entityType: 'reservation', entityId: row.reservation_id, before: { status: 'open', qty: decimalString(held) }, after: { status: 'consumed', qty: decimalString(held) } });
    } else {
      const left = held.minus(remaining);
      await tx
        .updateTable('reservations')
        .set({ qty: left.toFixed() })
        .where('tenant_id', '=', ctx.tenantId)
        .where('reservation_id', '=', row.reservation_id)
        .execute();
      await audit(tx, ctx, { action: 'reservation.reduce', entityType: 'reservation', entityId: row.reservation_id, before: { qty: decimalString(held) }, after: { qty: decimalString(left) } });
      remaining = new Dec(0);
    }
  }
  invariant(remaining.isZero(), 'the reservations cover the issue');

  const row = await tx
    .insertInto('stock_movements')
    .values({
      tenant_id: ctx.tenantId,
      movement_id: newId(),
      item_id: input.itemId,
      warehouse_id: input.warehouseId,
      bin_id: bin.binId,
      movement_type: 'issue',
      qty: qty.negated().toFixed(),
      value_minor: decision.valueMinor,
      unit_cost: decision.unitCost,
      reason: null,
      reference_type: input.referenceType,
      reference_id: input.referenceId,
      business_date: today(ctx),
      occurred_at: ctx.clock.now(),
      actor: actorRef(ctx.actor),
    })
    .returning(['movement_id', 'business_date', 'occurred_at'])
    .executeTakeFirstOrThrow();
  await writeStockBalance(tx, ctx, { itemId: input.itemId, warehouseId: input.warehouseId, ...decision.after });

  const movement: StockMovement = {
    movementId: row.movement_id,
    itemId: input.itemId,
    warehouseId: input.warehouseId,
    binId: bin.binId,
    movementType: 'issue',
    qty: decimalString(qty.negated()),
    valueMinor: decision.valueMinor,
    unitCost: decimalString(decision.unitCost),
    reason: null,
    referenceType: input.referenceType,
    referenceId: input.referenceId,
    businessDate: row.business_date,
    occurredAt: row.occurred_at,
    actor: actorRef(ctx.actor),
  };
  const balance: StockBalance = {
    itemId: input.itemId,
    warehouseId: input.warehouseId,
    ...decision.after,
    available: decimalString(new Dec(decision.after.onHand).minus(decision.after.reserved)),
  };
  await audit(tx, ctx, { action: 'stock_movement.create', entityType: 'stock_movement', entityId: movement.movementId, before: null, after: { ...movement } });
  return { ...movement, balance };
}
