import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { buildApp } from '../../app.ts';
import { systemContext } from '../../platform/context.ts';
import { verifyInventory } from '../inventory/index.ts';
import { addCustomer, addItem, addWarehouse, balanceOf, seedTaxAndPriceList, type CustomerFixture, type CustomerOptions } from './sales.fixtures.ts';

/**
 * Concurrency on the real PostgreSQL server (DESIGN §2a, issue #4 "Correctness to
 * prove"): requests run in parallel through the app, each in its own transaction on
 * its own pooled connection, so they really race for the balance and credit rows.
 */

const testDb = useTestDatabase();
let app: FastifyInstance;
let tenant: TestTenant;
let priceListId: string;
let main: string;
let east: string;
let west: string;

const admin = () => testDb().admin;
const auth = () => bearer(tenant.adminKey);

beforeAll(async () => {
  app = await buildApp({ db: testDb().db });
  tenant = await createTestTenant(testDb().db);
  ({ priceListId } = await seedTaxAndPriceList(admin(), tenant.tenantId));
  main = await addWarehouse(admin(), tenant.tenantId, 'MAIN', 10);
  east = await addWarehouse(admin(), tenant.tenantId, 'EAST', 20);
  west = await addWarehouse(admin(), tenant.tenantId, 'WEST', 30);
});
afterAll(async () => {
  await app?.close();
});

async function adjust(itemId: string, warehouseId: string, qty: string) {
  const response = await app.inject({ method: 'POST', url: '/v1/stock-adjustments', headers: auth(), payload: { itemId, warehouseId, qty, unitCost: '1.00', reason: 'test stock' } });
  expect(response.statusCode, response.body).toBe(201);
}

