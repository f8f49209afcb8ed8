import { Type } from '@sinclair/typebox';
import { BusinessDate, Code, Currency, Nullable, Uuid } from '../../platform/http/common.schema.ts';

/** Request and response shapes of the partners routes; the $id schemas are registered by buildApp. */

const CreditLimitMinor = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Credit limit in minor units of the customer currency; 0 = no credit' });
const Days = (description: string) => Type.Integer({ minimum: 0, maximum: 365, description });
const FreightTerms = Type.Union([Type.Literal('prepaid'), Type.Literal('collect'), Type.Literal('prepaid_and_add')]);
const RemainderPolicy = Type.Union([Type.Literal('backorder'), Type.Literal('cancel')], {
  description: 'What happens to the part of a line that cannot be reserved',
});
const JurisdictionCode = Type.String({ pattern: '^[A-Z0-9_-]{1,32}$', description: 'A tax jurisdiction code, e.g. US-TX-AUSTIN' });
const TaxClass = Type.String({ pattern: '^[a-z0-9_]{1,32}$' });
const Rate = Type.String({ pattern: '^0(\\.\\d{1,6})?$', description: 'A tax rate as a decimal fraction: "0.0725" for 7.25 %' });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const Tier = Type.String({ minLength: 1, maxLength: 32, description: 'Customer tier, for matrix discounts' });

export const CustomerSchema = Type.Object(
  {
    customerId: Uuid,
    code: Code,
    name: Type.String(),
    currency: Currency,
    creditLimitMinor: Type.Integer(),
    paymentTermsDays: Type.Integer(),
    pastDueToleranceDays: Type.Integer({ description: 'Days an open item may be past due before new orders are held' }),
    customerTier: Nullable(Type.String()),
    priceListId: Nullable(Uuid),
    defaultWarehouseId: Nullable(Uuid),
    freightTerms: FreightTerms,
    allowPartialShipment: Type.Boolean(),
    remainderPolicy: RemainderPolicy,
    allowSplitWarehouses: Type.Boolean(),
    active: Type.Boolean(),
    revision: Type.Integer({ description: 'Send it back as If-Match to change the customer' }),
  },
  {
    $id: 'Customer',
    additionalProperties: false,
    examples: [
      {
        customerId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45',
        code: 'ACME',
        name: 'Acme Janitorial Supply',
        currency: 'USD',
        creditLimitMinor: 2500000,
        paymentTermsDays: 30,
        pastDueToleranceDays: 10,
        customerTier: 'gold',
        priceListId: null,
        defaultWarehouseId: null,
        freightTerms: 'prepaid_and_add',
        allowPartialShipment: true,
        remainderPolicy: 'backorder',
        allowSplitWarehouses: false,
        active: true,
        revision: 1,
      },
    ],
  },
);

const customerPolicyFields = {
  creditLimitMinor: Type.Optional(CreditLimitMinor),
  paymentTermsDays: Type.Optional(Days('Days from invoice date to due date')),
  pastDueToleranceDays: Type.Optional(Days('Days an open item may be past due before new orders are held')),
  customerTier: Type.Optional(Nullable(Tier)),
  priceListId: Type.Optional(Nullable(Uuid)),
  defaultWarehouseId: Type.Optional(Nullable(Uuid)),
  freightTerms: Type.Optional(FreightTerms),
  allowPartialShipment: Type.Optional(Type.Boolean()),
  remainderPolicy: Type.Optional(RemainderPolicy),
  allowSplitWarehouses: Type.Optional(Type.Boolean()),
};

export const CreateCustomerBody = Type.Object(
  { code: Code, name: Text(200), currency: Type.Optional(Currency), ...customerPolicyFields },
  {
    additionalProperties: false,
    description: 'Currency defaults to the tenant\'s functional currency and may not differ from it (CURRENCY_NOT_SUPPORTED).',
    examples: [{ code: 'ACME', name: 'Acme Janitorial Supply', creditLimitMinor: 2500000, paymentTermsDays: 30, pastDueToleranceDays: 10 }],
  },
);

