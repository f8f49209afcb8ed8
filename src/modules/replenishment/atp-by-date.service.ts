import type { OperationContext } from '../../platform/context.ts';
import { today as todayOf } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { Dec, parseDecimal } from '../../platform/money.ts';
import { availableToPromise, getWarehouseOrThrow } from '../inventory/index.ts';
import { addDays } from '../partners/index.ts';
import { COMMITTED_SUPPLY_STATUSES, listOpenSupply } from '../purchasing/index.ts';
import { listBackorderDemand } from '../sales/index.ts';
import { buildAtpTimeline, type AtpRow, type DatedQty } from './rules/atp-timeline.rules.ts';

/**
 * ATP by date for one item (DOMAIN.md): it starts from ATP now — the very numbers of
 * inventory.availableToPromise (GET /v1/items/:itemId/atp), so the two never disagree —
 * and adds open lines of committed purchase orders on their expected dates and takes
 * backordered sales order lines on their requested dates. Reserved stock is already out
 * of "available" (it is held now). Lives here and not in inventory because it reads
 * purchasing and sales, which both depend on inventory.
 */

export const ATP_HORIZON_DAYS_DEFAULT = 30;
export const ATP_HORIZON_DAYS_MAX = 366;

export interface AtpByDatePosition {
  onHand: string;
  reserved: string;
  available: string;
  atpToday: string;
  rows: AtpRow[];
  coversQtyOn: string | null;
}

export interface AtpByDate {
  itemId: string;
  today: string;
  horizonDays: number;
  horizonEnd: string;
  qty: string | null;
  warehouses: Array<{ warehouseId: string; code: string } & AtpByDatePosition>;
  total: AtpByDatePosition;
}

export async function atpByDate(
  tx: Tx,
  ctx: OperationContext,
  input: { itemId: string; horizonDays?: number | undefined; warehouseId?: string | undefined; qty?: string | undefined },
): Promise<AtpByDate> {
  const horizonDays = input.horizonDays ?? ATP_HORIZON_DAYS_DEFAULT;
  if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > ATP_HORIZON_DAYS_MAX) {
    throw new AppError('VALIDATION_FAILED', `horizonDays is a whole number from 1 to ${ATP_HORIZON_DAYS_MAX}`, [{ field: '/horizonDays', message: 'is out of range' }]);
  }
  let qty: string | undefined;
  if (input.qty !== undefined) {
    const parsed = parseDecimal(input.qty, '/qty');
    if (!parsed.gt(0)) throw new AppError('VALIDATION_FAILED', 'qty must be positive', [{ field: '/qty', message: 'is not positive' }]);
    qty = parsed.toFixed();
  }
  const now = await availableToPromise(tx, ctx, input.itemId); // ITEM_NOT_FOUND first
  if (input.warehouseId !== undefined) await getWarehouseOrThrow(tx, ctx, input.warehouseId);
  const today = todayOf(ctx);
  const horizonEnd = addDays(today, horizonDays);
  const supply = await listOpenSupply(tx, ctx, { statuses: COMMITTED_SUPPLY_STATUSES, itemId: input.itemId, warehouseId: input.warehouseId });
  const demand = await listBackorderDemand(tx, ctx, { itemId: input.itemId, warehouseId: input.warehouseId });

  const warehouses = now.warehouses.filter((row) => input.warehouseId === undefined || row.warehouseId === input.warehouseId);
  // A PO or backorder may name a warehouse ATP now does not list (inactive, holding nothing).
  for (const warehouseId of new Set([...supply.map((line) => line.warehouseId), ...demand.map((line) => line.warehouseId)])) {
    if (warehouses.some((row) => row.warehouseId === warehouseId)) continue;
    const warehouse = await getWarehouseOrThrow(tx, ctx, warehouseId);
    warehouses.push({ warehouseId, code: warehouse.code, onHand: '0', reserved: '0', available: '0' });
  }
  const supplyOf = (warehouseId?: string): DatedQty[] => supply.filter((line) => warehouseId === undefined || line.warehouseId === warehouseId).map((line) => ({ date: line.expectedDate, qty: line.qtyRemaining }));
  const demandOf = (warehouseId?: string): DatedQty[] => demand.filter((line) => warehouseId === undefined || line.warehouseId === warehouseId).map((line) => ({ date: line.requestedDate, qty: line.qtyBackordered }));

  const perWarehouse = warehouses.map((row) => ({
    warehouseId: row.warehouseId,
    code: row.code,
    onHand: row.onHand,
    reserved: row.reserved,
    available: row.available,
    ...buildAtpTimeline({ today, horizonEnd, available: row.available, supply: supplyOf(row.warehouseId), demand: demandOf(row.warehouseId), qty }),
  }));
  // The total with a warehouse filter is that warehouse; without one it is ATP now's total.
  const sum = (pick: (row: { onHand: string; reserved: string; available: string }) => string) => perWarehouse.reduce((total, row) => total.plus(pick(row)), new Dec(0)).toFixed();
  const base = input.warehouseId === undefined ? now.total : { onHand: sum((row) => row.onHand), reserved: sum((row) => row.reserved), available: sum((row) => row.available) };
  const total = { ...base, ...buildAtpTimeline({ today, horizonEnd, available: base.available, supply: supplyOf(input.warehouseId), demand: demandOf(input.warehouseId), qty }) };
  return { itemId: input.itemId, today, horizonDays, horizonEnd, qty: qty ?? null, warehouses: perWarehouse, total };
}
