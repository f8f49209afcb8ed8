import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import { actorRef } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { Dec, decimalString, parseDecimal } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { findInvoiceForShipment } from '../billing/index.ts';
import { itemIdOfScan } from '../catalog/index.ts';
import { getWarehouseOrThrow } from '../inventory/index.ts';
import { lockSalesOrderForShipping, readSalesOrderForShipping, SHIPPABLE_STATUSES, type OrderForShipping } from '../sales/index.ts';
import { buildSscc } from './rules/sscc.rules.ts';
import {
  findShipmentRow,
  loadCartons,
  loadShipmentLines,
  lockShipmentOrThrow,
  packedByLine,
  toShipmentHeader,
  type Carton,
  type Shipment,
  type ShipmentHeader,
  type ShipmentStatus,
} from './shipments.queries.ts';
import { getShippingSettings } from './shipping-settings.service.ts';

/**
 * Shipments before confirmation: open a shipment for an order from one
 * warehouse, add cartons (each with an SSCC-18), pack picked goods into them,
 * take a carton line out again, or cancel the whole open shipment. Nothing
 * here moves stock or money: that is ship confirmation (ship-confirm.service).
 *
 * Quantities packed are in the item's stocking unit — what was picked.
 */

export async function createShipment(tx: Tx, ctx: OperationContext, input: { orderId: string; warehouseId: string; shipmentNumber: string }): Promise<Shipment> {
  await getWarehouseOrThrow(tx, ctx, input.warehouseId);
  const order = await readSalesOrderForShipping(tx, ctx, input.orderId);
  assertShippable(order);
  const shipmentId = newId();
  const row = await tx
    .insertInto('shipments')
    .values({
      tenant_id: ctx.tenantId,
      shipment_id: shipmentId,
      shipment_number: input.shipmentNumber,
      order_id: input.orderId,
      warehouse_id: input.warehouseId,
      status: 'open',
      created_by: actorRef(ctx.actor),
      created_at: ctx.clock.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const header = toShipmentHeader(row);
  await audit(tx, ctx, { action: 'shipment.create', entityType: 'shipment', entityId: shipmentId, before: null, after: { ...header } });
  await appendEvent(tx, ctx, {
    eventType: 'shipment.created',
    aggregateType: 'shipment',
    aggregateId: shipmentId,
    payload: { shipmentId, shipmentNumber: header.shipmentNumber, orderId: input.orderId, orderNumber: order.header.orderNumber, warehouseId: input.warehouseId },
  });
  return { ...header, cartons: [], lines: [], invoice: null };
}

function assertShippable(order: OrderForShipping): void {
  if (!(SHIPPABLE_STATUSES as readonly string[]).includes(order.header.status)) {
    throw new AppError('SHIPMENT_ORDER_NOT_SHIPPABLE', `order ${order.header.orderNumber} is ${order.header.status}; only confirmed orders holding stock ship`);
  }
}

export async function getShipmentOrThrow(tx: Tx, ctx: OperationContext, shipmentId: string): Promise<Shipment> {
  const row = await findShipmentRow(tx, ctx, shipmentId);
  if (!row) throw new AppError('SHIPMENT_NOT_FOUND', `no shipment ${shipmentId}`);
  const [cartons, lines, invoice] = await Promise.all([
    loadCartons(tx, ctx, shipmentId),
    loadShipmentLines(tx, ctx, shipmentId),
    findInvoiceForShipment(tx, ctx, shipmentId),
  ]);
  return { ...toShipmentHeader(row), cartons, lines, invoice };
}

export interface ShipmentFilter {
  orderId?: string | undefined;
  status?: ShipmentStatus | undefined;
  warehouseId?: string | undefined;
}

export async function listShipments(tx: Tx, ctx: OperationContext, page: PageRequest, filter: ShipmentFilter = {}): Promise<Page<ShipmentHeader>> {
  let query = tx.selectFrom('shipments').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.orderId) query = query.where('order_id', '=', filter.orderId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (page.after) query = query.where('shipment_id', '>', page.after);
  const rows = await query.orderBy('shipment_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toShipmentHeader), page, (shipment) => shipment.shipmentId);
}

async function lockOpenShipment(tx: Tx, ctx: OperationContext, shipmentId: string) {
  const row = await lockShipmentOrThrow(tx, ctx, shipmentId);
  if (row.status !== 'open') throw new AppError('SHIPMENT_NOT_OPEN', `shipment ${row.shipment_number} is ${row.status}`);
  return row;
}

/**
 * A new carton with its SSCC-18. The serial comes from the block-allocated
 * 'sscc' series (taken by the route before the transaction), so an SSCC is
 * never reused even when a transaction rolls back — only skipped.
 */
export async function addCarton(tx: Tx, ctx: OperationContext, input: { shipmentId: string; weightKg?: string | undefined; serialNumber: string }): Promise<Carton> {
  const settings = await getShippingSettings(tx, ctx);
  if (!settings.gs1CompanyPrefix) {
    throw new AppError('GS1_PREFIX_NOT_CONFIGURED', 'set the GS1 company prefix with PUT /v1/settings/shipping before labelling cartons');
  }
  let weightKg: string | null = null;
  if (input.weightKg !== undefined) {
    const weight = parseDecimal(input.weightKg, '/weightKg');
    if (!weight.gt(0) || weight.decimalPlaces() > 3) throw new AppError('VALIDATION_FAILED', 'weightKg is positive with at most 3 decimals', [{ field: '/weightKg', message: 'is not a positive weight' }]);
    weightKg = weight.toFixed();
  }
  const serial = BigInt(input.serialNumber.replace(/^\D+/, ''));
  const sscc = buildSscc({ extensionDigit: 0, companyPrefix: settings.gs1CompanyPrefix, serial });
  if (!sscc.ok) throw new AppError('GS1_PREFIX_NOT_CONFIGURED', `the GS1 company prefix leaves no room for serial ${serial}; a shorter prefix or a new one is needed`);
  await lockOpenShipment(tx, ctx, input.shipmentId);
  const cartonId = newId();
  const row = await tx
    .insertInto('cartons')
    .values({ tenant_id: ctx.tenantId, carton_id: cartonId, shipment_id: input.shipmentId, sscc: sscc.sscc, weight_kg: weightKg, created_at: ctx.clock.now() })
    .returningAll()
    .executeTakeFirstOrThrow();
  const carton: Carton = { cartonId, shipmentId: input.shipmentId, sscc: row.sscc, weightKg, createdAt: row.created_at, lines: [] };
  await audit(tx, ctx, { action: 'carton.create', entityType: 'carton', entityId: cartonId, before: null, after: { shipmentId: input.shipmentId, sscc: sscc.sscc, weightKg } });
  return carton;
}

async function cartonOrThrow(tx: Tx, ctx: OperationContext, cartonId: string) {
  const row = await tx.selectFrom('cartons').selectAll().where('tenant_id', '=', ctx.tenantId).where('carton_id', '=', cartonId).executeTakeFirst();
  if (!row) throw new AppError('CARTON_NOT_FOUND', `no carton ${cartonId}`);
  return row;
}

export interface PackCartonLineInput {
  cartonId: string;
  /** A GTIN or SKU as scanned; or lineId. Exactly one. */
  itemScan?: string | undefined;
  lineId?: string | undefined;
  /** Stocking units, > 0. */
  qty: string;
}

/**
 * Adds qty of an order line to the carton (upsert). Refused beyond what can
 * leave: the line's picked quantity less what is packed on its shipments that
 * are not cancelled (shipped included: qty_picked counts shipped goods too),
 * and, in the shipment's warehouse, the line's open reservations less what open
 * shipments from that warehouse already hold packed — both PACK_EXCEEDS_PICKED.
 * Locks: the shipment, then the order header (so two packers of one order
 * cannot both pass the check).
 */
export async function packCartonLine(tx: Tx, ctx: OperationContext, input: PackCartonLineInput): Promise<Carton> {
  const qty = parseDecimal(input.qty, '/qty');
  if (!qty.gt(0)) throw new AppError('VALIDATION_FAILED', 'qty must be positive', [{ field: '/qty', message: 'must be positive' }]);
  if ((input.itemScan === undefined) === (input.lineId === undefined)) {
    throw new AppError('VALIDATION_FAILED', 'name the goods by exactly one of itemScan or lineId', [{ field: '/itemScan', message: 'give itemScan or lineId' }]);
  }
  const carton = await cartonOrThrow(tx, ctx, input.cartonId);
  const shipment = await lockOpenShipment(tx, ctx, carton.shipment_id);
  const order = await lockSalesOrderForShipping(tx, ctx, shipment.order_id);

  const packedAll = await packedByLine(tx, ctx, shipment.order_id, { statuses: ['open', 'shipped'] });
  const packedOpenHere = await packedByLine(tx, ctx, shipment.order_id, { statuses: ['open'], warehouseId: shipment.warehouse_id });
  const reserved = await reservedHere(tx, ctx, shipment.order_id, shipment.warehouse_id);
  const room = (lineId: string, qtyPicked: string) =>
    Dec.min(
      new Dec(qtyPicked).minus(packedAll.get(lineId) ?? 0),
      (reserved.get(lineId) ?? new Dec(0)).minus(packedOpenHere.get(lineId) ?? 0),
    );

  let candidates = order.lines;
  if (input.lineId !== undefined) {
    candidates = order.lines.filter((line) => line.lineId === input.lineId);
  } else {
    const itemId = await itemIdOfScan(tx, ctx, input.itemScan!);
    candidates = itemId ? order.lines.filter((line) => line.itemId === itemId) : [];
  }
  if (candidates.length === 0) throw new AppError('ITEM_NOT_ON_ORDER', `${input.lineId ?? input.itemScan} is not on order ${order.header.orderNumber}`);
  // The same item on several lines: the first line with room for the whole quantity.
  const line = candidates.find((candidate) => room(candidate.lineId, candidate.qtyPicked).gte(qty));
  if (!line) {
    const best = Dec.max(...candidates.map((candidate) => room(candidate.lineId, candidate.qtyPicked)), new Dec(0));
    throw new AppError('PACK_EXCEEDS_PICKED', `${decimalString(best)} picked and not yet packed for this shipment's warehouse; ${qty.toFixed()} requested`);
  }

  const existing = await tx
    .selectFrom('carton_lines')
    .select('qty')
    .where('tenant_id', '=', ctx.tenantId)
    .where('carton_id', '=', input.cartonId)
    .where('line_id', '=', line.lineId)
    .executeTakeFirst();
  const after = new Dec(existing?.qty ?? 0).plus(qty);
  await tx
    .insertInto('carton_lines')
    .values({ tenant_id: ctx.tenantId, carton_id: input.cartonId, order_id: shipment.order_id, line_id: line.lineId, item_id: line.itemId, qty: after.toFixed() })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'carton_id', 'line_id']).doUpdateSet({ qty: after.toFixed() }))
    .execute();
  await audit(tx, ctx, {
    action: 'carton.pack',
    entityType: 'carton',
    entityId: input.cartonId,
    before: { lineId: line.lineId, qty: existing ? decimalString(existing.qty) : '0' },
    after: { lineId: line.lineId, qty: decimalString(after) },
  });
  return (await loadCartons(tx, ctx, shipment.shipment_id)).find((c) => c.cartonId === input.cartonId)!;
}

