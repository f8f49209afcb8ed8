import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestKey, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';

const run = promisify(execFile);
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

describe('API keys over HTTP', () => {
  it('creates a key that works at once, shows its secret once and stores only its hash', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: bearer(tenant.adminKey),
      payload: { name: 'integration', permissions: ['api_keys:read'] },
    });
    expect(created.statusCode).toBe(201);
    const { apiKey, secret } = created.json();
    expect(secret).toMatch(/^qm_live_[A-Za-z0-9_-]{43}$/);
    expect(apiKey.permissions).toEqual(['api_keys:read']);

    const listed = await app.inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(secret) });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(secret);
    expect(listed.json().data.map((key: { apiKeyId: string }) => key.apiKeyId)).toContain(apiKey.apiKeyId);

    const { rows } = await testDb().admin.query('select * from api_keys where api_key_id = $1', [apiKey.apiKeyId]);
    expect(JSON.stringify(rows)).not.toContain(secret.slice(8));
    expect(rows[0].key_hash).toHaveLength(32);

    // Audited in the same transaction: who, what, from where, under which request.
    const audited = await testDb().admin.query('select * from audit_log where entity_id = $1', [apiKey.apiKeyId]);
    expect(audited.rows).toHaveLength(1);
    expect(audited.rows[0]).toMatchObject({
      action: 'api_key.create',
      actor_type: 'api_key',
      request_id: created.headers['x-request-id'],
      source_address: '127.0.0.1',
    });
    expect(audited.rows[0].changes.permissions).toEqual({ old: null, new: ['api_keys:read'] });
    expect(JSON.stringify(audited.rows[0].changes)).not.toContain(secret.slice(8));
  });

  it('refuses to create a key with permissions its creator lacks, or unknown ones', async () => {
    const limited = await createTestKey(testDb().db, tenant.tenantId, ['api_keys:write']);
    const escalate = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: bearer(limited),
      payload: { name: 'x', permissions: ['audit:read'] },
    });
    expect(escalate.statusCode).toBe(403);
    const unknown = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: bearer(tenant.adminKey),
      payload: { name: 'x', permissions: ['warehouse:teleport'] },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('PERMISSION_UNKNOWN');
  });

  it('stops accepting a key on the request after it is revoked', async () => {
    const victim = await createTestKey(testDb().db, tenant.tenantId, ['api_keys:read']);
    const ok = await app.inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(victim) });
    expect(ok.statusCode).toBe(200);
    const victimId = ok.json().data.find((key: { displayPrefix: string }) => victim.startsWith(key.displayPrefix)).apiKeyId;
    const headers = { ...bearer(tenant.adminKey), 'idempotency-key': `revoke-${victimId}` };
    const revoked = await app.inject({ method: 'POST', url: `/v1/api-keys/${victimId}/revoke`, headers });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    const replay = await app.inject({ method: 'POST', url: `/v1/api-keys/${victimId}/revoke`, headers });
    expect(replay.body).toBe(revoked.body);
    const refused = await app.inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(victim) });
    expect(refused.statusCode).toBe(401);
    const audited = await testDb().admin.query(`select changes from audit_log where entity_id = $1 and action = 'api_key.revoke'`, [victimId]);
    expect(audited.rows).toHaveLength(1);
    expect(audited.rows[0].changes.revokedAt.old).toBeNull();
    expect(Object.keys(audited.rows[0].changes)).toEqual(['revokedAt']);
  });

  it('records last use without a write per request', async () => {
    const key = await createTestKey(testDb().db, tenant.tenantId, ['api_keys:read']);
    const localApp = await buildApp({ db: testDb().db });
    const lastUsed = async () =>
      (await testDb().admin.query('select last_used_at from api_keys where display_prefix = $1', [key.slice(0, 14)])).rows[0].last_used_at;
    for (let index = 0; index < 10; index++) {
      expect((await localApp.inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(key) })).statusCode).toBe(200);
    }
    expect(await lastUsed()).toBeNull();
    await localApp.close(); // flushes the in-process record
    expect(await lastUsed()).toBeInstanceOf(Date);
  });

  it("answers 404 for another tenant's key id", async () => {
    const other = await createTestTenant(testDb().db);
    const mine = await app.inject({ method: 'GET', url: '/v1/api-keys?limit=1', headers: bearer(tenant.adminKey) });
    const id = mine.json().data[0].apiKeyId;
    const response = await app.inject({ method: 'GET', url: `/v1/api-keys/${id}`, headers: bearer(other.adminKey) });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('API_KEY_NOT_FOUND');
  });
});

describe('qm tenant create and qm apikey create', () => {
  it('prints a first admin key that works, and apikey create prints a scoped one', async () => {
    const env = { ...process.env, DATABASE_URL: testDb().adminUrl, QM_APP_PASSWORD: inject('qmDatabase').appPassword, LOG_LEVEL: 'warn' };
    const name = `Cli ${Date.now()}`;
    const created = await run(process.execPath, ['bin/qm.js', 'tenant', 'create', name, '--time-zone', 'America/Chicago'], { env });
    const adminKey = created.stdout.trim();
    expect(adminKey).toMatch(/^qm_live_/);
    expect(created.stderr).toContain('shown once');
    const listed = await app.inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(adminKey) });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().data[0].permissions).toEqual(['*']);

    const scoped = await run(process.execPath, ['bin/qm.js', 'apikey', 'create', '--tenant', name, '--permissions', 'api_keys:read'], { env });
    const readKey = scoped.stdout.trim();
    expect((await app.inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(readKey) })).statusCode).toBe(200);
    const write = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(readKey), payload: { name: 'x', permissions: ['api_keys:read'] } });
    expect(write.statusCode).toBe(403);

    const unknownTenant = run(process.execPath, ['bin/qm.js', 'apikey', 'create', '--tenant', 'No Such Tenant', '--permissions', '*'], { env });
    await expect(unknownTenant).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('TENANT_NOT_FOUND') });
  });
});
