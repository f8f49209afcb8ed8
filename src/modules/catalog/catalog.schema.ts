import { Type } from '@sinclair/typebox';
import { Nullable, PositiveDecimalString, Uuid } from '../../platform/http/common.schema.ts';
import { ITEM_ATTRIBUTES_MAX } from '../../platform/limits.ts';

/** Request and response shapes of the catalog routes; the $id schemas are registered by buildApp. */

export const Sku = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$', description: 'Stock keeping unit, unique per tenant' });
export const UnitCode = Type.String({ pattern: '^[A-Z0-9]{1,6}$', description: 'A unit of measure code: EA, CA, PK12…' });
export const TaxClass = Type.String({ pattern: '^[a-z0-9_]{1,32}$', description: 'The item\'s tax class, rated per jurisdiction' });
export const GtinText = Type.String({ minLength: 1, maxLength: 20, description: 'GTIN-8/12/13/14 (UPC-A is GTIN-12) with its GS1 check digit' });
const Factor = Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,6})?$', description: 'Stocking units in one of this unit ("12" for a case of 12)' });
const Attributes = Type.Record(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,31}$' }), Type.String({ maxLength: 200 }), {
  additionalProperties: false,
  maxProperties: ITEM_ATTRIBUTES_MAX,
  description: 'Flat string attributes (color, size, material…), usable by matrix discounts',
});

export const ItemUnitSchema = Type.Object({ unit: UnitCode, factor: Factor }, { additionalProperties: false });

export const ItemSchema = Type.Object(
  {
    itemId: Uuid,
    sku: Sku,
    description: Type.String(),
    gtin: Nullable(Type.String()),
    brand: Nullable(Type.String()),
    category: Nullable(Type.String()),
    attributes: Type.Record(Type.String(), Type.String()),
    weightKg: Nullable(Type.String({ description: 'Decimal kilograms' })),
    taxClass: TaxClass,
    stockingUnit: UnitCode,
    units: Type.Array(ItemUnitSchema, { description: 'Every unit the item is sold in; the stocking unit has factor 1' }),
    active: Type.Boolean(),
    revision: Type.Integer({ description: 'Send it back as If-Match to change the item' }),
  },
  {
    $id: 'Item',
    additionalProperties: false,
    examples: [
      {
        itemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44',
        sku: 'NIT-GLV-L',
        description: 'Nitrile gloves, large, box of 100',
        gtin: '036000291452',
        brand: 'Safeguard',
        category: 'gloves',
        attributes: { size: 'L', material: 'nitrile' },
        weightKg: '0.65',
        taxClass: 'standard',
        stockingUnit: 'EA',
        units: [
          { unit: 'EA', factor: '1' },
          { unit: 'CA', factor: '10' },
        ],
        active: true,
        revision: 1,
      },
    ],
  },
);

export const CreateItemBody = Type.Object(
  {
    sku: Sku,
    description: Type.String({ minLength: 1, maxLength: 500 }),
    gtin: Type.Optional(Nullable(GtinText)),
    brand: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
    category: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
    attributes: Type.Optional(Attributes),
    weightKg: Type.Optional(Nullable(PositiveDecimalString)),
    taxClass: Type.Optional(TaxClass),
    stockingUnit: UnitCode,
    units: Type.Optional(Type.Array(ItemUnitSchema, { maxItems: 20, description: 'Selling units beside the stocking unit (which gets factor 1 by itself)' })),
  },
  {
    additionalProperties: false,
    examples: [{ sku: 'NIT-GLV-L', description: 'Nitrile gloves, large, box of 100', gtin: '036000291452', stockingUnit: 'EA', units: [{ unit: 'CA', factor: '10' }] }],
  },
);

export const UpdateItemBody = Type.Object(
  {
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    gtin: Type.Optional(Nullable(GtinText)),
    brand: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
    category: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
    attributes: Type.Optional(Attributes),
    weightKg: Type.Optional(Nullable(PositiveDecimalString)),
    taxClass: Type.Optional(TaxClass),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'The fields to change. SKU and stocking unit never change (history refers to them); deactivate instead.',
    examples: [{ description: 'Nitrile gloves, large, box of 100 (powder-free)' }],
  },
);

export const ItemParams = Type.Object({ itemId: Uuid }, { additionalProperties: false });
export const ItemUnitParams = Type.Object({ itemId: Uuid, unit: UnitCode }, { additionalProperties: false });
export const ChangeUnitBody = Type.Object({ factor: Factor }, { additionalProperties: false });

export const ItemListQuery = Type.Object({
  active: Type.Optional(Type.Boolean()),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  brand: Type.Optional(Type.String({ maxLength: 100 })),
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Text in the SKU or description (case-insensitive)' })),
  gtin: Type.Optional(Type.String({ maxLength: 20, description: 'Matches the GTIN in any of its written lengths' })),
});

export const ItemReferenceSchema = Type.Object(
  {
    customerId: Uuid,
    customerPartNumber: Type.String(),
    itemId: Uuid,
    sku: Sku,
    unit: Nullable(UnitCode),
  },
  {
    $id: 'ItemReference',
    additionalProperties: false,
    examples: [{ customerId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45', customerPartNumber: 'ACME-4471', itemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44', sku: 'NIT-GLV-L', unit: 'CA' }],
  },
);

export const CreateItemReferenceBody = Type.Object(
  {
    customerPartNumber: Type.String({ minLength: 1, maxLength: 64 }),
    itemId: Type.Optional(Uuid),
    sku: Type.Optional(Sku),
    unit: Type.Optional(Nullable(UnitCode)),
  },
  {
    additionalProperties: false,
    description: 'Name the item by itemId or by sku (exactly one). `unit` is the unit the customer orders this part number in.',
    examples: [{ customerPartNumber: 'ACME-4471', sku: 'NIT-GLV-L', unit: 'CA' }],
  },
);

export const CustomerParams = Type.Object({ customerId: Uuid }, { additionalProperties: false });
export const ItemReferenceParams = Type.Object(
  { customerId: Uuid, customerPartNumber: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const catalogSchemas = [ItemSchema, ItemReferenceSchema];
