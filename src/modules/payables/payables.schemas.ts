import { Type, type TSchema } from '@sinclair/typebox';
import { BusinessDate, Currency, DecimalString, MoneyMinor, Nullable, Timestamp, Uuid } from '../../platform/http/common.schema.ts';
import { HOLD_CODES } from './rules/three-way-match.rules.ts';
import { SUPPLIER_INVOICE_STATUSES } from './supplier-invoices.queries.ts';

/** Request and response schemas of the payables routes (registered with $id in app.ts). */

const ex = {
  supplierId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c40',
  purchaseOrderId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c50',
  poLineId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c51',
  itemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44',
  supplierInvoiceId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c60',
  journalEntryId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c61',
  supplierPaymentId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c62',
};
/** Signed on purpose (like receipts): a negative value reaches the service and gets VALIDATION_FAILED with its field. */
const Qty = Type.String({ pattern: '^-?\\d{1,12}(\\.\\d{1,6})?$', description: 'Quantity billed in stocking units, a decimal string (must be positive)' });
const Price = Type.String({ pattern: '^-?\\d{1,12}(\\.\\d{1,6})?$', description: 'Unit price billed, a decimal string (not negative)' });
const StatusUnion = Type.Union(SUPPLIER_INVOICE_STATUSES.map((status) => Type.Literal(status)));

const HoldSchema = Type.Object(
  {
    code: Type.Union(HOLD_CODES.map((code) => Type.Literal(code))),
    detail: Type.String(),
    amountMinor: Type.Optional(Type.Integer({ description: 'Price holds: billed amount − the same quantity at PO cost (signed)' })),
    qty: Type.Optional(DecimalString),
  },
  { additionalProperties: false },
);

const InvoiceLineInput = Type.Object(
  {
    purchaseOrderId: Type.Optional(Uuid),
    poNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    poLineId: Type.Optional(Uuid),
    lineNumber: Type.Optional(Type.Integer({ minimum: 1 })),
    itemId: Type.Optional(Uuid),
    sku: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    qty: Qty,
    unitPrice: Price,
  },
  { additionalProperties: false, description: 'Name the PO (purchaseOrderId or poNumber) and its line (poLineId, lineNumber, or the item by itemId or sku when it is on one line)' },
);

export const CreateSupplierInvoiceBody = Type.Object(
  {
    supplierId: Uuid,
    supplierInvoiceNumber: Type.String({ minLength: 1, maxLength: 64 }),
    invoiceDate: BusinessDate,
    dueDate: Type.Optional(BusinessDate),
    freightMinor: Type.Optional(Type.Integer({ minimum: 0 })),
    lines: Type.Array(InvoiceLineInput, { minItems: 1, maxItems: 200 }),
  },
  {
    additionalProperties: false,
    examples: [{ supplierId: ex.supplierId, supplierInvoiceNumber: 'A-88213', invoiceDate: '2026-12-10', freightMinor: 1500, lines: [{ poNumber: 'PO-000042', lineNumber: 1, qty: '10', unitPrice: '5.20' }] }],
  },
);

const InvoiceLineSchema = Type.Object(
  {
    lineNumber: Type.Integer(),
    purchaseOrderId: Uuid,
    poLineId: Uuid,
    itemId: Uuid,
    qty: DecimalString,
    unitPrice: DecimalString,
    amountMinor: MoneyMinor,
    poUnitCost: DecimalString,
    grniClearedMinor: MoneyMinor,
    ppvMinor: Type.Integer({ description: 'Purchase price variance posted for the line (signed); 0 until posted' }),
    holds: Type.Array(HoldSchema, { description: 'The latest match result of the line; kept after approval (the holds released)' }),
  },
  { additionalProperties: false },
);

const headerProperties = {
  supplierInvoiceId: Uuid,
  invoiceNumber: Type.String(),
  supplierId: Uuid,
  supplierInvoiceNumber: Type.String(),
  invoiceDate: BusinessDate,
  dueDate: BusinessDate,
  currency: Currency,
  status: StatusUnion,
  goodsMinor: MoneyMinor,
  freightMinor: MoneyMinor,
  totalMinor: MoneyMinor,
  journalEntryId: Nullable(Uuid),
  revision: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Timestamp,
  approvedBy: Nullable(Type.String()),
  approvedAt: Nullable(Timestamp),
  postedAt: Nullable(Timestamp),
  rejectedBy: Nullable(Type.String()),
  rejectedAt: Nullable(Timestamp),
  rejectReason: Nullable(Type.String()),
};

const headerExample = {
  supplierInvoiceId: ex.supplierInvoiceId,
  invoiceNumber: 'SINV-000007',
  supplierId: ex.supplierId,
  supplierInvoiceNumber: 'A-88213',
  invoiceDate: '2026-12-10',
  dueDate: '2027-01-09',
  currency: 'USD',
  status: 'posted',
  goodsMinor: 5200,
  freightMinor: 1500,
  totalMinor: 6700,
  journalEntryId: ex.journalEntryId,
  revision: 2,
  createdBy: 'user:buyer',
  createdAt: '2026-12-10T14:03:11.000Z',
  approvedBy: null,
  approvedAt: null,
  postedAt: '2026-12-10T14:03:11.000Z',
  rejectedBy: null,
  rejectedAt: null,
  rejectReason: null,
};

