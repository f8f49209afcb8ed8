import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import { today } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import { assertMinor, Dec } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { createInvoiceForShipment } from '../billing/index.ts';
import { issueReservedStock, lockStockBalances, packingBin } from '../inventory/index.ts';
import { postJournalEntry } from '../ledger/index.ts';
import { getCustomerOrThrow } from '../partners/index.ts';
import { lockSalesOrderForShipping, recordShippedQuantities } from '../sales/index.ts';
import { computeFreightMinor } from './rules/freight.rules.ts';
import { loadCartons, lockShipmentOrThrow, type Shipment } from './shipments.queries.ts';
import { getShipmentOrThrow } from './shipments.service.ts';
import { getShippingSettings } from './shipping-settings.service.ts';

/**
 * Ship confirmation: ONE transaction (DESIGN §1 promise 2, §4 step 6) in which
 * the goods leave the packing bin at their moving-average value, the cost
 * posts (Dr cogs / Cr inventory), the order lines and status advance, the
 * invoice is created from what shipped and posts (Dr AR / Cr revenue, tax,
 * freight) with its open item, and the events an EDI 856/810 is built from are
 * appended. Any failure anywhere rolls all of it back.
 *
 * Lock order (DESIGN §2a): the shipment row (a document header) FOR NO KEY
 * UPDATE → the sales order header → the stock balances of the shipped items in
 * (item, warehouse) key order → … → the gapless INV- number last, inside
 * createInvoiceForShipment, after which only new rows are inserted.
 */

export interface ConfirmShipmentInput {
  shipmentId: string;
  carrier: string;
  service: string;
  trackingNumber?: string | null | undefined;
  /** Entered freight charge; absent → from the customer's freight terms. */
  freightMinor?: number | undefined;
}

/**
 * Fault injection for tests: afterStep(name) runs after each write of the
 * confirmation (the names in SHIP_CONFIRM_STEPS). A no-op in production; a
 * test sets it to throw at one step and checks that nothing persisted.
 */
export const shipConfirmFaults: { afterStep: (step: string) => void | Promise<void> } = { afterStep: () => {} };

export const SHIP_CONFIRM_STEPS = [
  'stock_issue',
  'shipment_lines',
  'order_lines',
  'cost_entry',
  'shipment_shipped',
  'order_invoiced',
  'invoice_number',
  'invoice',
  'open_item',
  'invoice_entry',
  'invoice_event',
  'shipment_events',
] as const;