export const UpdateCustomerBody = Type.Object(
  { name: Type.Optional(Text(200)), ...customerPolicyFields },
  { additionalProperties: false, minProperties: 1, description: 'The fields to change; code and currency never change.', examples: [{ creditLimitMinor: 5000000 }] },
);

export const CustomerListQuery = Type.Object({
  active: Type.Optional(Type.Boolean()),
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Text in the code or name (case-insensitive)' })),
  customerTier: Type.Optional(Type.String({ maxLength: 32 })),
});

export const CustomerParams = Type.Object({ customerId: Uuid }, { additionalProperties: false });

export const ShipToSchema = Type.Object(
  {
    shipToId: Uuid,
    customerId: Uuid,
    code: Code,
    name: Type.String(),
    addressLine1: Type.String(),
    addressLine2: Nullable(Type.String()),
    city: Type.String(),
    region: Nullable(Type.String()),
    postalCode: Nullable(Type.String()),
    country: Type.String(),
    jurisdictionCode: JurisdictionCode,
    defaultWarehouseId: Nullable(Uuid),
    active: Type.Boolean(),
  },
  {
    $id: 'ShipTo',
    additionalProperties: false,
    examples: [
      {
        shipToId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c46',
        customerId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45',
        code: 'MAIN',
        name: 'Acme main dock',
        addressLine1: '100 Commerce St',
        addressLine2: null,
        city: 'Austin',
        region: 'TX',
        postalCode: '78701',
        country: 'US',
        jurisdictionCode: 'US-TX-AUSTIN',
        defaultWarehouseId: null,
        active: true,
      },
    ],
  },
);

export const CreateShipToBody = Type.Object(
  {
    code: Code,
    name: Text(200),
    addressLine1: Text(200),
    addressLine2: Type.Optional(Nullable(Text(200))),
    city: Text(100),
    region: Type.Optional(Nullable(Text(100))),
    postalCode: Type.Optional(Nullable(Text(20))),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
    jurisdictionCode: JurisdictionCode,
    defaultWarehouseId: Type.Optional(Nullable(Uuid)),
  },
  {
    additionalProperties: false,
    examples: [{ code: 'MAIN', name: 'Acme main dock', addressLine1: '100 Commerce St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US', jurisdictionCode: 'US-TX-AUSTIN' }],
  },
);

export const ShipToParams = Type.Object({ customerId: Uuid, shipToId: Uuid }, { additionalProperties: false });

export const TaxExemptionSchema = Type.Object(
  {
    exemptionId: Uuid,
    customerId: Uuid,
    jurisdictionCode: Nullable(JurisdictionCode),
    certificateNumber: Type.String(),
    validFrom: BusinessDate,
    validTo: BusinessDate,
  },
  {
    $id: 'TaxExemption',
    additionalProperties: false,
    description: 'Exempts the customer from tax in one jurisdiction (all when jurisdictionCode is null) on business dates validFrom..validTo inclusive',
    examples: [
      {
        exemptionId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c47',
        customerId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45',
        jurisdictionCode: 'US-TX-AUSTIN',
        certificateNumber: 'TX-RESALE-88123',
        validFrom: '2026-01-01',
        validTo: '2027-12-31',
      },
    ],
  },
);

export const CreateTaxExemptionBody = Type.Object(
  { jurisdictionCode: Type.Optional(Nullable(JurisdictionCode)), certificateNumber: Text(64), validFrom: BusinessDate, validTo: BusinessDate },
  { additionalProperties: false, examples: [{ jurisdictionCode: 'US-TX-AUSTIN', certificateNumber: 'TX-RESALE-88123', validFrom: '2026-01-01', validTo: '2027-12-31' }] },
);

export const TaxJurisdictionSchema = Type.Object(
  {
    jurisdictionCode: JurisdictionCode,
    name: Type.String(),
    freightTaxable: Type.Boolean(),
    active: Type.Boolean(),
    rates: Type.Array(Type.Object({ taxClass: TaxClass, rate: Type.String() }, { additionalProperties: false }), {
      description: 'The rate of each tax class; a class without a row here is not taxed in this jurisdiction',
    }),
  },
  {
    $id: 'TaxJurisdiction',
    additionalProperties: false,
    examples: [{ jurisdictionCode: 'US-TX-AUSTIN', name: 'Austin, Texas', freightTaxable: true, active: true, rates: [{ taxClass: 'standard', rate: '0.0825' }] }],
  },
);

