import { audit } from '../../platform/audit/index.ts';
import { hasPermission, today, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { lockCustomerForCredit, receivablesExposure, type Customer } from '../partners/index.ts';
import { decideCredit, type CreditDecision } from './rules/credit.rules.ts';
import { canApply, CREDIT_EXPOSURE_STATUSES, TRANSITIONS } from './rules/order-status.rules.ts';
import { allocateLockedOrder } from './sales-allocation.service.ts';
import { loadOrder, lockOrderHeaderOrThrow, openOrdersExposureMinor, type OrderRow, type SalesOrder } from './sales-orders.queries.ts';
import { auditView } from './sales-orders.service.ts';

/**
 * Confirmation and the credit check (DESIGN §4 step 3). Lock order (§2a): the
 * order header, then the customer's credit row, then (in allocation) the stock
 * balances. The credit row lock is what makes two concurrent orders unable to both
 * pass one limit: the second reads exposure only after the first has committed
 * its confirmed total (READ COMMITTED takes a new snapshot per statement).
 */

/** The credit decision for an order at `header.total_minor`; the caller holds the credit row lock. */
export async function creditDecisionFor(tx: Tx, ctx: OperationContext, header: OrderRow, customer: Customer): Promise<CreditDecision> {
  const openOrdersMinor = await openOrdersExposureMinor(tx, ctx, customer.customerId, CREDIT_EXPOSURE_STATUSES, header.order_id);
  const receivables = await receivablesExposure(tx, ctx, customer.customerId, today(ctx));
  return decideCredit({
    creditLimitMinor: customer.creditLimitMinor,
    pastDueToleranceDays: customer.pastDueToleranceDays,
    openReceivablesMinor: receivables.openMinor,
    maxDaysPastDue: receivables.maxDaysPastDue,
    openOrdersMinor,
    orderTotalMinor: Number(header.total_minor),
  });
}

/**
 * Puts an order on credit hold (it holds no stock while held: its reservations,
 * if any, were released by the caller). Audited, and announced as sales_order.held.
 */
export async function holdOrder(tx: Tx, ctx: OperationContext, header: OrderRow, customer: Customer, decision: CreditDecision): Promise<OrderRow> {
  const row = await tx
    .updateTable('sales_orders')
    .set({ status: 'on_hold', credit_status: 'held', hold_reasons: decision.reasons, updated_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', header.order_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendEvent(tx, ctx, {
    eventType: 'sales_order.held',
    aggregateType: 'sales_order',
    aggregateId: header.order_id,
    payload: {
      orderId: header.order_id,
      orderNumber: header.order_number,
      customerId: customer.customerId,
      reasons: decision.reasons,
      exposureMinor: String(decision.exposureMinor),
      creditLimitMinor: String(customer.creditLimitMinor),
    },
  });
  return row;
}

/** Approves (or, after a release, overrides) credit and marks the order confirmed, ready to allocate. */
export async function approveOrder(tx: Tx, ctx: OperationContext, header: OrderRow, creditStatus: 'approved' | 'released'): Promise<OrderRow> {
  const now = ctx.clock.now();
  const row = await tx
    .updateTable('sales_orders')
    .set({ status: 'confirmed', credit_status: creditStatus, hold_reasons: [], updated_at: now, confirmed_at: header.confirmed_at ?? now })
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', header.order_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendEvent(tx, ctx, {
    eventType: 'sales_order.confirmed',
    aggregateType: 'sales_order',
    aggregateId: header.order_id,
    payload: { orderId: header.order_id, orderNumber: header.order_number, customerId: header.customer_id, creditStatus, totalMinor: String(header.total_minor) },
  });
  return row;
}

/**
 * draft → credit check → on_hold (with reasons) or confirmed and allocated.
 * A cancelled, held or already confirmed order → SALES_ORDER_NOT_CONFIRMABLE.
 */
export async function confirmSalesOrder(tx: Tx, ctx: OperationContext, input: { orderId: string }): Promise<SalesOrder> {
  const header = await lockOrderHeaderOrThrow(tx, ctx, input.orderId);
  if (!canApply('confirm', header.status)) {
    throw new AppError(TRANSITIONS.confirm.error as 'SALES_ORDER_NOT_CONFIRMABLE', `order ${header.order_number} is ${header.status}; only a draft can be confirmed`);
  }
  const before = await loadOrder(tx, ctx, header);
  const customer = await lockCustomerForCredit(tx, ctx, header.customer_id);
  const decision = await creditDecisionFor(tx, ctx, header, customer);
  let after: SalesOrder;
  if (decision.decision === 'held') {
    after = await loadOrder(tx, ctx, await holdOrder(tx, ctx, header, customer, decision));
  } else {
    after = await allocateLockedOrder(tx, ctx, await approveOrder(tx, ctx, header, 'approved'), customer);
  }
  await audit(tx, ctx, {
    action: 'sales_order.confirm',
    entityType: 'sales_order',
    entityId: header.order_id,
    before: auditView(before),
    after: { ...auditView(after), creditExposureMinor: decision.exposureMinor, creditLimitMinor: customer.creditLimitMinor },
  });
  return after;
}

/**
 * An explicit release of a credit hold by an actor holding sales:release_hold
 * (checked here too, so no path around the route skips it). The order is then
 * confirmed with credit_status 'released' and allocated. Audited with who
 * released it and why.
 */
export async function releaseSalesOrderHold(tx: Tx, ctx: OperationContext, input: { orderId: string; note?: string }): Promise<SalesOrder> {
  if (!hasPermission(ctx, 'sales:release_hold')) throw new AppError('FORBIDDEN', 'releasing a credit hold needs the permission sales:release_hold');
  const header = await lockOrderHeaderOrThrow(tx, ctx, input.orderId);
  if (!canApply('release_hold', header.status)) {
    throw new AppError(TRANSITIONS.release_hold.error as 'SALES_ORDER_NOT_ON_HOLD', `order ${header.order_number} is ${header.status}, not on hold`);
  }
  const before = await loadOrder(tx, ctx, header);
  const customer = await lockCustomerForCredit(tx, ctx, header.customer_id);
  const after = await allocateLockedOrder(tx, ctx, await approveOrder(tx, ctx, header, 'released'), customer);
  await audit(tx, ctx, {
    action: 'sales_order.release_credit_hold',
    entityType: 'sales_order',
    entityId: header.order_id,
    before: auditView(before),
    after: { ...auditView(after), releaseNote: input.note ?? null },
  });
  return after;
}
