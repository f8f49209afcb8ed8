import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestKey, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';

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

let skuCounter = 0;
function newSku(prefix = 'SKU'): string {
  skuCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${skuCounter}`;
}

async function createItem(body: Record<string, unknown>, key = tenant.adminKey) {
  return app.inject({ method: 'POST', url: '/v1/items', headers: bearer(key), payload: body });
}

async function auditRows(entityId: string, action?: string) {
  const { rows } = await testDb().admin.query(
    `select action, changes from audit_log where entity_id = $1 ${action ? 'and action = $2' : ''} order by audit_id`,
    action ? [entityId, action] : [entityId],
  );
  return rows as Array<{ action: string; changes: Record<string, { old: unknown; new: unknown }> }>;
}

async function itemRow(itemId: string) {
  return (await testDb().admin.query('select * from items where item_id = $1', [itemId])).rows[0];
}

describe('items over HTTP', () => {
  it('creates an item whose stocking unit gets factor 1 by itself, audited and announced', async () => {
    const sku = newSku('GLV');
    const response = await createItem({
      sku,
      description: 'Nitrile gloves, large',
      gtin: '036000291452',
      brand: 'Safeguard',
      category: 'gloves',
      attributes: { size: 'L', material: 'nitrile' },
      weightKg: '0.650',
      taxClass: 'standard',
      stockingUnit: 'EA',
      units: [{ unit: 'CA', factor: '12.000' }],
    });
    expect(response.statusCode).toBe(201);
    const item = response.json();
    expect(response.headers.etag).toBe('"1"');
    expect(item).toMatchObject({
      sku,
      gtin: '036000291452',
      attributes: { size: 'L', material: 'nitrile' },
      weightKg: '0.65',
      stockingUnit: 'EA',
      units: [
        { unit: 'EA', factor: '1' },
        { unit: 'CA', factor: '12' },
      ],
      active: true,
      revision: 1,
    });
    const audited = await auditRows(item.itemId, 'item.create');
    expect(audited).toHaveLength(1);
    expect(audited[0]!.changes.sku).toEqual({ old: null, new: sku });
    const events = await testDb().admin.query(`select event_type from outbox_events where aggregate_id = $1`, [item.itemId]);
    expect(events.rows.map((row) => row.event_type)).toEqual(['item.created']);

    const fetched = await app.inject({ method: 'GET', url: `/v1/items/${item.itemId}`, headers: bearer(tenant.adminKey) });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.headers.etag).toBe('"1"');
    expect(fetched.json()).toEqual(item);
  });

  it.each([
    ['a wrong check digit', '036000291453'],
    ['a wrong length', '03600029145'],
    ['letters', '03600029145A'],
  ])('refuses a GTIN with %s (GTIN_INVALID) and writes nothing', async (_name, gtin) => {
    const sku = newSku();
    const response = await createItem({ sku, description: 'x', gtin, stockingUnit: 'EA' });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('GTIN_INVALID');
    expect((await testDb().admin.query('select 1 from items where sku = $1', [sku])).rowCount).toBe(0);
  });

  it('refuses a duplicate SKU with 409 SKU_TAKEN, and the same GTIN written with leading zeros with GTIN_TAKEN', async () => {
    const sku = newSku();
    expect((await createItem({ sku, description: 'first', gtin: '4006381333931', stockingUnit: 'EA' })).statusCode).toBe(201);
    const duplicate = await createItem({ sku, description: 'second', stockingUnit: 'EA' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('SKU_TAKEN');
    const sameGtin = await createItem({ sku: newSku(), description: 'same trade item', gtin: '04006381333931', stockingUnit: 'EA' });
    expect(sameGtin.statusCode).toBe(409);
    expect(sameGtin.json().code).toBe('GTIN_TAKEN');
    const { rows } = await testDb().admin.query(`select description from items where sku = $1 or gtin = '04006381333931'`, [sku]);
    expect(rows).toEqual([{ description: 'first' }]);
  });

  it('refuses unknown fields, a stocking unit with another factor and a unit listed twice, writing nothing', async () => {
    const sku = newSku();
    const cases = [
      { sku, description: 'x', stockingUnit: 'EA', colour: 'red' },
      { sku, description: 'x', stockingUnit: 'EA', units: [{ unit: 'EA', factor: '12' }] },
      { sku, description: 'x', stockingUnit: 'EA', units: [{ unit: 'CA', factor: '12' }, { unit: 'CA', factor: '6' }] },
      { sku, description: 'x', stockingUnit: 'EA', units: [{ unit: 'CA', factor: '0' }] },
      { sku, description: 'x', stockingUnit: 'EA', attributes: { 'Bad Key': 'x' } },
    ];
    for (const body of cases) {
      const response = await createItem(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await testDb().admin.query('select 1 from items where sku = $1', [sku])).rowCount).toBe(0);
  });

  it('changes an item with If-Match: 428 without it, 412 when stale, and nothing written by either', async () => {
    const item = (await createItem({ sku: newSku(), description: 'Mop head', category: 'mops', stockingUnit: 'EA' })).json();
    const url = `/v1/items/${item.itemId}`;
    const missing = await app.inject({ method: 'PATCH', url, headers: bearer(tenant.adminKey), payload: { description: 'Mop head, cotton' } });
    expect(missing.statusCode).toBe(428);
    expect(missing.json().code).toBe('PRECONDITION_REQUIRED');

    const changed = await app.inject({ method: 'PATCH', url, headers: { ...bearer(tenant.adminKey), 'if-match': '"1"' }, payload: { description: 'Mop head, cotton', weightKg: '0.3' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).toBe('"2"');
    expect(changed.json()).toMatchObject({ description: 'Mop head, cotton', weightKg: '0.3', revision: 2 });

    const stale = await app.inject({ method: 'PATCH', url, headers: { ...bearer(tenant.adminKey), 'if-match': '"1"' }, payload: { description: 'lost update' } });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('PRECONDITION_FAILED');
    const unknown = await app.inject({ method: 'PATCH', url, headers: { ...bearer(tenant.adminKey), 'if-match': '"2"' }, payload: { sku: 'RENAMED' } });
    expect(unknown.statusCode).toBe(400);

    const row = await itemRow(item.itemId);
    expect(row).toMatchObject({ description: 'Mop head, cotton', revision: 2, sku: item.sku });
    const updates = await auditRows(item.itemId, 'item.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.changes.description).toEqual({ old: 'Mop head', new: 'Mop head, cotton' });
    expect(updates[0]!.changes.revision).toEqual({ old: 1, new: 2 });
    const events = await testDb().admin.query(`select event_type from outbox_events where aggregate_id = $1 order by event_id`, [item.itemId]);
    expect(events.rows.map((r) => r.event_type)).toEqual(['item.created', 'item.updated']);
  });

  it('deactivates and reactivates (never deletes), each audited; repeating a deactivation changes nothing', async () => {
    const item = (await createItem({ sku: newSku(), description: 'Bucket', stockingUnit: 'EA' })).json();
    const deactivate = () => app.inject({ method: 'POST', url: `/v1/items/${item.itemId}/deactivate`, headers: bearer(tenant.adminKey) });
    const first = await deactivate();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ active: false, revision: 2 });
    expect((await deactivate()).json()).toMatchObject({ active: false, revision: 2 });
    const inactive = await app.inject({ method: 'GET', url: `/v1/items?active=false&search=${encodeURIComponent(item.sku)}`, headers: bearer(tenant.adminKey) });
    expect(inactive.json().data.map((i: { itemId: string }) => i.itemId)).toEqual([item.itemId]);
    const back = await app.inject({ method: 'POST', url: `/v1/items/${item.itemId}/reactivate`, headers: bearer(tenant.adminKey) });
    expect(back.json()).toMatchObject({ active: true, revision: 3 });
    expect((await auditRows(item.itemId)).map((row) => row.action)).toEqual(['item.create', 'item.deactivate', 'item.reactivate']);
    expect(await itemRow(item.itemId)).toBeDefined();
  });

  it('lists with filters (category, brand, search in SKU or description, GTIN in any written length) and pages by cursor', async () => {
    const category = `cat-${Date.now().toString(36)}`;
    const a = (await createItem({ sku: newSku('FLT'), description: 'Floor cleaner, lemon', category, brand: 'Shine', gtin: '10614141000415', stockingUnit: 'EA' })).json();
    const b = (await createItem({ sku: newSku('FLT'), description: 'Floor wax 100%', category, brand: 'Glow', stockingUnit: 'EA' })).json();
    const c = (await createItem({ sku: newSku('FLT'), description: 'Glass cleaner', category, brand: 'Shine', stockingUnit: 'EA' })).json();
    const list = async (query: string) => {
      const response = await app.inject({ method: 'GET', url: `/v1/items?category=${category}&${query}`, headers: bearer(tenant.adminKey) });
      expect(response.statusCode).toBe(200);
      return response.json() as { data: Array<{ itemId: string }>; nextCursor: string | null };
    };
    const ids = (page: { data: Array<{ itemId: string }> }) => page.data.map((item) => item.itemId);
    expect(ids(await list(''))).toEqual([a.itemId, b.itemId, c.itemId]);
    expect(ids(await list('brand=Shine'))).toEqual([a.itemId, c.itemId]);
    expect(ids(await list('search=CLEANER'))).toEqual([a.itemId, c.itemId]);
    expect(ids(await list('search=100%25'))).toEqual([b.itemId]);
    expect(ids(await list('search=_'))).toEqual([]);
    expect(ids(await list('gtin=10614141000415'))).toEqual([a.itemId]);
    const first = await list('limit=2');
    expect(ids(first)).toEqual([a.itemId, b.itemId]);
    const second = await list(`limit=2&cursor=${first.nextCursor}`);
    expect(ids(second)).toEqual([c.itemId]);
    expect(second.nextCursor).toBeNull();
    const upc = (await createItem({ sku: newSku(), description: 'By UPC', gtin: '012345678905', stockingUnit: 'EA' })).json();
    const byGtin14 = await app.inject({ method: 'GET', url: '/v1/items?gtin=00012345678905', headers: bearer(tenant.adminKey) });
    expect(ids(byGtin14.json())).toEqual([upc.itemId]);
  });

  it('adds a unit and changes its factor; refuses the stocking unit and a unit that order lines use (UNIT_FACTOR_LOCKED)', async () => {
    const item = (await createItem({ sku: newSku(), description: 'Paper towels', stockingUnit: 'RL' })).json();
    const base = `/v1/items/${item.itemId}/units`;
    const added = await app.inject({ method: 'POST', url: base, headers: bearer(tenant.adminKey), payload: { unit: 'CA', factor: '24' } });
    expect(added.statusCode).toBe(201);
    expect(added.json().units).toEqual([
      { unit: 'RL', factor: '1' },
      { unit: 'CA', factor: '24' },
    ]);
    expect(added.json().revision).toBe(2);
    const again = await app.inject({ method: 'POST', url: base, headers: bearer(tenant.adminKey), payload: { unit: 'CA', factor: '12' } });
    expect(again.json().code).toBe('UNIT_TAKEN');
    const changed = await app.inject({ method: 'PUT', url: `${base}/CA`, headers: bearer(tenant.adminKey), payload: { factor: '30' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ revision: 3, units: [{ unit: 'RL', factor: '1' }, { unit: 'CA', factor: '30' }] });
    const stocking = await app.inject({ method: 'PUT', url: `${base}/RL`, headers: bearer(tenant.adminKey), payload: { factor: '2' } });
    expect(stocking.statusCode).toBe(409);
    expect(stocking.json().code).toBe('UNIT_FACTOR_LOCKED');
    const missing = await app.inject({ method: 'PUT', url: `${base}/PL`, headers: bearer(tenant.adminKey), payload: { factor: '2' } });
    expect(missing.json().code).toBe('UNIT_NOT_CONVERTIBLE');

    await insertOrderLine(item.itemId, 'CA');
    const locked = await app.inject({ method: 'PUT', url: `${base}/CA`, headers: bearer(tenant.adminKey), payload: { factor: '48' } });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().code).toBe('UNIT_FACTOR_LOCKED');
    const units = await testDb().admin.query(`select unit, factor::text from item_units where item_id = $1 order by unit`, [item.itemId]);
    expect(units.rows).toEqual([
      { unit: 'CA', factor: '30.000000' },
      { unit: 'RL', factor: '1.000000' },
    ]);
    expect((await auditRows(item.itemId)).map((row) => row.action)).toEqual(['item.create', 'item.add_unit', 'item.change_unit']);
    expect((await auditRows(item.itemId, 'item.change_unit'))[0]!.changes.units).toBeDefined();
  });

  it('publishes the catalog and partners routes in the OpenAPI document, with their schemas', async () => {
    const document = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    for (const path of ['/v1/items', '/v1/items/{itemId}', '/v1/items/{itemId}/units', '/v1/customers/{customerId}/item-references', '/v1/customers', '/v1/suppliers', '/v1/tax-jurisdictions', '/v1/customers/{customerId}/open-items']) {
      expect(document.paths[path], path).toBeDefined();
    }
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['Item', 'ItemReference', 'Customer', 'ShipTo', 'Supplier', 'TaxJurisdiction', 'ReceivableOpenItem']));
  });

  it("answers 404 for another tenant's item, and a key without catalog:write gets 403", async () => {
    const item = (await createItem({ sku: newSku(), description: 'Private', stockingUnit: 'EA' })).json();
    const other = await createTestTenant(testDb().db);
    for (const request of [
      { method: 'GET' as const, url: `/v1/items/${item.itemId}` },
      { method: 'PATCH' as const, url: `/v1/items/${item.itemId}`, payload: { description: 'hijacked' }, headers: { 'if-match': '"1"' } },
      { method: 'POST' as const, url: `/v1/items/${item.itemId}/deactivate` },
      { method: 'POST' as const, url: `/v1/items/${item.itemId}/units`, payload: { unit: 'CA', factor: '2' } },
    ]) {
      const response = await app.inject({ ...request, headers: { ...bearer(other.adminKey), ...(request.headers ?? {}) } });
      expect(response.statusCode, request.url).toBe(404);
      expect(response.json().code).toBe('ITEM_NOT_FOUND');
    }
    const listed = await app.inject({ method: 'GET', url: `/v1/items?search=${item.sku}`, headers: bearer(other.adminKey) });
    expect(listed.json().data).toEqual([]);
    expect(await itemRow(item.itemId)).toMatchObject({ description: 'Private', revision: 1, active: true });

    const reader = await createTestKey(testDb().db, tenant.tenantId, ['catalog:read']);
    expect((await app.inject({ method: 'GET', url: `/v1/items/${item.itemId}`, headers: bearer(reader) })).statusCode).toBe(200);
    expect((await createItem({ sku: newSku(), description: 'x', stockingUnit: 'EA' }, reader)).statusCode).toBe(403);
  });
});

/** A minimal confirmed order line using (item, unit), written as the owner: the sales module is not needed to prove the lock. */
async function insertOrderLine(itemId: string, unit: string): Promise<void> {
  const admin = testDb().admin;
  const tenantId = tenant.tenantId;
  const suffix = Math.random().toString(36).slice(2, 8).toUpperCase();
  await admin.query(`insert into tax_jurisdictions (tenant_id, jurisdiction_code, name) values ($1, $2, 'Test') `, [tenantId, `J${suffix}`]);
  const customerId = (await admin.query(`insert into customers (tenant_id, customer_id, code, name, currency) values ($1, gen_random_uuid(), $2, 'C', 'USD') returning customer_id`, [tenantId, `C${suffix}`])).rows[0].customer_id;
  const shipToId = (
    await admin.query(
      `insert into ship_tos (tenant_id, ship_to_id, customer_id, code, name, address_line1, city, country, jurisdiction_code)
       values ($1, gen_random_uuid(), $2, 'MAIN', 'Main', '1 Main St', 'Austin', 'US', $3) returning ship_to_id`,
      [tenantId, customerId, `J${suffix}`],
    )
  ).rows[0].ship_to_id;
  const orderId = (
    await admin.query(
      `insert into sales_orders (tenant_id, order_id, order_number, customer_id, ship_to_id, status, currency, order_date, created_by, created_at, updated_at)
       values ($1, gen_random_uuid(), $2, $3, $4, 'confirmed', 'USD', '2026-12-01', 'test', now(), now()) returning order_id`,
      [tenantId, `SO-${suffix}`, customerId, shipToId],
    )
  ).rows[0].order_id;
  await admin.query(
    `insert into sales_order_lines (tenant_id, order_id, line_id, line_number, item_id, ordered_unit, ordered_qty, qty_base, unit_price,
       price_rule, price_explanation, line_amount_minor, tax_class, jurisdiction_code, tax_rate, tax_minor)
     values ($1, $2, gen_random_uuid(), 1, $3, $4, 1, 30, 10, 'base_list', '{}', 1000, 'standard', $5, 0, 0)`,
    [tenantId, orderId, itemId, unit, `J${suffix}`],
  );
}
