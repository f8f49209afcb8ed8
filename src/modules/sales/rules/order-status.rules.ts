import { Dec } from '../../../platform/money.ts';

/**
 * The sales order state machine as data. Each action names the statuses it may
 * start from; anything else is refused with the action's stable error code, so
 * the API, EDI and the UI all get the same answer for the same order.
 *
 *   draft ──confirm──▶ on_hold ──release_hold──▶ (allocation status)
 *     │                   │
 *     └──confirm (credit approved)──▶ allocated | partially_allocated | backordered
 *   allocation statuses ──allocate / revise / backorder release──▶ allocation statuses
 *   any status before picking ──cancel──▶ cancelled
 *
 * picking, partially_shipped, shipped, invoiced and closed belong to later
 * modules (warehouse, shipping, billing); sales only refuses to disturb them.
 */

export const ORDER_STATUSES = [
  'draft',
  'on_hold',
  'confirmed',
  'allocated',
  'partially_allocated',
  'backordered',
  'cancelled',
  'picking',
  'partially_shipped',
  'shipped',
  'invoiced',
  'closed',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type OrderAction = 'confirm' | 'release_hold' | 'allocate' | 'revise' | 'cancel';

/** Statuses that hold (or wait for) stock: allocation and backorder release may act on them. */
export const ALLOCATION_STATUSES = ['confirmed', 'allocated', 'partially_allocated', 'backordered'] as const satisfies readonly OrderStatus[];

/**
 * Statuses in which the warehouse and shipping are working on the order. Backorder
 * release still serves them (a short pick or a partial shipment can leave a
 * backorder) but leaves the status as it is: it is the fulfilment modules' to move.
 */
export const FULFILMENT_STATUSES = ['picking', 'partially_shipped'] as const satisfies readonly OrderStatus[];

/** Statuses whose backorders a stock arrival serves. */
export const BACKORDER_RELEASE_STATUSES = [...ALLOCATION_STATUSES, ...FULFILMENT_STATUSES] as const satisfies readonly OrderStatus[];

/**
 * Statuses whose orders count in credit exposure at their total (DOMAIN: confirmed
 * orders not yet invoiced). Drafts and held orders do not: they promise nothing yet.
 */
export const CREDIT_EXPOSURE_STATUSES = [
  'confirmed',
  'allocated',
  'partially_allocated',
  'backordered',
  'picking',
  'partially_shipped',
] as const satisfies readonly OrderStatus[];

export const TRANSITIONS: Record<OrderAction, { from: readonly OrderStatus[]; error: string }> = {
  confirm: { from: ['draft'], error: 'SALES_ORDER_NOT_CONFIRMABLE' },
  release_hold: { from: ['on_hold'], error: 'SALES_ORDER_NOT_ON_HOLD' },
  allocate: { from: ALLOCATION_STATUSES, error: 'SALES_ORDER_NOT_ALLOCATABLE' },
  revise: { from: ['draft', 'on_hold', ...ALLOCATION_STATUSES], error: 'SALES_ORDER_NOT_REVISABLE' },
  cancel: { from: ['draft', 'on_hold', ...ALLOCATION_STATUSES], error: 'SALES_ORDER_NOT_CANCELLABLE' },
};

export function canApply(action: OrderAction, status: string): boolean {
  return (TRANSITIONS[action].from as readonly string[]).includes(status);
}

export interface LineQuantities {
  qtyBase: string;
  qtyAllocated: string;
  qtyBackordered: string;
  qtyCancelled: string;
  qtyShipped: string;
}

/**
 * The status an order takes after allocation, from its lines:
 * - every line fully reserved (or cancelled) → allocated;
 * - nothing reserved and something backordered → backordered;
 * - some reserved and some backordered → partially_allocated;
 * - nothing reserved and nothing backordered (every remainder cancelled) → cancelled,
 *   because nothing is left to ship.
 */
export function allocationStatus(lines: LineQuantities[]): 'allocated' | 'partially_allocated' | 'backordered' | 'cancelled' {
  let allocated = new Dec(0);
  let backordered = new Dec(0);
  let open = new Dec(0);
  for (const line of lines) {
    allocated = allocated.plus(line.qtyAllocated).plus(line.qtyShipped);
    backordered = backordered.plus(line.qtyBackordered);
    open = open.plus(line.qtyBase).minus(line.qtyCancelled);
  }
  if (open.lte(0) || (allocated.isZero() && backordered.isZero())) return 'cancelled';
  if (backordered.isZero()) return 'allocated';
  return allocated.isZero() ? 'backordered' : 'partially_allocated';
}
