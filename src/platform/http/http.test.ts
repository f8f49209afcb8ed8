import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createDatabase, type Database } from '../db/index.ts';
import { REQUEST_ID_MAX_LENGTH } from '../limits.ts';

/** The HTTP glue every module relies on: validation, problem+json errors, probes, request ids, OpenAPI. */

const testDb = useTestDatabase();

const EchoBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 50 }), qty: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false, $id: 'TestEcho' },
);
const SQL_TEXT = 'duplicate key value violates unique constraint "tenants_name_key" in INSERT INTO tenants (tenant_id, name) VALUES ($1, $2)';

function testRoutes(app: FastifyInstance): void {
  app.post('/v1/test-echo', { schema: { body: EchoBody, response: { 200: EchoBody } } }, async (request) => request.body);
  app.get('/v1/test-boom', async () => {
    throw new Error(SQL_TEXT);
  });
}

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ db: testDb().db, modules: [testRoutes] });
});
afterAll(async () => {
  await app?.close();
});

function postEcho(payload: string, contentType = 'application/json') {
  return app.inject({ method: 'POST', url: '/v1/test-echo', headers: { 'content-type': contentType }, payload });
}

function expectProblem(response: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = response.json() as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, type: expect.stringContaining(code.toLowerCase().replaceAll('_', '-')) });
  return body as { status: number; code: string; detail: string; requestId?: string; errors?: Array<{ field: string; message: string }> };
}

describe('request validation', () => {
  it('accepts a valid body', async () => {
    const response = await postEcho(JSON.stringify({ name: 'bolts', qty: 3 }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ name: 'bolts', qty: 3 });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    expectProblem(await postEcho('{"name": "bolts", "qty": '), 400, 'MALFORMED_JSON');
  });

  it('answers an empty JSON body on a route that needs one with 400 naming the body', async () => {
    // An empty body is "no body" (action POSTs may send the JSON content type without one);
    // a route with a body schema then says the body is missing.
    const body = expectProblem(await postEcho(''), 400, 'VALIDATION_FAILED');
    expect(body.detail).toMatch(/body/);
  });

  it('refuses an unknown field instead of dropping it, naming the field', async () => {
    const body = expectProblem(await postEcho(JSON.stringify({ name: 'bolts', qty: 3, price: 9.99 })), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ field: 'body.price', message: 'is not a known field' }]);
  });

  it('refuses a wrong type without coercing it, naming the field', async () => {
    const body = expectProblem(await postEcho(JSON.stringify({ name: 'bolts', qty: '3' })), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ field: 'body.qty', message: expect.stringContaining('integer') }]);
  });

  it('refuses a missing field, naming it', async () => {
    const body = expectProblem(await postEcho(JSON.stringify({ qty: 3 })), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ field: 'body.name', message: 'is required' }]);
  });

  it('reports every problem of a body at once', async () => {
    const body = expectProblem(await postEcho(JSON.stringify({ qty: -1, extra: true })), 400, 'VALIDATION_FAILED');
    expect(body.errors?.map((error) => error.field).sort()).toEqual(['body.extra', 'body.name', 'body.qty']);
  });

  it('answers a body that is not JSON with 415', async () => {
    expectProblem(await postEcho('name=bolts&qty=3', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await postEcho('bolts', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('errors', () => {
  it('answers an unexpected error with a bare 500 that reveals no message or stack', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/test-boom' });
    const body = expectProblem(response, 500, 'INTERNAL_ERROR');
    expect(response.body).not.toContain('tenants_name_key');
    expect(response.body).not.toContain('INSERT');
    expect(response.body).not.toMatch(/at .*\.ts:\d+/);
    expect(response.body).not.toContain('stack');
    expect(body.requestId).toBe(response.headers['x-request-id']);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const body = expectProblem(await app.inject({ method: 'GET', url: '/v1/no-such-thing?x=1' }), 404, 'ROUTE_NOT_FOUND');
    expect(body.detail).toBe('no route for GET /v1/no-such-thing');
  });
});

describe('probes', () => {
  it('answers /healthz with 200', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when the database is migrated', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
  });

  it('answers /readyz with 503 NOT_READY when the database is unreachable', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const unreachable: Database = createDatabase({ appUrl: 'postgres://qm_app:wrong@127.0.0.1:1/nowhere' });
    const downApp = await buildApp({ db: unreachable });
    try {
      const response = await downApp.inject({ method: 'GET', url: '/readyz' });
      expectProblem(response, 503, 'NOT_READY');
      // /healthz is liveness only: a database outage must not get the process restarted.
      expect((await downApp.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await downApp.close();
      await unreachable.close();
    }
  });
});

describe('request ids', () => {
  it('echoes a plain X-Request-Id and uses it in problems', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/nope', headers: { 'x-request-id': 'lb-1234.abc:9' } });
    expect(response.headers['x-request-id']).toBe('lb-1234.abc:9');
    expect(response.json()).toMatchObject({ requestId: 'lb-1234.abc:9' });
  });

  it('replaces an X-Request-Id that could forge log lines or is too long', async () => {
    for (const given of ['abc\r\nlevel=fatal', 'abc def', 'x'.repeat(REQUEST_ID_MAX_LENGTH + 1)]) {
      const response = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': given } });
      const echoed = String(response.headers['x-request-id']);
      expect(echoed).not.toBe(given);
      expect(echoed).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it('gives every request an id when none is sent', async () => {
    const first = await app.inject({ method: 'GET', url: '/healthz' });
    const second = await app.inject({ method: 'GET', url: '/healthz' });
    expect(first.headers['x-request-id']).toBeTruthy();
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1.0 document with the routes and their request schemas', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json() as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
      components?: { schemas?: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/test-echo', '/healthz', '/readyz']));
    expect(document.paths['/v1/openapi.json']).toBeUndefined();
    const schema = resolve(document, document.paths['/v1/test-echo']?.post?.requestBody?.content['application/json']?.schema);
    expect(schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['name', 'qty'],
      properties: { name: { type: 'string' }, qty: { type: 'integer' } },
    });
  });
});

/** Follows a local $ref (#/components/schemas/…) if the document uses one. */
function resolve(document: { components?: { schemas?: Record<string, unknown> } }, schema: unknown): unknown {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  if (!ref) return schema;
  const name = ref.replace('#/components/schemas/', '');
  return document.components?.schemas?.[name];
}
