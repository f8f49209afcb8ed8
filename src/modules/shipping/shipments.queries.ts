import type { Selectable } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { Shipments } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { decimalString, Dec, minorFromDb } from '../../platform/money.ts';

/** The SQL of the shipping module: shipments, cartons and their lines. */

export type ShipmentRow = Selectable<Shipments>;
export type ShipmentStatus = 'open' | 'shipped' | 'cancelled';

export interface CartonLine {
  lineId: string;
  orderId: string;
  itemId: string;
  qty: string;
}

export interface Carton {
  cartonId: string;
  shipmentId: string;
  sscc: string;
  weightKg: string | null;
  createdAt: Date;
  lines: CartonLine[];
}

export interface ShipmentLine {
  lineId: string;
  itemId: string;
  qtyShipped: string;
  costMinor: number;
}

export interface ShipmentHeader {
  shipmentId: string;
  shipmentNumber: string;
  orderId: string;
  warehouseId: string;
  status: ShipmentStatus;
  carrier: string | null;
  service: string | null;
  trackingNumber: string | null;
  freightMinor: number | null;
  freightSource: 'entered' | 'computed' | null;
  shipDate: string | null;
  shippedAt: Date | null;
  revision: number;
  createdBy: string;
  createdAt: Date;
}

export interface Shipment extends ShipmentHeader {
  cartons: Carton[];
  lines: ShipmentLine[];
  invoice: { invoiceId: string; invoiceNumber: string; status: string; totalMinor: number } | null;
}

export function toShipmentHeader(row: ShipmentRow): ShipmentHeader {
  return {
    shipmentId: row.shipment_id,
    shipmentNumber: row.shipment_number,
    orderId: row.order_id,
    warehouseId: row.warehouse_id,
    status: row.status as ShipmentStatus,
    carrier: row.carrier,
    service: row.service,
    trackingNumber: row.tracking_number,
    freightMinor: row.freight_minor === null ? null : minorFromDb(row.freight_minor),
    freightSource: row.freight_source as ShipmentHeader['freightSource'],
    shipDate: row.ship_date,
    shippedAt: row.shipped_at,
    revision: row.revision,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

export async function findShipmentRow(tx: Tx, ctx: OperationContext, shipmentId: string): Promise<ShipmentRow | undefined> {
  return tx.selectFrom('shipments').selectAll().where('tenant_id', '=', ctx.tenantId).where('shipment_id', '=', shipmentId).executeTakeFirst();
}

/** Lock order step 1 (DESIGN §2a): the shipment is a document header, FOR NO KEY UPDATE. */
export async function lockShipmentOrThrow(tx: Tx, ctx: OperationContext, shipmentId: string): Promise<ShipmentRow> {
  const row = await tx
    .selectFrom('shipments')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('shipment_id', '=', shipmentId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('SHIPMENT_NOT_FOUND', `no shipment ${shipmentId}`);
  return row;
}

export async function loadCartons(tx: Tx, ctx: OperationContext, shipmentId: string): Promise<Carton[]> {
  const cartons = await tx
    .selectFrom('cartons')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('shipment_id', '=', shipmentId)
    .orderBy('carton_id')
    .execute();
  if (cartons.length === 0) return [];
  const lines = await tx
    .selectFrom('carton_lines')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where(
      'carton_id',
      'in',
      cartons.map((carton) => carton.carton_id),
    )
    .orderBy('carton_id')
    .orderBy('line_id')
    .execute();
  return cartons.map((carton) => ({
    cartonId: carton.carton_id,
    shipmentId: carton.shipment_id,
    sscc: carton.sscc,
    weightKg: carton.weight_kg === null ? null : decimalString(carton.weight_kg),
    createdAt: carton.created_at,
    lines: lines
      .filter((line) => line.carton_id === carton.carton_id)
      .map((line) => ({ lineId: line.line_id, orderId: line.order_id, itemId: line.item_id, qty: decimalString(line.qty) })),
  }));
}

export async function loadShipmentLines(tx: Tx, ctx: OperationContext, shipmentId: string): Promise<ShipmentLine[]> {
  const rows = await tx
    .selectFrom('shipment_lines')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('shipment_id', '=', shipmentId)
    .orderBy('line_id')
    .execute();
  return rows.map((row) => ({ lineId: row.line_id, itemId: row.item_id, qtyShipped: decimalString(row.qty_shipped), costMinor: minorFromDb(row.cost_minor) }));
}

/** Σ packed per order line on the order's shipments that are not cancelled (shipped ones included), optionally only from one warehouse and status. */
export async function packedByLine(
  tx: Tx,
  ctx: OperationContext,
  orderId: string,
  filter: { warehouseId?: string; statuses: ShipmentStatus[] },
): Promise<Map<string, Dec>> {
  let query = tx
    .selectFrom('carton_lines as cl')
    .innerJoin('cartons as c', (join) => join.onRef('c.tenant_id', '=', 'cl.tenant_id').onRef('c.carton_id', '=', 'cl.carton_id'))
    .innerJoin('shipments as s', (join) => join.onRef('s.tenant_id', '=', 'c.tenant_id').onRef('s.shipment_id', '=', 'c.shipment_id'))
    .select(['cl.line_id', (eb) => eb.fn.sum<string>('cl.qty').as('qty')])
    .where('cl.tenant_id', '=', ctx.tenantId)
    .where('cl.order_id', '=', orderId)
    .where('s.status', 'in', filter.statuses);
  if (filter.warehouseId) query = query.where('s.warehouse_id', '=', filter.warehouseId);
  const rows = await query.groupBy('cl.line_id').execute();
  return new Map(rows.map((row) => [row.line_id, new Dec(row.qty)]));
}
