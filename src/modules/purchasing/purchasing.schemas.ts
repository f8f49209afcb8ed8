import { Type, type TSchema } from '@sinclair/typebox';
import { BusinessDate, Currency, DecimalString, MoneyMinor, Nullable, PositiveDecimalString, Timestamp, Uuid } from '../../platform/http/common.schema.ts';
import { PURCHASE_ORDER_STATUSES } from './rules/purchase-order.rules.ts';

/** Request and response schemas of the purchasing routes (registered with $id in app.ts). */

const ex = { supplierId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c40', itemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', warehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c47' };
const PartNumber = Type.String({ minLength: 1, maxLength: 64 });
const Qty = Type.String({ pattern: '^-?\\d{1,12}(\\.\\d{1,6})?$', description: 'Quantity in stocking units, a decimal string (must be positive)' });

export const SupplierItemSchema = Type.Object(
  {
    supplierId: Uuid,
    itemId: Uuid,
    supplierPartNumber: Type.String(),
    cost: DecimalString,
    leadTimeDays: Type.Integer(),
    minOrderQty: DecimalString,
    packSize: DecimalString,
    active: Type.Boolean(),
    revision: Type.Integer(),
  },
  { $id: 'SupplierItem', additionalProperties: false, examples: [{ ...ex, supplierPartNumber: 'AC-4471', cost: '1.42', leadTimeDays: 7, minOrderQty: '48', packSize: '12', active: true, revision: 1 }] },
);

export const CreateSupplierItemBody = Type.Object(
  {
    itemId: Uuid,
    supplierPartNumber: PartNumber,
    cost: PositiveDecimalString,
    leadTimeDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
    minOrderQty: Type.Optional(PositiveDecimalString),
    packSize: Type.Optional(PositiveDecimalString),
  },
  { additionalProperties: false, examples: [{ itemId: ex.itemId, supplierPartNumber: 'AC-4471', cost: '1.42', leadTimeDays: 7, minOrderQty: '48', packSize: '12' }] },
);

export const UpdateSupplierItemBody = Type.Object(
  {
    supplierPartNumber: Type.Optional(PartNumber),
    cost: Type.Optional(PositiveDecimalString),
    leadTimeDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
    minOrderQty: Type.Optional(PositiveDecimalString),
    packSize: Type.Optional(PositiveDecimalString),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const SupplierBankDetailsBody = Type.Object(
  { accountHolder: Type.String({ minLength: 1, maxLength: 140 }), accountNumber: Type.String({ minLength: 4, maxLength: 40 }), routing: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })) },
  { additionalProperties: false, examples: [{ accountHolder: 'Acme Supply Co.', accountNumber: 'DE89370400440532013000', routing: 'COBADEFFXXX' }] },
);

export const SupplierBankDetailsSchema = Type.Object(
  { supplierId: Uuid, accountHolder: Type.String(), accountNumberMasked: Type.String(), routingMasked: Nullable(Type.String()), revision: Type.Integer(), updatedAt: Timestamp },
  { $id: 'SupplierBankDetails', additionalProperties: false, description: 'Bank details as shown: account number and routing masked to their last four characters' },
);

const StatusUnion = Type.Union(PURCHASE_ORDER_STATUSES.map((status) => Type.Literal(status)));

export const PurchaseOrderLineSchema = Type.Object(
  {
    lineId: Uuid,
    lineNumber: Type.Integer(),
    itemId: Uuid,
    qty: DecimalString,
    unitCost: DecimalString,
    lineTotalMinor: MoneyMinor,
    expectedDate: Nullable(BusinessDate),
    qtyReceived: DecimalString,
    status: Type.Union([Type.Literal('open'), Type.Literal('partially_received'), Type.Literal('received'), Type.Literal('cancelled')]),
  },
  { additionalProperties: false },
);

const headerProperties = {
  purchaseOrderId: Uuid,
  poNumber: Type.String(),
  supplierId: Uuid,
  warehouseId: Uuid,
  status: StatusUnion,
  currency: Currency,
  orderDate: BusinessDate,
  expectedDate: Nullable(BusinessDate),
  totalMinor: MoneyMinor,
  notes: Nullable(Type.String()),
  revision: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Timestamp,
  approvedBy: Nullable(Type.String()),
  approvedAt: Nullable(Timestamp),
  sentAt: Nullable(Timestamp),
};

export const PurchaseOrderHeaderSchema = Type.Object(headerProperties, { $id: 'PurchaseOrderHeader', additionalProperties: false });
export const PurchaseOrderSchema = Type.Object(
  { ...headerProperties, lines: Type.Array(PurchaseOrderLineSchema) },
  { $id: 'PurchaseOrder', additionalProperties: false, description: 'A purchase order; the ETag header carries its revision for If-Match' },
);

const PoLineInput = Type.Object(
  { itemId: Uuid, qty: Qty, unitCost: Type.Optional(PositiveDecimalString), expectedDate: Type.Optional(BusinessDate) },
  { additionalProperties: false, description: 'unitCost defaults to the supplier item\'s cost' },
);

export const CreatePurchaseOrderBody = Type.Object(
  {
    supplierId: Uuid,
    warehouseId: Uuid,
    currency: Type.Optional(Currency),
    expectedDate: Type.Optional(BusinessDate),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
    lines: Type.Array(PoLineInput, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false, examples: [{ supplierId: ex.supplierId, warehouseId: ex.warehouseId, expectedDate: '2026-12-10', lines: [{ itemId: ex.itemId, qty: '48' }] }] },
);

export const RevisePurchaseOrderBody = Type.Object(
  { expectedDate: Type.Optional(Nullable(BusinessDate)), notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))), lines: Type.Array(PoLineInput, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);

