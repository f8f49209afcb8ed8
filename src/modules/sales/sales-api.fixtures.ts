/**
 * The HTTP harness shared by the sales API test files: one test database, app and
 * tenant per file (vitest isolates modules per file, so these live bindings are the
 * file's own), master data, and helpers that call the routes.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { buildApp } from '../../app.ts';
import { fixedClock } from '../../platform/context.ts';
import {
  addCustomer,
  addItem,
  addWarehouse,
  seedTaxAndPriceList,
  type CustomerFixture,
  type CustomerOptions,
  type ItemFixture,
} from './sales.fixtures.ts';

export const testDb = useTestDatabase();
export const clock = fixedClock('2026-12-03T17:00:00Z');
export const TODAY = '2026-12-03';
export let app: FastifyInstance;
export let tenant: TestTenant;
export let priceListId: string;
export let main: string;
export let east: string;
export let west: string;
export let bolt: ItemFixture;
export let nut: ItemFixture;
export let washer: ItemFixture;

export const admin = () => testDb().admin;
export const auth = () => bearer(tenant.adminKey);

/** Registers the per-file database, app and master data; call once at file level. */
export function useSalesApi(): void {
  beforeAll(async () => {
  app = await buildApp({ db: testDb().db, clock });
  tenant = await createTestTenant(testDb().db);
  ({ priceListId } = await seedTaxAndPriceList(admin(), tenant.tenantId));
  main = await addWarehouse(admin(), tenant.tenantId, 'MAIN', 10);
  east = await addWarehouse(admin(), tenant.tenantId, 'EAST', 20);
  west = await addWarehouse(admin(), tenant.tenantId, 'WEST', 30);
  bolt = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'BOLT-M8', priceEa: '1.25', gtin: '4006381333931' });
  nut = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'NUT-M8', priceEa: '0.10' });
  washer = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'WASHER-M8', priceEa: '0.05' });
  });
  afterAll(async () => {
    await app?.close();
  });
}

export async function customer(options: CustomerOptions = {}): Promise<CustomerFixture> {
  return addCustomer(admin(), tenant.tenantId, { defaultWarehouseId: main, ...options });
}

export async function adjust(itemId: string, warehouseId: string, qty: string, key = tenant.adminKey) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/stock-adjustments',
    headers: bearer(key),
    payload: { itemId, warehouseId, qty, ...(Number(qty) > 0 ? { unitCost: '0.50' } : {}), reason: 'test stock' },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export async function create(c: CustomerFixture, lines: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  return app.inject({ method: 'POST', url: '/v1/sales-orders', headers: auth(), payload: { customerId: c.customerId, shipToId: c.shipToId, lines, ...extra } });
}

export async function createOk(c: CustomerFixture, lines: Array<Record<string, unknown>>) {
  const response = await create(c, lines);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export async function act(orderId: string, action: 'confirm' | 'allocate' | 'cancel' | 'release-hold', key = tenant.adminKey) {
  return app.inject({ method: 'POST', url: `/v1/sales-orders/${orderId}/${action}`, headers: bearer(key), payload: {} });
}

export async function confirmOk(orderId: string) {
  const response = await act(orderId, 'confirm');
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

export async function get(orderId: string) {
  const response = await app.inject({ method: 'GET', url: `/v1/sales-orders/${orderId}`, headers: auth() });
  expect(response.statusCode, response.body).toBe(200);
  return response;
}

export async function revise(orderId: string, revision: number | undefined, body: Record<string, unknown>) {
  return app.inject({
    method: 'POST',
    url: `/v1/sales-orders/${orderId}/revisions`,
    headers: { ...auth(), ...(revision !== undefined ? { 'if-match': `"${revision}"` } : {}) },
    payload: body,
  });
}

export async function events(orderId: string): Promise<string[]> {
  const { rows } = await admin().query(`select event_type from outbox_events where aggregate_id = $1 order by event_id`, [orderId]);
  return rows.map((row) => row.event_type);
}

export async function audits(orderId: string): Promise<Array<{ action: string; actor_id: string; changes: Record<string, { old: unknown; new: unknown }> }>> {
  const { rows } = await admin().query(`select action, actor_id, changes from audit_log where entity_id = $1 order by audit_id`, [orderId]);
  return rows;
}
