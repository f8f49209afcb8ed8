import { Type } from '@sinclair/typebox';
import { BusinessDate, Currency, Nullable, Timestamp, Uuid } from '../../platform/http/common.schema.ts';
import { MAX_INPUT_MINOR, PAYMENT_APPLICATIONS_MAX } from '../../platform/limits.ts';

/** Request and response shapes of the payment, cash-application and AR-aging routes; the $id schemas are registered by buildApp. */

const PositiveMinor = Type.Integer({ minimum: 1, maximum: MAX_INPUT_MINOR, description: 'Integer minor units (e.g. cents), > 0, at most 10^12' });
const Method = Type.Union([Type.Literal('check'), Type.Literal('ach'), Type.Literal('wire'), Type.Literal('card'), Type.Literal('cash'), Type.Literal('other')]);

const ApplicationTarget = Type.Object(
  {
    openItemId: Type.Optional(Uuid),
    documentNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'An invoice or opening-balance number, e.g. INV-000012' })),
    amountMinor: PositiveMinor,
  },
  { additionalProperties: false, description: 'A debit open item, named by exactly one of openItemId and documentNumber, and the amount to apply to it' },
);
const ApplicationTargets = Type.Array(ApplicationTarget, { maxItems: PAYMENT_APPLICATIONS_MAX });

export const RecordPaymentBody = Type.Object(
  {
    customerId: Uuid,
    amountMinor: PositiveMinor,
    paymentDate: Type.Optional(BusinessDate),
    method: Method,
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Check number, wire reference, …' })),
    applications: Type.Optional(ApplicationTargets),
  },
  {
    additionalProperties: false,
    description: 'paymentDate defaults to today in the tenant\'s time zone and may not be in the future. What is not applied stays on account as an unapplied credit.',
    examples: [{ customerId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45', amountMinor: 11625, method: 'check', reference: '10442', applications: [{ documentNumber: 'INV-000012', amountMinor: 11625 }] }],
  },
);

export const ApplyPaymentBody = Type.Object({ applications: ApplicationTargets }, { additionalProperties: false });

export const ApplyCustomerCreditBody = Type.Object(
  { sourceOpenItemId: Uuid, targets: ApplicationTargets },
  { additionalProperties: false, description: 'Applies a credit open item of the customer (a credit memo, an unapplied payment, a negative opening balance) to its debit items' },
);

export const PaymentParams = Type.Object({ paymentId: Uuid });
export const CustomerParams = Type.Object({ customerId: Uuid });

export const PaymentListQuery = Type.Object({
  customerId: Type.Optional(Uuid),
  from: Type.Optional(BusinessDate),
  to: Type.Optional(BusinessDate),
});

const paymentFields = {
  paymentId: Uuid,
  paymentNumber: Type.String(),
  customerId: Uuid,
  paymentDate: BusinessDate,
  currency: Currency,
  amountMinor: Type.Integer(),
  method: Method,
  reference: Nullable(Type.String()),
  openItemId: Type.String({ format: 'uuid', description: "The payment's own open item: negative while part of it is unapplied" }),
  appliedMinor: Type.Integer(),
  unappliedMinor: Type.Integer({ description: 'Still on account, to be applied' }),
  createdAt: Timestamp,
};
const paymentExample = {
  paymentId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c60',
  paymentNumber: 'PAY-000007',
  customerId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45',
  paymentDate: '2026-12-10',
  currency: 'USD',
  amountMinor: 15000,
  method: 'check',
  reference: '10442',
  openItemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c61',
  appliedMinor: 11625,
  unappliedMinor: 3375,
  createdAt: '2026-12-10T15:04:05.000Z',
};

export const PaymentSchema = Type.Object(paymentFields, { $id: 'Payment', additionalProperties: false, examples: [paymentExample] });

export const PaymentApplicationSchema = Type.Object(
  {
    applicationId: Uuid,
    openItemId: Uuid,
    documentType: Type.String(),
    documentNumber: Type.String(),
    amountMinor: Type.Integer(),
    appliedOn: BusinessDate,
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);

export const PaymentDetailSchema = Type.Object(
  { ...paymentFields, applications: Type.Array(PaymentApplicationSchema) },
  {
    $id: 'PaymentDetail',
    additionalProperties: false,
    examples: [
      {
        ...paymentExample,
        applications: [
          {
            applicationId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c62',
            openItemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c49',
            documentType: 'invoice',
            documentNumber: 'INV-000012',
            amountMinor: 11625,
            appliedOn: '2026-12-10',
            createdAt: '2026-12-10T15:04:05.000Z',
          },
        ],
      },
    ],
  },
);

export const CashApplicationSchema = Type.Object(
  {
    sourceOpenItemId: Uuid,
    unappliedMinor: Type.Integer({ description: 'What the credit still has to apply after this' }),
    applications: Type.Array(
      Type.Object(
        {
          applicationId: Uuid,
          openItemId: Uuid,
          documentType: Type.String(),
          documentNumber: Type.String(),
          amountMinor: Type.Integer(),
          openMinorAfter: Type.Integer({ description: 'What the debit item still has open' }),
          appliedOn: BusinessDate,
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    $id: 'CashApplication',
    additionalProperties: false,
    examples: [
      {
        sourceOpenItemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c70',
        unappliedMinor: 0,
        applications: [
          {
            applicationId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c71',
            openItemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c49',
            documentType: 'invoice',
            documentNumber: 'INV-000012',
            amountMinor: 2500,
            openMinorAfter: 9125,
            appliedOn: '2026-12-10',
          },
        ],
      },
    ],
  },
);

const agingAmountFields = {
  current: Type.Integer({ description: 'Not yet due (or due on asOf)' }),
  days1To30: Type.Integer(),
  days31To60: Type.Integer(),
  days61To90: Type.Integer(),
  over90: Type.Integer(),
  unappliedCredits: Type.Integer({ description: 'Unapplied payments and credit memos (negative); not aged' }),
  totalMinor: Type.Integer({ description: 'Σ of the columns = Σ open items' }),
};

export const ArAgingQuery = Type.Object({
  asOf: Type.Optional(BusinessDate),
  customerId: Type.Optional(Uuid),
});

export const ArAgingReportSchema = Type.Object(
  {
    asOf: BusinessDate,
    currency: Currency,
    customers: Type.Array(Type.Object({ customerId: Uuid, code: Type.String(), name: Type.String(), ...agingAmountFields }, { additionalProperties: false })),
    totals: Type.Object(agingAmountFields, { additionalProperties: false }),
  },
  {
    $id: 'ArAgingReport',
    additionalProperties: false,
    description: 'Amounts in integer minor units of the currency',
    examples: [
      {
        asOf: '2026-12-10',
        currency: 'USD',
        customers: [
          { customerId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45', code: 'ACME', name: 'Acme Janitorial Supply', current: 11625, days1To30: 4000, days31To60: 0, days61To90: 0, over90: 2500, unappliedCredits: -3375, totalMinor: 14750 },
        ],
        totals: { current: 11625, days1To30: 4000, days31To60: 0, days61To90: 0, over90: 2500, unappliedCredits: -3375, totalMinor: 14750 },
      },
    ],
  },
);

export const paymentSchemas = [PaymentSchema, PaymentDetailSchema, CashApplicationSchema, ArAgingReportSchema];
