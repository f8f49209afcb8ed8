import { Dec } from '../../../platform/money.ts';

/**
 * Allocation as a pure decision (DESIGN §4 step 4): given the customer's policy,
 * the warehouses in preference order and what is available in each, decide per
 * line how much to reserve where, what to backorder and what to cancel. The
 * service locks the balances, reads `available` under those locks, runs this, and
 * writes exactly the reservations it returns — so the plan never oversells.
 *
 * Decisions (what distributors mean by their policy words):
 * - "Ship complete" (allowPartialShipment = false) is PER ORDER: if any line cannot
 *   be filled completely, nothing of the order is reserved and every line's
 *   quantity goes to the remainder policy (backordered, or cancelled — fill or kill).
 * - "No split" (allowSplitWarehouses = false) is also per order: the whole order
 *   ships from ONE warehouse — the first in preference order that can fill every
 *   line; failing that (partial allowed), the one that can reserve the most, earlier
 *   in preference order on a tie.
 * - With split allowed, each line is still taken from a single warehouse when one can
 *   fill it (fewer shipments, first in preference order); only a line that no single
 *   warehouse can fill is spread over warehouses in preference order.
 * - What cannot be reserved is backordered or cancelled per remainderPolicy.
 * Several lines of one item share its availability, in line order.
 */

export interface AllocationPolicy {
  allowPartialShipment: boolean;
  remainderPolicy: 'backorder' | 'cancel';
  allowSplitWarehouses: boolean;
}

export interface AllocationLineRequest {
  lineId: string;
  itemId: string;
  /** Quantity to place, in stocking units (> 0). */
  qty: string;
}

export interface PlannedReservation {
  warehouseId: string;
  qty: string;
}

export interface LinePlan {
  lineId: string;
  itemId: string;
  reservations: PlannedReservation[];
  backorderQty: string;
  cancelQty: string;
}

export interface AllocationPlan {
  lines: LinePlan[];
  /** Every line fully reserved. */
  complete: boolean;
}

export const stockKey = (itemId: string, warehouseId: string): string => `${itemId}/${warehouseId}`;

export interface WarehouseCandidate {
  warehouseId: string;
  code: string;
  allocationPriority: number;
}

/**
 * Preference order: the ship-to's default warehouse, else the customer's, first;
 * then every other warehouse by allocation priority (lower first), then code.
 * A default that is not among the candidates (inactive) is ignored.
 */
export function warehousePreference(defaultWarehouseId: string | null, warehouses: WarehouseCandidate[]): string[] {
  const sorted = [...warehouses].sort(
    (a, b) => a.allocationPriority - b.allocationPriority || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  const ids = sorted.map((warehouse) => warehouse.warehouseId);
  if (defaultWarehouseId && ids.includes(defaultWarehouseId)) {
    return [defaultWarehouseId, ...ids.filter((id) => id !== defaultWarehouseId)];
  }
  return ids;
}

export function planAllocation(input: {
  policy: AllocationPolicy;
  warehouseIds: string[];
  lines: AllocationLineRequest[];
  /** stockKey(item, warehouse) → available quantity; missing means 0. */
  available: ReadonlyMap<string, string>;
}): AllocationPlan {
  const { policy, warehouseIds, lines } = input;
  const reservationsByLine = policy.allowSplitWarehouses
    ? reserveSplit(lines, warehouseIds, input.available)
    : reserveSingleWarehouse(lines, warehouseIds, input.available);

  const shortfall = lines.map((line, index) => new Dec(line.qty).minus(sum(reservationsByLine[index]!)));
  const complete = shortfall.every((short) => short.lte(0));
  const shipComplete = !policy.allowPartialShipment;

  const planned = lines.map((line, index): LinePlan => {
    const reservations = shipComplete && !complete ? [] : reservationsByLine[index]!;
    const remainder = new Dec(line.qty).minus(sum(reservations));
    const toBackorder = policy.remainderPolicy === 'backorder' ? remainder : new Dec(0);
    const toCancel = policy.remainderPolicy === 'cancel' ? remainder : new Dec(0);
    return { lineId: line.lineId, itemId: line.itemId, reservations, backorderQty: toBackorder.toFixed(), cancelQty: toCancel.toFixed() };
  });
  return { lines: planned, complete };
}

/** Applies a plan to a copy of the availability map (what the next order sees). */
export function consumeAvailability(available: ReadonlyMap<string, string>, plan: AllocationPlan): Map<string, string> {
  const next = new Map(available);
  for (const line of plan.lines) {
    for (const reservation of line.reservations) {
      const key = stockKey(line.itemId, reservation.warehouseId);
      next.set(key, new Dec(next.get(key) ?? '0').minus(reservation.qty).toFixed());
    }
  }
  return next;
}

function reserveSplit(lines: AllocationLineRequest[], warehouseIds: string[], available: ReadonlyMap<string, string>): PlannedReservation[][] {
  const left = mutableAvailability(available);
  return lines.map((line) => {
    const qty = new Dec(line.qty);
    const whole = warehouseIds.find((warehouseId) => left.get(line.itemId, warehouseId).gte(qty));
    if (whole) {
      left.take(line.itemId, whole, qty);
      return [{ warehouseId: whole, qty: qty.toFixed() }];
    }
    const reservations: PlannedReservation[] = [];
    let remaining = qty;
    for (const warehouseId of warehouseIds) {
      if (remaining.lte(0)) break;
      const take = Dec.min(remaining, left.get(line.itemId, warehouseId));
      if (take.lte(0)) continue;
      left.take(line.itemId, warehouseId, take);
      reservations.push({ warehouseId, qty: take.toFixed() });
      remaining = remaining.minus(take);
    }
    return reservations;
  });
}

function reserveSingleWarehouse(lines: AllocationLineRequest[], warehouseIds: string[], available: ReadonlyMap<string, string>): PlannedReservation[][] {
  let best: { reservations: PlannedReservation[][]; reserved: Dec; complete: boolean } | undefined;
  for (const warehouseId of warehouseIds) {
    const left = mutableAvailability(available);
    let reserved = new Dec(0);
    let complete = true;
    const reservations = lines.map((line) => {
      const take = Dec.min(new Dec(line.qty), left.get(line.itemId, warehouseId));
      if (take.lt(line.qty)) complete = false;
      if (take.lte(0)) return [];
      left.take(line.itemId, warehouseId, take);
      reserved = reserved.plus(take);
      return [{ warehouseId, qty: take.toFixed() }];
    });
    if (complete) return reservations;
    if (!best || reserved.gt(best.reserved)) best = { reservations, reserved, complete };
  }
  return best?.reservations ?? lines.map(() => []);
}

function mutableAvailability(available: ReadonlyMap<string, string>) {
  const left = new Map<string, Dec>();
  const get = (itemId: string, warehouseId: string): Dec => {
    const key = stockKey(itemId, warehouseId);
    const value = left.get(key) ?? new Dec(available.get(key) ?? '0');
    return Dec.max(value, 0);
  };
  return {
    get,
    take(itemId: string, warehouseId: string, qty: Dec) {
      left.set(stockKey(itemId, warehouseId), get(itemId, warehouseId).minus(qty));
    },
  };
}

function sum(reservations: PlannedReservation[]): Dec {
  return reservations.reduce((total, reservation) => total.plus(reservation.qty), new Dec(0));
}
