import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import { actorRef, today } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { assertMinor, decimalString, Dec, parseDecimal } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { getBinOrThrow, getWarehouseOrThrow, receiveStock, type PostedMovement } from '../inventory/index.ts';
import { findBackorderedOrderIds, lockOrderHeaders, releaseBackorders } from '../sales/index.ts';
import { loadLines, lockPurchaseOrderOrThrow, type PurchaseOrderLineRow } from './purchase-orders.queries.ts';
import { getPurchasingSettings } from './purchasing-settings.service.ts';
import { createPutawayTasks } from './putaway.service.ts';
import { itemOfSupplierScan } from './supplier-scans.queries.ts';
import { canDo, lineStatusAfterReceipt, orderStatusAfterReceipt, receivableLimit, spreadReceipt } from './rules/purchase-order.rules.ts';

/**
 * Receiving by scan (DESIGN §1 promise 2, issue #6 item 3): ONE transaction in
 * lock order (§2a) —
 *   1. the PO header FOR NO KEY UPDATE (purchase orders before sales orders);
 *   2. the headers of the sales orders backordered on the received items, in id order;
 *   3. the (item, warehouse) stock balances, inside receiveStock, then inside the
 *      backorder release (in key order; ours are already held);
 * then the writes: stock into the receiving bin at the PO line's unit cost (Dr
 * Inventory / Cr GRNI), the receipt and its lines, the PO lines and header, the
 * backorders released oldest first, putaway tasks, audit and outbox events. A
 * refusal (every check is made before the first write) writes nothing.
 */

/** Tests set afterStep to throw at one named step and check that nothing persisted. A no-op in production. */
export const receiptFaults: { afterStep: (step: string) => void | Promise<void> } = { afterStep: () => {} };

export const RECEIPT_STEPS = ['stock_receipt', 'receipt', 'receipt_lines', 'po_lines', 'po_header', 'backorders', 'putaway_tasks', 'audit', 'events'] as const;

/** A receipt holds at most this many scanned lines. */
export const RECEIPT_LINES_MAX = 200;

export interface ReceiptLineInput {
  /** GTIN, SKU, or the PO supplier's part number, as scanned. */
  scan: string;
  qty: string;
}

export interface PostReceiptInput {
  receiptNumber: string;
  purchaseOrderId?: string | undefined;
  poNumber?: string | undefined;
  warehouseId?: string | undefined;
  /** Default: the warehouse's receiving bin (receiveStock's rule). */
  binId?: string | undefined;
  lines: ReceiptLineInput[];
}

export interface ReceiptLine {
  lineNumber: number;
  poLineId: string;
  itemId: string;
  scan: string;
  qty: string;
  unitCost: string;
  valueMinor: number;
  binId: string | null;
}

export interface PostedReceipt {
  receiptId: string;
  receiptNumber: string;
  purchaseOrderId: string;
  poNumber: string;
  poStatus: string;
  warehouseId: string;
  receiptDate: string;
  totalMinor: number;
  lines: ReceiptLine[];
  backordersReleased: Array<{ orderId: string; lineId: string; qty: string }>;
  putawayTaskIds: string[];
}

interface PlannedPart {
  scan: string;
  itemId: string;
  poLine: PurchaseOrderLineRow;
  qty: Dec;
}

