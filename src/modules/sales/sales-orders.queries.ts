import { sql, type Selectable } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { SalesOrderLines, SalesOrders } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { Dec, decimalString, minorFromDb } from '../../platform/money.ts';
import { listOpenReservations } from '../inventory/index.ts';
import type { PriceExplanation } from '../pricing/index.ts';
import type { HoldReason } from './rules/credit.rules.ts';
import type { OrderStatus } from './rules/order-status.rules.ts';

/** The SQL of the sales module: reading, locking and writing order headers and lines. */

export type OrderRow = Selectable<SalesOrders>;
export type LineRow = Selectable<SalesOrderLines>;

export interface SalesOrderLine {
  lineId: string;
  lineNumber: number;
  itemId: string;
  customerPartNumber: string | null;
  unit: string;
  qty: string;
  qtyBase: string;
  unitPrice: string;
  priceRule: string;
  priceExplanation: PriceExplanation;
  lineAmountMinor: number;
  taxClass: string;
  jurisdictionCode: string;
  taxRate: string;
  taxExemptCertificate: string | null;
  taxMinor: number;
  qtyAllocated: string;
  qtyBackordered: string;
  qtyCancelled: string;
  qtyShipped: string;
  requestedDate: string | null;
  /** Open reservations of the line, per warehouse, in stocking units. */
  reservations: Array<{ warehouseId: string; qty: string }>;
}

export interface SalesOrderHeader {
  orderId: string;
  orderNumber: string;
  customerId: string;
  shipToId: string;
  status: OrderStatus;
  creditStatus: 'unchecked' | 'approved' | 'held' | 'released';
  holdReasons: HoldReason[];
  source: 'api' | 'edi' | 'ui' | 'demo';
  customerPo: string | null;
  currency: string;
  orderDate: string;
  requestedDate: string | null;
  roundingMethod: string;
  subtotalMinor: number;
  taxMinor: number;
  freightMinor: number;
  totalMinor: number;
  revision: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  confirmedAt: Date | null;
  cancelledAt: Date | null;
}

export interface SalesOrder extends SalesOrderHeader {
  lines: SalesOrderLine[];
}

export function toHeader(row: OrderRow): SalesOrderHeader {
  return {
    orderId: row.order_id,
    orderNumber: row.order_number,
    customerId: row.customer_id,
    shipToId: row.ship_to_id,
    status: row.status as OrderStatus,
    creditStatus: row.credit_status as SalesOrderHeader['creditStatus'],
    holdReasons: row.hold_reasons as HoldReason[],
    source: row.source as SalesOrderHeader['source'],
    customerPo: row.customer_po,
    currency: row.currency,
    orderDate: row.order_date,
    requestedDate: row.requested_date,
    roundingMethod: row.rounding_method,
    subtotalMinor: minorFromDb(row.subtotal_minor),
    taxMinor: minorFromDb(row.tax_minor),
    freightMinor: minorFromDb(row.freight_minor),
    totalMinor: minorFromDb(row.total_minor),
    revision: row.revision,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    confirmedAt: row.confirmed_at,
    cancelledAt: row.cancelled_at,
  };
}

export function toLine(row: LineRow, reservations: Array<{ warehouseId: string; qty: string }> = []): SalesOrderLine {
  return {
    lineId: row.line_id,
    lineNumber: row.line_number,
    itemId: row.item_id,
    customerPartNumber: row.customer_part_number,
    unit: row.ordered_unit,
    qty: decimalString(row.ordered_qty),
    qtyBase: decimalString(row.qty_base),
    unitPrice: decimalString(row.unit_price),
    priceRule: row.price_rule,
    priceExplanation: row.price_explanation as unknown as PriceExplanation,
    lineAmountMinor: minorFromDb(row.line_amount_minor),
    taxClass: row.tax_class,
    jurisdictionCode: row.jurisdiction_code,
    taxRate: decimalString(row.tax_rate),
    taxExemptCertificate: row.tax_exempt_certificate,
    taxMinor: minorFromDb(row.tax_minor),
    qtyAllocated: decimalString(row.qty_allocated),
    qtyBackordered: decimalString(row.qty_backordered),
    qtyCancelled: decimalString(row.qty_cancelled),
    qtyShipped: decimalString(row.qty_shipped),
    requestedDate: row.requested_date,
    reservations,
  };
}

