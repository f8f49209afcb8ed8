import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestKey, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { fixedClock } from '../../platform/context.ts';
import { createFixtureItem, inventoryContext } from './inventory.fixtures.ts';
import { adjustStock } from './stock-movements.service.ts';

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

const post = (url: string, payload: unknown, key = tenant.adminKey, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: { ...bearer(key), ...headers } });
const get = (url: string, key = tenant.adminKey) => app.inject({ method: 'GET', url, headers: bearer(key) });

describe('warehouses over HTTP', () => {
  it('creates a warehouse (idempotently), reads it back, lists it, and audits the create', async () => {
    const body = { code: 'CHI', name: 'Chicago DC', timeZone: 'America/Chicago', allocationPriority: 10 };
    const created = await post('/v1/warehouses', body, tenant.adminKey, { 'idempotency-key': 'wh-chi' });
    expect(created.statusCode).toBe(201);
    const warehouse = created.json();
    expect(warehouse).toMatchObject({ ...body, active: true });
    const replay = await post('/v1/warehouses', body, tenant.adminKey, { 'idempotency-key': 'wh-chi' });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().warehouseId).toBe(warehouse.warehouseId);

    expect((await get(`/v1/warehouses/${warehouse.warehouseId}`)).json()).toEqual(warehouse);
    const listed = await get('/v1/warehouses');
    expect(listed.json().data.map((w: { code: string }) => w.code)).toContain('CHI');
    const { rows } = await testDb().admin.query(`select action from audit_log where entity_id = $1`, [warehouse.warehouseId]);
    expect(rows).toEqual([{ action: 'warehouse.create' }]);
    const { rows: events } = await testDb().admin.query(`select event_type from outbox_events where aggregate_id = $1`, [warehouse.warehouseId]);
    expect(events).toEqual([{ event_type: 'warehouse.created' }]);
  });

  it('refuses a taken code (409), a bad time zone and a bad code (400), writing nothing', async () => {
    await post('/v1/warehouses', { code: 'DAL', name: 'Dallas', timeZone: 'America/Chicago' });
    const taken = await post('/v1/warehouses', { code: 'DAL', name: 'Dallas 2', timeZone: 'America/Chicago' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('WAREHOUSE_CODE_TAKEN');
    const zone = await post('/v1/warehouses', { code: 'MARS', name: 'Mars', timeZone: 'Mars/Olympus_Mons' });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().code).toBe('TIME_ZONE_INVALID');
    const code = await post('/v1/warehouses', { code: 'lower case', name: 'x', timeZone: 'UTC' });
    expect(code.statusCode).toBe(400);
    expect(code.json().code).toBe('VALIDATION_FAILED');
    const { rows } = await testDb().admin.query(`select code from warehouses where tenant_id = $1 and code in ('DAL', 'MARS') order by code`, [tenant.tenantId]);
    expect(rows).toEqual([{ code: 'DAL' }]);
  });

  it('needs inventory:write to create and inventory:read to read', async () => {
    const reader = await createTestKey(testDb().db, tenant.tenantId, ['inventory:read']);
    expect((await post('/v1/warehouses', { code: 'NOPE', name: 'x', timeZone: 'UTC' }, reader)).statusCode).toBe(403);
    expect((await get('/v1/warehouses', reader)).statusCode).toBe(200);
    const outsider = await createTestKey(testDb().db, tenant.tenantId, ['catalog:read']);
    expect((await get('/v1/warehouses', outsider)).statusCode).toBe(403);
    expect((await get('/v1/stock-movements', outsider)).statusCode).toBe(403);
  });

  it("answers WAREHOUSE_NOT_FOUND for another tenant's warehouse", async () => {
    const other = await createTestTenant(testDb().db);
    const theirs = (await post('/v1/warehouses', { code: 'THEIRS', name: 'x', timeZone: 'UTC' }, other.adminKey)).json();
    const response = await get(`/v1/warehouses/${theirs.warehouseId}`);
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('WAREHOUSE_NOT_FOUND');
    expect((await get(`/v1/warehouses/${theirs.warehouseId}/bins`)).json().code).toBe('WAREHOUSE_NOT_FOUND');
  });
});

describe('bins over HTTP', () => {
  it('creates bins and lists them in walk order, page by page', async () => {
    const warehouse = (await post('/v1/warehouses', { code: 'BINS', name: 'Bins', timeZone: 'UTC' })).json();
    const url = `/v1/warehouses/${warehouse.warehouseId}/bins`;
    for (const [code, pickSequence, kind] of [['C-01', 30, 'storage'], ['A-01', 10, 'storage'], ['RCV', 0, 'receiving'], ['B-02', 20, 'storage'], ['B-01', 20, 'storage']] as const) {
      const created = await post(url, { code, pickSequence, kind });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ code, pickSequence, kind, warehouseId: warehouse.warehouseId, active: true });
    }
    const taken = await post(url, { code: 'A-01' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('BIN_CODE_TAKEN');

    const codes: string[] = [];
    let next: string | null = `${url}?limit=2`;
    while (next) {
      const page: { data: Array<{ code: string }>; nextCursor: string | null } = (await get(next)).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      codes.push(...page.data.map((bin: { code: string }) => bin.code));
      next = page.nextCursor ? `${url}?limit=2&cursor=${page.nextCursor}` : null;
    }
    expect(codes).toEqual(['RCV', 'A-01', 'B-01', 'B-02', 'C-01']);
    expect((await get(`${url}?kind=receiving`)).json().data.map((bin: { code: string }) => bin.code)).toEqual(['RCV']);
  });
});