async function createOrder(c: CustomerFixture, lines: Array<{ itemId: string; qty: string }>) {
  const response = await app.inject({ method: 'POST', url: '/v1/sales-orders', headers: auth(), payload: { customerId: c.customerId, shipToId: c.shipToId, lines } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function confirm(orderId: string) {
  return app.inject({ method: 'POST', url: `/v1/sales-orders/${orderId}/confirm`, headers: auth() });
}

async function inventoryProblems() {
  return testDb().db.withTenant({ tenantId: tenant.tenantId }, (tx) => verifyInventory(tx, systemContext(tenant.tenantId, 'test')));
}

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('allocation under concurrency', () => {
  it('50 concurrent orders racing for 20 units reserve exactly 20, never oversell, and place the rest per each customer\'s policy', async () => {
    const item = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'RACE-1', priceEa: '1.00' });
    await adjust(item.itemId, main, '20');
    const policies: CustomerOptions[] = [
      { allowPartialShipment: true, remainderPolicy: 'backorder' },
      { allowPartialShipment: true, remainderPolicy: 'cancel' },
      { allowPartialShipment: false, remainderPolicy: 'backorder' },
    ];
    const racers = await Promise.all(
      Array.from({ length: 50 }, async (_, index) => {
        const policy = policies[index % 3]!;
        const c = await addCustomer(admin(), tenant.tenantId, { defaultWarehouseId: main, ...policy });
        const qty = policy.allowPartialShipment ? '2' : '1';
        return { policy, qty, order: await createOrder(c, [{ itemId: item.itemId, qty }]) };
      }),
    );
    const confirmed = await Promise.all(racers.map(({ order }) => confirm(order.orderId)));
    for (const response of confirmed) expect(response.statusCode, response.body).toBe(200);

    let allocated = 0;
    for (const [index, response] of confirmed.entries()) {
      const { policy, qty } = racers[index]!;
      const line = response.json().lines[0];
      const [a, b, c] = [Number(line.qtyAllocated), Number(line.qtyBackordered), Number(line.qtyCancelled)];
      allocated += a;
      expect(a + b + c).toBe(Number(qty));
      if (policy.remainderPolicy === 'backorder') expect(c).toBe(0);
      if (policy.remainderPolicy === 'cancel') expect(b).toBe(0);
      if (!policy.allowPartialShipment) expect([0, Number(qty)]).toContain(a);
    }
    expect(allocated).toBe(20);
    expect(await balanceOf(admin(), tenant.tenantId, item.itemId, main)).toEqual({ onHand: '20', reserved: '20' });
    const { rows } = await admin().query(`select coalesce(sum(qty), 0)::int as total from reservations where item_id = $1 and status = 'open'`, [item.itemId]);
    expect(rows[0].total).toBe(20);
    expect(await inventoryProblems()).toEqual([]);
  });

  it('commits an order for SKU B while another transaction holds SKU A\'s balances (no global lock), and makes SKU A\'s order wait', async () => {
    const a = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'LOCK-A', priceEa: '1.00' });
    const b = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'LOCK-B', priceEa: '1.00' });
    for (const warehouseId of [main, east, west]) {
      await adjust(a.itemId, warehouseId, '5');
      await adjust(b.itemId, warehouseId, '5');
    }
    const buyerA = await addCustomer(admin(), tenant.tenantId, { defaultWarehouseId: main });
    const buyerB = await addCustomer(admin(), tenant.tenantId, { defaultWarehouseId: main });
    const orderA = await createOrder(buyerA, [{ itemId: a.itemId, qty: '1' }]);
    const orderB = await createOrder(buyerB, [{ itemId: b.itemId, qty: '1' }]);

    const holder = await admin().connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from stock_balances where tenant_id = $1 and item_id = $2 for no key update', [tenant.tenantId, a.itemId]);

      const confirmedB = await confirm(orderB.orderId);
      expect(confirmedB.statusCode, confirmedB.body).toBe(200);
      expect(confirmedB.json().status).toBe('allocated');

      const pendingA = confirm(orderA.orderId);
      // SKU A's confirmation is now waiting on the held balance lock (bounded poll, not a timing assertion).
      let waiting = 0;
      for (let attempt = 0; attempt < 400 && waiting === 0; attempt++) {
        const { rows } = await admin().query(
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and application_name = 'qm-test'`,
        );
        waiting = rows[0].n;
        if (waiting === 0) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(waiting).toBe(1);
      await holder.query('commit');
      const confirmedA = await pendingA;
      expect(confirmedA.statusCode, confirmedA.body).toBe(200);
      expect(confirmedA.json().status).toBe('allocated');
    } finally {
      await holder.query('rollback').catch(() => {});
      holder.release();
    }
  });

  it('runs 24 multi-line orders over 5 SKUs in random line order in parallel, then revises and cancels them in parallel: no deadlock or serialization error reaches a caller', async () => {
    const next = random(4242);
    const items: Array<{ itemId: string }> = [];
    for (let index = 0; index < 5; index++) {
      const item = await addItem(admin(), tenant.tenantId, priceListId, { sku: `MULTI-${index}`, priceEa: '1.00' });
      for (const warehouseId of [main, east, west]) await adjust(item.itemId, warehouseId, String(10 + Math.floor(next() * 20)));
      items.push(item);
    }
    const orders = await Promise.all(
      Array.from({ length: 24 }, async (_, index) => {
        const c = await addCustomer(admin(), tenant.tenantId, {
          defaultWarehouseId: [main, east, west][index % 3]!,
          allowSplitWarehouses: index % 2 === 0,
          allowPartialShipment: index % 4 !== 1,
        });
        const lineCount = 3 + Math.floor(next() * 3);
        const lines = Array.from({ length: lineCount }, () => ({ itemId: items[Math.floor(next() * items.length)]!.itemId, qty: String(1 + Math.floor(next() * 12)) }));
        return createOrder(c, lines);
      }),
    );
    const confirmed = await Promise.all(orders.map((order) => confirm(order.orderId)));
    for (const response of confirmed) expect(response.statusCode, response.body).toBe(200);

    // Second wave: half revised (reversed line order, new quantities), half cancelled, all at once.
    const wave = await Promise.all(
      confirmed.map((response, index) => {
        const order = response.json();
        if (index % 2 === 0) {
          return app.inject({ method: 'POST', url: `/v1/sales-orders/${order.orderId}/cancel`, headers: auth(), payload: {} });
        }
        const lines = [...order.lines].reverse().map((line: { lineId: string }) => ({ lineId: line.lineId, qty: String(1 + Math.floor(next() * 15)) }));
        return app.inject({ method: 'POST', url: `/v1/sales-orders/${order.orderId}/revisions`, headers: { ...auth(), 'if-match': `"${order.revision}"` }, payload: { lines } });
      }),
    );
    for (const response of wave) expect(response.statusCode, response.body).toBe(200);
    expect(await inventoryProblems()).toEqual([]);
    const { rows } = await admin().query(`select count(*)::int as n from stock_balances where tenant_id = $1 and reserved > on_hand`, [tenant.tenantId]);
    expect(rows[0].n).toBe(0);
  });
});

describe('credit under concurrency', () => {
  it('N parallel orders of one customer against one limit: confirmed exposure never exceeds the limit', async () => {
    const item = await addItem(admin(), tenant.tenantId, priceListId, { sku: 'CREDIT-1', priceEa: '10.00' });
    await adjust(item.itemId, main, '1000');
    // Each order: 1 × 10.00 + 7.25 % tax = 10.73 → 1073 minor. The limit admits exactly 7 of them.
    const limit = 1073 * 7 + 500;
    const c = await addCustomer(admin(), tenant.tenantId, { defaultWarehouseId: main, creditLimitMinor: limit });
    const orders = await Promise.all(Array.from({ length: 20 }, () => createOrder(c, [{ itemId: item.itemId, qty: '1' }])));
    expect(orders.every((order) => order.totalMinor === 1073)).toBe(true);
    const responses = await Promise.all(orders.map((order) => confirm(order.orderId)));
    for (const response of responses) expect(response.statusCode, response.body).toBe(200);
    const statuses = responses.map((response) => response.json().status);
    expect(statuses.filter((status) => status === 'allocated')).toHaveLength(7);
    expect(statuses.filter((status) => status === 'on_hold')).toHaveLength(13);
    const { rows } = await admin().query(
      `select coalesce(sum(total_minor), 0)::int as exposure from sales_orders where customer_id = $1 and status not in ('draft', 'on_hold', 'cancelled')`,
      [c.customerId],
    );
    expect(rows[0].exposure).toBeLessThanOrEqual(limit);
  });
});