async function reservedHere(tx: Tx, ctx: OperationContext, orderId: string, warehouseId: string): Promise<Map<string, Dec>> {
  const rows = await tx
    .selectFrom('reservations')
    .select(['line_id', (eb) => eb.fn.sum<string>('qty').as('qty')])
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', orderId)
    .where('warehouse_id', '=', warehouseId)
    .where('status', '=', 'open')
    .groupBy('line_id')
    .execute();
  return new Map(rows.map((row) => [row.line_id, new Dec(row.qty)]));
}

/** Takes an order line out of a carton of an open shipment. */
export async function removeCartonLine(tx: Tx, ctx: OperationContext, input: { cartonId: string; lineId: string }): Promise<Carton> {
  const carton = await cartonOrThrow(tx, ctx, input.cartonId);
  await lockOpenShipment(tx, ctx, carton.shipment_id);
  const deleted = await tx
    .deleteFrom('carton_lines')
    .where('tenant_id', '=', ctx.tenantId)
    .where('carton_id', '=', input.cartonId)
    .where('line_id', '=', input.lineId)
    .returning('qty')
    .executeTakeFirst();
  if (!deleted) throw new AppError('SALES_ORDER_LINE_NOT_FOUND', `carton ${carton.sscc} holds nothing of line ${input.lineId}`);
  await audit(tx, ctx, { action: 'carton.unpack', entityType: 'carton', entityId: input.cartonId, before: { lineId: input.lineId, qty: decimalString(deleted.qty) }, after: { lineId: input.lineId, qty: '0' } });
  return (await loadCartons(tx, ctx, carton.shipment_id)).find((c) => c.cartonId === input.cartonId)!;
}

/** Cancels an open shipment: its packed goods are free to be packed elsewhere (they stay in the packing bin). */
export async function cancelShipment(tx: Tx, ctx: OperationContext, shipmentId: string): Promise<Shipment> {
  const row = await lockOpenShipment(tx, ctx, shipmentId);
  await tx.updateTable('shipments').set({ status: 'cancelled', revision: row.revision + 1 }).where('tenant_id', '=', ctx.tenantId).where('shipment_id', '=', shipmentId).execute();
  await audit(tx, ctx, { action: 'shipment.cancel', entityType: 'shipment', entityId: shipmentId, before: { status: 'open' }, after: { status: 'cancelled' } });
  await appendEvent(tx, ctx, { eventType: 'shipment.cancelled', aggregateType: 'shipment', aggregateId: shipmentId, payload: { shipmentId, shipmentNumber: row.shipment_number, orderId: row.order_id } });
  return getShipmentOrThrow(tx, ctx, shipmentId);
}
