import { Type } from '@sinclair/typebox';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { CreateTaxJurisdictionBody, SetTaxRateBody, TaxJurisdictionParams, TaxJurisdictionSchema, TaxRateParams } from './partners.schema.ts';
import { createTaxJurisdiction, getTaxJurisdictionOrThrow, listTaxJurisdictions, setTaxJurisdictionActive, setTaxRate } from './tax-jurisdictions.service.ts';

const TaxJurisdictionRef = Type.Ref(TaxJurisdictionSchema);

export const taxJurisdictionRoutes: RouteSpec[] = [
  defineListRoute({
    method: 'GET',
    path: '/v1/tax-jurisdictions',
    summary: 'List tax jurisdictions with their rates',
    description: 'Keyset-paginated by jurisdiction code.',
    tags: ['partners'],
    permission: 'partners:read',
    query: Type.Object({ active: Type.Optional(Type.Boolean()) }),
    item: TaxJurisdictionRef,
    handler: (tx, ctx, { query, page }) => listTaxJurisdictions(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/tax-jurisdictions',
    summary: 'Create a tax jurisdiction with its rates per tax class',
    tags: ['partners'],
    permission: 'partners:write',
    idempotent: true,
    body: CreateTaxJurisdictionBody,
    response: TaxJurisdictionRef,
    handler: (tx, ctx, { body }) => createTaxJurisdiction(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/tax-jurisdictions/:jurisdictionCode',
    summary: 'Get a tax jurisdiction',
    tags: ['partners'],
    permission: 'partners:read',
    params: TaxJurisdictionParams,
    response: TaxJurisdictionRef,
    handler: (tx, ctx, { params }) => getTaxJurisdictionOrThrow(tx, ctx, params.jurisdictionCode),
  }),
  defineRoute({
    method: 'PUT',
    path: '/v1/tax-jurisdictions/:jurisdictionCode/rates/:taxClass',
    summary: 'Set the rate of a tax class in a jurisdiction',
    description: 'Orders already priced keep the rate stored on their lines.',
    tags: ['partners'],
    permission: 'partners:write',
    params: TaxRateParams,
    body: SetTaxRateBody,
    response: TaxJurisdictionRef,
    handler: (tx, ctx, { params, body }) => setTaxRate(tx, ctx, params.jurisdictionCode, params.taxClass, body.rate),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/tax-jurisdictions/:jurisdictionCode/deactivate',
    summary: 'Deactivate a tax jurisdiction',
    description: 'New ship-tos and exemptions can no longer name it; existing ones keep it.',
    tags: ['partners'],
    permission: 'partners:write',
    idempotent: true,
    status: 200,
    params: TaxJurisdictionParams,
    response: TaxJurisdictionRef,
    handler: (tx, ctx, { params }) => setTaxJurisdictionActive(tx, ctx, params.jurisdictionCode, false),
  }),
];