/** Lock order step 1 (DESIGN §2a): the order header, FOR NO KEY UPDATE. */
export async function lockOrderHeaderOrThrow(tx: Tx, ctx: OperationContext, orderId: string): Promise<OrderRow> {
  const row = await tx
    .selectFrom('sales_orders')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', orderId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('SALES_ORDER_NOT_FOUND', `no sales order ${orderId}`);
  return row;
}

/** Several headers, locked in id order (the lock order for more than one document). */
export async function lockOrderHeaders(tx: Tx, ctx: OperationContext, orderIds: string[]): Promise<OrderRow[]> {
  if (orderIds.length === 0) return [];
  return tx
    .selectFrom('sales_orders')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', 'in', [...new Set(orderIds)].sort())
    .orderBy('order_id')
    .forNoKeyUpdate()
    .execute();
}

export async function findOrderRow(tx: Tx, ctx: OperationContext, orderId: string): Promise<OrderRow | undefined> {
  return tx.selectFrom('sales_orders').selectAll().where('tenant_id', '=', ctx.tenantId).where('order_id', '=', orderId).executeTakeFirst();
}

export async function loadLines(tx: Tx, ctx: OperationContext, orderId: string): Promise<LineRow[]> {
  return tx
    .selectFrom('sales_order_lines')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', orderId)
    .orderBy('line_number')
    .execute();
}

/** Open reservations of orders, per line and warehouse (through inventory's read for sales). */
export async function openReservationsOf(tx: Tx, ctx: OperationContext, orderIds: string[]): Promise<Array<{ orderId: string; lineId: string; itemId: string; warehouseId: string; qty: string }>> {
  const result: Array<{ orderId: string; lineId: string; itemId: string; warehouseId: string; qty: string }> = [];
  for (const orderId of orderIds) {
    for (const reservation of await listOpenReservations(tx, ctx, orderId)) result.push({ orderId, ...reservation });
  }
  return result;
}

export async function loadOrder(tx: Tx, ctx: OperationContext, row: OrderRow): Promise<SalesOrder> {
  const [lines, reservations] = await Promise.all([loadLines(tx, ctx, row.order_id), openReservationsOf(tx, ctx, [row.order_id])]);
  return {
    ...toHeader(row),
    lines: lines.map((line) => toLine(line, groupReservations(reservations.filter((r) => r.lineId === line.line_id)))),
  };
}

function groupReservations(rows: Array<{ warehouseId: string; qty: string }>): Array<{ warehouseId: string; qty: string }> {
  const byWarehouse = new Map<string, Dec>();
  for (const row of rows) byWarehouse.set(row.warehouseId, (byWarehouse.get(row.warehouseId) ?? new Dec(0)).plus(row.qty));
  return [...byWarehouse].map(([warehouseId, qty]) => ({ warehouseId, qty: qty.toFixed() }));
}

/**
 * Σ (total_minor − invoiced_minor) of the customer's orders that count in credit exposure, other than
 * `exceptOrderId`. Read under the customer's credit-row lock, so in READ COMMITTED
 * it sees every order confirmed by a transaction that held the lock before us.
 */
export async function openOrdersExposureMinor(tx: Tx, ctx: OperationContext, customerId: string, statuses: readonly string[], exceptOrderId: string): Promise<number> {
  const row = await tx
    .selectFrom('sales_orders')
    // The invoiced part of an order is in receivables already (an open item): count only the rest.
    .select(sql<string>`coalesce(sum(total_minor - invoiced_minor), 0)`.as('total'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .where('status', 'in', [...statuses])
    .where('order_id', '<>', exceptOrderId)
    .executeTakeFirstOrThrow();
  return minorFromDb(row.total as string);
}
