import { Type } from '@sinclair/typebox';
import { BusinessDate, Currency, DecimalString, MoneyMinor, Nullable, PositiveDecimalString, Timestamp, Uuid } from '../../platform/http/common.schema.ts';
import { MAX_INPUT_MINOR } from '../../platform/limits.ts';

/** Request and response schemas of invoices and credit memos (registered with $id in app.ts). */

export const JournalEntryRefSchema = Type.Object(
  {
    entryId: Uuid,
    entryDate: BusinessDate,
    description: Type.String(),
    reversesEntryId: Nullable(Uuid),
    lines: Type.Array(Type.Object({ account: Type.String({ description: 'The account\'s role (or name)' }), accountCode: Type.String(), debitMinor: MoneyMinor, creditMinor: MoneyMinor })),
  },
  { $id: 'JournalEntryRef', additionalProperties: false },
);

const invoiceHeader = {
  invoiceId: Uuid,
  invoiceNumber: Type.String({ description: 'Gapless, INV-' }),
  customerId: Uuid,
  orderId: Uuid,
  shipmentId: Nullable(Uuid),
  status: Type.Union([Type.Literal('posted'), Type.Literal('voided')]),
  invoiceDate: BusinessDate,
  dueDate: BusinessDate,
  currency: Currency,
  roundingMethod: Type.String(),
  subtotalMinor: MoneyMinor,
  taxMinor: MoneyMinor,
  freightMinor: MoneyMinor,
  freightTaxMinor: MoneyMinor,
  totalMinor: MoneyMinor,
  customerPo: Nullable(Type.String()),
  createdBy: Type.String(),
  createdAt: Timestamp,
  voidedAt: Nullable(Timestamp),
};

export const InvoiceHeaderSchema = Type.Object(invoiceHeader, { $id: 'InvoiceHeader', additionalProperties: false });

export const InvoiceSchema = Type.Object(
  {
    ...invoiceHeader,
    lines: Type.Array(
      Type.Object(
        {
          lineNumber: Type.Integer(),
          orderLineId: Uuid,
          itemId: Uuid,
          unit: Type.String(),
          qty: DecimalString,
          qtyBase: DecimalString,
          unitPrice: DecimalString,
          amountMinor: MoneyMinor,
          jurisdictionCode: Type.String(),
          taxRate: DecimalString,
          taxMinor: MoneyMinor,
        },
        { additionalProperties: false },
      ),
    ),
    openMinor: Type.Integer({ description: 'Still owed (the open item); 0 when voided or paid' }),
    journalEntries: Type.Array(Type.Ref(JournalEntryRefSchema)),
  },
  {
    $id: 'Invoice',
    additionalProperties: false,
    examples: [
      {
        invoiceNumber: 'INV-000001',
        status: 'posted',
        subtotalMinor: 10000,
        taxMinor: 725,
        freightMinor: 900,
        freightTaxMinor: 0,
        totalMinor: 11625,
        openMinor: 11625,
      },
    ],
  },
);

export const InvoiceParams = Type.Object({ invoiceId: Uuid }, { additionalProperties: false });
export const InvoiceListQuery = Type.Object({
  customerId: Type.Optional(Uuid),
  orderId: Type.Optional(Uuid),
  status: Type.Optional(Type.Union([Type.Literal('posted'), Type.Literal('voided')])),
  from: Type.Optional(BusinessDate),
  to: Type.Optional(BusinessDate),
});
export const VoidInvoiceBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false, examples: [{ reason: 'Billed to the wrong customer' }] });

const creditMemoHeader = {
  creditMemoId: Uuid,
  creditMemoNumber: Type.String({ description: 'Gapless, CM-' }),
  customerId: Uuid,
  invoiceId: Nullable(Uuid),
  memoDate: BusinessDate,
  reason: Type.String(),
  currency: Currency,
  subtotalMinor: MoneyMinor,
  taxMinor: MoneyMinor,
  freightMinor: MoneyMinor,
  totalMinor: MoneyMinor,
  returnWarehouseId: Nullable(Uuid),
  createdBy: Type.String(),
  createdAt: Timestamp,
};

export const CreditMemoHeaderSchema = Type.Object(creditMemoHeader, { $id: 'CreditMemoHeader', additionalProperties: false });
export const CreditMemoSchema = Type.Object(
  {
    ...creditMemoHeader,
    lines: Type.Array(
      Type.Object(
        { lineNumber: Type.Integer(), invoiceLineNumber: Type.Integer(), itemId: Uuid, qty: DecimalString, qtyBase: DecimalString, unitPrice: DecimalString, amountMinor: MoneyMinor, taxMinor: MoneyMinor, costMinor: MoneyMinor },
        { additionalProperties: false },
      ),
    ),
    journalEntries: Type.Array(Type.Ref(JournalEntryRefSchema)),
  },
  { $id: 'CreditMemo', additionalProperties: false },
);

export const CreateCreditMemoBody = Type.Object(
  {
    invoiceId: Uuid,
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    lines: Type.Array(Type.Object({ invoiceLineNumber: Type.Integer({ minimum: 1 }), qty: PositiveDecimalString }, { additionalProperties: false }), { maxItems: 500 }),
    freightMinor: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INPUT_MINOR })),
    returnToStock: Type.Optional(
      Type.Object(
        {
          warehouseId: Type.Optional(Uuid),
          binId: Type.Optional(Uuid),
        },
        { additionalProperties: false, description: 'The goods come back into stock at the cost they shipped at (default: the shipment\'s warehouse, its receiving bin); waiting backorders are allocated from them' },
      ),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      { invoiceId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', reason: 'Damaged in transit', lines: [{ invoiceLineNumber: 1, qty: '1' }] },
      { invoiceId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', reason: 'Returned unopened', lines: [{ invoiceLineNumber: 2, qty: '3' }], returnToStock: {} },
    ],
  },
);
export const CreditMemoParams = Type.Object({ creditMemoId: Uuid }, { additionalProperties: false });
export const CreditMemoListQuery = Type.Object({ customerId: Type.Optional(Uuid), invoiceId: Type.Optional(Uuid) });
