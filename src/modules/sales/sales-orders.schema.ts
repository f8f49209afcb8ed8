import { Type, type Static } from '@sinclair/typebox';
import { BusinessDate, Currency, DecimalString, MoneyMinor, Nullable, Timestamp, Uuid } from '../../platform/http/common.schema.ts';
import { SALES_ORDER_LINES_MAX } from '../../platform/limits.ts';
import { ORDER_STATUSES } from './rules/order-status.rules.ts';

/** Request and response schemas of the sales routes (registered with $id in app.ts). */

const Unit = Type.String({ pattern: '^[A-Z0-9]{1,6}$', description: 'Ordered unit (EA, CA, …); the item\'s stocking unit when absent' });

const LineItemRef = {
  itemId: Type.Optional(Uuid),
  sku: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  gtin: Type.Optional(Type.String({ pattern: '^[0-9]{8,14}$' })),
  customerPartNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
};

export const OrderLineInputSchema = Type.Object(
  {
    ...LineItemRef,
    unit: Type.Optional(Unit),
    qty: Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,6})?$', description: 'Quantity in the ordered unit, a positive decimal string (up to 6 places)' }),
    requestedDate: Type.Optional(Nullable(BusinessDate)),
  },
  { additionalProperties: false, description: 'Names its item by exactly one of itemId, sku, gtin, customerPartNumber' },
);

export const CreateSalesOrderBody = Type.Object(
  {
    customerId: Uuid,
    shipToId: Uuid,
    currency: Type.Optional(Currency),
    customerPo: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    requestedDate: Type.Optional(Nullable(BusinessDate)),
    source: Type.Optional(Type.Union([Type.Literal('api'), Type.Literal('edi'), Type.Literal('ui')])),
    lines: Type.Array(OrderLineInputSchema, { minItems: 1, maxItems: SALES_ORDER_LINES_MAX }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        customerId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44',
        shipToId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45',
        customerPo: 'PO-4471',
        lines: [{ sku: 'BOLT-M8-40', unit: 'CA', qty: '2' }, { customerPartNumber: 'ACME-991', qty: '5' }],
      },
    ],
  },
);

export const ReviseSalesOrderBody = Type.Object(
  {
    shipToId: Type.Optional(Uuid),
    customerPo: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    requestedDate: Type.Optional(Nullable(BusinessDate)),
    lines: Type.Array(
      Type.Object(
        {
          lineId: Type.Optional(Type.String({ format: 'uuid', description: 'An existing line: only unit and qty may change' })),
          ...OrderLineInputSchema.properties,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: SALES_ORDER_LINES_MAX, description: 'The new line list: existing lines by lineId, new ones without; lines left out are cancelled' },
    ),
  },
  { additionalProperties: false, examples: [{ lines: [{ lineId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c46', qty: '3' }, { sku: 'NUT-M8', qty: '100' }] }] },
);

const PriceCandidateSchema = Type.Object({
  rule: Type.String(),
  reference: Type.String(),
  unitPrice: Nullable(Type.String()),
  applies: Type.Boolean(),
  reason: Type.String(),
});

export const SalesOrderLineSchema = Type.Object(
  {
    lineId: Uuid,
    lineNumber: Type.Integer(),
    itemId: Uuid,
    customerPartNumber: Nullable(Type.String()),
    unit: Type.String(),
    qty: DecimalString,
    qtyBase: Type.String({ description: 'The quantity in the item\'s stocking unit' }),
    unitPrice: DecimalString,
    priceRule: Type.String({ description: 'The winning price rule' }),
    priceExplanation: Type.Object(
      { winner: PriceCandidateSchema, candidates: Type.Array(PriceCandidateSchema), precedence: Type.Array(Type.String()) },
      { description: 'The winning rule and every candidate it beat, with the reason each applied or not' },
    ),
    lineAmountMinor: MoneyMinor,
    taxClass: Type.String(),
    jurisdictionCode: Type.String(),
    taxRate: DecimalString,
    taxExemptCertificate: Nullable(Type.String()),
    taxMinor: MoneyMinor,
    qtyAllocated: DecimalString,
    qtyBackordered: DecimalString,
    qtyCancelled: DecimalString,
    qtyShipped: DecimalString,
    requestedDate: Nullable(BusinessDate),
    reservations: Type.Array(Type.Object({ warehouseId: Uuid, qty: DecimalString }), { description: 'Open reservations of the line, per warehouse, in stocking units' }),
  },
  { additionalProperties: false },
);

const headerProperties = {
  orderId: Uuid,
  orderNumber: Type.String(),
  customerId: Uuid,
  shipToId: Uuid,
  status: Type.Union(ORDER_STATUSES.map((status) => Type.Literal(status))),
  creditStatus: Type.Union([Type.Literal('unchecked'), Type.Literal('approved'), Type.Literal('held'), Type.Literal('released')]),
  holdReasons: Type.Array(Type.Union([Type.Literal('credit_limit_exceeded'), Type.Literal('past_due')])),
  source: Type.String(),
  customerPo: Nullable(Type.String()),
  currency: Currency,
  orderDate: BusinessDate,
  requestedDate: Nullable(BusinessDate),
  roundingMethod: Type.String(),
  subtotalMinor: MoneyMinor,
  taxMinor: MoneyMinor,
  freightMinor: MoneyMinor,
  totalMinor: MoneyMinor,
  revision: Type.Integer({ description: 'Send it back in If-Match to revise' }),
  createdBy: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  confirmedAt: Nullable(Timestamp),
  cancelledAt: Nullable(Timestamp),
};

export const SalesOrderHeaderSchema = Type.Object(headerProperties, { $id: 'SalesOrderHeader', additionalProperties: false });

export const SalesOrderSchema = Type.Object(
  { ...headerProperties, lines: Type.Array(SalesOrderLineSchema) },
  { $id: 'SalesOrder', additionalProperties: false },
);

export const SalesOrderParams = Type.Object({ orderId: Uuid }, { additionalProperties: false });

export const SalesOrderListQuery = Type.Object({
  status: Type.Optional(Type.Union(ORDER_STATUSES.map((status) => Type.Literal(status)))),
  customerId: Type.Optional(Uuid),
  orderDateFrom: Type.Optional(BusinessDate),
  orderDateTo: Type.Optional(BusinessDate),
});

export const CancelBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
export const ReleaseHoldBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });

export type CreateSalesOrderBodyType = Static<typeof CreateSalesOrderBody>;
