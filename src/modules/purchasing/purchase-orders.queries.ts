import type { Selectable } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { PurchaseOrderLines, PurchaseOrders } from '../../platform/db/schema.generated.ts';
import { AppError } from '../../platform/errors.ts';
import { decimalString, minorFromDb } from '../../platform/money.ts';
import type { PurchaseOrderLineStatus, PurchaseOrderStatus } from './rules/purchase-order.rules.ts';

export type PurchaseOrderRow = Selectable<PurchaseOrders>;
export type PurchaseOrderLineRow = Selectable<PurchaseOrderLines>;

export interface PurchaseOrderLine {
  lineId: string;
  lineNumber: number;
  itemId: string;
  qty: string;
  unitCost: string;
  lineTotalMinor: number;
  expectedDate: string | null;
  qtyReceived: string;
  status: PurchaseOrderLineStatus;
}

export interface PurchaseOrderHeader {
  purchaseOrderId: string;
  poNumber: string;
  supplierId: string;
  warehouseId: string;
  status: PurchaseOrderStatus;
  currency: string;
  orderDate: string;
  expectedDate: string | null;
  totalMinor: number;
  notes: string | null;
  revision: number;
  createdBy: string;
  createdAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  sentAt: Date | null;
}

export interface PurchaseOrder extends PurchaseOrderHeader {
  lines: PurchaseOrderLine[];
}

export function toHeader(row: PurchaseOrderRow): PurchaseOrderHeader {
  return {
    purchaseOrderId: row.po_id,
    poNumber: row.po_number,
    supplierId: row.supplier_id,
    warehouseId: row.warehouse_id,
    status: row.status as PurchaseOrderStatus,
    currency: row.currency,
    orderDate: row.order_date,
    expectedDate: row.expected_date ?? null,
    totalMinor: minorFromDb(row.total_minor),
    notes: row.notes,
    revision: row.revision,
    createdBy: row.created_by,
    createdAt: row.created_at,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    sentAt: row.sent_at,
  };
}

export function toLine(row: PurchaseOrderLineRow): PurchaseOrderLine {
  return {
    lineId: row.line_id,
    lineNumber: row.line_number,
    itemId: row.item_id,
    qty: decimalString(row.qty),
    unitCost: decimalString(row.unit_cost),
    lineTotalMinor: minorFromDb(row.line_total_minor),
    expectedDate: row.expected_date ?? null,
    qtyReceived: decimalString(row.qty_received),
    status: row.status as PurchaseOrderLineStatus,
  };
}

export async function loadLines(tx: Tx, ctx: OperationContext, poId: string): Promise<PurchaseOrderLineRow[]> {
  return tx.selectFrom('purchase_order_lines').selectAll().where('tenant_id', '=', ctx.tenantId).where('po_id', '=', poId).orderBy('line_number').execute();
}

export async function loadPurchaseOrder(tx: Tx, ctx: OperationContext, header: PurchaseOrderRow): Promise<PurchaseOrder> {
  return { ...toHeader(header), lines: (await loadLines(tx, ctx, header.po_id)).map(toLine) };
}

/**
 * The PO header locked FOR NO KEY UPDATE: lock order step 1 (DESIGN §2a — purchase
 * orders before sales orders). Every change to a PO or its lines starts here.
 */
export async function lockPurchaseOrderOrThrow(tx: Tx, ctx: OperationContext, ref: { purchaseOrderId?: string | undefined; poNumber?: string | undefined }): Promise<PurchaseOrderRow> {
  let query = tx.selectFrom('purchase_orders').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (ref.purchaseOrderId !== undefined) query = query.where('po_id', '=', ref.purchaseOrderId);
  else if (ref.poNumber !== undefined) query = query.where('po_number', '=', ref.poNumber.trim().toUpperCase());
  else throw new AppError('VALIDATION_FAILED', 'name the purchase order by purchaseOrderId or poNumber', [{ field: '/purchaseOrderId', message: 'is required' }]);
  const row = await query.forNoKeyUpdate().executeTakeFirst();
  if (!row) throw new AppError('PURCHASE_ORDER_NOT_FOUND', `no purchase order ${ref.purchaseOrderId ?? ref.poNumber}`);
  assertSamePurchaseOrder(row, ref, '/poNumber');
  return row;
}

/**
 * Both purchaseOrderId and poNumber given must name the same order: the id alone would
 * otherwise win silently, and goods or a bill would land on an order the paperwork does not name.
 */
export function assertSamePurchaseOrder(row: { po_number: string }, ref: { purchaseOrderId?: string | undefined; poNumber?: string | undefined }, field: string): void {
  if (ref.purchaseOrderId === undefined || ref.poNumber === undefined) return;
  if (ref.poNumber.trim().toUpperCase() === row.po_number) return;
  throw new AppError('PURCHASE_ORDER_REFERENCE_MISMATCH', `purchaseOrderId names ${row.po_number}, poNumber names ${ref.poNumber.trim()}`, [{ field, message: 'another purchase order' }]);
}

export async function findPurchaseOrderRowOrThrow(tx: Tx, ctx: OperationContext, purchaseOrderId: string): Promise<PurchaseOrderRow> {
  const row = await tx.selectFrom('purchase_orders').selectAll().where('tenant_id', '=', ctx.tenantId).where('po_id', '=', purchaseOrderId).executeTakeFirst();
  if (!row) throw new AppError('PURCHASE_ORDER_NOT_FOUND', `no purchase order ${purchaseOrderId}`);
  return row;
}

/**
 * Several PO headers locked FOR NO KEY UPDATE in one statement, in po_id order (DESIGN §2a
 * step 1): a supplier invoice spanning several POs takes them this way, so it serialises with
 * the receipts of each of them (which lock the same row) and never deadlocks with another
 * invoice naming the same POs in another order. Returns the rows found (a missing id is absent).
 */
export async function lockPurchaseOrderHeadersInOrder(tx: Tx, ctx: OperationContext, poIds: string[]): Promise<PurchaseOrderRow[]> {
  if (poIds.length === 0) return [];
  const ids = [...new Set(poIds)].sort();
  return tx.selectFrom('purchase_orders').selectAll().where('tenant_id', '=', ctx.tenantId).where('po_id', 'in', ids).orderBy('po_id').forNoKeyUpdate().execute();
}
