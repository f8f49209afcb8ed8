import { Type } from '@sinclair/typebox';
import { Code, Currency, PositiveDecimalString, Uuid } from '../../platform/http/common.schema.ts';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import {
  createPriceList,
  deletePriceListEntry,
  getPriceListOrThrow,
  listPriceListEntries,
  listPriceLists,
  setPriceListEntry,
  updatePriceList,
} from './price-lists.service.ts';
import { PriceListEntrySchema, PriceListSchema, Unit } from './pricing.schema.ts';

const PriceListParams = Type.Object({ priceListId: Uuid }, { additionalProperties: false });
const EntryParams = Type.Object(
  { priceListId: Uuid, itemId: Uuid, unit: Unit, minQty: PositiveDecimalString },
  { additionalProperties: false },
);

export const priceListRoutes: RouteSpec[] = [
  defineListRoute({
    method: 'GET',
    path: '/v1/price-lists',
    summary: 'List price lists',
    tags: ['pricing'],
    permission: 'pricing:read',
    query: Type.Object({ active: Type.Optional(Type.Boolean()) }),
    item: Type.Ref(PriceListSchema),
    handler: (tx, ctx, { query, page }) => listPriceLists(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/price-lists',
    summary: 'Create a price list',
    description: 'One list per tenant may be the base list (isBase). The currency defaults to, and must be, the tenant’s functional currency.',
    tags: ['pricing'],
    permission: 'pricing:write',
    idempotent: true,
    body: Type.Object(
      {
        code: Code,
        name: Type.String({ minLength: 1, maxLength: 200 }),
        currency: Type.Optional(Currency),
        isBase: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false, examples: [{ code: 'GOLD', name: 'Gold customers' }] },
    ),
    response: Type.Ref(PriceListSchema),
    handler: (tx, ctx, { body }) => createPriceList(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/price-lists/:priceListId',
    summary: 'Get a price list',
    tags: ['pricing'],
    permission: 'pricing:read',
    params: PriceListParams,
    response: Type.Ref(PriceListSchema),
    handler: (tx, ctx, { params }) => getPriceListOrThrow(tx, ctx, params.priceListId),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/price-lists/:priceListId',
    summary: 'Rename or (de)activate a price list',
    description: 'A price list is deactivated, never deleted: an inactive list prices nothing.',
    tags: ['pricing'],
    permission: 'pricing:write',
    params: PriceListParams,
    body: Type.Object(
      { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), active: Type.Optional(Type.Boolean()) },
      { additionalProperties: false },
    ),
    response: Type.Ref(PriceListSchema),
    handler: (tx, ctx, { params, body }) => updatePriceList(tx, ctx, params.priceListId, body),
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/price-lists/:priceListId/entries',
    summary: 'List the entries (prices and quantity breaks) of a price list',
    tags: ['pricing'],
    permission: 'pricing:read',
    params: PriceListParams,
    query: Type.Object({ itemId: Type.Optional(Uuid) }),
    item: Type.Ref(PriceListEntrySchema),
    handler: (tx, ctx, { params, query, page }) => listPriceListEntries(tx, ctx, params.priceListId, page, query),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/price-lists/:priceListId/entries/:itemId/:unit/:minQty',
    summary: 'Set the price of an item in a unit from a minimum quantity',
    description: 'Creates or replaces the entry. Entries of one item and unit with different minQty are quantity breaks.',
    tags: ['pricing'],
    permission: 'pricing:write',
    params: EntryParams,
    body: Type.Object({ unitPrice: PositiveDecimalString }, { additionalProperties: false, examples: [{ unitPrice: '9.5' }] }),
    response: Type.Ref(PriceListEntrySchema),
    handler: async (tx, ctx, { params, body }) => (await setPriceListEntry(tx, ctx, params, body)).after,
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/price-lists/:priceListId/entries/:itemId/:unit/:minQty',
    summary: 'Remove a price list entry',
    description: 'Order lines keep the price and explanation they were given; removing an entry changes only future prices.',
    tags: ['pricing'],
    permission: 'pricing:write',
    params: EntryParams,
    response: Type.Ref(PriceListEntrySchema),
    handler: (tx, ctx, { params }) => deletePriceListEntry(tx, ctx, params),
  }),
];