export async function postReceipt(tx: Tx, ctx: OperationContext, input: PostReceiptInput): Promise<PostedReceipt> {
  const step = (name: (typeof RECEIPT_STEPS)[number]) => receiptFaults.afterStep(name);
  if (input.lines.length === 0) throw new AppError('VALIDATION_FAILED', 'a receipt needs at least one line', [{ field: '/lines', message: 'is empty' }]);
  if (input.lines.length > RECEIPT_LINES_MAX) throw new AppError('VALIDATION_FAILED', `at most ${RECEIPT_LINES_MAX} lines`, [{ field: '/lines', message: 'too many' }]);
  const quantities = input.lines.map((line, index) => {
    const qty = parseDecimal(line.qty, `/lines/${index}/qty`);
    if (!qty.gt(0)) throw new AppError('VALIDATION_FAILED', 'a received quantity is positive', [{ field: `/lines/${index}/qty`, message: 'is not positive' }]);
    return qty;
  });

  // 1. The PO header.
  const header = await lockPurchaseOrderOrThrow(tx, ctx, input);
  if (!canDo('receive', header.status)) throw new AppError('PURCHASE_ORDER_NOT_RECEIVABLE', `purchase order ${header.po_number} is ${header.status}`);
  if (input.warehouseId !== undefined && input.warehouseId !== header.warehouse_id) {
    throw new AppError('RECEIPT_WAREHOUSE_MISMATCH', `purchase order ${header.po_number} is for another warehouse`);
  }
  await getWarehouseOrThrow(tx, ctx, header.warehouse_id);
  // Goods in a packing bin are picked goods waiting for a carton: receiving into one would hide them from picking.
  const bin = input.binId !== undefined ? await getBinOrThrow(tx, ctx, header.warehouse_id, input.binId) : null;
  if (bin?.kind === 'packing') throw new AppError('RECEIPT_BIN_INVALID', `${bin.code} is a packing bin: receive into a receiving or storage bin`, [{ field: '/binId', message: 'a packing bin' }]);

  // Every check before the first write: resolve each scan, spread it over the item's
  // open lines, and hold the tolerance on each item's total.
  const poLines = await loadLines(tx, ctx, header.po_id);
  const receivedSoFar = new Map(poLines.map((line) => [line.line_id, new Dec(line.qty_received)]));
  const { overReceiptTolerancePercent } = await getPurchasingSettings(tx, ctx);
  const parts: PlannedPart[] = [];
  for (const [index, line] of input.lines.entries()) {
    const itemId = await itemOfReceiptScan(tx, ctx, header.supplier_id, line.scan, index);
    const itemLines = poLines.filter((poLine) => poLine.item_id === itemId && poLine.status !== 'cancelled');
    if (itemLines.length === 0) throw new AppError('RECEIPT_ITEM_NOT_ON_ORDER', `${line.scan.trim()} is not on purchase order ${header.po_number}`, [{ field: `/lines/${index}/scan`, message: 'not on the order' }]);
    const ordered = itemLines.reduce((total, poLine) => total.plus(poLine.qty), new Dec(0));
    const received = itemLines.reduce((total, poLine) => total.plus(receivedSoFar.get(poLine.line_id)!), new Dec(0));
    const limit = receivableLimit(ordered, overReceiptTolerancePercent);
    if (received.plus(quantities[index]!).gt(limit)) {
      throw new AppError(
        'OVER_RECEIPT_REFUSED',
        `${line.scan.trim()}: ordered ${ordered.toFixed()}, received ${received.toFixed()}; ${quantities[index]!.toFixed()} more is beyond the ${overReceiptTolerancePercent}% tolerance (at most ${limit.toFixed()})`,
        [{ field: `/lines/${index}/qty`, message: 'over-receipt' }],
      );
    }
    const spread = spreadReceipt(
      itemLines.map((poLine) => ({ lineId: poLine.line_id, qty: poLine.qty, qtyReceived: receivedSoFar.get(poLine.line_id)!.toFixed() })),
      quantities[index]!,
    );
    for (const part of spread) {
      receivedSoFar.set(part.lineId, receivedSoFar.get(part.lineId)!.plus(part.qty));
      parts.push({ scan: line.scan.trim(), itemId, poLine: itemLines.find((poLine) => poLine.line_id === part.lineId)!, qty: part.qty });
    }
  }

  // 2. The backordered sales orders of every received item, in one id-ordered lock.
  const itemIds = [...new Set(parts.map((part) => part.itemId))].sort();
  const backordered: string[] = [];
  for (const itemId of itemIds) backordered.push(...(await findBackorderedOrderIds(tx, ctx, itemId)));
  await lockOrderHeaders(tx, ctx, backordered);

  // 3. Stock in at the PO line's cost (receiveStock locks the balance and posts Dr inventory / Cr grni).
  const receiptId = newId();
  const movements: PostedMovement[] = [];
  for (const part of parts) {
    movements.push(
      await receiveStock(tx, ctx, {
        itemId: part.itemId,
        warehouseId: header.warehouse_id,
        binId: input.binId,
        qty: part.qty.toFixed(),
        unitCost: decimalString(part.poLine.unit_cost),
        referenceType: 'receipt',
        referenceId: receiptId,
        counterAccount: 'grni',
      }),
    );
  }
  await step('stock_receipt');

  const receiptDate = today(ctx);
  const totalMinor = assertMinor(movements.reduce((total, movement) => total + movement.valueMinor, 0));
  await tx
    .insertInto('receipts')
    .values({
      tenant_id: ctx.tenantId,
      receipt_id: receiptId,
      receipt_number: input.receiptNumber,
      po_id: header.po_id,
      warehouse_id: header.warehouse_id,
      bin_id: movements[0]!.binId,
      receipt_date: receiptDate,
      total_minor: totalMinor,
      created_by: actorRef(ctx.actor),
      created_at: ctx.clock.now(),
    })
    .execute();
  await step('receipt');

  const lines: ReceiptLine[] = parts.map((part, index) => ({
    lineNumber: index + 1,
    poLineId: part.poLine.line_id,
    itemId: part.itemId,
    scan: part.scan,
    qty: part.qty.toFixed(),
    unitCost: decimalString(part.poLine.unit_cost),
    valueMinor: movements[index]!.valueMinor,
    binId: movements[index]!.binId,
  }));
  await tx
    .insertInto('receipt_lines')
    .values(
      lines.map((line, index) => ({
        tenant_id: ctx.tenantId,
        receipt_id: receiptId,
        line_number: line.lineNumber,
        po_id: header.po_id,
        po_line_id: line.poLineId,
        item_id: line.itemId,
        scan: line.scan,
        qty: line.qty,
        unit_cost: line.unitCost,
        value_minor: line.valueMinor,
        movement_id: movements[index]!.movementId,
      })),
    )
    .execute();
  await step('receipt_lines');

  const lineStatuses = new Map(poLines.map((line) => [line.line_id, line.status as ReturnType<typeof lineStatusAfterReceipt> | 'cancelled']));
  for (const poLine of poLines) {
    const received = receivedSoFar.get(poLine.line_id)!;
    if (received.eq(poLine.qty_received) || poLine.status === 'cancelled') continue;
    const status = lineStatusAfterReceipt(poLine.qty, received);
    lineStatuses.set(poLine.line_id, status);
    await tx
      .updateTable('purchase_order_lines')
      .set({ qty_received: received.toFixed(), status })
      .where('tenant_id', '=', ctx.tenantId)
      .where('po_id', '=', header.po_id)
      .where('line_id', '=', poLine.line_id)
      .execute();
  }
  await step('po_lines');

  const poStatus = orderStatusAfterReceipt([...lineStatuses.values()].map((status) => ({ status })));
  await tx
    .updateTable('purchase_orders')
    .set({ status: poStatus, revision: header.revision + 1 })
    .where('tenant_id', '=', ctx.tenantId)
    .where('po_id', '=', header.po_id)
    .execute();
  await step('po_header');

  // Backorders of each received item, oldest order first (sales owns the decision).
  const backordersReleased: PostedReceipt['backordersReleased'] = [];
  for (const itemId of itemIds) {
    const released = await releaseBackorders(tx, ctx, { itemId, warehouseId: header.warehouse_id });
    backordersReleased.push(...released.allocated);
  }
  await step('backorders');

  // Goods received straight into a storage bin are put away already: only the others get a task.
  const landed = bin?.kind === 'storage' ? [] : lines;
  const putawayTaskIds = await createPutawayTasks(tx, ctx, { receiptId, warehouseId: header.warehouse_id, lines: landed });
  await step('putaway_tasks');

  const receipt: PostedReceipt = {
    receiptId,
    receiptNumber: input.receiptNumber,
    purchaseOrderId: header.po_id,
    poNumber: header.po_number,
    poStatus,
    warehouseId: header.warehouse_id,
    receiptDate,
    totalMinor,
    lines,
    backordersReleased,
    putawayTaskIds,
  };
  await audit(tx, ctx, {
    action: 'receipt.post',
    entityType: 'receipt',
    entityId: receiptId,
    after: { receiptNumber: receipt.receiptNumber, poNumber: header.po_number, poStatusBefore: header.status, poStatus, totalMinor, lines: receipt.lines, backordersReleased },
  });
  await step('audit');
  await appendEvent(tx, ctx, {
    eventType: 'receipt.posted',
    aggregateType: 'purchase_order',
    aggregateId: header.po_id,
    payload: { ...receipt },
  });
  if (poStatus !== header.status) {
    await appendEvent(tx, ctx, { eventType: `purchase_order.${poStatus}`, aggregateType: 'purchase_order', aggregateId: header.po_id, payload: { purchaseOrderId: header.po_id, poNumber: header.po_number, status: poStatus } });
  }
  await step('events');
  return receipt;
}

/**
 * What a receiving scan names, for the PO's supplier: first that supplier's part
 * number (case-insensitive), then a GTIN, then a SKU. Another supplier's part
 * number is refused by name — the associate has the wrong paperwork or the wrong box.
 */
async function itemOfReceiptScan(tx: Tx, ctx: OperationContext, supplierId: string, scan: string, index: number): Promise<string> {
  const code = scan.trim();
  if (!code) throw new AppError('VALIDATION_FAILED', 'a scan is empty', [{ field: `/lines/${index}/scan`, message: 'is empty' }]);
  const { itemId, otherSuppliersPart } = await itemOfSupplierScan(tx, ctx, supplierId, code);
  if (itemId !== null) return itemId;
  if (otherSuppliersPart) {
    throw new AppError('RECEIPT_PART_NUMBER_OF_OTHER_SUPPLIER', `${code} is another supplier's part number`, [{ field: `/lines/${index}/scan`, message: 'another supplier' }]);
  }
  throw new AppError('RECEIPT_SCAN_UNKNOWN', `${code} is not a GTIN, SKU or part number of this supplier`, [{ field: `/lines/${index}/scan`, message: 'unknown' }]);
}
