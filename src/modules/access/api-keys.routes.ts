import { Type } from '@sinclair/typebox';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { createApiKey, getApiKeyOrThrow, listApiKeys, revokeApiKey } from './api-keys.service.ts';

const Uuid = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });

export const ApiKeySchema = Type.Object(
  {
    apiKeyId: Uuid,
    name: Type.String(),
    displayPrefix: Type.String({ description: 'The first characters of the key, to tell keys apart' }),
    permissions: Type.Array(Type.String()),
    createdBy: Type.String(),
    createdAt: Timestamp,
    revokedAt: Type.Union([Timestamp, Type.Null()]),
    lastUsedAt: Type.Union([Timestamp, Type.Null()], { description: 'Updated at most once a minute' }),
  },
  {
    $id: 'ApiKey',
    additionalProperties: false,
    examples: [
      {
        apiKeyId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44',
        name: 'EDI gateway',
        displayPrefix: 'qm_live_Zx81kQ',
        permissions: ['api_keys:read'],
        createdBy: 'api_key:01932d6e-0000-7000-8000-000000000001',
        createdAt: '2026-12-03T17:00:00.000Z',
        revokedAt: null,
        lastUsedAt: null,
      },
    ],
  },
);

const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    permissions: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false, examples: [{ name: 'EDI gateway', permissions: ['api_keys:read'] }] },
);

const CreatedApiKeySchema = Type.Object(
  {
    apiKey: Type.Ref(ApiKeySchema),
    secret: Type.String({ description: 'The key itself. Shown once: store it now.' }),
  },
  { additionalProperties: false },
);

const ApiKeyParams = Type.Object({ apiKeyId: Uuid }, { additionalProperties: false });

export const apiKeyRoutes: RouteSpec[] = [
  defineListRoute({
    method: 'GET',
    path: '/v1/api-keys',
    summary: 'List API keys',
    tags: ['access'],
    permission: 'api_keys:read',
    query: Type.Object({ revoked: Type.Optional(Type.Boolean({ description: 'Only revoked (true) or only active (false) keys' })) }),
    item: Type.Ref(ApiKeySchema),
    handler: (tx, ctx, { query, page }) => listApiKeys(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/api-keys',
    summary: 'Create an API key',
    description:
      'The response carries the key once; only its hash is stored. A key cannot hold permissions its creator lacks. ' +
      'Not idempotent by design: a replayable response would have to store the secret. A retry after a lost response creates a second key; revoke the one you did not receive.',
    tags: ['access'],
    permission: 'api_keys:write',
    status: 201,
    body: CreateApiKeyBody,
    response: CreatedApiKeySchema,
    handler: (tx, ctx, { body }) => createApiKey(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/api-keys/:apiKeyId',
    summary: 'Get an API key',
    tags: ['access'],
    permission: 'api_keys:read',
    params: ApiKeyParams,
    response: Type.Ref(ApiKeySchema),
    handler: (tx, ctx, { params }) => getApiKeyOrThrow(tx, ctx, params.apiKeyId),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/api-keys/:apiKeyId/revoke',
    summary: 'Revoke an API key',
    description: 'Takes effect on the next request made with the key. Revoking a revoked key changes nothing.',
    tags: ['access'],
    permission: 'api_keys:write',
    idempotent: true,
    status: 200,
    params: ApiKeyParams,
    response: Type.Ref(ApiKeySchema),
    handler: async (tx, ctx, { params }) => (await revokeApiKey(tx, ctx, params.apiKeyId)).after,
  }),
];
