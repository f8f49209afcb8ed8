import { Type } from '@sinclair/typebox';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { Uuid } from '../../platform/http/common.schema.ts';
import { CreateItemReferenceBody, CustomerParams, ItemReferenceParams, ItemReferenceSchema } from './catalog.schema.ts';
import { createItemReference, deleteItemReference, listItemReferences } from './item-references.service.ts';

const ItemReferenceRef = Type.Ref(ItemReferenceSchema);

export const itemReferenceRoutes: RouteSpec[] = [
  defineListRoute({
    method: 'GET',
    path: '/v1/customers/:customerId/item-references',
    summary: "List a customer's part numbers for our items",
    description: 'Keyset-paginated by customer part number.',
    tags: ['catalog'],
    permission: 'catalog:read',
    params: CustomerParams,
    query: Type.Object({ itemId: Type.Optional(Uuid) }),
    item: ItemReferenceRef,
    handler: (tx, ctx, { params, query, page }) => listItemReferences(tx, ctx, params.customerId, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/customers/:customerId/item-references',
    summary: "Map a customer's part number to one of our items",
    tags: ['catalog'],
    permission: 'catalog:write',
    idempotent: true,
    params: CustomerParams,
    body: CreateItemReferenceBody,
    response: ItemReferenceRef,
    handler: (tx, ctx, { params, body }) => createItemReference(tx, ctx, params.customerId, body),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/customers/:customerId/item-references/:customerPartNumber',
    summary: "Remove a customer's part number mapping",
    description: 'Mapping data, not a document: the mapping goes (audited); order lines that used it keep the part number.',
    tags: ['catalog'],
    permission: 'catalog:write',
    params: ItemReferenceParams,
    response: ItemReferenceRef,
    handler: (tx, ctx, { params }) => deleteItemReference(tx, ctx, params.customerId, params.customerPartNumber),
  }),
];
