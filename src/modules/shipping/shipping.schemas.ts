import { Type } from '@sinclair/typebox';
import { BusinessDate, DecimalString, MoneyMinor, Nullable, PositiveDecimalString, Timestamp, Uuid } from '../../platform/http/common.schema.ts';
import { MAX_INPUT_MINOR } from '../../platform/limits.ts';

/** Request and response schemas of the shipping routes (registered with $id in app.ts). */

const ShipmentStatus = Type.Union([Type.Literal('open'), Type.Literal('shipped'), Type.Literal('cancelled')]);

export const CartonSchema = Type.Object(
  {
    cartonId: Uuid,
    shipmentId: Uuid,
    sscc: Type.String({ pattern: '^[0-9]{18}$', description: 'SSCC-18: extension digit, GS1 company prefix, serial, check digit; print as GS1-128 with AI (00)' }),
    weightKg: Nullable(DecimalString),
    createdAt: Timestamp,
    lines: Type.Array(Type.Object({ lineId: Uuid, orderId: Uuid, itemId: Uuid, qty: DecimalString }, { additionalProperties: false })),
  },
  { $id: 'Carton', additionalProperties: false, examples: [{ sscc: '006141410000000012', weightKg: '4.2', lines: [{ qty: '4' }] }] },
);

const headerProperties = {
  shipmentId: Uuid,
  shipmentNumber: Type.String(),
  orderId: Uuid,
  warehouseId: Uuid,
  status: ShipmentStatus,
  carrier: Nullable(Type.String()),
  service: Nullable(Type.String()),
  trackingNumber: Nullable(Type.String()),
  freightMinor: Nullable(MoneyMinor),
  freightSource: Nullable(Type.Union([Type.Literal('entered'), Type.Literal('computed')])),
  shipDate: Nullable(BusinessDate),
  shippedAt: Nullable(Timestamp),
  revision: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Timestamp,
};

export const ShipmentHeaderSchema = Type.Object(headerProperties, { $id: 'ShipmentHeader', additionalProperties: false });

export const ShipmentSchema = Type.Object(
  {
    ...headerProperties,
    cartons: Type.Array(Type.Ref(CartonSchema)),
    lines: Type.Array(Type.Object({ lineId: Uuid, itemId: Uuid, qtyShipped: DecimalString, costMinor: MoneyMinor }, { additionalProperties: false }), {
      description: 'What confirmation took out of stock per order line, at cost',
    }),
    invoice: Nullable(Type.Object({ invoiceId: Uuid, invoiceNumber: Type.String(), status: Type.String(), totalMinor: MoneyMinor }, { additionalProperties: false })),
  },
  { $id: 'Shipment', additionalProperties: false, examples: [{ shipmentNumber: 'SH-000001', status: 'shipped', carrier: 'UPS', service: 'GROUND', freightMinor: 900 }] },
);

export const ShippingSettingsSchema = Type.Object(
  {
    gs1CompanyPrefix: Nullable(Type.String({ pattern: '^[0-9]{7,10}$' })),
    freight: Type.Object({ baseMinor: MoneyMinor, perKgMinor: MoneyMinor }, { additionalProperties: false }),
    freightIsDefault: Type.Boolean(),
  },
  { $id: 'ShippingSettings', additionalProperties: false },
);

export const UpdateShippingSettingsBody = Type.Object(
  {
    gs1CompanyPrefix: Type.String({ pattern: '^[0-9]{7,10}$', description: 'The GS1 company prefix (7–10 digits)' }),
    freight: Type.Object(
      { baseMinor: Type.Integer({ minimum: 0, maximum: MAX_INPUT_MINOR }), perKgMinor: Type.Integer({ minimum: 0, maximum: MAX_INPUT_MINOR }) },
      { additionalProperties: false, description: 'Tariff for customers on prepaid_and_add terms: base + per kg of the cartons' },
    ),
  },
  { additionalProperties: false, examples: [{ gs1CompanyPrefix: '0614141', freight: { baseMinor: 500, perKgMinor: 45 } }] },
);

export const CreateShipmentBody = Type.Object({ orderId: Uuid, warehouseId: Uuid }, { additionalProperties: false, examples: [{ orderId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', warehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45' }] });
export const ShipmentParams = Type.Object({ shipmentId: Uuid }, { additionalProperties: false });
export const CartonParams = Type.Object({ cartonId: Uuid }, { additionalProperties: false });
export const CartonLineParams = Type.Object({ cartonId: Uuid, lineId: Uuid }, { additionalProperties: false });
export const ShipmentListQuery = Type.Object({ orderId: Type.Optional(Uuid), status: Type.Optional(ShipmentStatus), warehouseId: Type.Optional(Uuid) });
export const AddCartonBody = Type.Object({ weightKg: Type.Optional(PositiveDecimalString) }, { additionalProperties: false });
export const PackCartonLineBody = Type.Object(
  {
    itemScan: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'A scanned GTIN or SKU' })),
    lineId: Type.Optional(Uuid),
    qty: Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,6})?$', description: 'In the item\'s stocking unit' }),
  },
  { additionalProperties: false, examples: [{ itemScan: '4006381333931', qty: '4' }] },
);
export const ConfirmShipmentBody = Type.Object(
  {
    carrier: Type.String({ minLength: 1, maxLength: 40 }),
    service: Type.String({ minLength: 1, maxLength: 40 }),
    trackingNumber: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
    freightMinor: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INPUT_MINOR, description: 'The freight charge; absent → from the customer\'s freight terms' })),
  },
  { additionalProperties: false, examples: [{ carrier: 'UPS', service: 'GROUND', trackingNumber: '1Z999AA10123456784', freightMinor: 900 }] },
);
