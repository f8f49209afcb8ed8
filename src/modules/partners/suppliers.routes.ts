import { Type } from '@sinclair/typebox';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { expectedRevision, withEtag } from '../../platform/http/revision.ts';
import { CreateSupplierBody, SupplierListQuery, SupplierParams, SupplierSchema, UpdateSupplierBody } from './partners.schema.ts';
import { createSupplier, getSupplierOrThrow, listSuppliers, setSupplierActive, updateSupplier } from './suppliers.service.ts';

const SupplierRef = Type.Ref(SupplierSchema);

export const supplierRoutes: RouteSpec[] = [
  defineListRoute({
    method: 'GET',
    path: '/v1/suppliers',
    summary: 'List suppliers',
    tags: ['partners'],
    permission: 'partners:read',
    query: SupplierListQuery,
    item: SupplierRef,
    handler: (tx, ctx, { query, page }) => listSuppliers(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/suppliers',
    summary: 'Create a supplier',
    tags: ['partners'],
    permission: 'partners:write',
    idempotent: true,
    body: CreateSupplierBody,
    response: SupplierRef,
    handler: async (tx, ctx, { body }) => ({ status: 201, ...withEtag(await createSupplier(tx, ctx, body)) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/suppliers/:supplierId',
    summary: 'Get a supplier',
    tags: ['partners'],
    permission: 'partners:read',
    params: SupplierParams,
    response: SupplierRef,
    handler: async (tx, ctx, { params }) => withEtag(await getSupplierOrThrow(tx, ctx, params.supplierId)),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/suppliers/:supplierId',
    summary: 'Change a supplier',
    description: 'Needs If-Match with the ETag of the version you changed (428 without it, 412 when stale).',
    tags: ['partners'],
    permission: 'partners:write',
    params: SupplierParams,
    body: UpdateSupplierBody,
    response: SupplierRef,
    handler: async (tx, ctx, { params, body, headers }) =>
      withEtag(await updateSupplier(tx, ctx, params.supplierId, expectedRevision(headers['if-match']), body)),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/suppliers/:supplierId/deactivate',
    summary: 'Deactivate a supplier',
    tags: ['partners'],
    permission: 'partners:write',
    idempotent: true,
    status: 200,
    params: SupplierParams,
    response: SupplierRef,
    handler: async (tx, ctx, { params }) => withEtag(await setSupplierActive(tx, ctx, params.supplierId, false)),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/suppliers/:supplierId/reactivate',
    summary: 'Reactivate a supplier',
    tags: ['partners'],
    permission: 'partners:write',
    idempotent: true,
    status: 200,
    params: SupplierParams,
    response: SupplierRef,
    handler: async (tx, ctx, { params }) => withEtag(await setSupplierActive(tx, ctx, params.supplierId, true)),
  }),
];