export const CreateTaxJurisdictionBody = Type.Object(
  {
    jurisdictionCode: JurisdictionCode,
    name: Text(200),
    freightTaxable: Type.Optional(Type.Boolean()),
    rates: Type.Optional(Type.Array(Type.Object({ taxClass: TaxClass, rate: Rate }, { additionalProperties: false }), { maxItems: 50 })),
  },
  { additionalProperties: false, examples: [{ jurisdictionCode: 'US-TX-AUSTIN', name: 'Austin, Texas', freightTaxable: true, rates: [{ taxClass: 'standard', rate: '0.0825' }] }] },
);

export const TaxJurisdictionParams = Type.Object({ jurisdictionCode: JurisdictionCode }, { additionalProperties: false });
export const TaxRateParams = Type.Object({ jurisdictionCode: JurisdictionCode, taxClass: TaxClass }, { additionalProperties: false });
export const SetTaxRateBody = Type.Object({ rate: Rate }, { additionalProperties: false, examples: [{ rate: '0.0825' }] });

export const SupplierSchema = Type.Object(
  {
    supplierId: Uuid,
    code: Code,
    name: Type.String(),
    currency: Currency,
    paymentTermsDays: Type.Integer(),
    active: Type.Boolean(),
    revision: Type.Integer(),
  },
  {
    $id: 'Supplier',
    additionalProperties: false,
    examples: [{ supplierId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c48', code: 'GLOVECO', name: 'GloveCo Manufacturing', currency: 'USD', paymentTermsDays: 45, active: true, revision: 1 }],
  },
);

export const CreateSupplierBody = Type.Object(
  { code: Code, name: Text(200), currency: Type.Optional(Currency), paymentTermsDays: Type.Optional(Days('Days from supplier invoice to due date')) },
  { additionalProperties: false, examples: [{ code: 'GLOVECO', name: 'GloveCo Manufacturing', paymentTermsDays: 45 }] },
);

export const UpdateSupplierBody = Type.Object(
  { name: Type.Optional(Text(200)), paymentTermsDays: Type.Optional(Days('Days from supplier invoice to due date')) },
  { additionalProperties: false, minProperties: 1, examples: [{ paymentTermsDays: 60 }] },
);

export const SupplierListQuery = Type.Object({
  active: Type.Optional(Type.Boolean()),
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Text in the code or name (case-insensitive)' })),
});

export const SupplierParams = Type.Object({ supplierId: Uuid }, { additionalProperties: false });

export const OpenItemSchema = Type.Object(
  {
    openItemId: Uuid,
    customerId: Uuid,
    documentType: Type.Union([Type.Literal('invoice'), Type.Literal('credit_memo'), Type.Literal('opening_balance')]),
    documentNumber: Type.String(),
    documentDate: BusinessDate,
    dueDate: BusinessDate,
    currency: Currency,
    amountMinor: Type.Integer({ description: 'Signed: credit memos are negative' }),
    openMinor: Type.Integer({ description: 'What is still open; 0 when fully paid' }),
    daysPastDue: Type.Integer({ description: "Days past the due date on the tenant's today; 0 when not due, paid, or a credit" }),
  },
  {
    $id: 'ReceivableOpenItem',
    additionalProperties: false,
    examples: [
      {
        openItemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c49',
        customerId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45',
        documentType: 'invoice',
        documentNumber: 'INV-000123',
        documentDate: '2026-11-02',
        dueDate: '2026-12-02',
        currency: 'USD',
        amountMinor: 11625,
        openMinor: 11625,
        daysPastDue: 3,
      },
    ],
  },
);

export const OpenItemListQuery = Type.Object({
  open: Type.Optional(Type.Boolean({ description: 'Only items with an open amount (true) or only settled ones (false)' })),
});

export const partnersSchemas = [CustomerSchema, ShipToSchema, TaxExemptionSchema, TaxJurisdictionSchema, SupplierSchema, OpenItemSchema];
