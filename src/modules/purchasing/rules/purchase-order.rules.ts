import { Dec } from '../../../platform/money.ts';

/**
 * Pure decisions of the purchase order lifecycle: which transitions are allowed,
 * what a line's and an order's status become as goods arrive, and how much the
 * over-receipt tolerance lets a receipt take.
 */

export const PURCHASE_ORDER_STATUSES = ['draft', 'approved', 'sent', 'partially_received', 'received', 'closed', 'cancelled'] as const;
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number];
export type PurchaseOrderLineStatus = 'open' | 'partially_received' | 'received' | 'cancelled';

/** Statuses from which each action may start. */
export const PO_ACTION_FROM: Record<'revise' | 'approve' | 'send' | 'cancel' | 'close' | 'receive', readonly PurchaseOrderStatus[]> = {
  revise: ['draft', 'approved'],
  approve: ['draft'],
  send: ['approved'],
  // Cancelling is for orders nothing was received against (checked on the lines too).
  cancel: ['draft', 'approved', 'sent'],
  // Closing ends an order short: what has not arrived is no longer expected.
  close: ['sent', 'partially_received', 'received'],
  // Approved counts: a supplier may deliver on a phoned-in order before the PO is sent.
  receive: ['approved', 'sent', 'partially_received', 'received'],
};

export function canDo(action: keyof typeof PO_ACTION_FROM, status: string): boolean {
  return (PO_ACTION_FROM[action] as readonly string[]).includes(status);
}

export function lineStatusAfterReceipt(qtyOrdered: Dec | string, qtyReceived: Dec | string): PurchaseOrderLineStatus {
  const received = new Dec(qtyReceived);
  if (received.gte(new Dec(qtyOrdered))) return 'received';
  return received.gt(0) ? 'partially_received' : 'open';
}

/** Every line that is not cancelled received in full → received; anything received → partially_received. */
export function orderStatusAfterReceipt(lines: Array<{ status: PurchaseOrderLineStatus }>): 'received' | 'partially_received' {
  const live = lines.filter((line) => line.status !== 'cancelled');
  return live.length > 0 && live.every((line) => line.status === 'received') ? 'received' : 'partially_received';
}

/** The most that may have been received of qtyOrdered under a tolerance in percent (0 = exactly what was ordered). */
export function receivableLimit(qtyOrdered: Dec | string, tolerancePercent: number): Dec {
  return new Dec(qtyOrdered).times(new Dec(100).plus(tolerancePercent)).dividedBy(100);
}

/** Whether approving an order of this total needs an approver other than its creator. */
export function needsSecondApprover(totalMinor: number, thresholdMinor: number): boolean {
  return totalMinor > thresholdMinor;
}

/**
 * Spreads a received quantity over the open lines of one item, in line order:
 * each takes what it still expects, the last takes any over-receipt (the caller
 * has checked the tolerance on the item's total).
 */
export function spreadReceipt(lines: Array<{ lineId: string; qty: string; qtyReceived: string }>, qty: Dec): Array<{ lineId: string; qty: Dec }> {
  const parts: Array<{ lineId: string; qty: Dec }> = [];
  let left = qty;
  lines.forEach((line, index) => {
    if (left.lte(0)) return;
    const open = Dec.max(new Dec(line.qty).minus(line.qtyReceived), 0);
    const take = index === lines.length - 1 ? left : Dec.min(open, left);
    if (take.gt(0)) parts.push({ lineId: line.lineId, qty: take });
    left = left.minus(take);
  });
  return parts;
}
