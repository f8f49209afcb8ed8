import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import { actorRef, today } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { assertRevision } from '../../platform/http/revision.ts';
import { newId } from '../../platform/ids.ts';
import { assertMinor, lineAmountMinor, parseDecimal } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { getTenantOrThrow } from '../access/index.ts';
import { resolveItemOrThrow } from '../catalog/index.ts';
import { getWarehouseOrThrow } from '../inventory/index.ts';
import { getSupplierOrThrow } from '../partners/index.ts';
import { getPurchasingSettings } from './purchasing-settings.service.ts';
import {
  findPurchaseOrderRowOrThrow,
  loadPurchaseOrder,
  lockPurchaseOrderOrThrow,
  toHeader,
  type PurchaseOrder,
  type PurchaseOrderHeader,
  type PurchaseOrderRow,
} from './purchase-orders.queries.ts';
import { canDo, needsSecondApprover, type PurchaseOrderStatus } from './rules/purchase-order.rules.ts';
import { findSupplierItem } from './supplier-items.service.ts';

/**
 * Purchase orders: draft → approved → sent → partially_received → received →
 * closed, or cancelled before anything arrived. Every change locks the header
 * first (lock order §2a), is audited, and the ones integrations care about
 * append an outbox event. Revisions use If-Match (DESIGN §2b) and send an
 * approved order back to draft: what was approved is not what is now ordered.
 */

/** A purchase order holds at most this many lines. */
export const PURCHASE_ORDER_LINES_MAX = 500;

export interface PurchaseOrderLineInput {
  itemId: string;
  qty: string;
  /** Defaults to the supplier item's cost. */
  unitCost?: string | undefined;
  expectedDate?: string | undefined;
}

export interface CreatePurchaseOrderInput {
  poNumber: string;
  supplierId: string;
  warehouseId: string;
  currency?: string | undefined;
  expectedDate?: string | undefined;
  notes?: string | undefined;
  lines: PurchaseOrderLineInput[];
}

interface PricedLine {
  itemId: string;
  qty: string;
  unitCost: string;
  lineTotalMinor: number;
  expectedDate: string | null;
}

async function priceLines(tx: Tx, ctx: OperationContext, supplierId: string, currency: string, lines: PurchaseOrderLineInput[]): Promise<PricedLine[]> {
  if (lines.length === 0) throw new AppError('VALIDATION_FAILED', 'a purchase order needs at least one line', [{ field: '/lines', message: 'is empty' }]);
  if (lines.length > PURCHASE_ORDER_LINES_MAX) throw new AppError('VALIDATION_FAILED', `at most ${PURCHASE_ORDER_LINES_MAX} lines`, [{ field: '/lines', message: 'too many' }]);
  const priced: PricedLine[] = [];
  for (const [index, line] of lines.entries()) {
    const qty = parseDecimal(line.qty, `/lines/${index}/qty`);
    if (!qty.gt(0)) throw new AppError('VALIDATION_FAILED', 'a line quantity is positive', [{ field: `/lines/${index}/qty`, message: 'is not positive' }]);
    // A deactivated item is not bought: its scan would be refused at receiving (RECEIPT_SCAN_UNKNOWN).
    await resolveItemOrThrow(tx, ctx, { itemId: line.itemId });
    let unitCost: string;
    if (line.unitCost !== undefined) {
      const cost = parseDecimal(line.unitCost, `/lines/${index}/unitCost`);
      if (cost.isNegative()) throw new AppError('VALIDATION_FAILED', 'a unit cost is not negative', [{ field: `/lines/${index}/unitCost`, message: 'is negative' }]);
      unitCost = cost.toFixed();
    } else {
      const supplierItem = await findSupplierItem(tx, ctx, supplierId, line.itemId);
      if (!supplierItem) throw new AppError('SUPPLIER_ITEM_NOT_FOUND', `line ${index + 1}: the supplier has no cost for this item; give a unitCost`, [{ field: `/lines/${index}/unitCost`, message: 'is required' }]);
      unitCost = supplierItem.cost;
    }
    priced.push({ itemId: line.itemId, qty: qty.toFixed(), unitCost, lineTotalMinor: lineAmountMinor(unitCost, qty, currency), expectedDate: line.expectedDate ?? null });
  }
  return priced;
}

