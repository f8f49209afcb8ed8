import { audit } from '../../platform/audit/index.ts';
import { today, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { assertRevision } from '../../platform/http/revision.ts';
import { newId } from '../../platform/ids.ts';
import { SALES_ORDER_LINES_MAX } from '../../platform/limits.ts';
import { Dec } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { getItemOrThrow } from '../catalog/index.ts';
import { releaseReservations } from '../inventory/index.ts';
import { getCustomerOrThrow, lockCustomerForCredit } from '../partners/index.ts';
import { canApply, TRANSITIONS } from './rules/order-status.rules.ts';
import { allocateLockedOrder, findBackorderedOrderIds, releaseBackorders } from './sales-allocation.service.ts';
import { approveOrder, creditDecisionFor, holdOrder } from './sales-confirm.service.ts';
import { lineColumns, parsePositiveQty, priceLine, resolveLineItem, shipToForOrderOrThrow, type OrderLineInput } from './sales-lines.service.ts';
import { findOrderRow, loadLines, loadOrder, lockOrderHeaderOrThrow, lockOrderHeaders, type SalesOrder } from './sales-orders.queries.ts';
import { auditView } from './sales-orders.service.ts';

/**
 * Revisions (DESIGN §2b "Changes after confirmation"): the body is the order's new
 * line list. A line that names an existing lineId keeps its item and may change its
 * unit and quantity; a line without lineId is new; an existing line left out is
 * cancelled (kept, with its whole quantity cancelled and its amounts zeroed, because
 * released reservations still refer to it and documents are never deleted).
 *
 * "The difference is re-priced": new and changed lines are priced on today's date;
 * unchanged lines keep the price they were confirmed at (all lines are re-priced when
 * the ship-to changes, since tax follows the ship-to). Then, for an order past draft:
 * credit is re-checked with the new total under the credit-row lock and the order is
 * re-allocated from scratch (its reservations released and planned again) — or, when
 * the new total no longer passes, put back on hold with its stock released. Revision+1,
 * audited with before and after.
 */

export interface ReviseSalesOrderInput {
  orderId: string;
  expectedRevision: number;
  shipToId?: string;
  customerPo?: string | null;
  requestedDate?: string | null;
  lines: Array<OrderLineInput & { lineId?: string }>;
}

export async function reviseSalesOrder(tx: Tx, ctx: OperationContext, input: ReviseSalesOrderInput): Promise<SalesOrder> {
  // Stock a revision gives back (a lower quantity, a dropped line, a new hold) goes to other
  // orders' backorders in this transaction. Their headers must be locked with this one, in id
  // order, before any balance (DESIGN §2a) — so the candidates are looked up first, unlocked.
  const peek = await findOrderRow(tx, ctx, input.orderId);
  const previousItemIds = peek ? [...new Set((await loadLines(tx, ctx, peek.order_id)).map((line) => line.item_id))].sort() : [];
  if (peek) {
    const candidateIds = (await Promise.all(previousItemIds.map((itemId) => findBackorderedOrderIds(tx, ctx, itemId)))).flat();
    await lockOrderHeaders(tx, ctx, [peek.order_id, ...candidateIds]);
  }
  const header = await lockOrderHeaderOrThrow(tx, ctx, input.orderId);
  assertRevision(header.revision, input.expectedRevision, `sales order ${header.order_number}`);
  if (!canApply('revise', header.status)) {
    throw new AppError(TRANSITIONS.revise.error as 'SALES_ORDER_NOT_REVISABLE', `order ${header.order_number} is ${header.status} and can no longer be revised`);
  }
  if (input.lines.length === 0 || input.lines.length > SALES_ORDER_LINES_MAX) {
    throw new AppError('VALIDATION_FAILED', `an order keeps 1 to ${SALES_ORDER_LINES_MAX} lines; cancel the order to drop them all`, [{ field: '/lines', message: `has ${input.lines.length} lines` }]);
  }
  const before = await loadOrder(tx, ctx, header);
  const customer = await getCustomerOrThrow(tx, ctx, header.customer_id);
  const shipToChanged = input.shipToId !== undefined && input.shipToId !== header.ship_to_id;
  const shipTo = await shipToForOrderOrThrow(tx, ctx, customer.customerId, input.shipToId ?? header.ship_to_id);
  const date = today(ctx);
  const existing = new Map((await loadLines(tx, ctx, header.order_id)).map((line) => [line.line_id, line]));
  const kept = new Set<string>();
  let nextLineNumber = Math.max(0, ...[...existing.values()].map((line) => line.line_number)) + 1;

  for (const [index, line] of input.lines.entries()) {
    const field = `/lines/${index}`;
    const qty = parsePositiveQty(line.qty, `${field}/qty`).toFixed();
    if (line.lineId !== undefined) {
      const current = existing.get(line.lineId);
      if (!current || new Dec(current.qty_cancelled).gte(current.qty_base)) {
        throw new AppError('SALES_ORDER_LINE_NOT_FOUND', `${field}: order ${header.order_number} has no open line ${line.lineId}`, [{ field: `${field}/lineId`, message: 'no such open line' }]);
      }
      if (kept.has(line.lineId)) throw new AppError('VALIDATION_FAILED', `${field}: line ${line.lineId} appears twice`, [{ field: `${field}/lineId`, message: 'duplicate' }]);
      // An existing line keeps its item; silently ignoring a new one would mislead the caller.
      const itemReference = (['itemId', 'sku', 'gtin', 'customerPartNumber'] as const).find((key) => (line as unknown as Record<string, unknown>)[key] !== undefined);
      if (itemReference) {
        throw new AppError('VALIDATION_FAILED', `${field}: an existing line keeps its item; cancel it (leave it out) and add a new line instead`, [
          { field: `${field}/${itemReference}`, message: 'cannot change on an existing line' },
        ]);
      }
      kept.add(line.lineId);
      const unit = line.unit ?? current.ordered_unit;
      const changed = shipToChanged || unit !== current.ordered_unit || !new Dec(qty).eq(current.ordered_qty);
      if (!changed) continue;
      const item = await getItemOrThrow(tx, ctx, current.item_id);
      const priced = await priceLine(tx, ctx, { customer, shipTo, item, unit, qty, date, currency: header.currency });
      await tx
        .updateTable('sales_order_lines')
        .set({ ...lineColumns({ unit, qty, ...priced }), qty_allocated: 0, qty_backordered: 0, qty_cancelled: 0, requested_date: line.requestedDate ?? current.requested_date })
        .where('tenant_id', '=', ctx.tenantId)
        .where('order_id', '=', header.order_id)
        .where('line_id', '=', line.lineId)
        .execute();
    } else {
      const item = await resolveLineItem(tx, ctx, customer.customerId, line, field);
      const unit = line.unit ?? item.stockingUnit;
      const priced = await priceLine(tx, ctx, { customer, shipTo, item, unit, qty, date, currency: header.currency });
      await tx
        .insertInto('sales_order_lines')
        .values({
          tenant_id: ctx.tenantId,
          order_id: header.order_id,
          line_id: newId(),
          line_number: nextLineNumber++,
          item_id: item.itemId,
          customer_part_number: line.customerPartNumber ?? null,
          requested_date: line.requestedDate ?? null,
          ...lineColumns({ unit, qty, ...priced }),
        })
        .execute();
    }
  }
  // Lines left out of the body are cancelled whole: they no longer count in the total.
  for (const line of existing.values()) {
    if (kept.has(line.line_id) || new Dec(line.qty_cancelled).gte(line.qty_base)) continue;
    await tx
      .updateTable('sales_order_lines')
      .set((eb) => ({ qty_allocated: 0, qty_backordered: 0, qty_cancelled: eb('qty_base', '-', eb.ref('qty_shipped')), line_amount_minor: 0, tax_minor: 0 }))
      .where('tenant_id', '=', ctx.tenantId)
      .where('order_id', '=', header.order_id)
      .where('line_id', '=', line.line_id)
      .execute();
  }

  const totals = await tx
    .selectFrom('sales_order_lines')
    .select((eb) => [eb.fn.sum<string>('line_amount_minor').as('subtotal'), eb.fn.sum<string>('tax_minor').as('tax')])
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', header.order_id)
    .executeTakeFirstOrThrow();
  const subtotalMinor = Number(totals.subtotal ?? 0);
  const taxMinor = Number(totals.tax ?? 0);
  let row = await tx
    .updateTable('sales_orders')
    .set({
      ship_to_id: shipTo.shipToId,
      ...(input.customerPo !== undefined ? { customer_po: input.customerPo } : {}),
      ...(input.requestedDate !== undefined ? { requested_date: input.requestedDate } : {}),
      subtotal_minor: subtotalMinor,
      tax_minor: taxMinor,
      total_minor: subtotalMinor + taxMinor + Number(header.freight_minor),
      revision: header.revision + 1,
      updated_at: ctx.clock.now(),
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', header.order_id)
    .returningAll()
    .executeTakeFirstOrThrow();

  let credit: { exposureMinor: number; reasons: string[] } | null = null;
  if (row.status !== 'draft') {
    // Reopened: the same credit decision as at confirmation, on the new total.
    const locked = await lockCustomerForCredit(tx, ctx, customer.customerId);
    const decision = await creditDecisionFor(tx, ctx, row, locked);
    credit = { exposureMinor: decision.exposureMinor, reasons: decision.reasons };
    if (decision.decision === 'held') {
      await releaseReservations(tx, ctx, { orderId: row.order_id });
      await tx
        .updateTable('sales_order_lines')
        .set({ qty_allocated: 0, qty_backordered: 0 })
        .where('tenant_id', '=', ctx.tenantId)
        .where('order_id', '=', row.order_id)
        .execute();
      row = await holdOrder(tx, ctx, row, locked, decision);
    } else {
      if (row.status === 'on_hold') row = await approveOrder(tx, ctx, row, 'approved');
      await allocateLockedOrder(tx, ctx, row, locked);
    }
  }
  for (const itemId of previousItemIds) await releaseBackorders(tx, ctx, { itemId });
  const after = await loadOrder(tx, ctx, (await tx.selectFrom('sales_orders').selectAll().where('tenant_id', '=', ctx.tenantId).where('order_id', '=', row.order_id).executeTakeFirstOrThrow()));
  await audit(tx, ctx, { action: 'sales_order.revise', entityType: 'sales_order', entityId: header.order_id, before: auditView(before), after: { ...auditView(after), credit } });
  await appendEvent(tx, ctx, {
    eventType: 'sales_order.revised',
    aggregateType: 'sales_order',
    aggregateId: header.order_id,
    payload: { orderId: header.order_id, orderNumber: header.order_number, revision: after.revision, status: after.status, totalMinor: String(after.totalMinor), previousTotalMinor: String(before.totalMinor) },
  });
  return after;
}
