import { Type, type TSchema } from '@sinclair/typebox';
import { BusinessDate, DecimalString, Nullable, PositiveDecimalString, Timestamp, Uuid } from '../../platform/http/common.schema.ts';
import { PurchaseOrderSchema } from '../purchasing/index.ts';

/** Request and response schemas of the replenishment routes (registered with $id in app.ts). */

const ex = { itemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', warehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c47', supplierId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c40', binId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c49' };
const Method = Type.Union([Type.Literal('min_max'), Type.Literal('reorder_point')]);
/** Not negative (the pattern has no sign); whether zero is allowed is checked per field. */
const Qty = PositiveDecimalString;

const AtpRowSchema = Type.Object(
  { date: BusinessDate, incoming: DecimalString, demand: DecimalString, atp: DecimalString },
  { additionalProperties: false, description: 'A date with a change: supply due, demand wanted, cumulative ATP at the end of the date' },
);
const positionProperties = {
  onHand: DecimalString,
  reserved: DecimalString,
  available: DecimalString,
  atpToday: DecimalString,
  rows: Type.Array(AtpRowSchema),
  coversQtyOn: Nullable(BusinessDate),
};

export const AtpByDateSchema = Type.Object(
  {
    itemId: Uuid,
    today: BusinessDate,
    horizonDays: Type.Integer(),
    horizonEnd: BusinessDate,
    qty: Nullable(DecimalString),
    warehouses: Type.Array(Type.Object({ warehouseId: Uuid, code: Type.String(), ...positionProperties }, { additionalProperties: false })),
    total: Type.Object(positionProperties, { additionalProperties: false }),
  },
  {
    $id: 'AtpByDate',
    additionalProperties: false,
    description: 'ATP by date: available now (on hand − reserved, as GET /v1/items/:itemId/atp) + open PO lines on their expected dates − backorders on their requested dates',
    examples: [
      {
        itemId: ex.itemId,
        today: '2026-12-03',
        horizonDays: 30,
        horizonEnd: '2027-01-02',
        qty: '40',
        warehouses: [{ warehouseId: ex.warehouseId, code: 'DAL', onHand: '20', reserved: '5', available: '15', atpToday: '15', rows: [{ date: '2026-12-10', incoming: '48', demand: '0', atp: '63' }], coversQtyOn: '2026-12-10' }],
        total: { onHand: '20', reserved: '5', available: '15', atpToday: '15', rows: [{ date: '2026-12-10', incoming: '48', demand: '0', atp: '63' }], coversQtyOn: '2026-12-10' },
      },
    ],
  },
);

export const AtpByDateQuery = Type.Object(
  {
    horizonDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30, description: 'Days after today to look ahead (1–366)' })),
    warehouseId: Type.Optional(Uuid),
    qty: Type.Optional(Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,6})?$', description: 'Answer coversQtyOn: the first date from which ATP stays at or above this quantity' })),
  },
  { additionalProperties: false },
);

export const ReplenishmentSettingSchema = Type.Object(
  {
    itemId: Uuid,
    warehouseId: Uuid,
    method: Nullable(Method),
    minQty: Nullable(DecimalString),
    maxQty: Nullable(DecimalString),
    reorderPoint: Nullable(DecimalString),
    reorderQty: Nullable(DecimalString),
    preferredSupplierId: Nullable(Uuid),
    homeBinId: Nullable(Uuid),
    revision: Type.Integer(),
    updatedAt: Timestamp,
    updatedBy: Type.String(),
  },
  {
    $id: 'ReplenishmentSetting',
    additionalProperties: false,
    description: 'An item\'s replenishment rule and home bin in one warehouse; the ETag header carries the revision for If-Match',
    examples: [{ itemId: ex.itemId, warehouseId: ex.warehouseId, method: 'min_max', minQty: '24', maxQty: '96', reorderPoint: null, reorderQty: null, preferredSupplierId: ex.supplierId, homeBinId: ex.binId, revision: 1, updatedAt: '2026-12-03T17:00:00.000Z', updatedBy: 'api_key:01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c50' }],
  },
);

export const PutReplenishmentSettingBody = Type.Object(
  {
    method: Type.Optional(Nullable(Method)),
    minQty: Type.Optional(Nullable(Qty)),
    maxQty: Type.Optional(Nullable(Qty)),
    reorderPoint: Type.Optional(Nullable(Qty)),
    reorderQty: Type.Optional(Nullable(Qty)),
    preferredSupplierId: Type.Optional(Nullable(Uuid)),
    homeBinId: Type.Optional(Nullable(Uuid)),
  },
  {
    additionalProperties: false,
    description: 'The whole setting (PUT replaces it). min_max: minQty ≤ maxQty, maxQty > 0. reorder_point: reorderPoint ≥ 0, reorderQty > 0. A home bin alone (no method) is allowed.',
    examples: [
      { method: 'min_max', minQty: '24', maxQty: '96', preferredSupplierId: ex.supplierId, homeBinId: ex.binId },
      { method: 'reorder_point', reorderPoint: '10', reorderQty: '48' },
    ],
  },
);

export const ReplenishmentSuggestionSchema = Type.Object(
  {
    itemId: Uuid,
    sku: Type.String(),
    warehouseId: Uuid,
    warehouseCode: Type.String(),
    method: Method,
    onHand: DecimalString,
    incoming: DecimalString,
    reserved: DecimalString,
    backordered: DecimalString,
    position: DecimalString,
    neededQty: DecimalString,
    suggestedQty: DecimalString,
    supplierId: Nullable(Uuid),
    supplierCode: Nullable(Type.String()),
    unitCost: Nullable(DecimalString),
    leadTimeDays: Nullable(Type.Integer()),
    expectedDate: Nullable(BusinessDate),
    reason: Type.Union([Type.Literal('BELOW_MIN'), Type.Literal('AT_OR_BELOW_REORDER_POINT'), Type.Literal('NO_SUPPLIER')]),
  },
  {
    $id: 'ReplenishmentSuggestion',
    additionalProperties: false,
    description: 'position = onHand + incoming − reserved − backordered; suggestedQty is neededQty raised to the supplier\'s minimum and pack size',
    examples: [
      { itemId: ex.itemId, sku: 'JAN-BW-1001', warehouseId: ex.warehouseId, warehouseCode: 'DAL', method: 'min_max', onHand: '10', incoming: '0', reserved: '4', backordered: '0', position: '6', neededQty: '90', suggestedQty: '96', supplierId: ex.supplierId, supplierCode: 'ACME', unitCost: '1.42', leadTimeDays: 7, expectedDate: '2026-12-10', reason: 'BELOW_MIN' },
    ],
  },
);

export const CreateReplenishmentOrdersBody = Type.Object(
  { warehouseId: Type.Optional(Uuid), itemIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true })) },
  { additionalProperties: false, examples: [{ warehouseId: ex.warehouseId }, {}] },
);

export const ReplenishmentRunSchema = Type.Object(
  {
    purchaseOrders: Type.Array(Type.Ref(PurchaseOrderSchema)),
    noSupplier: Type.Array(Type.Object({ itemId: Uuid, sku: Type.String(), warehouseId: Uuid, warehouseCode: Type.String(), suggestedQty: DecimalString }, { additionalProperties: false }), {
      description: 'Suggestions without an active supplier item: no PO was made for them',
    }),
  },
  { $id: 'ReplenishmentRun', additionalProperties: false },
);

export const replenishmentSchemas: TSchema[] = [AtpByDateSchema, ReplenishmentSettingSchema, ReplenishmentSuggestionSchema, ReplenishmentRunSchema];