async function writeLines(tx: Tx, ctx: OperationContext, poId: string, lines: PricedLine[]): Promise<number> {
  await tx
    .insertInto('purchase_order_lines')
    .values(
      lines.map((line, index) => ({
        tenant_id: ctx.tenantId,
        po_id: poId,
        line_id: newId(),
        line_number: index + 1,
        item_id: line.itemId,
        qty: line.qty,
        unit_cost: line.unitCost,
        line_total_minor: line.lineTotalMinor,
        expected_date: line.expectedDate,
      })),
    )
    .execute();
  return assertMinor(lines.reduce((total, line) => total + line.lineTotalMinor, 0));
}

export async function createPurchaseOrder(tx: Tx, ctx: OperationContext, input: CreatePurchaseOrderInput): Promise<PurchaseOrder> {
  const supplier = await getSupplierOrThrow(tx, ctx, input.supplierId);
  if (!supplier.active) throw new AppError('SUPPLIER_INACTIVE', `supplier ${supplier.code} is inactive`);
  await getWarehouseOrThrow(tx, ctx, input.warehouseId);
  const tenant = await getTenantOrThrow(tx, ctx.tenantId);
  // One functional currency per tenant (DESIGN §2b): other currencies are refused for now.
  const currency = input.currency ?? tenant.functionalCurrency;
  if (currency !== tenant.functionalCurrency) throw new AppError('PO_CURRENCY_NOT_SUPPORTED', `purchase orders are in ${tenant.functionalCurrency}; ${currency} is not supported yet`);
  const lines = await priceLines(tx, ctx, supplier.supplierId, currency, input.lines);
  const poId = newId();
  await tx
    .insertInto('purchase_orders')
    .values({
      tenant_id: ctx.tenantId,
      po_id: poId,
      po_number: input.poNumber,
      supplier_id: supplier.supplierId,
      warehouse_id: input.warehouseId,
      currency,
      order_date: today(ctx),
      expected_date: input.expectedDate ?? null,
      notes: input.notes ?? null,
      created_by: actorRef(ctx.actor),
      created_at: ctx.clock.now(),
    })
    .execute();
  const totalMinor = await writeLines(tx, ctx, poId, lines);
  const header = await tx.updateTable('purchase_orders').set({ total_minor: totalMinor }).where('tenant_id', '=', ctx.tenantId).where('po_id', '=', poId).returningAll().executeTakeFirstOrThrow();
  const order = await loadPurchaseOrder(tx, ctx, header);
  await audit(tx, ctx, { action: 'purchase_order.create', entityType: 'purchase_order', entityId: poId, after: { poNumber: order.poNumber, totalMinor, lines: order.lines } });
  await appendEvent(tx, ctx, { eventType: 'purchase_order.created', aggregateType: 'purchase_order', aggregateId: poId, payload: { purchaseOrderId: poId, poNumber: order.poNumber, supplierId: order.supplierId, totalMinor } });
  return order;
}

export async function getPurchaseOrderOrThrow(tx: Tx, ctx: OperationContext, purchaseOrderId: string): Promise<PurchaseOrder> {
  return loadPurchaseOrder(tx, ctx, await findPurchaseOrderRowOrThrow(tx, ctx, purchaseOrderId));
}

export interface PurchaseOrderFilter {
  status?: PurchaseOrderStatus | undefined;
  supplierId?: string | undefined;
  warehouseId?: string | undefined;
}

/** Headers in id order (time-ordered ids: oldest first). */
export async function listPurchaseOrders(tx: Tx, ctx: OperationContext, page: PageRequest, filter: PurchaseOrderFilter = {}): Promise<Page<PurchaseOrderHeader>> {
  let query = tx.selectFrom('purchase_orders').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.supplierId) query = query.where('supplier_id', '=', filter.supplierId);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (page.after) query = query.where('po_id', '>', page.after);
  const rows = await query.orderBy('po_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toHeader), page, (row) => row.purchaseOrderId);
}

export interface RevisePurchaseOrderInput {
  purchaseOrderId: string;
  expectedRevision: number;
  expectedDate?: string | null | undefined;
  notes?: string | null | undefined;
  /** The whole new line list. */
  lines: PurchaseOrderLineInput[];
}