describe('stock over HTTP', () => {
  it('shows ATP, balances and the movement ledger with filters and paging', async () => {
    const clock = fixedClock('2026-12-01T15:00:00Z');
    const ctx = { ...inventoryContext(tenant.tenantId), clock };
    const itemId = await createFixtureItem(testDb().db, tenant.tenantId);
    const east = (await post('/v1/warehouses', { code: 'EAST', name: 'East', timeZone: 'America/New_York', allocationPriority: 1 })).json();
    const west = (await post('/v1/warehouses', { code: 'WEST', name: 'West', timeZone: 'America/Los_Angeles', allocationPriority: 2 })).json();
    const adjust = (warehouseId: string, qty: string, unitCost?: string) =>
      testDb().db.withTenant(ctx, (tx) => adjustStock(tx, ctx, { itemId, warehouseId, qty, unitCost, reason: 'count' }));
    await adjust(east.warehouseId, '10', '1.46');
    clock.set('2026-12-02T15:00:00Z');
    await adjust(east.warehouseId, '-3');
    clock.set('2026-12-03T15:00:00Z');
    await adjust(west.warehouseId, '4', '2');

    const atp = await get(`/v1/items/${itemId}/atp`);
    expect(atp.statusCode).toBe(200);
    const body = atp.json();
    expect(body.warehouses.slice(0, 2)).toEqual([
      { warehouseId: east.warehouseId, code: 'EAST', onHand: '7', reserved: '0', available: '7' },
      { warehouseId: west.warehouseId, code: 'WEST', onHand: '4', reserved: '0', available: '4' },
    ]);
    expect(body.total).toEqual({ onHand: '11', reserved: '0', available: '11' });
    const unknown = await get(`/v1/items/${crypto.randomUUID()}/atp`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('ITEM_NOT_FOUND');

    const balances = (await get(`/v1/stock-balances?itemId=${itemId}`)).json().data;
    expect(balances).toHaveLength(2);
    expect(balances.find((b: { warehouseId: string }) => b.warehouseId === east.warehouseId)).toEqual({
      itemId, warehouseId: east.warehouseId, onHand: '7', reserved: '0', available: '7', valueMinor: 1022,
    });
    const firstPage = (await get(`/v1/stock-balances?itemId=${itemId}&limit=1`)).json();
    const secondPage = (await get(`/v1/stock-balances?itemId=${itemId}&limit=1&cursor=${firstPage.nextCursor}`)).json();
    expect([...firstPage.data, ...secondPage.data]).toEqual(balances);
    expect(secondPage.nextCursor).toBeNull();
    expect((await get(`/v1/stock-balances?warehouseId=${west.warehouseId}`)).json().data).toHaveLength(1);

    const all = (await get(`/v1/stock-movements?itemId=${itemId}`)).json().data;
    expect(all.map((m: { qty: string; valueMinor: number; businessDate: string }) => [m.qty, m.valueMinor, m.businessDate])).toEqual([
      ['10', 1460, '2026-12-01'],
      ['-3', -438, '2026-12-02'],
      ['4', 800, '2026-12-03'],
    ]);
    const dated = (await get(`/v1/stock-movements?itemId=${itemId}&from=2026-12-02&to=2026-12-02`)).json().data;
    expect(dated.map((m: { qty: string }) => m.qty)).toEqual(['-3']);
    const inWest = (await get(`/v1/stock-movements?itemId=${itemId}&warehouseId=${west.warehouseId}&movementType=adjustment`)).json().data;
    expect(inWest.map((m: { qty: string }) => m.qty)).toEqual(['4']);
    expect((await get(`/v1/stock-movements?itemId=${itemId}&movementType=receipt`)).json().data).toEqual([]);
    const paged = (await get(`/v1/stock-movements?itemId=${itemId}&limit=2`)).json();
    const rest = (await get(`/v1/stock-movements?itemId=${itemId}&limit=2&cursor=${paged.nextCursor}`)).json();
    expect([...paged.data, ...rest.data]).toEqual(all);
    expect((await get('/v1/stock-movements?movementType=theft')).statusCode).toBe(400);
  });

  it('publishes the inventory routes in the OpenAPI document', async () => {
    const paths = Object.keys((await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json().paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/v1/warehouses', '/v1/warehouses/{warehouseId}', '/v1/warehouses/{warehouseId}/bins', '/v1/items/{itemId}/atp', '/v1/stock-balances', '/v1/stock-movements']),
    );
  });
});
