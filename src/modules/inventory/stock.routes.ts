import { Type } from '@sinclair/typebox';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { BusinessDate, Uuid } from '../../platform/http/common.schema.ts';
import { availableToPromise } from './atp.service.ts';
import { AvailableToPromiseSchema, StockBalanceSchema, StockMovementSchema } from './inventory.schemas.ts';
import { listStockBalances } from './stock-balances.service.ts';
import { listStockMovements, MOVEMENT_TYPES } from './stock-movements.service.ts';

export const stockRoutes: RouteSpec[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/items/:itemId/atp',
    summary: 'Available to promise for an item',
    description: 'On hand, reserved and available (on hand − reserved) per warehouse, in allocation order, and in total.',
    tags: ['inventory'],
    permission: 'inventory:read',
    params: Type.Object({ itemId: Uuid }, { additionalProperties: false }),
    response: Type.Ref(AvailableToPromiseSchema),
    handler: (tx, ctx, { params }) => availableToPromise(tx, ctx, params.itemId),
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/stock-balances',
    summary: 'List stock balances',
    description: 'One row per (item, warehouse) that has ever held stock; value in minor units of the functional currency.',
    tags: ['inventory'],
    permission: 'inventory:read',
    query: Type.Object({ itemId: Type.Optional(Uuid), warehouseId: Type.Optional(Uuid) }),
    item: Type.Ref(StockBalanceSchema),
    handler: (tx, ctx, { query, page }) => listStockBalances(tx, ctx, page, query),
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/stock-movements',
    summary: 'List stock movements (the stock ledger)',
    description: 'Append-only, in posting order. from/to filter on the business date, inclusive.',
    tags: ['inventory'],
    permission: 'inventory:read',
    query: Type.Object({
      itemId: Type.Optional(Uuid),
      warehouseId: Type.Optional(Uuid),
      movementType: Type.Optional(Type.Union(MOVEMENT_TYPES.map((type) => Type.Literal(type)))),
      from: Type.Optional(BusinessDate),
      to: Type.Optional(BusinessDate),
    }),
    item: Type.Ref(StockMovementSchema),
    handler: (tx, ctx, { query, page }) => listStockMovements(tx, ctx, page, query),
  }),
];
