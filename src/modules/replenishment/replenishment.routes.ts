import { Type } from '@sinclair/typebox';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { Uuid } from '../../platform/http/common.schema.ts';
import { expectedRevision, withEtag } from '../../platform/http/revision.ts';
import { invariant } from '../../platform/errors.ts';
import { atpByDate } from './atp-by-date.service.ts';
import { countReplenishmentPurchaseOrders, createReplenishmentPurchaseOrders } from './replenishment-orders.service.ts';
import { deleteReplenishmentSetting, getReplenishmentSettingOrThrow, listReplenishmentSettings, putReplenishmentSetting } from './replenishment-rules.service.ts';
import {
  AtpByDateQuery,
  AtpByDateSchema,
  CreateReplenishmentOrdersBody,
  PutReplenishmentSettingBody,
  ReplenishmentRunSchema,
  ReplenishmentSettingSchema,
  ReplenishmentSuggestionSchema,
} from './replenishment.schemas.ts';
import { listReplenishmentSuggestions } from './suggestions.service.ts';

const tags = ['replenishment'];
const SettingParams = Type.Object({ itemId: Uuid, warehouseId: Uuid });

export const replenishmentRoutes: RouteSpec[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/items/:itemId/atp-by-date',
    summary: 'Available to promise by date, per warehouse and in total',
    description:
      'Starts from ATP now (on hand − reserved, the numbers of GET /v1/items/:itemId/atp); adds the open quantity of lines of approved, sent and partially received ' +
      'purchase orders on their expected date (line, else order, else order date + supplier lead time; overdue counts today) and subtracts backordered sales order ' +
      'lines on their requested date (line, else order, else today). One row per date with a change, up to today + horizonDays.',
    tags: ['inventory'],
    permission: 'inventory:read',
    params: Type.Object({ itemId: Uuid }, { additionalProperties: false }),
    query: AtpByDateQuery,
    response: Type.Ref(AtpByDateSchema),
    handler: (tx, ctx, { params, query }) => atpByDate(tx, ctx, { itemId: params.itemId, horizonDays: query.horizonDays, warehouseId: query.warehouseId, qty: query.qty }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/items/:itemId/replenishment/:warehouseId',
    summary: 'Set an item\'s replenishment rule and home bin in a warehouse',
    description: 'Without If-Match: creates (201), and 428 when the setting exists. With If-Match: replaces that revision (200; 412 when stale, 404 when absent).',
    tags,
    permission: 'purchasing:write',
    alsoStatuses: [201],
    params: SettingParams,
    body: PutReplenishmentSettingBody,
    response: Type.Ref(ReplenishmentSettingSchema),
    handler: async (tx, ctx, { params, body, headers }) => {
      const revision = headers['if-match'] === undefined ? undefined : expectedRevision(headers['if-match']);
      const { setting, created } = await putReplenishmentSetting(tx, ctx, { ...params, ...body, expectedRevision: revision });
      return { status: created ? 201 : 200, ...withEtag(setting) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/items/:itemId/replenishment/:warehouseId',
    summary: 'An item\'s replenishment rule and home bin in a warehouse',
    tags,
    permission: 'purchasing:read',
    params: SettingParams,
    response: Type.Ref(ReplenishmentSettingSchema),
    handler: async (tx, ctx, { params }) => withEtag(await getReplenishmentSettingOrThrow(tx, ctx, params.itemId, params.warehouseId)),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/items/:itemId/replenishment/:warehouseId',
    summary: 'Remove an item\'s replenishment rule and home bin in a warehouse (If-Match)',
    description: 'Settings, not a document: the row goes (audited) and the removed setting is returned.',
    tags,
    permission: 'purchasing:write',
    params: SettingParams,
    response: Type.Ref(ReplenishmentSettingSchema),
    handler: (tx, ctx, { params, headers }) => deleteReplenishmentSetting(tx, ctx, { ...params, expectedRevision: expectedRevision(headers['if-match']) }),
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/replenishment/rules',
    summary: 'List replenishment settings (by item, then warehouse)',
    tags,
    permission: 'purchasing:read',
    query: Type.Object({ warehouseId: Type.Optional(Uuid), itemId: Type.Optional(Uuid), method: Type.Optional(Type.Union([Type.Literal('min_max'), Type.Literal('reorder_point')])) }),
    item: Type.Ref(ReplenishmentSettingSchema),
    handler: (tx, ctx, { query, page }) => listReplenishmentSettings(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/replenishment/suggestions',
    summary: 'What to order now: every rule whose position needs supply, with supplier, quantity and expected date',
    description: 'position = on hand + incoming (open lines of draft, approved, sent, partially received POs) − reserved − backordered. By warehouse code, then SKU.',
    tags,
    permission: 'purchasing:read',
    query: Type.Object({ warehouseId: Type.Optional(Uuid) }, { additionalProperties: false }),
    response: Type.Object({ data: Type.Array(Type.Ref(ReplenishmentSuggestionSchema)) }, { additionalProperties: false }),
    handler: async (tx, ctx, { query }) => ({ data: await listReplenishmentSuggestions(tx, ctx, query) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/replenishment/purchase-orders',
    summary: 'Turn the current suggestions into draft purchase orders, one per supplier and warehouse',
    description: 'The drafts are incoming supply for the next run, so a second run right after creates nothing. Suggestions without a supplier are listed in noSupplier.',
    tags,
    permission: 'purchasing:write',
    idempotent: true,
    documentNumbers: {
      series: 'purchase_order',
      count: (tx, ctx, { body }) => countReplenishmentPurchaseOrders(tx, ctx, (body ?? {}) as { warehouseId?: string; itemIds?: string[] }),
    },
    body: CreateReplenishmentOrdersBody,
    response: Type.Ref(ReplenishmentRunSchema),
    handler: async (tx, ctx, { body, documentNumbers }) => {
      invariant(documentNumbers, 'the route declares documentNumbers');
      return { status: 201, body: await createReplenishmentPurchaseOrders(tx, ctx, { ...body, poNumbers: documentNumbers }) };
    },
  }),
];
