import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestKey, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { newId } from '../ids.ts';
import { PAGE_SIZE_MAX } from '../limits.ts';
import { defineListRoute, defineRoute, registerRoutes, type RouteSpec } from './define-route.ts';
import { toPage } from './pagination.ts';

/**
 * The kernel's route declaration, exercised through a sample resource: a
 * tenant table created in this file's own test database, with routes that
 * create (idempotent), list (paginated) and read notes.
 */
const testDb = useTestDatabase();

const Note = Type.Object({ noteId: Type.String(), body: Type.String() }, { additionalProperties: false });
let failAfterWrite = false;

const sampleRoutes: RouteSpec[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/sample-notes',
    summary: 'Create a note',
    tags: ['sample'],
    permission: 'tenant:write',
    idempotent: true,
    body: Type.Object({ body: Type.String({ maxLength: 1000 }) }, { additionalProperties: false }),
    response: Note,
    handler: async (tx, ctx, { body }) => {
      const noteId = newId();
      await sql`insert into sample_notes (tenant_id, note_id, body) values (${ctx.tenantId}, ${noteId}, ${body.body})`.execute(tx);
      // Widen the window in which concurrent duplicates arrive.
      await sql`select pg_sleep(0.05)`.execute(tx);
      if (failAfterWrite) throw new Error('simulated crash after the business write: insert into sample_notes …');
      return { noteId, body: body.body, internalSecret: 'must not leave the server' } as never;
    },
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/sample-notes',
    summary: 'List notes',
    tags: ['sample'],
    permission: 'tenant:read',
    item: Note,
    handler: async (tx, _ctx, { page }) => {
      const after = page.after ?? '00000000-0000-0000-0000-000000000000';
      const { rows } = await sql<{ noteId: string; body: string }>`
        select note_id as "noteId", body from sample_notes where note_id > ${after}::uuid order by note_id limit ${page.limit + 1}`.execute(tx);
      return toPage(rows, page, (row) => row.noteId);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/sample-notes/:noteId',
    summary: 'Get a note',
    tags: ['sample'],
    permission: 'tenant:read',
    params: Type.Object({ noteId: Type.String({ format: 'uuid' }) }),
    response: Note,
    handler: async (tx, _ctx, { params }) => {
      const { rows } = await sql<{ noteId: string; body: string }>`
        select note_id as "noteId", body from sample_notes where note_id = ${params.noteId}::uuid`.execute(tx);
      if (!rows[0]) {
        const { AppError } = await import('../errors.ts');
        throw new AppError('NOT_FOUND', 'no such note');
      }
      return rows[0];
    },
  }),
];

let app: FastifyInstance;
let tenantA: TestTenant;
let tenantB: TestTenant;

beforeAll(async () => {
  const { admin, db } = testDb();
  await admin.query(`
    create table sample_notes (
      tenant_id uuid not null references tenants (tenant_id),
      note_id uuid not null,
      body text not null,
      primary key (tenant_id, note_id)
    );
    call qm_enable_tenant_rls('sample_notes');
    grant select, insert, update, delete on sample_notes to qm_app;`);
  app = await buildApp({ db, routes: sampleRoutes });
  tenantA = await createTestTenant(db);
  tenantB = await createTestTenant(db);
});

afterAll(async () => {
  await app?.close();
});

async function countNotes(tenantId: string): Promise<number> {
  const { rows } = await testDb().admin.query('select count(*)::int as n from sample_notes where tenant_id = $1', [tenantId]);
  return rows[0].n;
}