export const SupplierInvoiceHeaderSchema = Type.Object(headerProperties, { $id: 'SupplierInvoiceHeader', additionalProperties: false, examples: [headerExample] });
export const SupplierInvoiceSchema = Type.Object(
  { ...headerProperties, lines: Type.Array(InvoiceLineSchema), openMinor: Nullable(MoneyMinor) },
  {
    $id: 'SupplierInvoice',
    additionalProperties: false,
    description: 'A supplier invoice with its lines and their match result; openMinor is what is still owed once posted',
    examples: [
      {
        ...headerExample,
        openMinor: 6700,
        lines: [
          { lineNumber: 1, purchaseOrderId: ex.purchaseOrderId, poLineId: ex.poLineId, itemId: ex.itemId, qty: '10', unitPrice: '5.2', amountMinor: 5200, poUnitCost: '5', grniClearedMinor: 5000, ppvMinor: 200, holds: [] },
        ],
      },
    ],
  },
);

export const SupplierInvoiceListQuery = Type.Object({
  status: Type.Optional(StatusUnion),
  supplierId: Type.Optional(Uuid),
  from: Type.Optional(BusinessDate),
  to: Type.Optional(BusinessDate),
});

export const RejectSupplierInvoiceBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false, examples: [{ reason: 'Price not agreed; supplier to re-issue at PO price' }] });

export const CreateSupplierPaymentBody = Type.Object(
  {
    supplierId: Uuid,
    paymentDate: Type.Optional(BusinessDate),
    amountMinor: Type.Integer({ minimum: 1 }),
    reference: Type.Optional(Type.String({ maxLength: 100 })),
    applications: Type.Array(Type.Object({ supplierInvoiceId: Uuid, amountMinor: Type.Integer() }, { additionalProperties: false }), { minItems: 1, maxItems: 200 }),
  },
  {
    additionalProperties: false,
    description: 'Σ applications must equal amountMinor (no unapplied supplier credits)',
    examples: [{ supplierId: ex.supplierId, paymentDate: '2026-12-20', amountMinor: 6700, reference: 'ACH 55120', applications: [{ supplierInvoiceId: ex.supplierInvoiceId, amountMinor: 6700 }] }],
  },
);

const paymentProperties = {
  supplierPaymentId: Uuid,
  paymentNumber: Type.String(),
  supplierId: Uuid,
  paymentDate: BusinessDate,
  currency: Currency,
  amountMinor: MoneyMinor,
  reference: Nullable(Type.String()),
  journalEntryId: Uuid,
  createdBy: Type.String(),
  createdAt: Timestamp,
};
const paymentExample = {
  supplierPaymentId: ex.supplierPaymentId,
  paymentNumber: 'SPAY-000003',
  supplierId: ex.supplierId,
  paymentDate: '2026-12-20',
  currency: 'USD',
  amountMinor: 6700,
  reference: 'ACH 55120',
  journalEntryId: ex.journalEntryId,
  createdBy: 'user:controller',
  createdAt: '2026-12-20T09:00:00.000Z',
};

export const SupplierPaymentSchema = Type.Object(paymentProperties, { $id: 'SupplierPayment', additionalProperties: false, examples: [paymentExample] });
export const SupplierPaymentDetailSchema = Type.Object(
  {
    ...paymentProperties,
    applications: Type.Array(
      Type.Object(
        { supplierInvoiceId: Uuid, invoiceNumber: Type.String(), supplierInvoiceNumber: Nullable(Type.String()), amountMinor: MoneyMinor, invoiceOpenMinor: Type.Integer({ description: 'What the invoice has open now' }) },
        { additionalProperties: false },
      ),
    ),
  },
  {
    $id: 'SupplierPaymentDetail',
    additionalProperties: false,
    examples: [{ ...paymentExample, applications: [{ supplierInvoiceId: ex.supplierInvoiceId, invoiceNumber: 'SINV-000007', supplierInvoiceNumber: 'A-88213', amountMinor: 6700, invoiceOpenMinor: 0 }] }],
  },
);

export const SupplierPaymentListQuery = Type.Object({ supplierId: Type.Optional(Uuid), from: Type.Optional(BusinessDate), to: Type.Optional(BusinessDate) });

const apAgingFields = {
  current: Type.Integer({ description: 'Not yet due (or due on asOf)' }),
  days1To30: Type.Integer(),
  days31To60: Type.Integer(),
  days61To90: Type.Integer(),
  over90: Type.Integer(),
  totalMinor: Type.Integer({ description: 'Σ of the columns = Σ payable open items' }),
};

export const ApAgingQuery = Type.Object({ asOf: Type.Optional(BusinessDate), supplierId: Type.Optional(Uuid) });

export const ApAgingReportSchema = Type.Object(
  {
    asOf: BusinessDate,
    currency: Currency,
    suppliers: Type.Array(Type.Object({ supplierId: Uuid, code: Type.String(), name: Type.String(), ...apAgingFields }, { additionalProperties: false })),
    totals: Type.Object(apAgingFields, { additionalProperties: false }),
  },
  {
    $id: 'ApAgingReport',
    additionalProperties: false,
    description: 'What we owe, in integer minor units of the currency; the total equals − the GL accounts payable balance',
    examples: [
      {
        asOf: '2026-12-31',
        currency: 'USD',
        suppliers: [{ supplierId: ex.supplierId, code: 'ACME-SUP', name: 'Acme Supply Co.', current: 6700, days1To30: 0, days31To60: 12000, days61To90: 0, over90: 0, totalMinor: 18700 }],
        totals: { current: 6700, days1To30: 0, days31To60: 12000, days61To90: 0, over90: 0, totalMinor: 18700 },
      },
    ],
  },
);

export const payablesSchemas: TSchema[] = [SupplierInvoiceHeaderSchema, SupplierInvoiceSchema, SupplierPaymentSchema, SupplierPaymentDetailSchema, ApAgingReportSchema];
