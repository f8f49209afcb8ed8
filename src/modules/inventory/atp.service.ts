import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { decimalString, Dec } from '../../platform/money.ts';
import { assertItemExists } from './stock-movements.service.ts';

/**
 * Available-to-promise now (DOMAIN.md): on hand − reserved, per warehouse and
 * across warehouses. Every active warehouse is listed (zero where the item has
 * never been), in allocation order, plus any inactive one still holding stock
 * of the item. Read without locks: a snapshot as of the statement, which the
 * allocation path re-checks under the balance lock.
 */

export interface AtpPosition {
  onHand: string;
  reserved: string;
  available: string;
}

export interface AvailableToPromise {
  itemId: string;
  warehouses: Array<{ warehouseId: string; code: string } & AtpPosition>;
  total: AtpPosition;
}

export async function availableToPromise(tx: Tx, ctx: OperationContext, itemId: string): Promise<AvailableToPromise> {
  await assertItemExists(tx, ctx, itemId);
  const rows = await tx
    .selectFrom('warehouses as w')
    .leftJoin('stock_balances as b', (join) =>
      join.onRef('b.tenant_id', '=', 'w.tenant_id').onRef('b.warehouse_id', '=', 'w.warehouse_id').on('b.item_id', '=', itemId),
    )
    .select(['w.warehouse_id', 'w.code', 'w.active', 'b.on_hand', 'b.reserved'])
    .where('w.tenant_id', '=', ctx.tenantId)
    .orderBy('w.allocation_priority')
    .orderBy('w.code')
    .execute();
  let onHandTotal = new Dec(0);
  let reservedTotal = new Dec(0);
  const warehouses: AvailableToPromise['warehouses'] = [];
  for (const row of rows) {
    const onHand = new Dec(row.on_hand ?? 0);
    const reserved = new Dec(row.reserved ?? 0);
    if (!row.active && onHand.isZero()) continue;
    onHandTotal = onHandTotal.plus(onHand);
    reservedTotal = reservedTotal.plus(reserved);
    warehouses.push({ warehouseId: row.warehouse_id, code: row.code, ...position(onHand, reserved) });
  }
  return { itemId, warehouses, total: position(onHandTotal, reservedTotal) };
}

function position(onHand: Dec, reserved: Dec): AtpPosition {
  return { onHand: decimalString(onHand), reserved: decimalString(reserved), available: decimalString(onHand.minus(reserved)) };
}
