import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { decimalString, Dec, parseDecimal } from '../../platform/money.ts';
import { balanceKey, lockStockBalances, sortedUniqueKeys } from './stock-balances.service.ts';

/**
 * Reservations: stock promised to an order line. The balance's `reserved` is
 * the sum of its open reservations, kept in the same transaction; available
 * (ATP now) = on hand − reserved. A line may hold several reservations (one
 * per warehouse when the customer allows a split, or more after a revision).
 */

export interface ReserveStockInput {
  itemId: string;
  warehouseId: string;
  orderId: string;
  lineId: string;
  /** In stocking units, > 0. */
  qty: string;
}

/**
 * The caller holds the balance lock (lockStockBalances, DESIGN §2a step 3).
 * The update is conditional on availability all the same, so a caller that
 * forgot the lock can never oversell — it can only be refused.
 */
export async function reserveStock(tx: Tx, ctx: OperationContext, input: ReserveStockInput): Promise<{ reservationId: string }> {
  const qty = parseDecimal(input.qty, '/qty');
  if (!qty.gt(0)) throw new AppError('VALIDATION_FAILED', 'a reservation takes a positive qty', [{ field: '/qty', message: 'must be positive' }]);
  const updated = await tx
    .updateTable('stock_balances')
    .set({ reserved: sql`reserved + ${qty.toFixed()}::numeric`, updated_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', '=', input.itemId)
    .where('warehouse_id', '=', input.warehouseId)
    .where(sql<boolean>`on_hand - reserved >= ${qty.toFixed()}::numeric`)
    .returning(['on_hand', 'reserved'])
    .executeTakeFirst();
  if (!updated) {
    const current = await tx
      .selectFrom('stock_balances')
      .select(['on_hand', 'reserved'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('item_id', '=', input.itemId)
      .where('warehouse_id', '=', input.warehouseId)
      .executeTakeFirst();
    const available = current ? new Dec(current.on_hand).minus(current.reserved) : new Dec(0);
    throw new AppError('INSUFFICIENT_STOCK', `${decimalString(available)} available in warehouse ${input.warehouseId}; ${qty.toFixed()} requested`);
  }
  const reservationId = newId();
  const reservation = {
    reservationId,
    itemId: input.itemId,
    warehouseId: input.warehouseId,
    orderId: input.orderId,
    lineId: input.lineId,
    qty: qty.toFixed(),
    status: 'open',
  };
  await tx
    .insertInto('reservations')
    .values({
      tenant_id: ctx.tenantId,
      reservation_id: reservationId,
      item_id: input.itemId,
      warehouse_id: input.warehouseId,
      order_id: input.orderId,
      line_id: input.lineId,
      qty: qty.toFixed(),
      status: 'open',
      created_at: ctx.clock.now(),
    })
    .execute();
  await audit(tx, ctx, { action: 'reservation.create', entityType: 'reservation', entityId: reservationId, before: null, after: reservation });
  return { reservationId };
}

/**
 * Releases the open reservations of an order (or of one of its lines). Locks
 * the balances they touch in key order first; then flips only reservations
 * still open, so two releases of one order never subtract twice. Returns what
 * was released per (item, warehouse), in key order — the input of a backorder
 * release.
 */
export async function releaseReservations(
  tx: Tx,
  ctx: OperationContext,
  filter: { orderId: string; lineId?: string | undefined },
): Promise<Array<{ itemId: string; warehouseId: string; qty: string }>> {
  let open = tx
    .selectFrom('reservations')
    .select(['item_id', 'warehouse_id'])
    .distinct()
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', filter.orderId)
    .where('status', '=', 'open');
  if (filter.lineId) open = open.where('line_id', '=', filter.lineId);
  const keys = (await open.execute()).map((row) => ({ itemId: row.item_id, warehouseId: row.warehouse_id }));
  if (keys.length === 0) return [];
  await lockStockBalances(tx, ctx, keys);

  let release = tx
    .updateTable('reservations')
    .set({ status: 'released', closed_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', filter.orderId)
    .where('status', '=', 'open');
  if (filter.lineId) release = release.where('line_id', '=', filter.lineId);
  const released = await release.returning(['reservation_id', 'item_id', 'warehouse_id', 'line_id', 'qty']).execute();

  const totals = new Map<string, Dec>();
  for (const row of released) {
    const key = balanceKey(row.item_id, row.warehouse_id);
    totals.set(key, (totals.get(key) ?? new Dec(0)).plus(row.qty));
  }
  const result: Array<{ itemId: string; warehouseId: string; qty: string }> = [];
  for (const key of sortedUniqueKeys(released.map((row) => ({ itemId: row.item_id, warehouseId: row.warehouse_id })))) {
    const qty = totals.get(balanceKey(key.itemId, key.warehouseId))!;
    await tx
      .updateTable('stock_balances')
      .set({ reserved: sql`reserved - ${qty.toFixed()}::numeric`, updated_at: ctx.clock.now() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('item_id', '=', key.itemId)
      .where('warehouse_id', '=', key.warehouseId)
      .executeTakeFirstOrThrow();
    result.push({ ...key, qty: decimalString(qty) });
  }
  for (const row of released) {
    await audit(tx, ctx, {
      action: 'reservation.release',
      entityType: 'reservation',
      entityId: row.reservation_id,
      before: { status: 'open' },
      after: { status: 'released' },
    });
  }
  return result;
}

/** Open reservations of an order, for the sales module's views and checks. */
export async function listOpenReservations(
  tx: Tx,
  ctx: OperationContext,
  orderId: string,
): Promise<Array<{ reservationId: string; itemId: string; warehouseId: string; lineId: string; qty: string }>> {
  const rows = await tx
    .selectFrom('reservations')
    .select(['reservation_id', 'item_id', 'warehouse_id', 'line_id', 'qty'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', orderId)
    .where('status', '=', 'open')
    .orderBy('reservation_id')
    .execute();
  return rows.map((row) => ({ reservationId: row.reservation_id, itemId: row.item_id, warehouseId: row.warehouse_id, lineId: row.line_id, qty: decimalString(row.qty) }));
}

/**
 * Releases part of a line's reservation in one warehouse (a short pick that no
 * other bin can cover). Locks the (item, warehouse) balance first (lock order
 * step 3; a caller already holding it simply holds it again), then reduces the
 * line's open reservations there, newest first: a reservation shrinks, or is
 * released when the whole of it goes. STOCK_RESERVED-style refusals cannot
 * happen — reserved only drops — but releasing more than the line holds there
 * is refused with INSUFFICIENT_STOCK and nothing is written.
 */
export async function releaseReservedQty(
  tx: Tx,
  ctx: OperationContext,
  input: { itemId: string; warehouseId: string; orderId: string; lineId: string; qty: string },
): Promise<{ itemId: string; warehouseId: string; qty: string }> {
  const qty = parseDecimal(input.qty, '/qty');
  if (!qty.gt(0)) throw new AppError('VALIDATION_FAILED', 'a partial release takes a positive qty', [{ field: '/qty', message: 'must be positive' }]);
  await lockStockBalances(tx, ctx, [{ itemId: input.itemId, warehouseId: input.warehouseId }]);
  const open = await tx
    .selectFrom('reservations')
    .select(['reservation_id', 'qty'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', input.orderId)
    .where('line_id', '=', input.lineId)
    .where('item_id', '=', input.itemId)
    .where('warehouse_id', '=', input.warehouseId)
    .where('status', '=', 'open')
    .orderBy('reservation_id', 'desc')
    .forNoKeyUpdate()
    .execute();
  const held = open.reduce((total, row) => total.plus(row.qty), new Dec(0));
  if (held.lt(qty)) {
    throw new AppError('INSUFFICIENT_STOCK', `the line holds ${decimalString(held)} in warehouse ${input.warehouseId}; ${qty.toFixed()} cannot be released`);
  }
  let left = qty;
  for (const row of open) {
    if (left.lte(0)) break;
    const rowQty = new Dec(row.qty);
    const take = Dec.min(rowQty, left);
    left = left.minus(take);
    const remaining = rowQty.minus(take);
    if (remaining.isZero()) {
      await tx
        .updateTable('reservations')
        .set({ status: 'released', closed_at: ctx.clock.now() })
        .where('tenant_id', '=', ctx.tenantId)
        .where('reservation_id', '=', row.reservation_id)
        .execute();
    } else {
      await tx
        .updateTable('reservations')
        .set({ qty: remaining.toFixed() })
        .where('tenant_id', '=', ctx.tenantId)
        .where('reservation_id', '=', row.reservation_id)
        .execute();
    }
    await audit(tx, ctx, {
      action: remaining.isZero() ? 'reservation.release' : 'reservation.reduce',
      entityType: 'reservation',
      entityId: row.reservation_id,
      before: { status: 'open', qty: decimalString(rowQty) },
      after: { status: remaining.isZero() ? 'released' : 'open', qty: decimalString(remaining.isZero() ? rowQty : remaining) },
    });
  }
  await tx
    .updateTable('stock_balances')
    .set({ reserved: sql`reserved - ${qty.toFixed()}::numeric`, updated_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', '=', input.itemId)
    .where('warehouse_id', '=', input.warehouseId)
    .executeTakeFirstOrThrow();
  return { itemId: input.itemId, warehouseId: input.warehouseId, qty: decimalString(qty) };
}
