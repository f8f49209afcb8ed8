import { Type, type TSchema } from '@sinclair/typebox';
import { PRICE_QUOTE_LINES_MAX } from '../../platform/limits.ts';
import { BusinessDate, Code, Currency, DecimalString, MoneyMinor, Nullable, PositiveDecimalString, Uuid } from '../../platform/http/common.schema.ts';

/** The pricing module's API shapes, registered once by $id (app.addSchema) and referenced by the routes. */

const Unit = Type.String({ pattern: '^[A-Z0-9]{1,6}$', description: 'A unit of measure of the item, e.g. EA, CA' });
const TierName = Type.String({ minLength: 1, maxLength: 32, description: 'A customer tier, e.g. A, gold' });
const AttributeName = Type.String({ pattern: '^[a-z_][a-z0-9_]{0,31}$', description: 'brand, category, or a key of the item attributes' });
const PriceRuleSchema = Type.Union([Type.Literal('contract'), Type.Literal('customer_list'), Type.Literal('matrix_discount'), Type.Literal('base_list')]);

export const PriceListSchema = Type.Object(
  {
    priceListId: Uuid,
    code: Code,
    name: Type.String(),
    currency: Currency,
    isBase: Type.Boolean({ description: 'The tenant’s one base list: what everyone pays unless a higher rule applies' }),
    active: Type.Boolean(),
  },
  {
    $id: 'PriceList',
    additionalProperties: false,
    examples: [{ priceListId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', code: 'BASE', name: 'Base list 2026', currency: 'USD', isBase: true, active: true }],
  },
);

export const PriceListEntrySchema = Type.Object(
  {
    priceListId: Uuid,
    itemId: Uuid,
    unit: Unit,
    minQty: DecimalString,
    unitPrice: DecimalString,
  },
  {
    $id: 'PriceListEntry',
    additionalProperties: false,
    description: 'The price of an item in a unit from minQty upwards; several entries are quantity breaks',
    examples: [{ priceListId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', itemId: '01932d6e-9a4b-7c1e-9f00-3b5e2a7d1c45', unit: 'EA', minQty: '10', unitPrice: '9.5' }],
  },
);

export const ContractPriceSchema = Type.Object(
  {
    contractPriceId: Uuid,
    customerId: Uuid,
    itemId: Uuid,
    unit: Unit,
    minQty: DecimalString,
    unitPrice: DecimalString,
    validFrom: BusinessDate,
    validTo: BusinessDate,
    contractReference: Nullable(Type.String()),
  },
  {
    $id: 'ContractPrice',
    additionalProperties: false,
    description: 'A negotiated price for one customer and item, valid from validFrom to validTo inclusive (tenant business dates)',
    examples: [
      {
        contractPriceId: '01932d6e-aa4b-7c1e-9f00-3b5e2a7d1c46',
        customerId: '01932d6e-ba4b-7c1e-9f00-3b5e2a7d1c47',
        itemId: '01932d6e-9a4b-7c1e-9f00-3b5e2a7d1c45',
        unit: 'EA',
        minQty: '0',
        unitPrice: '8.4',
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
        contractReference: 'K-2026-017',
      },
    ],
  },
);

export const MatrixDiscountSchema = Type.Object(
  {
    discountId: Uuid,
    attribute: AttributeName,
    attributeValue: Type.String(),
    customerTier: TierName,
    discountPercent: DecimalString,
    validFrom: Nullable(BusinessDate),
    validTo: Nullable(BusinessDate),
  },
  {
    $id: 'MatrixDiscount',
    additionalProperties: false,
    description: 'A percent off the base-list price for items with attribute = attributeValue, for customers of the tier',
    examples: [{ discountId: '01932d6e-ca4b-7c1e-9f00-3b5e2a7d1c48', attribute: 'brand', attributeValue: 'Acme', customerTier: 'A', discountPercent: '12.5', validFrom: null, validTo: null }],
  },
);

const PriceCandidateSchema = Type.Object(
  {
    rule: PriceRuleSchema,
    reference: Type.String(),
    unitPrice: Nullable(DecimalString),
    applies: Type.Boolean(),
    reason: Type.String(),
  },
  { additionalProperties: false },
);

export const PriceExplanationSchema = Type.Object(
  {
    winner: PriceCandidateSchema,
    candidates: Type.Array(PriceCandidateSchema),
    precedence: Type.Array(PriceRuleSchema),
  },
  {
    $id: 'PriceExplanation',
    additionalProperties: false,
    description: 'Which rule produced the price and every candidate it beat, with why',
    examples: [
      {
        winner: { rule: 'customer_list', reference: 'GOLD EA from 0', unitPrice: '9.8', applies: true, reason: 'best break reached: 0' },
        candidates: [
          { rule: 'contract', reference: '01932d6e-aa4b-7c1e-9f00-3b5e2a7d1c46 (K-2025-003)', unitPrice: '8', applies: false, reason: 'expired 2025-12-31' },
          { rule: 'customer_list', reference: 'GOLD EA from 0', unitPrice: '9.8', applies: true, reason: 'best break reached: 0' },
          { rule: 'base_list', reference: 'BASE EA from 0', unitPrice: '10', applies: true, reason: 'best break reached: 0; not used: customer_list GOLD EA from 0 takes precedence' },
        ],
        precedence: ['contract', 'customer_list', 'matrix_discount', 'base_list'],
      },
    ],
  },
);

const PriceQuoteLineSchema = Type.Object(
  {
    lineNumber: Type.Integer({ minimum: 1 }),
    itemId: Uuid,
    sku: Type.String(),
    unit: Unit,
    qty: DecimalString,
    unitPrice: DecimalString,
    priceRule: PriceRuleSchema,
    priceExplanation: Type.Ref(PriceExplanationSchema),
    lineAmountMinor: MoneyMinor,
    taxClass: Type.String(),
    jurisdictionCode: Type.String(),
    taxRate: DecimalString,
    taxExemptCertificate: Nullable(Type.String()),
    taxMinor: MoneyMinor,
  },
  { additionalProperties: false },
);

export const PriceQuoteSchema = Type.Object(
  {
    customerId: Uuid,
    shipToId: Uuid,
    date: BusinessDate,
    currency: Currency,
    roundingMethod: Type.String({ description: 'half_up_per_line: each line amount and its tax are rounded half-up to the minor unit; totals are sums of lines' }),
    freightTaxable: Type.Boolean({ description: 'Whether freight shipped to this ship-to is taxable in its jurisdiction' }),
    lines: Type.Array(PriceQuoteLineSchema),
    subtotalMinor: MoneyMinor,
    taxMinor: MoneyMinor,
    totalMinor: MoneyMinor,
  },
  { $id: 'PriceQuote', additionalProperties: false },
);

export const PriceQuoteRequestSchema = Type.Object(
  {
    customerId: Uuid,
    shipToId: Uuid,
    date: Type.Optional(BusinessDate),
    currency: Type.Optional(Currency),
    lines: Type.Array(
      Type.Object(
        {
          itemId: Type.Optional(Uuid),
          sku: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
          unit: Unit,
          qty: PositiveDecimalString,
        },
        { additionalProperties: false, description: 'One of itemId and sku' },
      ),
      { minItems: 1, maxItems: PRICE_QUOTE_LINES_MAX },
    ),
  },
  {
    additionalProperties: false,
    examples: [{ customerId: '01932d6e-ba4b-7c1e-9f00-3b5e2a7d1c47', shipToId: '01932d6e-da4b-7c1e-9f00-3b5e2a7d1c49', lines: [{ sku: 'BOLT-M8-40', unit: 'EA', qty: '120' }] }],
  },
);

export const pricingSchemas: TSchema[] = [PriceListSchema, PriceListEntrySchema, ContractPriceSchema, MatrixDiscountSchema, PriceExplanationSchema, PriceQuoteSchema];

export { Unit, TierName, AttributeName };
