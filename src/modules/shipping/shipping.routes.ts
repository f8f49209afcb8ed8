import { Type, type TSchema } from '@sinclair/typebox';
import { invariant } from '../../platform/errors.ts';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { confirmShipment } from './ship-confirm.service.ts';
import { addCarton, cancelShipment, createShipment, getShipmentOrThrow, listShipments, packCartonLine, removeCartonLine } from './shipments.service.ts';
import {
  AddCartonBody,
  CartonLineParams,
  CartonParams,
  CartonSchema,
  ConfirmShipmentBody,
  CreateShipmentBody,
  PackCartonLineBody,
  ShipmentHeaderSchema,
  ShipmentListQuery,
  ShipmentParams,
  ShipmentSchema,
  ShippingSettingsSchema,
  UpdateShippingSettingsBody,
} from './shipping.schemas.ts';
import { getShippingSettings, updateShippingSettings } from './shipping-settings.service.ts';

/** REST for shipments, cartons, packing, ship confirmation, and the tenant's shipping settings. */

export const shippingSchemas: TSchema[] = [CartonSchema, ShipmentHeaderSchema, ShipmentSchema, ShippingSettingsSchema];

const ShipmentRef = Type.Ref(ShipmentSchema);

export const shippingRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/shipments',
    summary: 'Open a shipment for an order from one warehouse',
    tags: ['shipping'],
    permission: 'shipping:write',
    idempotent: true,
    documentNumber: 'shipment',
    body: CreateShipmentBody,
    response: ShipmentRef,
    handler: async (tx, ctx, { body, documentNumber }) => {
      invariant(documentNumber, 'the create route declares documentNumber');
      return createShipment(tx, ctx, { ...body, shipmentNumber: documentNumber });
    },
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/shipments',
    summary: 'List shipments',
    tags: ['shipping'],
    permission: 'shipping:read',
    query: ShipmentListQuery,
    item: Type.Ref(ShipmentHeaderSchema),
    handler: (tx, ctx, { query, page }) => listShipments(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/shipments/:shipmentId',
    summary: 'Get a shipment: cartons with SSCC and contents, shipped lines, invoice',
    tags: ['shipping'],
    permission: 'shipping:read',
    params: ShipmentParams,
    response: ShipmentRef,
    handler: (tx, ctx, { params }) => getShipmentOrThrow(tx, ctx, params.shipmentId),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/shipments/:shipmentId/cartons',
    summary: 'Add a carton with a new SSCC-18',
    description: 'GS1_PREFIX_NOT_CONFIGURED until PUT /v1/settings/shipping has set the company prefix.',
    tags: ['shipping'],
    permission: 'shipping:write',
    idempotent: true,
    documentNumber: 'sscc',
    params: ShipmentParams,
    body: AddCartonBody,
    response: Type.Ref(CartonSchema),
    handler: async (tx, ctx, { params, body, documentNumber }) => {
      invariant(documentNumber, 'the carton route declares documentNumber');
      return addCarton(tx, ctx, { shipmentId: params.shipmentId, weightKg: body?.weightKg, serialNumber: documentNumber });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/cartons/:cartonId/lines',
    summary: 'Pack goods into a carton (scan or line)',
    description: 'Adds qty (stocking units) of an order line, named by a scanned GTIN/SKU or lineId, to the carton. PACK_EXCEEDS_PICKED beyond picked − packed; ITEM_NOT_ON_ORDER.',
    tags: ['shipping'],
    permission: 'shipping:write',
    status: 200,
    params: CartonParams,
    body: PackCartonLineBody,
    response: Type.Ref(CartonSchema),
    handler: (tx, ctx, { params, body }) => packCartonLine(tx, ctx, { cartonId: params.cartonId, itemScan: body.itemScan, lineId: body.lineId, qty: body.qty }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/cartons/:cartonId/lines/:lineId',
    summary: 'Take an order line out of a carton (open shipments only)',
    tags: ['shipping'],
    permission: 'shipping:write',
    params: CartonLineParams,
    response: Type.Ref(CartonSchema),
    handler: (tx, ctx, { params }) => removeCartonLine(tx, ctx, params),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/shipments/:shipmentId/cancel',
    summary: 'Cancel an open shipment',
    tags: ['shipping'],
    permission: 'shipping:write',
    idempotent: true,
    status: 200,
    params: ShipmentParams,
    response: ShipmentRef,
    handler: (tx, ctx, { params }) => cancelShipment(tx, ctx, params.shipmentId),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/shipments/:shipmentId/confirm',
    summary: 'Confirm the shipment: stock out, cost, invoice, postings, order status, events — one transaction',
    description: 'SHIPMENT_NOT_OPEN when confirmed or cancelled already; SHIPMENT_EMPTY when nothing is packed; PERIOD_CLOSED when today\'s period is closed.',
    tags: ['shipping'],
    permission: 'shipping:write',
    idempotent: true,
    status: 200,
    params: ShipmentParams,
    body: ConfirmShipmentBody,
    response: ShipmentRef,
    handler: (tx, ctx, { params, body }) =>
      confirmShipment(tx, ctx, { shipmentId: params.shipmentId, carrier: body.carrier, service: body.service, trackingNumber: body.trackingNumber, freightMinor: body.freightMinor }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/settings/shipping',
    summary: 'The tenant\'s GS1 company prefix and freight tariff',
    tags: ['shipping'],
    permission: 'shipping:read',
    response: Type.Ref(ShippingSettingsSchema),
    handler: (tx, ctx) => getShippingSettings(tx, ctx),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/settings/shipping',
    summary: 'Set the GS1 company prefix and the freight tariff (audited)',
    tags: ['shipping'],
    permission: 'tenant:write',
    body: UpdateShippingSettingsBody,
    response: Type.Ref(ShippingSettingsSchema),
    handler: (tx, ctx, { body }) => updateShippingSettings(tx, ctx, body),
  }),
];
