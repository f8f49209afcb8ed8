/**
 * The HTTP harness of the warehouse tests: one database, app and tenant per file,
 * master data written with the owner pool (sales.fixtures), stock through
 * POST /v1/stock-adjustments (so ledger and balances agree), orders through the
 * sales API, picking through the warehouse API.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestKey, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { buildApp } from '../../app.ts';
import { fixedClock, systemContext, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import { addCustomer, addItem, addWarehouse, seedTaxAndPriceList, type CustomerFixture, type ItemFixture } from '../sales/sales.fixtures.ts';

export const testDb = useTestDatabase();
export const clock = fixedClock('2026-12-03T17:00:00Z');
export let app: FastifyInstance;
export let tenant: TestTenant;
export let priceListId: string;

export const admin = () => testDb().admin;
export const auth = () => bearer(tenant.adminKey);

export function useWarehouseApi(): void {
  beforeAll(async () => {
    app = await buildApp({ db: testDb().db, clock });
    tenant = await createTestTenant(testDb().db);
    ({ priceListId } = await seedTaxAndPriceList(admin(), tenant.tenantId));
  });
  afterAll(async () => {
    await app?.close();
  });
}

export function inTenant<T>(fn: (tx: Tx, ctx: OperationContext) => Promise<T>, name = 'test'): Promise<T> {
  return testDb().db.withTenant({ tenantId: tenant.tenantId }, (tx) => fn(tx, systemContext(tenant.tenantId, name, { clock })));
}

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}${(++sequence).toString().padStart(3, '0')}`;

/** A warehouse without a receiving bin: stock adjusted in without a bin has no bin. */
export async function warehouse(): Promise<string> {
  return addWarehouse(admin(), tenant.tenantId, unique('W').slice(0, 16).toUpperCase(), 10);
}

export async function bin(warehouseId: string, code: string, pickSequence: number, kind: 'storage' | 'receiving' | 'packing' = 'storage'): Promise<string> {
  const binId = newId();
  await admin().query(`insert into bins (tenant_id, bin_id, warehouse_id, code, pick_sequence, kind) values ($1, $2, $3, $4, $5, $6)`, [tenant.tenantId, binId, warehouseId, code, pickSequence, kind]);
  return binId;
}

export async function item(gtin?: string): Promise<ItemFixture> {
  return addItem(admin(), tenant.tenantId, priceListId, { sku: unique('SKU'), priceEa: '2.00', ...(gtin ? { gtin } : {}) });
}

export async function customer(warehouseId: string): Promise<CustomerFixture> {
  return addCustomer(admin(), tenant.tenantId, { defaultWarehouseId: warehouseId, allowSplitWarehouses: false });
}

/** Stock in (qty > 0, at 0.50) or out (qty < 0), into a bin or, without one, into no bin. */
export async function stock(itemId: string, warehouseId: string, binId: string | null, qty: string): Promise<void> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/stock-adjustments',
    headers: auth(),
    payload: { itemId, warehouseId, ...(binId ? { binId } : {}), qty, ...(qty.startsWith('-') ? {} : { unitCost: '0.50' }), reason: 'test stock' },
  });
  expect(response.statusCode, response.body).toBe(201);
}

/** A confirmed, allocated order. */
export async function order(c: CustomerFixture, lines: Array<{ itemId: string; qty: string }>): Promise<{ orderId: string; orderNumber: string; lines: Array<{ lineId: string; itemId: string }> }> {
  const created = await app.inject({ method: 'POST', url: '/v1/sales-orders', headers: auth(), payload: { customerId: c.customerId, shipToId: c.shipToId, lines } });
  expect(created.statusCode, created.body).toBe(201);
  const confirmed = await app.inject({ method: 'POST', url: `/v1/sales-orders/${created.json().orderId}/confirm`, headers: auth(), payload: {} });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return confirmed.json();
}

export async function createWave(body: Record<string, unknown>, key = tenant.adminKey) {
  return app.inject({ method: 'POST', url: '/v1/waves', headers: { ...bearer(key), 'idempotency-key': newId() }, payload: body });
}

export async function waveOk(body: Record<string, unknown>) {
  const response = await createWave(body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export async function nextTask(warehouseId: string, key = tenant.adminKey) {
  const response = await app.inject({ method: 'GET', url: `/v1/pick-tasks/next?warehouseId=${warehouseId}`, headers: bearer(key) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

export async function confirm(taskId: string, body: Record<string, unknown>, key = tenant.adminKey) {
  return app.inject({ method: 'POST', url: `/v1/pick-tasks/${taskId}/confirm`, headers: { ...bearer(key), 'idempotency-key': newId() }, payload: body });
}

export async function pickerKey(): Promise<{ key: string; actor: string }> {
  const key = await createTestKey(testDb().db, tenant.tenantId, ['warehouse:pick', 'warehouse:read']);
  const { rows } = await admin().query(`select api_key_id from api_keys where tenant_id = $1 order by api_key_id desc limit 1`, [tenant.tenantId]);
  return { key, actor: `api_key:${rows[0].api_key_id}` };
}

export async function binQty(itemId: string, binId: string): Promise<string> {
  const { rows } = await admin().query(`select on_hand::float8::text as q from bin_balances where tenant_id = $1 and item_id = $2 and bin_id = $3`, [tenant.tenantId, itemId, binId]);
  return rows[0]?.q ?? '0';
}

export async function lineQty(lineId: string): Promise<{ allocated: string; backordered: string; picked: string }> {
  const { rows } = await admin().query(
    `select qty_allocated::float8::text as allocated, qty_backordered::float8::text as backordered, qty_picked::float8::text as picked from sales_order_lines where tenant_id = $1 and line_id = $2`,
    [tenant.tenantId, lineId],
  );
  return rows[0];
}

/** Everything a refused pick must leave as it was. */
export async function pickingState(): Promise<unknown> {
  const q = async (text: string) => (await admin().query(text, [tenant.tenantId])).rows;
  return {
    bins: await q(`select item_id, bin_id, on_hand::text from bin_balances where tenant_id = $1 order by item_id, bin_id`),
    balances: await q(`select item_id, warehouse_id, on_hand::text, reserved::text from stock_balances where tenant_id = $1 order by item_id, warehouse_id`),
    tasks: await q(`select task_id, status, qty_picked::text, qty_short::text, assigned_to from pick_tasks where tenant_id = $1 order by task_id`),
    lines: await q(`select line_id, qty_allocated::text, qty_backordered::text, qty_picked::text from sales_order_lines where tenant_id = $1 order by line_id`),
    reservations: await q(`select reservation_id, qty::text, status from reservations where tenant_id = $1 order by reservation_id`),
    movements: await q(`select count(*)::int as n from stock_movements where tenant_id = $1`),
    events: await q(`select count(*)::int as n from outbox_events where tenant_id = $1`),
    audits: await q(`select count(*)::int as n from audit_log where tenant_id = $1`),
    waves: await q(`select wave_id, status from pick_waves where tenant_id = $1 order by wave_id`),
  };
}