export async function confirmShipment(tx: Tx, ctx: OperationContext, input: ConfirmShipmentInput): Promise<Shipment> {
  const step = (name: (typeof SHIP_CONFIRM_STEPS)[number]) => shipConfirmFaults.afterStep(name);
  const carrier = input.carrier.trim();
  const service = input.service.trim();
  if (!carrier) throw new AppError('VALIDATION_FAILED', 'carrier is required', [{ field: '/carrier', message: 'is empty' }]);
  if (!service) throw new AppError('VALIDATION_FAILED', 'service is required', [{ field: '/service', message: 'is empty' }]);
  if (input.freightMinor !== undefined && (!Number.isSafeInteger(input.freightMinor) || input.freightMinor < 0)) {
    throw new AppError('VALIDATION_FAILED', 'freightMinor is a non-negative integer', [{ field: '/freightMinor', message: 'is not a non-negative integer' }]);
  }

  // 1. The shipment, then 2. the order header.
  const shipment = await lockShipmentOrThrow(tx, ctx, input.shipmentId);
  if (shipment.status !== 'open') throw new AppError('SHIPMENT_NOT_OPEN', `shipment ${shipment.shipment_number} is ${shipment.status}`);
  const order = await lockSalesOrderForShipping(tx, ctx, shipment.order_id);

  const cartons = await loadCartons(tx, ctx, shipment.shipment_id);
  const packed = new Map<string, Dec>();
  for (const carton of cartons) for (const line of carton.lines) packed.set(line.lineId, (packed.get(line.lineId) ?? new Dec(0)).plus(line.qty));
  const shipped = order.lines.filter((line) => packed.has(line.lineId)).map((line) => ({ line, qtyBase: packed.get(line.lineId)! }));
  if (shipped.length === 0) throw new AppError('SHIPMENT_EMPTY', `shipment ${shipment.shipment_number} has nothing packed`);
  invariant(shipped.length === packed.size, 'every carton line belongs to a line of the order');

  const bin = await packingBin(tx, ctx, shipment.warehouse_id);
  // 3. The stock balances of the shipped items, in key order.
  await lockStockBalances(tx, ctx, shipped.map(({ line }) => ({ itemId: line.itemId, warehouseId: shipment.warehouse_id })));

  // 4. Goods out of the packing bin, line by line, at the moving average.
  const costs = new Map<string, number>();
  for (const { line, qtyBase } of shipped) {
    const movement = await issueReservedStock(tx, ctx, {
      itemId: line.itemId,
      warehouseId: shipment.warehouse_id,
      binId: bin.binId,
      orderId: shipment.order_id,
      lineId: line.lineId,
      qty: qtyBase.toFixed(),
      referenceType: 'shipment',
      referenceId: shipment.shipment_id,
    });
    costs.set(line.lineId, -movement.valueMinor);
    await step('stock_issue');
  }
  await tx
    .insertInto('shipment_lines')
    .values(
      shipped.map(({ line, qtyBase }) => ({
        tenant_id: ctx.tenantId,
        shipment_id: shipment.shipment_id,
        line_id: line.lineId,
        order_id: shipment.order_id,
        item_id: line.itemId,
        qty_shipped: qtyBase.toFixed(),
        cost_minor: costs.get(line.lineId)!,
      })),
    )
    .execute();
  await step('shipment_lines');

  const orderStatus = await recordShippedQuantities(tx, ctx, { orderId: shipment.order_id, lines: shipped.map(({ line, qtyBase }) => ({ lineId: line.lineId, qtyBase: qtyBase.toFixed() })) });
  await step('order_lines');

  const shipDate = today(ctx);
  const costMinor = assertMinor([...costs.values()].reduce((sum, cost) => sum + cost, 0));
  await postJournalEntry(tx, ctx, {
    entryDate: shipDate,
    sourceType: 'shipment',
    sourceId: shipment.shipment_id,
    sourceNumber: shipment.shipment_number,
    description: `Cost of goods shipped on ${shipment.shipment_number} (order ${order.header.orderNumber})`,
    lines: [
      { account: 'cogs', debitMinor: costMinor },
      { account: 'inventory', creditMinor: costMinor },
    ],
  });
  await step('cost_entry');

  let freightMinor = input.freightMinor;
  const freightSource = freightMinor === undefined ? 'computed' : 'entered';
  if (freightMinor === undefined) {
    const customer = await getCustomerOrThrow(tx, ctx, order.header.customerId);
    const settings = await getShippingSettings(tx, ctx);
    freightMinor = computeFreightMinor(customer.freightTerms, settings.freight, cartons.map((carton) => carton.weightKg));
  }
  await tx
    .updateTable('shipments')
    .set({
      status: 'shipped',
      carrier,
      service,
      tracking_number: input.trackingNumber?.trim() || null,
      freight_minor: freightMinor,
      freight_source: freightSource,
      ship_date: shipDate,
      shipped_at: ctx.clock.now(),
      revision: shipment.revision + 1,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('shipment_id', '=', shipment.shipment_id)
    .executeTakeFirstOrThrow();
  await step('shipment_shipped');

  // 5. The invoice; its gapless number is the last lock of the transaction.
  const invoice = await createInvoiceForShipment(tx, ctx, {
    shipmentId: shipment.shipment_id,
    shipmentNumber: shipment.shipment_number,
    order: {
      orderId: order.header.orderId,
      orderNumber: order.header.orderNumber,
      customerId: order.header.customerId,
      shipToId: order.header.shipToId,
      currency: order.header.currency,
      customerPo: order.header.customerPo,
    },
    lines: shipped.map(({ line, qtyBase }) => ({
      orderLineId: line.lineId,
      itemId: line.itemId,
      unit: line.unit,
      orderedQty: line.qty,
      orderedQtyBase: line.qtyBase,
      unitPrice: line.unitPrice,
      jurisdictionCode: line.jurisdictionCode,
      taxRate: line.taxRate,
      taxExempt: line.taxExemptCertificate !== null,
      qtyBase: qtyBase.toFixed(),
    })),
    freightMinor,
    invoiceDate: shipDate,
    afterStep: (name) => shipConfirmFaults.afterStep(name),
  });

  const confirmed = { carrier, service, trackingNumber: input.trackingNumber?.trim() || null, freightMinor, freightSource, shipDate };
  await audit(tx, ctx, { action: 'shipment.confirm', entityType: 'shipment', entityId: shipment.shipment_id, before: { status: 'open' }, after: { status: 'shipped', ...confirmed, invoiceNumber: invoice.invoiceNumber } });
  await appendEvent(tx, ctx, {
    eventType: 'shipment.confirmed',
    aggregateType: 'shipment',
    aggregateId: shipment.shipment_id,
    payload: {
      shipmentId: shipment.shipment_id,
      shipmentNumber: shipment.shipment_number,
      orderId: order.header.orderId,
      orderNumber: order.header.orderNumber,
      customerId: order.header.customerId,
      shipToId: order.header.shipToId,
      customerPo: order.header.customerPo,
      warehouseId: shipment.warehouse_id,
      ...confirmed,
      freightMinor: String(freightMinor),
      cartons: cartons.map((carton) => ({ sscc: carton.sscc, weightKg: carton.weightKg, lines: carton.lines.map((line) => ({ lineId: line.lineId, itemId: line.itemId, qty: line.qty })) })),
      lines: shipped.map(({ line, qtyBase }) => ({ lineId: line.lineId, lineNumber: line.lineNumber, itemId: line.itemId, customerPartNumber: line.customerPartNumber, qtyShipped: qtyBase.toFixed(), costMinor: String(costs.get(line.lineId)) })),
      invoiceId: invoice.invoiceId,
      invoiceNumber: invoice.invoiceNumber,
      orderStatus,
    },
  });
  await appendEvent(tx, ctx, {
    eventType: `sales_order.${orderStatus}`,
    aggregateType: 'sales_order',
    aggregateId: order.header.orderId,
    payload: { orderId: order.header.orderId, orderNumber: order.header.orderNumber, status: orderStatus, shipmentId: shipment.shipment_id, shipmentNumber: shipment.shipment_number, invoiceNumber: invoice.invoiceNumber },
  });
  await step('shipment_events');
  return getShipmentOrThrow(tx, ctx, shipment.shipment_id);
}
