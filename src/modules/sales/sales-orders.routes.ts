import { Type, type TSchema } from '@sinclair/typebox';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { expectedRevision, withEtag } from '../../platform/http/revision.ts';
import { invariant } from '../../platform/errors.ts';
import { allocateSalesOrder } from './sales-allocation.service.ts';
import { confirmSalesOrder, releaseSalesOrderHold } from './sales-confirm.service.ts';
import {
  CancelBody,
  CreateSalesOrderBody,
  ReleaseHoldBody,
  ReviseSalesOrderBody,
  SalesOrderHeaderSchema,
  SalesOrderListQuery,
  SalesOrderParams,
  SalesOrderSchema,
} from './sales-orders.schema.ts';
import { cancelSalesOrder, createSalesOrder, getSalesOrderOrThrow, listSalesOrders } from './sales-orders.service.ts';
import { reviseSalesOrder } from './sales-revisions.service.ts';

/**
 * REST for sales orders under /v1/sales-orders. Revisions are
 * POST /v1/sales-orders/:orderId/revisions with If-Match (not PATCH): a revision
 * is a business event with its own consequences (re-pricing, credit re-check,
 * re-allocation), and its body is the order's whole new line list rather than a
 * partial document, so it reads better as "create a revision" than as a patch.
 */

export const salesSchemas: TSchema[] = [SalesOrderHeaderSchema, SalesOrderSchema];

const OrderRef = Type.Ref(SalesOrderSchema);

export const salesOrderRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/sales-orders',
    summary: 'Create a sales order (draft)',
    description:
      'Resolves each line\'s item (itemId, sku, gtin or the customer\'s part number), converts the ordered unit to the stocking unit, ' +
      'prices and taxes it (with the price explanation), and stores a draft with totals = Σ lines. Confirm it to credit-check and allocate.',
    tags: ['sales'],
    permission: 'sales:write',
    idempotent: true,
    documentNumber: 'sales_order',
    body: CreateSalesOrderBody,
    response: OrderRef,
    handler: async (tx, ctx, { body, documentNumber }) => {
      invariant(documentNumber, 'the create route declares documentNumber');
      return { status: 201, ...withEtag(await createSalesOrder(tx, ctx, { ...body, orderNumber: documentNumber })) };
    },
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/sales-orders',
    summary: 'List sales orders',
    description: 'Headers only, oldest first; filter by status, customer and order date range (inclusive).',
    tags: ['sales'],
    permission: 'sales:read',
    query: SalesOrderListQuery,
    item: Type.Ref(SalesOrderHeaderSchema),
    handler: (tx, ctx, { query, page }) => listSalesOrders(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/sales-orders/:orderId',
    summary: 'Get a sales order with its lines, price explanations and reservations',
    tags: ['sales'],
    permission: 'sales:read',
    params: SalesOrderParams,
    response: OrderRef,
    handler: async (tx, ctx, { params }) => withEtag(await getSalesOrderOrThrow(tx, ctx, params.orderId)),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sales-orders/:orderId/revisions',
    summary: 'Revise a sales order (If-Match)',
    description:
      'The body is the new line list. Changed and new lines are re-priced; a confirmed order is credit-checked again and re-allocated ' +
      '(or put back on hold). Needs If-Match with the ETag you read: 428 without it, 412 when the order changed since.',
    tags: ['sales'],
    permission: 'sales:write',
    status: 200,
    params: SalesOrderParams,
    body: ReviseSalesOrderBody,
    response: OrderRef,
    handler: async (tx, ctx, { params, body, headers }) =>
      withEtag(await reviseSalesOrder(tx, ctx, { orderId: params.orderId, expectedRevision: expectedRevision(headers['if-match']), ...body })),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sales-orders/:orderId/confirm',
    summary: 'Confirm a draft: credit check, then allocation or credit hold',
    tags: ['sales'],
    permission: 'sales:write',
    idempotent: true,
    status: 200,
    params: SalesOrderParams,
    response: OrderRef,
    handler: async (tx, ctx, { params }) => withEtag(await confirmSalesOrder(tx, ctx, { orderId: params.orderId })),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sales-orders/:orderId/release-hold',
    summary: 'Release a credit hold and allocate',
    description: 'Needs sales:release_hold. Audited with who released it and the note.',
    tags: ['sales'],
    permission: 'sales:release_hold',
    idempotent: true,
    status: 200,
    params: SalesOrderParams,
    body: ReleaseHoldBody,
    response: OrderRef,
    handler: async (tx, ctx, { params, body }) => withEtag(await releaseSalesOrderHold(tx, ctx, { orderId: params.orderId, ...(body?.note ? { note: body.note } : {}) })),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sales-orders/:orderId/allocate',
    summary: 'Allocate a confirmed order again',
    description: 'Re-plans the whole open quantity per the customer\'s policy; the order keeps any stock it held if nothing better is available.',
    tags: ['sales'],
    permission: 'sales:write',
    idempotent: true,
    status: 200,
    params: SalesOrderParams,
    response: OrderRef,
    handler: async (tx, ctx, { params }) => withEtag(await allocateSalesOrder(tx, ctx, { orderId: params.orderId })),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sales-orders/:orderId/cancel',
    summary: 'Cancel an order and release its reservations',
    tags: ['sales'],
    permission: 'sales:write',
    idempotent: true,
    status: 200,
    params: SalesOrderParams,
    body: CancelBody,
    response: OrderRef,
    handler: async (tx, ctx, { params, body }) => withEtag(await cancelSalesOrder(tx, ctx, { orderId: params.orderId, ...(body?.reason ? { reason: body.reason } : {}) })),
  }),
];
