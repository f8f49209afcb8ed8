import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { BACKORDER_RELEASE_ORDERS_MAX } from '../../platform/limits.ts';
import { Dec } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { listAllocationWarehouses, lockStockBalances, releaseReservations, reserveStock } from '../inventory/index.ts';
import { getCustomerOrThrow, type Customer } from '../partners/index.ts';
import { planAllocation, stockKey, warehousePreference, type AllocationPlan, type LinePlan } from './rules/allocation.rules.ts';
import { planBackorderRelease, type BackorderCandidate } from './rules/backorder-release.rules.ts';
import { allocationStatus, BACKORDER_RELEASE_STATUSES, canApply, FULFILMENT_STATUSES, TRANSITIONS } from './rules/order-status.rules.ts';
import { shipToForOrderOrThrow } from './sales-lines.service.ts';
import { loadLines, loadOrder, lockOrderHeaderOrThrow, lockOrderHeaders, openReservationsOf, type LineRow, type OrderRow, type SalesOrder } from './sales-orders.queries.ts';

/**
 * Allocation (DESIGN §4 step 4) and backorder release. Lock order (§2a): the
 * order header(s) by id — held by the caller — then (the credit row, when the
 * caller checks credit) then the stock balances of every candidate
 * (item, warehouse) in key order, all at once through inventory.lockStockBalances.
 * The plan is computed from the balances read under those locks, so a second
 * order one millisecond later sees this one's reservations: nothing is oversold.
 */

async function preferenceFor(tx: Tx, ctx: OperationContext, customer: Customer, shipToId: string): Promise<string[]> {
  const shipTo = await shipToForOrderOrThrow(tx, ctx, customer.customerId, shipToId);
  const warehouses = await listAllocationWarehouses(tx, ctx);
  return warehousePreference(shipTo.defaultWarehouseId ?? customer.defaultWarehouseId, warehouses);
}

function policyOf(customer: Customer) {
  return { allowPartialShipment: customer.allowPartialShipment, remainderPolicy: customer.remainderPolicy, allowSplitWarehouses: customer.allowSplitWarehouses };
}

function openQty(line: LineRow): Dec {
  return new Dec(line.qty_base).minus(line.qty_cancelled).minus(line.qty_shipped);
}

function availableMap(balances: Map<string, { itemId: string; warehouseId: string; available: string }>): Map<string, string> {
  const map = new Map<string, string>();
  for (const balance of balances.values()) map.set(stockKey(balance.itemId, balance.warehouseId), balance.available);
  return map;
}

/**
 * (Re-)allocates an order whose header the caller has locked: releases the
 * order's open reservations and plans its whole open quantity afresh, under the
 * balance locks. Releasing first keeps one code path for first allocation,
 * explicit re-allocation and revisions; the order's own stock is available to it
 * again in the same transaction, so it never loses what it held to a competitor.
 */
export async function allocateLockedOrder(tx: Tx, ctx: OperationContext, header: OrderRow, customer: Customer): Promise<SalesOrder> {
  const before = await loadOrder(tx, ctx, header);
  const lines = await loadLines(tx, ctx, header.order_id);
  const preference = await preferenceFor(tx, ctx, customer, header.ship_to_id);
  const existing = await openReservationsOf(tx, ctx, [header.order_id]);
  const open = lines.filter((line) => openQty(line).gt(0));

  const keys = new Map<string, { itemId: string; warehouseId: string }>();
  for (const line of open) for (const warehouseId of preference) keys.set(stockKey(line.item_id, warehouseId), { itemId: line.item_id, warehouseId });
  for (const reservation of existing) keys.set(stockKey(reservation.itemId, reservation.warehouseId), { itemId: reservation.itemId, warehouseId: reservation.warehouseId });
  let balances = await lockStockBalances(tx, ctx, [...keys.values()]);
  if (existing.length > 0) {
    await releaseReservations(tx, ctx, { orderId: header.order_id });
    // Read again under the locks we already hold: the release raised availability.
    balances = await lockStockBalances(tx, ctx, [...keys.values()]);
  }

  const plan = planAllocation({
    policy: policyOf(customer),
    warehouseIds: preference,
    lines: open.map((line) => ({ lineId: line.line_id, itemId: line.item_id, qty: openQty(line).toFixed() })),
    available: availableMap(balances),
  });
  await writePlan(tx, ctx, header.order_id, lines, plan, 'replace');
  const status = await settleStatus(tx, ctx, header.order_id);
  const after = await loadOrder(tx, ctx, { ...header, status });
  await audit(tx, ctx, { action: 'sales_order.allocate', entityType: 'sales_order', entityId: header.order_id, before: allocationView(before), after: allocationView(after) });
  await appendEvent(tx, ctx, {
    eventType: 'sales_order.allocated',
    aggregateType: 'sales_order',
    aggregateId: header.order_id,
    payload: {
      orderId: header.order_id,
      orderNumber: header.order_number,
      status,
      lines: after.lines.map((line) => ({ lineId: line.lineId, itemId: line.itemId, qtyAllocated: line.qtyAllocated, qtyBackordered: line.qtyBackordered, qtyCancelled: line.qtyCancelled, reservations: line.reservations })),
    },
  });
  return after;
}