export const PurchaseOrderListQuery = Type.Object({ status: Type.Optional(StatusUnion), supplierId: Type.Optional(Uuid), warehouseId: Type.Optional(Uuid) });

export const CreateReceiptBody = Type.Object(
  {
    purchaseOrderId: Type.Optional(Uuid),
    poNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    warehouseId: Type.Optional(Uuid),
    binId: Type.Optional(Uuid),
    lines: Type.Array(Type.Object({ scan: Type.String({ minLength: 1, maxLength: 64, description: 'GTIN, SKU or the supplier\'s part number' }), qty: Qty }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 200,
    }),
  },
  { additionalProperties: false, description: 'Name the purchase order by purchaseOrderId or poNumber', examples: [{ poNumber: 'PO-000012', lines: [{ scan: '04006381333931', qty: '24' }] }] },
);

export const ReceiptSchema = Type.Object(
  {
    receiptId: Uuid,
    receiptNumber: Type.String(),
    purchaseOrderId: Uuid,
    poNumber: Type.String(),
    poStatus: StatusUnion,
    warehouseId: Uuid,
    receiptDate: BusinessDate,
    totalMinor: MoneyMinor,
    lines: Type.Array(
      Type.Object(
        { lineNumber: Type.Integer(), poLineId: Uuid, itemId: Uuid, scan: Type.String(), qty: DecimalString, unitCost: DecimalString, valueMinor: MoneyMinor, binId: Nullable(Uuid) },
        { additionalProperties: false },
      ),
    ),
    backordersReleased: Type.Array(Type.Object({ orderId: Uuid, lineId: Uuid, qty: DecimalString }, { additionalProperties: false }), { description: 'Backordered sales order lines the receipt allocated, oldest order first' }),
    putawayTaskIds: Type.Array(Uuid),
  },
  { $id: 'Receipt', additionalProperties: false },
);

export const PutawayTaskSchema = Type.Object(
  {
    taskId: Uuid,
    receiptId: Uuid,
    receiptLineNumber: Type.Integer(),
    warehouseId: Uuid,
    itemId: Uuid,
    sku: Type.String(),
    gtin: Nullable(Type.String()),
    fromBinId: Uuid,
    fromBinCode: Type.String(),
    suggestedBinId: Nullable(Uuid),
    suggestedBinCode: Nullable(Type.String()),
    qty: DecimalString,
    qtyPutAway: DecimalString,
    qtyRemaining: Type.String({ pattern: DecimalString.pattern, description: 'Left to put away: qty − qtyPutAway while open; 0 once done (also short) or cancelled' }),
    fromBinShort: Type.Boolean({ description: 'Open and the from-bin holds less than qtyRemaining: GET /v1/putaway-tasks/next skips it; cancel it' }),
    status: Type.Union([Type.Literal('open'), Type.Literal('done'), Type.Literal('cancelled')]),
    assignedTo: Nullable(Type.String()),
    createdAt: Timestamp,
    completedAt: Nullable(Timestamp),
  },
  {
    $id: 'PutawayTask',
    additionalProperties: false,
    examples: [
      {
        taskId: '0190f6a1-7c2e-7b3a-9d41-5a6b7c8d9e0f',
        receiptId: '0190f6a1-7c2e-7b3a-9d41-5a6b7c8d9e10',
        receiptLineNumber: 1,
        warehouseId: ex.warehouseId,
        itemId: ex.itemId,
        sku: 'WIDGET-01',
        gtin: '04006381333931',
        fromBinId: '0190f6a1-7c2e-7b3a-9d41-5a6b7c8d9e11',
        fromBinCode: 'RCV-01',
        suggestedBinId: '0190f6a1-7c2e-7b3a-9d41-5a6b7c8d9e12',
        suggestedBinCode: 'A-07',
        qty: '24',
        qtyPutAway: '0',
        qtyRemaining: '24',
        fromBinShort: false,
        status: 'open',
        assignedTo: 'key:0190f6a1-7c2e-7b3a-9d41-5a6b7c8d9e13',
        createdAt: '2026-12-04T09:00:00.000Z',
        completedAt: null,
      },
    ],
  },
);

export const ConfirmPutawayBody = Type.Object(
  {
    binScan: Type.String({ minLength: 1, maxLength: 64 }),
    itemScan: Type.String({ minLength: 1, maxLength: 64 }),
    qty: Qty,
    short: Type.Optional(
      Type.Boolean({ description: 'The source bin holds less than the task says (picked from the dock first): move what it holds, up to qty, and close the task' }),
    ),
  },
  { additionalProperties: false, examples: [{ binScan: 'A-01', itemScan: '04006381333931', qty: '24' }, { binScan: 'A-01', itemScan: '04006381333931', qty: '24', short: true }] },
);

export const CancelPutawayBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false, examples: [{ reason: 'wave W-000031 picked the stock out of RCV-01 before putaway' }] },
);

export const purchasingSchemas: TSchema[] = [SupplierItemSchema, SupplierBankDetailsSchema, PurchaseOrderHeaderSchema, PurchaseOrderSchema, ReceiptSchema, PutawayTaskSchema];
