import { Type } from '@sinclair/typebox';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { etagFor, expectedRevision } from '../../platform/http/revision.ts';
import { ChangeUnitBody, CreateItemBody, ItemListQuery, ItemParams, ItemSchema, ItemUnitParams, ItemUnitSchema, UpdateItemBody } from './catalog.schema.ts';
import { addItemUnit, changeItemUnitFactor } from './item-units.service.ts';
import type { Item } from './items.queries.ts';
import { createItem, getItemOrThrow, listItems, setItemActive, updateItem } from './items.service.ts';

const ItemRef = Type.Ref(ItemSchema);

/** Every single-item response carries the item's revision as its ETag, for the next If-Match. */
function withEtag(item: Item) {
  return { body: item, headers: { etag: etagFor(item.revision) } };
}

export const itemRoutes: RouteSpec[] = [
  defineListRoute({
    method: 'GET',
    path: '/v1/items',
    summary: 'List items',
    description: 'Keyset-paginated by item id. Filters combine (AND).',
    tags: ['catalog'],
    permission: 'catalog:read',
    query: ItemListQuery,
    item: ItemRef,
    handler: (tx, ctx, { query, page }) => listItems(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/items',
    summary: 'Create an item with its units',
    description: 'The stocking unit gets a unit row with factor 1 by itself; `units` lists the selling units. The GTIN is checked with its GS1 check digit.',
    tags: ['catalog'],
    permission: 'catalog:write',
    idempotent: true,
    body: CreateItemBody,
    response: ItemRef,
    handler: async (tx, ctx, { body }) => ({ status: 201, ...withEtag(await createItem(tx, ctx, body)) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/items/:itemId',
    summary: 'Get an item',
    tags: ['catalog'],
    permission: 'catalog:read',
    params: ItemParams,
    response: ItemRef,
    handler: async (tx, ctx, { params }) => withEtag(await getItemOrThrow(tx, ctx, params.itemId)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/items/:itemId',
    summary: 'Change an item',
    description: 'Needs If-Match with the ETag of the version you changed (428 without it, 412 when stale). SKU and stocking unit never change.',
    tags: ['catalog'],
    permission: 'catalog:write',
    params: ItemParams,
    body: UpdateItemBody,
    response: ItemRef,
    handler: async (tx, ctx, { params, body, headers }) =>
      withEtag(await updateItem(tx, ctx, params.itemId, expectedRevision(headers['if-match']), body)),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/items/:itemId/deactivate',
    summary: 'Deactivate an item',
    description: 'New orders can no longer name it; existing orders, stock and history keep it. Items are never deleted.',
    tags: ['catalog'],
    permission: 'catalog:write',
    idempotent: true,
    status: 200,
    params: ItemParams,
    response: ItemRef,
    handler: async (tx, ctx, { params }) => withEtag(await setItemActive(tx, ctx, params.itemId, false)),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/items/:itemId/reactivate',
    summary: 'Reactivate an item',
    tags: ['catalog'],
    permission: 'catalog:write',
    idempotent: true,
    status: 200,
    params: ItemParams,
    response: ItemRef,
    handler: async (tx, ctx, { params }) => withEtag(await setItemActive(tx, ctx, params.itemId, true)),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/items/:itemId/units',
    summary: 'Add a selling unit to an item',
    tags: ['catalog'],
    permission: 'catalog:write',
    idempotent: true,
    params: ItemParams,
    body: ItemUnitSchema,
    response: ItemRef,
    handler: async (tx, ctx, { params, body }) => ({ status: 201, ...withEtag(await addItemUnit(tx, ctx, params.itemId, body)) }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/items/:itemId/units/:unit',
    summary: "Change a unit's conversion factor",
    description: 'Refused with UNIT_FACTOR_LOCKED for the stocking unit and for a unit that order lines already use (add a new unit code instead).',
    tags: ['catalog'],
    permission: 'catalog:write',
    params: ItemUnitParams,
    body: ChangeUnitBody,
    response: ItemRef,
    handler: async (tx, ctx, { params, body }) => withEtag(await changeItemUnitFactor(tx, ctx, params.itemId, params.unit, body)),
  }),
];