/**
 * Writes a plan's reservations and line quantities. 'replace' (allocation) sets
 * allocated and backordered from the plan and adds its cancellations; 'add'
 * (backorder release) adds the new reservations to what the line already held.
 */
async function writePlan(tx: Tx, ctx: OperationContext, orderId: string, lines: LineRow[], plan: AllocationPlan, mode: 'replace' | 'add'): Promise<void> {
  const byId = new Map(lines.map((line) => [line.line_id, line]));
  for (const planned of plan.lines) {
    const line = byId.get(planned.lineId)!;
    let reserved = new Dec(0);
    for (const reservation of planned.reservations) {
      await reserveStock(tx, ctx, { itemId: planned.itemId, warehouseId: reservation.warehouseId, orderId, lineId: planned.lineId, qty: reservation.qty });
      reserved = reserved.plus(reservation.qty);
    }
    const qtyAllocated = mode === 'replace' ? reserved : reserved.plus(line.qty_allocated);
    await tx
      .updateTable('sales_order_lines')
      .set({
        qty_allocated: qtyAllocated.toFixed(),
        qty_backordered: planned.backorderQty,
        qty_cancelled: new Dec(line.qty_cancelled).plus(planned.cancelQty).toFixed(),
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('order_id', '=', orderId)
      .where('line_id', '=', planned.lineId)
      .execute();
  }
}

/** Derives the order's status from its lines and stores it. */
async function settleStatus(tx: Tx, ctx: OperationContext, orderId: string) {
  const lines = await loadLines(tx, ctx, orderId);
  const status = allocationStatus(
    lines.map((line) => ({ qtyBase: line.qty_base, qtyAllocated: line.qty_allocated, qtyBackordered: line.qty_backordered, qtyCancelled: line.qty_cancelled, qtyShipped: line.qty_shipped })),
  );
  const now = ctx.clock.now();
  await tx
    .updateTable('sales_orders')
    .set({ status, updated_at: now, ...(status === 'cancelled' ? { cancelled_at: now } : {}) })
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', orderId)
    .execute();
  return status;
}

/** POST /v1/sales-orders/:id/allocate: re-runs allocation on a confirmed order (e.g. after stock moved). */
export async function allocateSalesOrder(tx: Tx, ctx: OperationContext, input: { orderId: string }): Promise<SalesOrder> {
  const header = await lockOrderHeaderOrThrow(tx, ctx, input.orderId);
  if (!canApply('allocate', header.status)) {
    throw new AppError(TRANSITIONS.allocate.error as 'SALES_ORDER_NOT_ALLOCATABLE', `order ${header.order_number} is ${header.status}; only confirmed orders are allocated`);
  }
  const customer = await getCustomerOrThrow(tx, ctx, header.customer_id);
  return allocateLockedOrder(tx, ctx, header, customer);
}

/**
 * Backorders of `itemId` are allocated, oldest order first, from what is now
 * available (DOMAIN "Backorder"). Candidates are found first without locks, then
 * their headers are locked in id order, then re-read (another release may have
 * served them meanwhile), then every balance they may draw from is locked in key
 * order — DESIGN §2a. At most BACKORDER_RELEASE_ORDERS_MAX orders per call, oldest
 * first; the rest wait for the next arrival or an explicit allocate.
 * `warehouseId` names where the stock arrived; the orders still draw from every
 * warehouse their policy allows (more choice never serves an older order worse).
 * Orders in 'picking' or 'partially_shipped' are served too (a short pick or a
 * partial shipment can leave a backorder); their status stays as it is.
 */
export async function releaseBackorders(
  tx: Tx,
  ctx: OperationContext,
  input: { itemId: string; warehouseId?: string },
): Promise<{ allocated: Array<{ orderId: string; lineId: string; qty: string }> }> {
  const candidateIds = await findBackorderedOrderIds(tx, ctx, input.itemId);
  if (candidateIds.length === 0) return { allocated: [] };
  const headers = (await lockOrderHeaders(tx, ctx, candidateIds)).filter((header) => (BACKORDER_RELEASE_STATUSES as readonly string[]).includes(header.status));
  const warehouses = await listAllocationWarehouses(tx, ctx);
  const existing = await openReservationsOf(tx, ctx, headers.map((header) => header.order_id));

  const candidates: BackorderCandidate[] = [];
  const linesByOrder = new Map<string, LineRow[]>();
  const headerById = new Map(headers.map((header) => [header.order_id, header]));
  const customers = new Map<string, Customer>();
  for (const header of headers) {
    const lines = await loadLines(tx, ctx, header.order_id);
    const backordered = lines.filter((line) => new Dec(line.qty_backordered).gt(0));
    if (!backordered.some((line) => line.item_id === input.itemId)) continue;
    const customer = customers.get(header.customer_id) ?? (await getCustomerOrThrow(tx, ctx, header.customer_id));
    customers.set(customer.customerId, customer);
    const shipTo = await shipToForOrderOrThrow(tx, ctx, customer.customerId, header.ship_to_id);
    let warehouseIds = warehousePreference(shipTo.defaultWarehouseId ?? customer.defaultWarehouseId, warehouses);
    // "No split": an order that already holds stock in one warehouse gets the rest there too.
    const held = existing.find((reservation) => reservation.orderId === header.order_id);
    if (!customer.allowSplitWarehouses && held) warehouseIds = [held.warehouseId];
    linesByOrder.set(header.order_id, lines);
    candidates.push({
      orderId: header.order_id,
      orderDate: header.order_date,
      policy: policyOf(customer),
      warehouseIds,
      lines: backordered.map((line) => ({ lineId: line.line_id, itemId: line.item_id, qty: new Dec(line.qty_backordered).toFixed() })),
    });
  }
  const keys = new Map<string, { itemId: string; warehouseId: string }>();
  for (const candidate of candidates) {
    for (const line of candidate.lines) for (const warehouseId of candidate.warehouseIds) keys.set(stockKey(line.itemId, warehouseId), { itemId: line.itemId, warehouseId });
  }
  const balances = await lockStockBalances(tx, ctx, [...keys.values()]);
  const plans = planBackorderRelease(candidates, availableMap(balances));

  const allocated: Array<{ orderId: string; lineId: string; qty: string }> = [];
  for (const { orderId, plan } of plans) {
    const released = plan.lines.filter((line) => line.reservations.length > 0);
    if (released.length === 0) continue;
    const header = headerById.get(orderId)!;
    const before = await loadOrder(tx, ctx, header);
    await writePlan(tx, ctx, orderId, linesByOrder.get(orderId)!, { ...plan, lines: released }, 'add');
    // An order the warehouse or shipping is working on keeps its status: the new
    // reservation simply becomes waveable; only allocation statuses are re-derived.
    const status = (FULFILMENT_STATUSES as readonly string[]).includes(header.status) ? header.status : await settleStatus(tx, ctx, orderId);
    const after = await loadOrder(tx, ctx, { ...header, status });
    const lines = released.map((line: LinePlan) => ({ orderId, lineId: line.lineId, itemId: line.itemId, qty: sumQty(line) }));
    allocated.push(...lines.map(({ orderId: id, lineId, qty }) => ({ orderId: id, lineId, qty })));
    await audit(tx, ctx, { action: 'sales_order.release_backorder', entityType: 'sales_order', entityId: orderId, before: allocationView(before), after: allocationView(after) });
    await appendEvent(tx, ctx, {
      eventType: 'backorder.released',
      aggregateType: 'sales_order',
      aggregateId: orderId,
      payload: { orderId, orderNumber: header.order_number, status, lines },
    });
  }
  return { allocated };
}

export async function findBackorderedOrderIds(tx: Tx, ctx: OperationContext, itemId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('sales_order_lines as l')
    .innerJoin('sales_orders as o', (join) => join.onRef('o.tenant_id', '=', 'l.tenant_id').onRef('o.order_id', '=', 'l.order_id'))
    .select(['o.order_id', 'o.order_date'])
    .distinct()
    .where('l.tenant_id', '=', ctx.tenantId)
    .where('l.item_id', '=', itemId)
    .where('l.qty_backordered', '>', '0')
    .where('o.status', 'in', ['backordered', 'partially_allocated', ...FULFILMENT_STATUSES])
    .orderBy('o.order_date')
    .orderBy('o.order_id')
    .limit(BACKORDER_RELEASE_ORDERS_MAX)
    .execute();
  return rows.map((row) => row.order_id);
}

/** Lock order step 1 for the stock-arrival route: the headers a release may touch, before any balance. */
export async function lockBackorderedOrders(tx: Tx, ctx: OperationContext, input: { itemId: string }): Promise<void> {
  await lockOrderHeaders(tx, ctx, await findBackorderedOrderIds(tx, ctx, input.itemId));
}

function sumQty(line: LinePlan): string {
  return line.reservations.reduce((total, reservation) => total.plus(reservation.qty), new Dec(0)).toFixed();
}

function allocationView(order: SalesOrder): Record<string, unknown> {
  return {
    status: order.status,
    lines: order.lines.map((line) => ({ lineId: line.lineId, qtyAllocated: line.qtyAllocated, qtyBackordered: line.qtyBackordered, qtyCancelled: line.qtyCancelled, reservations: line.reservations })),
  };
}
