import { Type } from '@sinclair/typebox';
import { BusinessDate, Nullable, Uuid } from '../../platform/http/common.schema.ts';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { createMatrixDiscount, getMatrixDiscountOrThrow, listMatrixDiscounts, updateMatrixDiscount } from './matrix-discounts.service.ts';
import { AttributeName, MatrixDiscountSchema, TierName } from './pricing.schema.ts';

const DiscountParams = Type.Object({ discountId: Uuid }, { additionalProperties: false });
const Percent = Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,4})?$', description: 'Percent off, above 0 and below 100, e.g. "12.5"' });

export const matrixDiscountRoutes: RouteSpec[] = [
  defineListRoute({
    method: 'GET',
    path: '/v1/matrix-discounts',
    summary: 'List matrix discounts',
    tags: ['pricing'],
    permission: 'pricing:read',
    query: Type.Object({ attribute: Type.Optional(AttributeName), customerTier: Type.Optional(TierName) }),
    item: Type.Ref(MatrixDiscountSchema),
    handler: (tx, ctx, { query, page }) => listMatrixDiscounts(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/matrix-discounts',
    summary: 'Create a matrix discount',
    description:
      'A percent off the base-list price for items whose attribute (brand, category or a key of the item attributes) has the value, for customers of the tier. ' +
      'When several apply to one line, the largest percent wins.',
    tags: ['pricing'],
    permission: 'pricing:write',
    idempotent: true,
    body: Type.Object(
      {
        attribute: AttributeName,
        attributeValue: Type.String({ minLength: 1, maxLength: 200 }),
        customerTier: TierName,
        discountPercent: Percent,
        validFrom: Type.Optional(Nullable(BusinessDate)),
        validTo: Type.Optional(Nullable(BusinessDate)),
      },
      { additionalProperties: false, examples: [{ attribute: 'brand', attributeValue: 'Acme', customerTier: 'A', discountPercent: '12.5' }] },
    ),
    response: Type.Ref(MatrixDiscountSchema),
    handler: (tx, ctx, { body }) => createMatrixDiscount(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/matrix-discounts/:discountId',
    summary: 'Get a matrix discount',
    tags: ['pricing'],
    permission: 'pricing:read',
    params: DiscountParams,
    response: Type.Ref(MatrixDiscountSchema),
    handler: (tx, ctx, { params }) => getMatrixDiscountOrThrow(tx, ctx, params.discountId),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/matrix-discounts/:discountId',
    summary: 'Change the percent or validity of a matrix discount',
    description: 'End a discount by setting validTo. Attribute, value and tier identify the row and do not change.',
    tags: ['pricing'],
    permission: 'pricing:write',
    params: DiscountParams,
    body: Type.Object(
      { discountPercent: Type.Optional(Percent), validFrom: Type.Optional(Nullable(BusinessDate)), validTo: Type.Optional(Nullable(BusinessDate)) },
      { additionalProperties: false },
    ),
    response: Type.Ref(MatrixDiscountSchema),
    handler: (tx, ctx, { params, body }) => updateMatrixDiscount(tx, ctx, params.discountId, body),
  }),
];
