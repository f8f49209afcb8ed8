import { consumeAvailability, planAllocation, type AllocationLineRequest, type AllocationPlan, type AllocationPolicy } from './allocation.rules.ts';

/**
 * Backorder release (DOMAIN "Backorder"): when stock arrives, backordered orders
 * are served oldest first — by order date, then by order id (uuid v7, so creation
 * order) — each with its own policy and warehouse preference, each seeing what the
 * older ones left. A quantity that still cannot be reserved stays backordered
 * (never cancelled by a release, whatever the customer's remainder policy says now).
 * A "ship complete" order that still cannot be filled completely gets nothing and
 * does NOT block younger orders: holding stock back for it would leave stock idle
 * that a younger order could ship today.
 */

export interface BackorderCandidate {
  orderId: string;
  orderDate: string;
  policy: AllocationPolicy;
  warehouseIds: string[];
  /** The order's backordered quantities, per line. */
  lines: AllocationLineRequest[];
}

export function planBackorderRelease(
  candidates: BackorderCandidate[],
  available: ReadonlyMap<string, string>,
): Array<{ orderId: string; plan: AllocationPlan }> {
  const ordered = [...candidates].sort((a, b) =>
    a.orderDate !== b.orderDate ? (a.orderDate < b.orderDate ? -1 : 1) : a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0,
  );
  let left: ReadonlyMap<string, string> = available;
  const plans: Array<{ orderId: string; plan: AllocationPlan }> = [];
  for (const candidate of ordered) {
    const plan = planAllocation({
      policy: { ...candidate.policy, remainderPolicy: 'backorder' },
      warehouseIds: candidate.warehouseIds,
      lines: candidate.lines,
      available: left,
    });
    left = consumeAvailability(left, plan);
    plans.push({ orderId: candidate.orderId, plan });
  }
  return plans;
}