describe('defineRoute at start-up', () => {
  const base = { method: 'GET' as const, path: '/v1/x', summary: 'x', tags: ['x'], handler: async () => ({}) };

  it('refuses a route without a permission', () => {
    const route = defineRoute({ ...base, response: Type.Object({}) } as never);
    expect(() => registerRoutes({} as FastifyInstance, {} as never, [route])).toThrow(/declares no known permission/);
  });

  it('refuses a route with an unknown permission', () => {
    const route = defineRoute({ ...base, permission: 'everything:goes', response: Type.Object({}) } as never);
    expect(() => registerRoutes({} as FastifyInstance, {} as never, [route])).toThrow(/declares no known permission/);
  });

  it('refuses a route without a response schema', () => {
    const route = defineRoute({ ...base, permission: 'tenant:read' } as never);
    expect(() => registerRoutes({} as FastifyInstance, {} as never, [route])).toThrow(/no response schema/);
  });
});

describe('credentials and permissions', () => {
  it('answers 401 without a key, with a malformed key, and with an unknown key', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, bearer(`qm_live_${'A'.repeat(43)}`), { authorization: 'Basic dXNlcjpwYXNz' }]) {
      const response = await app.inject({ method: 'GET', url: '/v1/sample-notes', headers });
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers 403 to a key without the permission, and lets the same call through with it', async () => {
    const readOnly = await createTestKey(testDb().db, tenantA.tenantId, ['tenant:read']);
    const refused = await app.inject({ method: 'POST', url: '/v1/sample-notes', headers: bearer(readOnly), payload: { body: 'x' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.json().detail).toContain('tenant:write');
    const listed = await app.inject({ method: 'GET', url: '/v1/sample-notes', headers: bearer(readOnly) });
    expect(listed.statusCode).toBe(200);
  });

  it("shows another tenant's key a 404 for this tenant's ids", async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/sample-notes', headers: bearer(tenantA.adminKey), payload: { body: 'A only' } });
    expect(created.statusCode).toBe(201);
    const { noteId } = created.json();
    const own = await app.inject({ method: 'GET', url: `/v1/sample-notes/${noteId}`, headers: bearer(tenantA.adminKey) });
    expect(own.statusCode).toBe(200);
    const foreign = await app.inject({ method: 'GET', url: `/v1/sample-notes/${noteId}`, headers: bearer(tenantB.adminKey) });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('NOT_FOUND');
  });

  it('refuses a key sent in the URL, even a valid one', async () => {
    for (const url of [`/v1/sample-notes?api_key=${tenantA.adminKey}`, `/v1/sample-notes?q=${tenantA.adminKey}`, '/v1/sample-notes?access_token=x']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('CREDENTIAL_IN_URL');
    }
  });

  it('sends only the fields the response schema names', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/sample-notes', headers: bearer(tenantA.adminKey), payload: { body: 'y' } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).not.toHaveProperty('internalSecret');
    expect(response.body).not.toContain('must not leave the server');
  });
});

