import { Type } from '@sinclair/typebox';
import { BusinessDate, PositiveDecimalString, Uuid } from '../../platform/http/common.schema.ts';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { createContractPrice, getContractPriceOrThrow, listContractPrices, setContractPriceValidTo } from './contract-prices.service.ts';
import { ContractPriceSchema, Unit } from './pricing.schema.ts';

const ContractPriceParams = Type.Object({ contractPriceId: Uuid }, { additionalProperties: false });

export const contractPriceRoutes: RouteSpec[] = [
  defineListRoute({
    method: 'GET',
    path: '/v1/contract-prices',
    summary: 'List contract prices',
    tags: ['pricing'],
    permission: 'pricing:read',
    query: Type.Object({
      customerId: Type.Optional(Uuid),
      itemId: Type.Optional(Uuid),
      validOn: Type.Optional({ ...BusinessDate, description: 'Only contracts valid on this business date' }),
    }),
    item: Type.Ref(ContractPriceSchema),
    handler: (tx, ctx, { query, page }) => listContractPrices(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/contract-prices',
    summary: 'Create a contract price',
    description:
      'A contract price beats every list and discount while valid (validFrom to validTo inclusive, tenant business dates). ' +
      'When several of a customer’s contracts apply to one line, the lowest price wins.',
    tags: ['pricing'],
    permission: 'pricing:write',
    idempotent: true,
    body: Type.Object(
      {
        customerId: Uuid,
        itemId: Uuid,
        unit: Unit,
        minQty: Type.Optional(PositiveDecimalString),
        unitPrice: PositiveDecimalString,
        validFrom: BusinessDate,
        validTo: BusinessDate,
        contractReference: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
      },
      {
        additionalProperties: false,
        examples: [{ customerId: '01932d6e-ba4b-7c1e-9f00-3b5e2a7d1c47', itemId: '01932d6e-9a4b-7c1e-9f00-3b5e2a7d1c45', unit: 'EA', unitPrice: '8.4', validFrom: '2026-01-01', validTo: '2026-12-31', contractReference: 'K-2026-017' }],
      },
    ),
    response: Type.Ref(ContractPriceSchema),
    handler: (tx, ctx, { body }) => createContractPrice(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/contract-prices/:contractPriceId',
    summary: 'Get a contract price',
    tags: ['pricing'],
    permission: 'pricing:read',
    params: ContractPriceParams,
    response: Type.Ref(ContractPriceSchema),
    handler: (tx, ctx, { params }) => getContractPriceOrThrow(tx, ctx, params.contractPriceId),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/contract-prices/:contractPriceId',
    summary: 'End (or extend) a contract price',
    description: 'Only validTo changes: a contract is never deleted and its price never changes (a new price is a new contract), so stored price explanations stay true.',
    tags: ['pricing'],
    permission: 'pricing:write',
    params: ContractPriceParams,
    body: Type.Object({ validTo: BusinessDate }, { additionalProperties: false, examples: [{ validTo: '2026-06-30' }] }),
    response: Type.Ref(ContractPriceSchema),
    handler: (tx, ctx, { params, body }) => setContractPriceValidTo(tx, ctx, params.contractPriceId, body.validTo),
  }),
];
