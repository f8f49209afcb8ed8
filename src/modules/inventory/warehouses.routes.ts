import { Type } from '@sinclair/typebox';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { Uuid } from '../../platform/http/common.schema.ts';
import { BinSchema, CreateBinBody, CreateWarehouseBody, WarehouseSchema } from './inventory.schemas.ts';
import { BIN_KINDS, createBin, createWarehouse, getWarehouseOrThrow, listBins, listWarehouses } from './warehouses.service.ts';

const WarehouseParams = Type.Object({ warehouseId: Uuid }, { additionalProperties: false });

export const warehouseRoutes: RouteSpec[] = [
  defineListRoute({
    method: 'GET',
    path: '/v1/warehouses',
    summary: 'List warehouses',
    tags: ['inventory'],
    permission: 'inventory:read',
    query: Type.Object({ active: Type.Optional(Type.Boolean({ description: 'Only active (true) or only inactive (false) warehouses' })) }),
    item: Type.Ref(WarehouseSchema),
    handler: (tx, ctx, { query, page }) => listWarehouses(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/warehouses',
    summary: 'Create a warehouse',
    description: 'A warehouse with its own IANA time zone and an allocation priority (lower is tried first). Codes are unique per tenant: WAREHOUSE_CODE_TAKEN.',
    tags: ['inventory'],
    permission: 'inventory:write',
    idempotent: true,
    body: CreateWarehouseBody,
    response: Type.Ref(WarehouseSchema),
    handler: (tx, ctx, { body }) => createWarehouse(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/warehouses/:warehouseId',
    summary: 'Get a warehouse',
    tags: ['inventory'],
    permission: 'inventory:read',
    params: WarehouseParams,
    response: Type.Ref(WarehouseSchema),
    handler: (tx, ctx, { params }) => getWarehouseOrThrow(tx, ctx, params.warehouseId),
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/warehouses/:warehouseId/bins',
    summary: 'List the bins of a warehouse in walk order',
    description: 'Sorted by pick sequence, then code: the order a picker walks.',
    tags: ['inventory'],
    permission: 'inventory:read',
    params: WarehouseParams,
    query: Type.Object({ kind: Type.Optional(Type.Union(BIN_KINDS.map((kind) => Type.Literal(kind)))) }),
    item: Type.Ref(BinSchema),
    handler: (tx, ctx, { params, query, page }) => listBins(tx, ctx, params.warehouseId, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/warehouses/:warehouseId/bins',
    summary: 'Create a bin',
    description:
      'kind is storage (default), receiving or packing. The first active receiving bin in walk order is the warehouse default: ' +
      'stock movements that name no bin land in it (or leave it).',
    tags: ['inventory'],
    permission: 'inventory:write',
    idempotent: true,
    params: WarehouseParams,
    body: CreateBinBody,
    response: Type.Ref(BinSchema),
    handler: (tx, ctx, { params, body }) => createBin(tx, ctx, params.warehouseId, body),
  }),
];
