import { audit } from '../../platform/audit/index.ts';
import { actorRef, today, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { SALES_ORDER_LINES_MAX } from '../../platform/limits.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { getCustomerOrThrow } from '../partners/index.ts';
import { releaseReservations } from '../inventory/index.ts';
import { findBackorderedOrderIds, releaseBackorders } from './sales-allocation.service.ts';
import { canApply, TRANSITIONS, type OrderStatus } from './rules/order-status.rules.ts';
import { lineColumns, resolveAndPriceLines, shipToForOrderOrThrow, type OrderLineInput } from './sales-lines.service.ts';
import { findOrderRow, loadLines, loadOrder, lockOrderHeaderOrThrow, lockOrderHeaders, toHeader, type SalesOrder, type SalesOrderHeader } from './sales-orders.queries.ts';

/**
 * Sales orders: capture (draft), read, list and cancel. Confirmation, credit and
 * allocation live in sales-confirm.service.ts; revisions in sales-revisions.service.ts.
 */

export interface CreateSalesOrderInput {
  /** Taken BEFORE the transaction with nextDocumentNumber(db, ctx, 'sales_order'). */
  orderNumber: string;
  customerId: string;
  shipToId: string;
  /** Defaults to the customer's currency; pricing refuses one that is not the tenant's. */
  currency?: string;
  customerPo?: string | null;
  requestedDate?: string | null;
  source?: 'api' | 'edi' | 'ui' | 'demo';
  lines: OrderLineInput[];
}

export async function createSalesOrder(tx: Tx, ctx: OperationContext, input: CreateSalesOrderInput): Promise<SalesOrder> {
  invariant(input.orderNumber, 'createSalesOrder needs an order number taken before the transaction');
  if (input.lines.length === 0 || input.lines.length > SALES_ORDER_LINES_MAX) {
    throw new AppError('VALIDATION_FAILED', `an order has 1 to ${SALES_ORDER_LINES_MAX} lines`, [{ field: '/lines', message: `has ${input.lines.length} lines` }]);
  }
  const customer = await getCustomerOrThrow(tx, ctx, input.customerId);
  if (!customer.active) throw new AppError('CUSTOMER_INACTIVE', `customer ${customer.code} is inactive`);
  const shipTo = await shipToForOrderOrThrow(tx, ctx, customer.customerId, input.shipToId);
  const currency = input.currency ?? customer.currency;
  const orderDate = today(ctx);
  const lines = await resolveAndPriceLines(tx, ctx, { customer, shipTo, lines: input.lines, date: orderDate, currency });

  const subtotalMinor = lines.reduce((sum, line) => sum + line.quote.lineAmountMinor, 0);
  const taxMinor = lines.reduce((sum, line) => sum + line.quote.taxMinor, 0);
  const now = ctx.clock.now();
  const orderId = newId();
  await tx
    .insertInto('sales_orders')
    .values({
      tenant_id: ctx.tenantId,
      order_id: orderId,
      order_number: input.orderNumber,
      customer_id: customer.customerId,
      ship_to_id: shipTo.shipToId,
      status: 'draft',
      source: input.source ?? 'api',
      customer_po: input.customerPo ?? null,
      currency,
      order_date: orderDate,
      requested_date: input.requestedDate ?? null,
      subtotal_minor: subtotalMinor,
      tax_minor: taxMinor,
      freight_minor: 0,
      total_minor: subtotalMinor + taxMinor,
      created_by: actorRef(ctx.actor),
      created_at: now,
      updated_at: now,
    })
    .execute();
  await tx
    .insertInto('sales_order_lines')
    .values(
      lines.map((line, index) => ({
        tenant_id: ctx.tenantId,
        order_id: orderId,
        line_id: newId(),
        line_number: index + 1,
        item_id: line.item.itemId,
        customer_part_number: line.customerPartNumber,
        requested_date: line.requestedDate,
        ...lineColumns(line),
      })),
    )
    .execute();
  const order = await getSalesOrderOrThrow(tx, ctx, orderId);
  await audit(tx, ctx, { action: 'sales_order.create', entityType: 'sales_order', entityId: orderId, before: null, after: auditView(order) });
  await appendEvent(tx, ctx, {
    eventType: 'sales_order.created',
    aggregateType: 'sales_order',
    aggregateId: orderId,
    payload: { orderId, orderNumber: order.orderNumber, customerId: order.customerId, totalMinor: String(order.totalMinor), currency, lineCount: order.lines.length },
  });
  return order;
}

export async function getSalesOrderOrThrow(tx: Tx, ctx: OperationContext, orderId: string): Promise<SalesOrder> {
  const row = await findOrderRow(tx, ctx, orderId);
  if (!row) throw new AppError('SALES_ORDER_NOT_FOUND', `no sales order ${orderId}`);
  return loadOrder(tx, ctx, row);
}

export interface SalesOrderFilter {
  status?: OrderStatus;
  customerId?: string;
  orderDateFrom?: string;
  orderDateTo?: string;
}

/** Headers only (a page of orders with all their lines would be unbounded in size); keyset on order_id. */
export async function listSalesOrders(tx: Tx, ctx: OperationContext, page: PageRequest, filter: SalesOrderFilter = {}): Promise<Page<SalesOrderHeader>> {
  let query = tx.selectFrom('sales_orders').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (page.after) query = query.where('order_id', '>', page.after);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
  if (filter.orderDateFrom) query = query.where('order_date', '>=', filter.orderDateFrom);
  if (filter.orderDateTo) query = query.where('order_date', '<=', filter.orderDateTo);
  const rows = await query.orderBy('order_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toHeader), page, (order) => order.orderId);
}

/**
 * Cancels an order that has not reached the warehouse: its reservations are
 * released, every open quantity becomes cancelled, and the stock it gave back goes
 * to other orders' backorders, oldest first (DOMAIN "Backorder"), in the same
 * transaction. Cancelling a cancelled order changes nothing. Picking or later →
 * SALES_ORDER_NOT_CANCELLABLE.
 *
 * Lock order (DESIGN §2a): the headers of this order AND of the backordered orders
 * that may take its stock are locked together, in id order, before any balance —
 * so the candidates are looked up first, without locks.
 */
export async function cancelSalesOrder(tx: Tx, ctx: OperationContext, input: { orderId: string; reason?: string }): Promise<SalesOrder> {
  const peek = await findOrderRow(tx, ctx, input.orderId);
  if (!peek) throw new AppError('SALES_ORDER_NOT_FOUND', `no sales order ${input.orderId}`);
  const itemIds = [...new Set((await loadLines(tx, ctx, peek.order_id)).map((line) => line.item_id))].sort();
  const candidateIds = peek.status === 'cancelled' ? [] : (await Promise.all(itemIds.map((itemId) => findBackorderedOrderIds(tx, ctx, itemId)))).flat();
  await lockOrderHeaders(tx, ctx, [peek.order_id, ...candidateIds]);
  const header = await lockOrderHeaderOrThrow(tx, ctx, input.orderId);
  if (header.status === 'cancelled') return loadOrder(tx, ctx, header);
  if (!canApply('cancel', header.status)) {
    throw new AppError(TRANSITIONS.cancel.error as 'SALES_ORDER_NOT_CANCELLABLE', `order ${header.order_number} is ${header.status} and can no longer be cancelled`);
  }
  const before = await loadOrder(tx, ctx, header);
  const released = await releaseReservations(tx, ctx, { orderId: header.order_id });
  const now = ctx.clock.now();
  for (const line of await loadLines(tx, ctx, header.order_id)) {
    await tx
      .updateTable('sales_order_lines')
      .set((eb) => ({ qty_allocated: 0, qty_backordered: 0, qty_cancelled: eb('qty_base', '-', eb.ref('qty_shipped')) }))
      .where('tenant_id', '=', ctx.tenantId)
      .where('order_id', '=', header.order_id)
      .where('line_id', '=', line.line_id)
      .execute();
  }
  const row = await tx
    .updateTable('sales_orders')
    .set({ status: 'cancelled', cancelled_at: now, updated_at: now })
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', header.order_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = await loadOrder(tx, ctx, row);
  await audit(tx, ctx, { action: 'sales_order.cancel', entityType: 'sales_order', entityId: header.order_id, before: auditView(before), after: { ...auditView(after), reason: input.reason ?? null } });
  await appendEvent(tx, ctx, {
    eventType: 'sales_order.cancelled',
    aggregateType: 'sales_order',
    aggregateId: header.order_id,
    payload: { orderId: header.order_id, orderNumber: header.order_number, previousStatus: header.status, reason: input.reason ?? null, released },
  });
  // Items in key order, so that every cancellation hands stock on in the same order.
  for (const itemId of [...new Set(released.map((r) => r.itemId))].sort()) await releaseBackorders(tx, ctx, { itemId });
  return after;
}

/** What the audit log keeps of an order: the header and each line's quantities and price. */
export function auditView(order: SalesOrder): Record<string, unknown> {
  return {
    status: order.status,
    creditStatus: order.creditStatus,
    holdReasons: order.holdReasons,
    shipToId: order.shipToId,
    customerPo: order.customerPo,
    subtotalMinor: order.subtotalMinor,
    taxMinor: order.taxMinor,
    totalMinor: order.totalMinor,
    revision: order.revision,
    lines: order.lines.map((line) => ({
      lineId: line.lineId,
      itemId: line.itemId,
      unit: line.unit,
      qty: line.qty,
      qtyBase: line.qtyBase,
      unitPrice: line.unitPrice,
      priceRule: line.priceRule,
      lineAmountMinor: line.lineAmountMinor,
      taxMinor: line.taxMinor,
      qtyAllocated: line.qtyAllocated,
      qtyBackordered: line.qtyBackordered,
      qtyCancelled: line.qtyCancelled,
    })),
  };
}
