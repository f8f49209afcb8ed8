/**
 * The harness of the shipping and invoicing tests: one database, app and tenant
 * per file; master data through the sales fixtures; stock through inventory's
 * services; picks through the warehouse API (waves, scan confirmation); and the
 * books' identities.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { buildApp } from '../../app.ts';
import { fixedClock, systemContext, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { Dec } from '../../platform/money.ts';
import { newId } from '../../platform/ids.ts';
import { adjustStock, createBin, verifyInventory } from '../inventory/index.ts';
import { listPickTasks } from '../warehouse/index.ts';
import { addCustomer, addItem, addWarehouse, seedTaxAndPriceList, type CustomerFixture, type CustomerOptions, type ItemFixture } from '../sales/sales.fixtures.ts';

export const testDb = useTestDatabase();
export const clock = fixedClock('2026-12-03T17:00:00Z');
export const TODAY = '2026-12-03';
export let app: FastifyInstance;
export let tenant: TestTenant;
export let priceListId: string;
export let main: string;
export let east: string;
export let widget: ItemFixture;
export let gizmo: ItemFixture;
/** Storage bin per warehouse, where test stock is put. */
export const storageBins = new Map<string, string>();

export const admin = () => testDb().admin;
export const auth = () => bearer(tenant.adminKey);
export const ctx = (): OperationContext => systemContext(tenant.tenantId, 'test', { clock });
export const inTenant = <T>(fn: (tx: Tx, context: OperationContext) => Promise<T>) => testDb().db.withTenant({ tenantId: tenant.tenantId }, (tx) => fn(tx, ctx()));

/** Registers the per-file database, app, master data and shipping settings; call once at file level. */
export function useShippingApi(options: { gs1Prefix?: string | null } = {}): void {
  beforeAll(async () => {
    app = await buildApp({ db: testDb().db, clock });
    tenant = await createTestTenant(testDb().db);
    ({ priceListId } = await seedTaxAndPriceList(admin(), tenant.tenantId));
    main = await addWarehouse(admin(), tenant.tenantId, 'MAIN', 10);
    east = await addWarehouse(admin(), tenant.tenantId, 'EAST', 20);
    widget = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'WIDGET', priceEa: '25.00', gtin: '4006381333931' });
    gizmo = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'GIZMO', priceEa: '3.10' });
    for (const warehouseId of [main, east]) {
      const bin = await inTenant((tx, c) => createBin(tx, c, warehouseId, { code: 'A-01', kind: 'storage', pickSequence: 10 }));
      storageBins.set(warehouseId, bin.binId);
    }
    if (options.gs1Prefix !== null) {
      const response = await app.inject({ method: 'PUT', url: '/v1/settings/shipping', headers: auth(), payload: { gs1CompanyPrefix: options.gs1Prefix ?? '0614141', freight: { baseMinor: 500, perKgMinor: 100 } } });
      expect(response.statusCode, response.body).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
  });
}

export async function customer(options: CustomerOptions = {}): Promise<CustomerFixture> {
  return addCustomer(admin(), tenant.tenantId, { defaultWarehouseId: main, ...options });
}

/** Stock in the storage bin at unitCost: an adjustment, which posts Dr Inventory / Cr Inventory adjustments. */
export async function stock(itemId: string, warehouseId: string, qty: string, unitCost: string): Promise<void> {
  await inTenant((tx, c) => adjustStock(tx, c, { itemId, warehouseId, binId: storageBins.get(warehouseId)!, qty, unitCost, reason: 'test stock' }));
}

/** An order created and confirmed through the API (allocated per the customer's policy). */
export async function confirmedOrder(c: CustomerFixture, lines: Array<Record<string, unknown>>): Promise<{ orderId: string; lines: Array<{ lineId: string; itemId: string; qtyBase: string; reservations: Array<{ warehouseId: string; qty: string }> }> }> {
  const created = await app.inject({ method: 'POST', url: '/v1/sales-orders', headers: auth(), payload: { customerId: c.customerId, shipToId: c.shipToId, lines } });
  expect(created.statusCode, created.body).toBe(201);
  const confirmed = await app.inject({ method: 'POST', url: `/v1/sales-orders/${created.json().orderId}/confirm`, headers: auth(), payload: {} });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return confirmed.json();
}

/**
 * Picks through the warehouse API, as an associate would: the order's open pick
 * tasks in the warehouse (a wave for just this order when it has none), each
 * confirmed by scanning its bin and the item's SKU, in walk order, until qty
 * (default: everything tasked) is picked. A task picked in part stays open, so a
 * later call picks the rest of it.
 */
