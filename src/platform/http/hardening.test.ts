import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestKey, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';

/** Defects found by a hostile review, each pinned by a test. */
const testDb = useTestDatabase();
let app: FastifyInstance;
let tenant: TestTenant;

beforeAll(async () => {
  app = await buildApp({ db: testDb().db });
  tenant = await createTestTenant(testDb().db);
});
afterAll(async () => {
  await app?.close();
});

function expectProblem(response: { statusCode: number; headers: Record<string, unknown>; json(): { code: string } }, status: number, code: string): void {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers['content-type'])).toContain('application/problem+json');
  expect(response.json().code).toBe(code);
}

describe('hostile input', () => {
  it('answers a well-formed cursor carrying a non-key value with 400, not 500', async () => {
    for (const after of ['zzz', "' OR 1=1 --", '\u0000']) {
      const cursor = Buffer.from(JSON.stringify({ v: 1, after })).toString('base64url');
      expectProblem(await app.inject({ method: 'GET', url: `/v1/api-keys?cursor=${cursor}`, headers: bearer(tenant.adminKey) }), 400, 'CURSOR_INVALID');
    }
  });

  it('refuses NUL characters and blank names with 400 and writes nothing', async () => {
    const before = await testDb().admin.query('select count(*)::int as n from api_keys');
    const nul = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { ...bearer(tenant.adminKey), 'content-type': 'application/json' },
      payload: '{"name":"a\\u0000b","permissions":["api_keys:read"]}',
    });
    expectProblem(nul, 400, 'VALIDATION_FAILED');
    for (const name of ['   ', '\u00a0']) {
      expectProblem(
        await app.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(tenant.adminKey), payload: { name, permissions: ['api_keys:read'] } }),
        400,
        'VALIDATION_FAILED',
      );
    }
    const after = await testDb().admin.query('select count(*)::int as n from api_keys');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('refuses compressed bodies, other charsets and invalid UTF-8', async () => {
    const headers = { ...bearer(tenant.adminKey), 'content-type': 'application/json' };
    const body = JSON.stringify({ name: 'x', permissions: ['api_keys:read'] });
    expectProblem(await app.inject({ method: 'POST', url: '/v1/api-keys', headers: { ...headers, 'content-encoding': 'gzip' }, payload: body }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await app.inject({ method: 'POST', url: '/v1/api-keys', headers: { ...headers, 'content-type': 'application/json; charset=latin1' }, payload: body }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const invalidUtf8 = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","permissions":["api_keys:read"]}')]);
    expectProblem(await app.inject({ method: 'POST', url: '/v1/api-keys', headers, payload: invalidUtf8 }), 400, 'MALFORMED_JSON');
  });

  it('authenticates before validating, so an anonymous caller learns nothing about the schema', async () => {
    expectProblem(await app.inject({ method: 'GET', url: '/v1/api-keys/not-a-uuid' }), 401, 'UNAUTHENTICATED');
    expectProblem(await app.inject({ method: 'POST', url: '/v1/api-keys', payload: { x: 1 } }), 401, 'UNAUTHENTICATED');
  });

  it('refuses two Authorization headers whatever their order', async () => {
    for (const pair of [
      [`Bearer ${tenant.adminKey}`, 'Bearer nope'],
      ['Bearer nope', `Bearer ${tenant.adminKey}`],
    ]) {
      const response = await app.inject({ method: 'GET', url: '/v1/api-keys', headers: { authorization: pair } as never });
      expectProblem(response, 401, 'UNAUTHENTICATED');
    }
  });

  it('refuses an Idempotency-Key on a route that cannot honour it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { ...bearer(tenant.adminKey), 'idempotency-key': 'k1' },
      payload: { name: 'x', permissions: ['api_keys:read'] },
    });
    expectProblem(response, 400, 'IDEMPOTENCY_KEY_INVALID');
  });

  it('does not let a limited key revoke a key holding more permissions', async () => {
    const limited = await createTestKey(testDb().db, tenant.tenantId, ['api_keys:write', 'api_keys:read']);
    const { rows } = await testDb().admin.query(`select api_key_id from api_keys where tenant_id = $1 and permissions = '{*}'`, [tenant.tenantId]);
    const response = await app.inject({ method: 'POST', url: `/v1/api-keys/${rows[0].api_key_id}/revoke`, headers: bearer(limited) });
    expectProblem(response, 403, 'FORBIDDEN');
    const still = await testDb().admin.query('select revoked_at from api_keys where api_key_id = $1', [rows[0].api_key_id]);
    expect(still.rows[0].revoked_at).toBeNull();
  });

  it('refuses a key anywhere in the URL, and answers malformed URLs with problem+json', async () => {
    expectProblem(await app.inject({ method: 'GET', url: `/v1/${tenant.adminKey}` }), 400, 'CREDENTIAL_IN_URL');
    const badEncoding = await app.inject({ method: 'GET', url: '/v1/api-keys/%E0%A4%A', headers: bearer(tenant.adminKey) });
    expect(badEncoding.statusCode).toBe(400);
    expect(String(badEncoding.headers['content-type'])).toContain('application/problem+json');
    expect(badEncoding.json().code).toBe('VALIDATION_FAILED');
  });
});
