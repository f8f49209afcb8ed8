import { Type } from '@sinclair/typebox';
import { defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { arAging } from './ar-aging.service.ts';
import { ArAgingQuery, ArAgingReportSchema } from './payments.schema.ts';

export const arAgingRoutes: RouteSpec[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/ar-aging',
    summary: 'Accounts receivable aging',
    description:
      "Open items per customer by days past due on asOf (default: today in the tenant's time zone): current, 1–30, 31–60, 61–90, over 90; " +
      'unapplied payments and credit memos in their own column. The grand total equals Σ open items (= the GL accounts receivable balance).',
    tags: ['billing'],
    permission: 'billing:read',
    query: ArAgingQuery,
    response: Type.Ref(ArAgingReportSchema),
    handler: (tx, ctx, { query }) => arAging(tx, ctx, query),
  }),
];