export async function revisePurchaseOrder(tx: Tx, ctx: OperationContext, input: RevisePurchaseOrderInput): Promise<PurchaseOrder> {
  const header = await lockPurchaseOrderOrThrow(tx, ctx, input);
  assertRevision(header.revision, input.expectedRevision, `purchase order ${header.po_number}`);
  if (!canDo('revise', header.status)) throw new AppError('PURCHASE_ORDER_NOT_REVISABLE', `purchase order ${header.po_number} is ${header.status}`);
  // An approved order can be billed before anything arrives; the invoice lines keep their PO lines (any
  // status: a rejected invoice is kept too), so the line list can no longer be replaced. Entry locks this
  // header first, so no invoice slips in between this check and the delete.
  const billed = await tx
    .selectFrom('supplier_invoice_lines as l')
    .innerJoin('supplier_invoices as i', (join) => join.onRef('i.tenant_id', '=', 'l.tenant_id').onRef('i.supplier_invoice_id', '=', 'l.supplier_invoice_id'))
    .select('i.invoice_number')
    .where('l.tenant_id', '=', ctx.tenantId)
    .where('l.po_id', '=', header.po_id)
    .orderBy('i.invoice_number')
    .limit(1)
    .executeTakeFirst();
  if (billed) throw new AppError('PURCHASE_ORDER_NOT_REVISABLE', `purchase order ${header.po_number} has supplier invoice ${billed.invoice_number} against its lines: cancel it and order anew`);
  const before = await loadPurchaseOrder(tx, ctx, header);
  const lines = await priceLines(tx, ctx, header.supplier_id, header.currency, input.lines);
  await tx.deleteFrom('purchase_order_lines').where('tenant_id', '=', ctx.tenantId).where('po_id', '=', header.po_id).execute();
  const totalMinor = await writeLines(tx, ctx, header.po_id, lines);
  const updated = await tx
    .updateTable('purchase_orders')
    .set({
      total_minor: totalMinor,
      revision: header.revision + 1,
      // What was approved is not what is now ordered: an approved order goes back to draft.
      status: 'draft',
      approved_by: null,
      approved_at: null,
      ...(input.expectedDate !== undefined ? { expected_date: input.expectedDate } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('po_id', '=', header.po_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = await loadPurchaseOrder(tx, ctx, updated);
  await audit(tx, ctx, { action: 'purchase_order.revise', entityType: 'purchase_order', entityId: header.po_id, before: { status: before.status, totalMinor: before.totalMinor, lines: before.lines }, after: { status: after.status, totalMinor, lines: after.lines } });
  return after;
}

async function transition(
  tx: Tx,
  ctx: OperationContext,
  header: PurchaseOrderRow,
  status: PurchaseOrderStatus,
  extra: Partial<Pick<PurchaseOrderRow, 'approved_by' | 'approved_at' | 'sent_at' | 'closed_at' | 'cancelled_at'>>,
  auditExtra: Record<string, unknown> = {},
): Promise<PurchaseOrder> {
  const updated = await tx
    .updateTable('purchase_orders')
    .set({ status, revision: header.revision + 1, ...extra })
    .where('tenant_id', '=', ctx.tenantId)
    .where('po_id', '=', header.po_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, { action: `purchase_order.${actionName(status)}`, entityType: 'purchase_order', entityId: header.po_id, before: { status: header.status }, after: { status, ...auditExtra } });
  return loadPurchaseOrder(tx, ctx, updated);
}

function actionName(status: PurchaseOrderStatus): string {
  return { approved: 'approve', sent: 'send', closed: 'close', cancelled: 'cancel' }[status as 'approved'] ?? status;
}

function refuse(header: PurchaseOrderRow, action: string): never {
  throw new AppError('PURCHASE_ORDER_INVALID_TRANSITION', `purchase order ${header.po_number} is ${header.status}; it cannot be ${action}`);
}

/**
 * Approval (purchasing:approve). Above the tenant's threshold the approver must not
 * be the creator: PO_APPROVER_IS_CREATOR, 403 — the caller is authenticated and
 * holds the permission, but this one document is not theirs to approve (a
 * segregation-of-duties refusal, like FORBIDDEN, not a state conflict).
 */
export async function approvePurchaseOrder(tx: Tx, ctx: OperationContext, input: { purchaseOrderId: string }): Promise<PurchaseOrder> {
  const header = await lockPurchaseOrderOrThrow(tx, ctx, input);
  if (!canDo('approve', header.status)) refuse(header, 'approved');
  const { approvalThresholdMinor } = await getPurchasingSettings(tx, ctx);
  const approver = actorRef(ctx.actor);
  const totalMinor = Number(header.total_minor);
  if (needsSecondApprover(totalMinor, approvalThresholdMinor) && approver === header.created_by) {
    throw new AppError('PO_APPROVER_IS_CREATOR', `purchase order ${header.po_number} is above the approval threshold; someone other than its creator must approve it`);
  }
  return transition(tx, ctx, header, 'approved', { approved_by: approver, approved_at: ctx.clock.now() }, { approvedBy: approver, totalMinor, approvalThresholdMinor });
}

/** Sending appends purchase_order.sent with the lines: what an EDI 850 or e-mail connector sends the supplier. */
export async function sendPurchaseOrder(tx: Tx, ctx: OperationContext, input: { purchaseOrderId: string }): Promise<PurchaseOrder> {
  const header = await lockPurchaseOrderOrThrow(tx, ctx, input);
  if (!canDo('send', header.status)) refuse(header, 'sent');
  const order = await transition(tx, ctx, header, 'sent', { sent_at: ctx.clock.now() });
  await appendEvent(tx, ctx, {
    eventType: 'purchase_order.sent',
    aggregateType: 'purchase_order',
    aggregateId: order.purchaseOrderId,
    payload: {
      purchaseOrderId: order.purchaseOrderId,
      poNumber: order.poNumber,
      supplierId: order.supplierId,
      warehouseId: order.warehouseId,
      currency: order.currency,
      expectedDate: order.expectedDate,
      totalMinor: order.totalMinor,
      lines: order.lines.map((line) => ({ lineNumber: line.lineNumber, itemId: line.itemId, qty: line.qty, unitCost: line.unitCost, lineTotalMinor: line.lineTotalMinor, expectedDate: line.expectedDate })),
    },
  });
  return order;
}

/** Cancelling: from draft, approved or sent, and only when nothing was received. */
export async function cancelPurchaseOrder(tx: Tx, ctx: OperationContext, input: { purchaseOrderId: string; reason?: string | undefined }): Promise<PurchaseOrder> {
  const header = await lockPurchaseOrderOrThrow(tx, ctx, input);
  if (!canDo('cancel', header.status)) refuse(header, 'cancelled');
  const received = await tx.selectFrom('purchase_order_lines').select('line_id').where('tenant_id', '=', ctx.tenantId).where('po_id', '=', header.po_id).where('qty_received', '>', '0').executeTakeFirst();
  if (received) refuse(header, 'cancelled (goods were received against it)');
  await tx.updateTable('purchase_order_lines').set({ status: 'cancelled' }).where('tenant_id', '=', ctx.tenantId).where('po_id', '=', header.po_id).execute();
  const order = await transition(tx, ctx, header, 'cancelled', { cancelled_at: ctx.clock.now() }, { reason: input.reason ?? null });
  await appendEvent(tx, ctx, { eventType: 'purchase_order.cancelled', aggregateType: 'purchase_order', aggregateId: header.po_id, payload: { purchaseOrderId: header.po_id, poNumber: header.po_number, reason: input.reason ?? null } });
  return order;
}

/** Closing ends the order: open quantities are no longer expected (the lines keep what was received). */
export async function closePurchaseOrder(tx: Tx, ctx: OperationContext, input: { purchaseOrderId: string }): Promise<PurchaseOrder> {
  const header = await lockPurchaseOrderOrThrow(tx, ctx, input);
  if (!canDo('close', header.status)) refuse(header, 'closed');
  const order = await transition(tx, ctx, header, 'closed', { closed_at: ctx.clock.now() });
  await appendEvent(tx, ctx, { eventType: 'purchase_order.closed', aggregateType: 'purchase_order', aggregateId: header.po_id, payload: { purchaseOrderId: header.po_id, poNumber: header.po_number } });
  return order;
}