describe('idempotency keys', () => {
  it('turns 50 parallel identical creates with one key into one row and 50 identical responses', async () => {
    const before = await countNotes(tenantA.tenantId);
    const headers = { ...bearer(tenantA.adminKey), 'idempotency-key': `parallel-${newId()}` };
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => app.inject({ method: 'POST', url: '/v1/sample-notes', headers, payload: { body: 'once' } })),
    );
    expect(new Set(responses.map((response) => response.statusCode))).toEqual(new Set([201]));
    expect(new Set(responses.map((response) => response.body)).size).toBe(1);
    expect(responses.filter((response) => response.headers['idempotent-replayed'] === 'true')).toHaveLength(49);
    expect(await countNotes(tenantA.tenantId)).toBe(before + 1);
  });

  it('answers 422 when the same key comes with a different body', async () => {
    const headers = { ...bearer(tenantA.adminKey), 'idempotency-key': `changed-${newId()}` };
    const first = await app.inject({ method: 'POST', url: '/v1/sample-notes', headers, payload: { body: 'first' } });
    expect(first.statusCode).toBe(201);
    const second = await app.inject({ method: 'POST', url: '/v1/sample-notes', headers, payload: { body: 'second' } });
    expect(second.statusCode).toBe(422);
    expect(second.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('scopes keys per credential: another key may reuse the same idempotency key', async () => {
    const otherKey = await createTestKey(testDb().db, tenantA.tenantId, ['tenant:write']);
    const key = `scoped-${newId()}`;
    const first = await app.inject({ method: 'POST', url: '/v1/sample-notes', headers: { ...bearer(tenantA.adminKey), 'idempotency-key': key }, payload: { body: 'a' } });
    const second = await app.inject({ method: 'POST', url: '/v1/sample-notes', headers: { ...bearer(otherKey), 'idempotency-key': key }, payload: { body: 'a' } });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().noteId).not.toBe(first.json().noteId);
  });

  it('leaves neither the business row nor the key behind when the request fails after the write, and a retry then succeeds once', async () => {
    const before = await countNotes(tenantA.tenantId);
    const headers = { ...bearer(tenantA.adminKey), 'idempotency-key': `crash-${newId()}` };
    failAfterWrite = true;
    try {
      const crashed = await app.inject({ method: 'POST', url: '/v1/sample-notes', headers, payload: { body: 'crash' } });
      expect(crashed.statusCode).toBe(500);
      expect(crashed.json().code).toBe('INTERNAL_ERROR');
      expect(crashed.body).not.toContain('insert into');
    } finally {
      failAfterWrite = false;
    }
    expect(await countNotes(tenantA.tenantId)).toBe(before);
    const { rows } = await testDb().admin.query('select count(*)::int as n from idempotency_keys where idempotency_key = $1', [headers['idempotency-key']]);
    expect(rows[0].n).toBe(0);
    const retried = await Promise.all([1, 2].map(() => app.inject({ method: 'POST', url: '/v1/sample-notes', headers, payload: { body: 'crash' } })));
    expect(retried.map((response) => response.statusCode)).toEqual([201, 201]);
    expect(await countNotes(tenantA.tenantId)).toBe(before + 1);
  });

  it('refuses a malformed Idempotency-Key', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/sample-notes',
      headers: { ...bearer(tenantA.adminKey), 'idempotency-key': 'x'.repeat(300) },
      payload: { body: 'z' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('IDEMPOTENCY_KEY_INVALID');
  });
});

describe('cursor pagination', () => {
  it('returns every row committed before the scan began exactly once, while rows are added during the scan', async () => {
    const tenant = await createTestTenant(testDb().db);
    const seeded: string[] = [];
    for (let index = 0; index < 57; index++) seeded.push(newId());
    await testDb().admin.query(
      `insert into sample_notes (tenant_id, note_id, body) select $1, id, 'seeded' from unnest($2::uuid[]) as id`,
      [tenant.tenantId, seeded],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/sample-notes?limit=10${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await app.inject({ method: 'GET', url, headers: bearer(tenant.adminKey) });
      expect(response.statusCode).toBe(200);
      const page = response.json() as { data: Array<{ noteId: string }>; nextCursor: string | null };
      expect(page.data.length).toBeLessThanOrEqual(10);
      seen.push(...page.data.map((note) => note.noteId));
      cursor = page.nextCursor;
      // Writers add rows between pages, before and after the cursor.
      await testDb().admin.query(
        `insert into sample_notes (tenant_id, note_id, body) values ($1, $2, 'late'), ($1, gen_random_uuid(), 'late')`,
        [tenant.tenantId, newId()],
      );
      pages++;
    } while (cursor && pages < 100);
    expect(new Set(seen).size).toBe(seen.length);
    for (const noteId of seeded) expect(seen).toContain(noteId);
  });

  it('caps the page size and says so instead of truncating', async () => {
    const tooBig = await app.inject({ method: 'GET', url: `/v1/sample-notes?limit=${PAGE_SIZE_MAX + 1}`, headers: bearer(tenantA.adminKey) });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().code).toBe('VALIDATION_FAILED');
    expect(tooBig.json().errors[0].field).toContain('limit');
  });

  it('refuses a forged cursor', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/sample-notes?cursor=not-a-cursor', headers: bearer(tenantA.adminKey) });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('CURSOR_INVALID');
  });
});
