import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import { Dec } from '../../platform/money.ts';
import { loadLines, lockOrderHeaderOrThrow, toHeader, toLine, type LineRow, type SalesOrderHeader, type SalesOrderLine } from './sales-orders.queries.ts';

/**
 * What shipping and billing need from sales: the order locked for a shipment,
 * the shipped quantities and the status they lead to, and the invoiced amount
 * that keeps credit exposure from counting an invoiced part twice
 * (docs/fulfilment-contracts.md "Sales order lines and statuses").
 */

/** Orders that hold stock for shipping (or may hold picked stock): a shipment may be made for them. */
export const SHIPPABLE_STATUSES = ['confirmed', 'allocated', 'partially_allocated', 'backordered', 'picking', 'partially_shipped'] as const;

export interface OrderForShipping {
  header: SalesOrderHeader;
  lines: Array<SalesOrderLine & { qtyPicked: string }>;
}

function withPicked(row: LineRow): SalesOrderLine & { qtyPicked: string } {
  return { ...toLine(row), qtyPicked: new Dec(row.qty_picked).toFixed() };
}

/** Lock order step 1: the order header FOR NO KEY UPDATE, then its lines (read under that lock). */
export async function lockSalesOrderForShipping(tx: Tx, ctx: OperationContext, orderId: string): Promise<OrderForShipping> {
  const row = await lockOrderHeaderOrThrow(tx, ctx, orderId);
  const lines = await loadLines(tx, ctx, orderId);
  return { header: toHeader(row), lines: lines.map(withPicked) };
}

/** The order and its lines without a lock (for reads and validation before the locks). */
export async function readSalesOrderForShipping(tx: Tx, ctx: OperationContext, orderId: string): Promise<OrderForShipping> {
  const row = await tx.selectFrom('sales_orders').selectAll().where('tenant_id', '=', ctx.tenantId).where('order_id', '=', orderId).executeTakeFirst();
  if (!row) throw new AppError('SALES_ORDER_NOT_FOUND', `no sales order ${orderId}`);
  const lines = await loadLines(tx, ctx, orderId);
  return { header: toHeader(row), lines: lines.map(withPicked) };
}

/**
 * Records what a confirmed shipment took: per line qty_shipped += qty and
 * qty_allocated −= qty (the reservation was consumed with the goods), then the
 * order status: 'shipped' when every line is shipped or cancelled, else
 * 'partially_shipped'. The caller holds the header lock. Returns the new status.
 */
export async function recordShippedQuantities(
  tx: Tx,
  ctx: OperationContext,
  input: { orderId: string; lines: Array<{ lineId: string; qtyBase: string }> },
): Promise<'shipped' | 'partially_shipped'> {
  for (const line of input.lines) {
    const updated = await tx
      .updateTable('sales_order_lines')
      .set({
        qty_shipped: sql`qty_shipped + ${line.qtyBase}::numeric`,
        qty_allocated: sql`qty_allocated - ${line.qtyBase}::numeric`,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('order_id', '=', input.orderId)
      .where('line_id', '=', line.lineId)
      .where(sql<boolean>`qty_allocated >= ${line.qtyBase}::numeric`)
      .executeTakeFirst();
    invariant(updated.numUpdatedRows === 1n, `line ${line.lineId} holds the quantity it ships as allocated`);
  }
  const lines = await loadLines(tx, ctx, input.orderId);
  const done = lines.every((line) => new Dec(line.qty_shipped).plus(line.qty_cancelled).gte(line.qty_base));
  const status = done ? 'shipped' : 'partially_shipped';
  const before = await tx.selectFrom('sales_orders').select(['status', 'revision']).where('tenant_id', '=', ctx.tenantId).where('order_id', '=', input.orderId).executeTakeFirstOrThrow();
  await tx
    .updateTable('sales_orders')
    .set({ status, revision: sql`revision + 1`, updated_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', input.orderId)
    .executeTakeFirstOrThrow();
  if (before.status !== status) {
    await audit(tx, ctx, { action: 'sales_order.ship', entityType: 'sales_order', entityId: input.orderId, before: { status: before.status }, after: { status } });
  }
  return status;
}

/** invoiced_minor += delta (an invoice adds its total, a void takes it back). The caller holds the header lock. */
export async function addInvoicedMinor(tx: Tx, ctx: OperationContext, orderId: string, deltaMinor: number): Promise<void> {
  invariant(Number.isSafeInteger(deltaMinor), 'invoiced delta is an integer of minor units');
  await tx
    .updateTable('sales_orders')
    .set({ invoiced_minor: sql`invoiced_minor + ${deltaMinor}::bigint`, updated_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow();
}

/** Lock order step 1 for billing: an order header by id (a void or credit memo of its invoice). */
export async function lockSalesOrderHeader(tx: Tx, ctx: OperationContext, orderId: string): Promise<SalesOrderHeader> {
  return toHeader(await lockOrderHeaderOrThrow(tx, ctx, orderId));
}
