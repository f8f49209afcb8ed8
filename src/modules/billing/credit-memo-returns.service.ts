import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { Dec, minorUnitsOf } from '../../platform/money.ts';
import { getBinOrThrow, getWarehouseOrThrow, receiveStock } from '../inventory/index.ts';
import { lockBackorderedOrders, releaseBackorders } from '../sales/index.ts';

/**
 * Goods that come back with a credit memo (a return to stock). They re-enter the
 * warehouse at the cost they left with — the shipment's moving-average cost per
 * unit of that order line — so the return reverses the cost of goods sold:
 * Dr Inventory / Cr COGS (posted by the receipt itself, counter account 'cogs').
 * The credit that returns the last of a line's shipped quantity takes the last
 * of its cost, so a line returned in full puts back exactly what it took out.
 *
 * Returned stock is supply like any receipt: backorders of the item waiting in
 * that warehouse are allocated from it, oldest first, in the same transaction.
 * Lock order (DESIGN §2a): the caller holds the invoice (a document header);
 * here the backordered sales order headers, then the stock balances (inside
 * receiveStock); the caller takes the gapless CM- number after this.
 */

export interface ReturnToStockInput {
  /** Default: the warehouse the invoice's shipment left from. */
  warehouseId?: string | undefined;
  /** Default: the warehouse's receiving bin. */
  binId?: string | undefined;
}

export interface ReturnLine {
  invoiceLineNumber: number;
  orderLineId: string;
  itemId: string;
  /** In stocking units. */
  qtyBase: string;
}

export interface ReturnedLine {
  invoiceLineNumber: number;
  costMinor: number;
  movementId: string;
}

export interface ReturnResult {
  warehouseId: string;
  lines: ReturnedLine[];
  backordersReleased: Array<{ orderId: string; lineId: string; qty: string }>;
}

export async function returnGoodsToStock(
  tx: Tx,
  ctx: OperationContext,
  input: { invoiceId: string; invoiceNumber: string; shipmentId: string | null; currency: string; creditMemoId: string; lines: ReturnLine[]; target: ReturnToStockInput },
): Promise<ReturnResult> {
  if (!input.shipmentId) throw new AppError('VALIDATION_FAILED', `invoice ${input.invoiceNumber} has no shipment: no goods can come back against it`, [{ field: '/returnToStock', message: 'the invoice shipped nothing' }]);
  if (input.lines.length === 0) throw new AppError('VALIDATION_FAILED', 'a return to stock needs at least one line', [{ field: '/lines', message: 'is empty' }]);
  const shipment = await tx
    .selectFrom('shipments')
    .select(['warehouse_id'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('shipment_id', '=', input.shipmentId)
    .executeTakeFirstOrThrow();
  const warehouseId = input.target.warehouseId ?? shipment.warehouse_id;
  await getWarehouseOrThrow(tx, ctx, warehouseId);
  if (input.target.binId) await getBinOrThrow(tx, ctx, warehouseId, input.target.binId);

  // What each line shipped, and what earlier returns of it already put back.
  const shipped = await tx
    .selectFrom('shipment_lines')
    .select(['line_id', 'qty_shipped', 'cost_minor'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('shipment_id', '=', input.shipmentId)
    .execute();
  const returned = await tx
    .selectFrom('credit_memo_lines')
    .select(['invoice_line_number', (eb) => eb.fn.sum<string>('qty_base').as('qty'), (eb) => eb.fn.sum<string>('cost_minor').as('cost')])
    .where('tenant_id', '=', ctx.tenantId)
    .where('invoice_id', '=', input.invoiceId)
    .where('cost_minor', '>', '0')
    .groupBy('invoice_line_number')
    .execute();

  const scale = new Dec(10).pow(minorUnitsOf(input.currency));
  const plans = input.lines.map((line) => {
    const ship = shipped.find((row) => row.line_id === line.orderLineId);
    if (!ship) throw new AppError('VALIDATION_FAILED', `invoice line ${line.invoiceLineNumber} did not ship on the invoice's shipment`, [{ field: '/lines', message: 'nothing shipped to return' }]);
    const before = returned.find((row) => row.invoice_line_number === line.invoiceLineNumber);
    const qtyLeft = new Dec(ship.qty_shipped).minus(before?.qty ?? 0);
    const costLeft = Number(ship.cost_minor) - Number(before?.cost ?? 0);
    const qty = Dec.min(new Dec(line.qtyBase), qtyLeft);
    // The last of the line takes the last of its cost; before that, the shipment's unit cost.
    const costMinor = qty.greaterThanOrEqualTo(qtyLeft) ? costLeft : Math.min(costLeft, new Dec(ship.cost_minor).times(qty).dividedBy(ship.qty_shipped).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber());
    return { line, qty, costMinor };
  });

  for (const itemId of [...new Set(plans.map((plan) => plan.line.itemId))].sort()) await lockBackorderedOrders(tx, ctx, { itemId });

  const lines: ReturnedLine[] = [];
  for (const plan of plans) {
    if (!plan.qty.gt(0)) continue;
    // receiveStock values the receipt at qty × unit cost (6 places), rounded to the cent: the
    // recorded cost is what the movement actually carried, so the books agree to the cent.
    const unitCost = new Dec(plan.costMinor).dividedBy(scale).dividedBy(plan.qty).toDecimalPlaces(6, Dec.ROUND_HALF_UP);
    const movement = await receiveStock(tx, ctx, {
      itemId: plan.line.itemId,
      warehouseId,
      binId: input.target.binId,
      qty: plan.qty.toFixed(),
      unitCost: unitCost.toFixed(),
      referenceType: 'credit_memo',
      referenceId: input.creditMemoId,
      counterAccount: 'cogs',
    });
    lines.push({ invoiceLineNumber: plan.line.invoiceLineNumber, costMinor: movement.valueMinor, movementId: movement.movementId });
  }
  const backordersReleased: ReturnResult['backordersReleased'] = [];
  for (const itemId of [...new Set(plans.map((plan) => plan.line.itemId))].sort()) {
    backordersReleased.push(...(await releaseBackorders(tx, ctx, { itemId, warehouseId })).allocated);
  }
  return { warehouseId, lines, backordersReleased };
}