export async function pick(order: { orderId: string }, warehouseId: string, qty?: string): Promise<void> {
  let tasks = await openPickTasks(order.orderId, warehouseId);
  if (tasks.length === 0) {
    const wave = await post('/v1/waves', { warehouseId, orderIds: [order.orderId] }, { 'idempotency-key': newId() });
    expect(wave.statusCode, wave.body).toBe(201);
    tasks = await openPickTasks(order.orderId, warehouseId);
  }
  let left = qty === undefined ? null : new Dec(qty);
  for (const task of tasks) {
    if (left !== null && left.isZero()) break;
    const take = left === null ? new Dec(task.qtyRemaining) : Dec.min(left, task.qtyRemaining);
    const confirmed = await post(`/v1/pick-tasks/${task.taskId}/confirm`, { binScan: task.binCode, itemScan: task.sku, qty: take.toString() }, { 'idempotency-key': newId() });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    if (left !== null) left = left.minus(take);
  }
  expect(left === null || left.isZero(), `only part of ${qty} could be picked`).toBe(true);
}

async function openPickTasks(orderId: string, warehouseId: string): Promise<Array<{ taskId: string; binCode: string; sku: string; qtyRemaining: string }>> {
  return inTenant((tx, c) => listPickTasks(tx, c, { orderId, warehouseId, status: 'open' }));
}

export async function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url, headers: { ...auth(), ...headers }, payload: payload as Record<string, unknown> });
}

export async function getJson(url: string) {
  const response = await app.inject({ method: 'GET', url, headers: auth() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** A shipment from the warehouse with one carton holding everything picked of the order's lines there. */
export async function packedShipment(order: Awaited<ReturnType<typeof confirmedOrder>>, warehouseId: string, weightKg?: string): Promise<{ shipmentId: string; cartonId: string; sscc: string }> {
  const shipment = await post('/v1/shipments', { orderId: order.orderId, warehouseId });
  expect(shipment.statusCode, shipment.body).toBe(201);
  const carton = await post(`/v1/shipments/${shipment.json().shipmentId}/cartons`, weightKg ? { weightKg } : {});
  expect(carton.statusCode, carton.body).toBe(201);
  for (const line of order.lines) {
    const reserved = line.reservations.find((r) => r.warehouseId === warehouseId)?.qty;
    if (!reserved) continue;
    const packed = await post(`/v1/cartons/${carton.json().cartonId}/lines`, { lineId: line.lineId, qty: reserved });
    expect(packed.statusCode, packed.body).toBe(200);
  }
  return { shipmentId: shipment.json().shipmentId, cartonId: carton.json().cartonId, sscc: carton.json().sscc };
}

async function accountBalance(tx: Tx, c: OperationContext, role: string): Promise<number> {
  const { rows } = await sql<{ balance: string }>`
    select coalesce(sum(l.debit_minor - l.credit_minor), 0) as balance
    from journal_lines l join accounts a on a.tenant_id = l.tenant_id and a.account_id = l.account_id
    where l.tenant_id = ${c.tenantId} and a.system_role = ${role}`.execute(tx);
  return Number(rows[0]!.balance);
}

async function inventoryBooks(tx: Tx, c: OperationContext): Promise<{ stockValue: number; glInventory: number }> {
  const { rows } = await sql<{ value: string }>`select coalesce(sum(value_minor), 0) as value from stock_movements where tenant_id = ${c.tenantId}`.execute(tx);
  return { stockValue: Number(rows[0]!.value), glInventory: await accountBalance(tx, c, 'inventory') };
}

/** The identities of `qm verify` that shipping and billing touch, both sides of each. */
export async function books(): Promise<{ stockValue: number; glInventory: number; openItems: number; glReceivables: number; inventoryProblems: unknown[] }> {
  return inTenant(async (tx, c) => {
    const { stockValue, glInventory } = await inventoryBooks(tx, c);
    const { rows } = await sql<{ open: string }>`select coalesce(sum(open_minor), 0) as open from receivable_open_items where tenant_id = ${c.tenantId}`.execute(tx);
    return { stockValue, glInventory, openItems: Number(rows[0]!.open), glReceivables: await accountBalance(tx, c, 'accounts_receivable'), inventoryProblems: await verifyInventory(tx, c) };
  });
}

export async function expectBooksAgree(): Promise<void> {
  const b = await books();
  expect(b.inventoryProblems).toEqual([]);
  expect(b.glInventory).toBe(b.stockValue);
  expect(b.glReceivables).toBe(b.openItems);
}

export async function entriesOf(sourceType: string, sourceId: string): Promise<Array<{ account: string; debit: number; credit: number }>> {
  const { rows } = await admin().query(
    `select a.system_role as account, l.debit_minor::int as debit, l.credit_minor::int as credit
     from journal_entries e join journal_lines l on l.tenant_id = e.tenant_id and l.entry_id = e.entry_id
     join accounts a on a.tenant_id = l.tenant_id and a.account_id = l.account_id
     where e.tenant_id = $1 and e.source_type = $2 and e.source_id = $3 order by e.entry_id, l.line_number`,
    [tenant.tenantId, sourceType, sourceId],
  );
  return rows;
}
