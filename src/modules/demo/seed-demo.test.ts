import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { fixedClock, systemContext, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer } from '../../../test/support/tenants.ts';
import { isValidGtin } from '../catalog/index.ts';
import { verifyInventory } from '../inventory/index.ts';
import { receivablesExposure } from '../partners/index.ts';
import { DEMO_TENANT, generateDemoItems, seedDemo, seededRandom, DEMO_SEED, type DemoSeedResult } from './index.ts';

/**
 * The demo distributor, seeded once into this file's database through the service (not a
 * subprocess), then read back through SQL and the public API as a newcomer would.
 */

const testDb = useTestDatabase();
// 17:00 UTC on 15 April 2026: 12:00 in Chicago, the seed day is 2026-04-15.
const clock = fixedClock('2026-04-15T17:00:00Z');
let app: FastifyInstance;
let seeded: DemoSeedResult;

async function count(sql: string): Promise<number> {
  const { rows } = await testDb().admin.query(sql, [seeded.tenantId]);
  return rows[0].n as number;
}

function inDemo<T>(fn: (tx: Tx, ctx: OperationContext) => Promise<T>): Promise<T> {
  const ctx = systemContext(seeded.tenantId, 'demo-test', { timeZone: DEMO_TENANT.timeZone, clock });
  return testDb().db.withTenant(ctx, (tx) => fn(tx, ctx));
}

async function get(url: string) {
  const response = await app.inject({ method: 'GET', url, headers: bearer(seeded.adminKey) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

beforeAll(async () => {
  app = await buildApp({ db: testDb().db, clock });
  seeded = await seedDemo(testDb().db, { clock });
}, 120_000);
afterAll(async () => {
  await app?.close();
});

describe('qm seed-demo', () => {
  it('creates the demo tenant in USD and America/Chicago with a working admin key', async () => {
    const { rows } = await testDb().admin.query('select name, functional_currency, time_zone from tenants where tenant_id = $1', [seeded.tenantId]);
    expect(rows[0]).toEqual({ name: 'Demo Distributing', functional_currency: 'USD', time_zone: 'America/Chicago' });
    expect(seeded.adminKey).toMatch(/^qm_/);
    const page = await get('/v1/items?limit=5');
    expect(page.data).toHaveLength(5);
  });

  it('has at least 200 items across six categories, every GTIN valid and unique, sold in more than one unit', async () => {
    const { rows } = await testDb().admin.query('select gtin, category, tax_class from items where tenant_id = $1', [seeded.tenantId]);
    expect(rows.length).toBeGreaterThanOrEqual(200);
    expect(rows.every((row) => row.gtin !== null && isValidGtin(row.gtin))).toBe(true);
    expect(new Set(rows.map((row) => row.gtin)).size).toBe(rows.length);
    expect(new Set(rows.map((row) => row.category))).toEqual(new Set(['janitorial', 'packaging', 'safety', 'fasteners', 'electrical', 'breakroom']));
    expect(new Set(rows.map((row) => row.tax_class))).toEqual(new Set(['standard', 'food', 'medical']));
    expect(await count(`select count(distinct item_id)::int as n from item_units where tenant_id = $1 and unit <> 'EA'`)).toBeGreaterThan(150);
    expect(seeded.counts.items).toBe(rows.length);
  });

  it('has 3 warehouses with receiving, storage and packing bins, 20 customers with varied policies, and stock on hand', async () => {
    const { rows: warehouses } = await testDb().admin.query('select code from warehouses where tenant_id = $1 order by allocation_priority', [seeded.tenantId]);
    expect(warehouses.map((row) => row.code)).toEqual(['DAL', 'HOU', 'OKC']);
    const { rows: kinds } = await testDb().admin.query('select kind, count(*)::int as n from bins where tenant_id = $1 group by kind order by kind', [seeded.tenantId]);
    expect(kinds).toEqual([
      { kind: 'packing', n: 3 },
      { kind: 'receiving', n: 3 },
      { kind: 'storage', n: expect.any(Number) },
    ]);
    expect(await count('select count(*)::int as n from customers where tenant_id = $1')).toBe(20);
    const { rows: policies } = await testDb().admin.query(
      'select distinct allow_partial_shipment, remainder_policy, allow_split_warehouses from customers where tenant_id = $1',
      [seeded.tenantId],
    );
    expect(policies.length).toBeGreaterThanOrEqual(4);
    expect(await count('select count(distinct credit_limit_minor)::int as n from customers where tenant_id = $1')).toBeGreaterThan(10);
    expect(await count('select count(distinct jurisdiction_code)::int as n from ship_tos where tenant_id = $1')).toBe(4);
    expect(await count('select count(*)::int as n from stock_balances where tenant_id = $1 and on_hand > 0')).toBeGreaterThan(300);
    for (const code of ['DAL', 'HOU', 'OKC']) {
      const n = (await testDb().admin.query(
        `select count(*)::int as n from stock_balances b join warehouses w using (tenant_id, warehouse_id) where b.tenant_id = $1 and w.code = $2 and b.on_hand > 0 and b.value_minor > 0`,
        [seeded.tenantId, code],
      )).rows[0].n;
      expect(n, code).toBeGreaterThan(50);
    }
    expect(await count('select count(*)::int as n from bin_balances where tenant_id = $1 and on_hand > 0')).toBe(seeded.counts.openingMovements);
  });

  it('leaves the stock ledger consistent and some items at zero so that orders backorder', async () => {
    expect(await inDemo((tx, ctx) => verifyInventory(tx, ctx))).toEqual([]);
    const { rows } = await testDb().admin.query('select item_id from items where tenant_id = $1 and sku = $2', [seeded.tenantId, seeded.examples.backorderedSku]);
    const atp = await get(`/v1/items/${rows[0].item_id}/atp`);
    expect(atp.total.available).toBe('0');
  });

  it('buys every item from its brand\'s supplier, with part numbers unique per supplier, a lead time, a minimum and a pack size', async () => {
    const { rows } = await testDb().admin.query(
      `select s.code, si.supplier_part_number, si.cost::text as cost, si.lead_time_days, si.min_order_qty::text as moq, si.pack_size::text as pack
         from supplier_items si join suppliers s on s.tenant_id = si.tenant_id and s.supplier_id = si.supplier_id where si.tenant_id = $1`,
      [seeded.tenantId],
    );
    expect(rows).toHaveLength(seeded.counts.items);
    expect(seeded.counts.supplierItems).toBe(seeded.counts.items);
    expect(await count('select count(distinct item_id)::int as n from supplier_items where tenant_id = $1')).toBe(seeded.counts.items);
    expect(new Set(rows.map((row) => `${row.code}/${row.supplier_part_number}`)).size).toBe(rows.length);
    expect(new Set(rows.map((row) => row.code)).size).toBe(6);
    for (const row of rows) {
      expect(row.lead_time_days).toBeGreaterThan(0);
      expect(Number(row.moq) % Number(row.pack)).toBe(0);
      expect(Number(row.cost)).toBeGreaterThan(0);
    }
    // Bank details are sealed by `qm demo`, not the seed (the seed needs no master key).
    expect(await count('select count(*)::int as n from supplier_bank_details where tenant_id = $1')).toBe(0);
  });

  it('audited every write and announced it in the outbox', async () => {
    expect(await count(`select count(*)::int as n from audit_log where tenant_id = $1 and action = 'item.create'`)).toBe(seeded.counts.items);
    expect(await count(`select count(*)::int as n from audit_log where tenant_id = $1 and action = 'stock_movement.create'`)).toBe(seeded.counts.openingMovements);
    expect(await count(`select count(*)::int as n from outbox_events where tenant_id = $1 and event_type = 'stock.opening_posted'`)).toBe(seeded.counts.openingMovements);
  });

  it('has customers past due and customers near their limit for the credit check', async () => {
    const { rows } = await testDb().admin.query('select customer_id, code, past_due_tolerance_days, credit_limit_minor from customers where tenant_id = $1', [seeded.tenantId]);
    const byCode = new Map(rows.map((row) => [row.code as string, row]));
    const onHold = await inDemo((tx, ctx) => receivablesExposure(tx, ctx, byCode.get('C1005')!.customer_id, '2026-04-15'));
    expect(onHold.maxDaysPastDue).toBeGreaterThan(byCode.get('C1005')!.past_due_tolerance_days);
    const nearLimit = await inDemo((tx, ctx) => receivablesExposure(tx, ctx, byCode.get('C1008')!.customer_id, '2026-04-15'));
    expect(nearLimit.openMinor).toBe(1_360_000);
    expect(Number(byCode.get('C1008')!.credit_limit_minor) - nearLimit.openMinor).toBeLessThan(200_000);
  });

  it('prices a quote for a demo customer with its tier discount and Dallas tax', async () => {
    const customers = await get('/v1/customers?search=C1001');
    const customer = customers.data[0];
    const shipTos = await get(`/v1/customers/${customer.customerId}/ship-tos`);
    const main = shipTos.data.find((shipTo: { code: string }) => shipTo.code === 'MAIN');
    const response = await app.inject({
      method: 'POST',
      url: '/v1/price-quotes',
      headers: bearer(seeded.adminKey),
      payload: { customerId: customer.customerId, shipToId: main.shipToId, lines: [{ sku: 'FAS-BO-1001', unit: 'BX', qty: '2' }, { sku: 'BRK-MR-1001', unit: 'EA', qty: '3' }] },
    });
    expect(response.statusCode, response.body).toBe(200);
    const [bolts, coffee] = response.json().lines;
    // Boltwell × tier A is 15 % off base; Texas taxes the bolts and not the coffee (food).
    expect(bolts).toMatchObject({ priceRule: 'matrix_discount', jurisdictionCode: 'TX-DALLAS', taxRate: '0.0825' });
    expect(bolts.taxMinor).toBeGreaterThan(0);
    expect(coffee).toMatchObject({ taxClass: 'food', taxRate: '0', taxMinor: 0 });
  });

  it('names an expired exemption certificate no more, and honours a valid one', async () => {
    const quoteFor = async (code: string) => {
      const customer = (await get(`/v1/customers?search=${code}`)).data[0];
      const shipTo = (await get(`/v1/customers/${customer.customerId}/ship-tos`)).data[0];
      const response = await app.inject({
        method: 'POST', url: '/v1/price-quotes', headers: bearer(seeded.adminKey),
        payload: { customerId: customer.customerId, shipToId: shipTo.shipToId, lines: [{ sku: 'JAN-BW-1001', unit: 'EA', qty: '1' }] },
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().lines[0];
    };
    expect(await quoteFor('C1004')).toMatchObject({ taxExemptCertificate: 'TX-01-339-EXEMPT', taxMinor: 0 });
    const church = await quoteFor('C1010');
    expect(church.taxExemptCertificate).toBeNull();
    expect(church.taxMinor).toBeGreaterThan(0);
  });

  it('takes an order at once: allocated from stock, backordered when out of stock, held when past due', async () => {
    const order = async (code: string, lines: Array<{ sku: string; unit: string; qty: string }>) => {
      const customer = (await get(`/v1/customers?search=${code}`)).data[0];
      const shipTo = (await get(`/v1/customers/${customer.customerId}/ship-tos`)).data[0];
      const created = await app.inject({ method: 'POST', url: '/v1/sales-orders', headers: bearer(seeded.adminKey), payload: { customerId: customer.customerId, shipToId: shipTo.shipToId, lines } });
      expect(created.statusCode, created.body).toBe(201);
      const confirmed = await app.inject({ method: 'POST', url: `/v1/sales-orders/${created.json().orderId}/confirm`, headers: bearer(seeded.adminKey) });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      return confirmed.json();
    };
    // C1001 takes partial shipments and backorders the rest.
    const mixed = await order('C1001', [{ sku: 'JAN-BW-1001', unit: 'EA', qty: '2' }, { sku: seeded.examples.backorderedSku, unit: 'EA', qty: '1' }]);
    expect(mixed.status).toBe('partially_allocated');
    // C1005 has an invoice past due beyond its tolerance.
    const held = await order('C1005', [{ sku: 'JAN-BW-1001', unit: 'EA', qty: '1' }]);
    expect([held.status, held.holdReasons]).toEqual(['on_hold', ['past_due']]);
  });

  it('refuses a second seed with DEMO_EXISTS and changes nothing', async () => {
    const before = await count('select count(*)::int as n from items where tenant_id = $1');
    const tenantsBefore = (await testDb().admin.query('select count(*)::int as n from tenants')).rows[0].n;
    await expect(seedDemo(testDb().db, { clock })).rejects.toMatchObject({ code: 'DEMO_EXISTS' } satisfies Partial<AppError>);
    expect(await count('select count(*)::int as n from items where tenant_id = $1')).toBe(before);
    expect((await testDb().admin.query('select count(*)::int as n from tenants')).rows[0].n).toBe(tenantsBefore);
  });

  it('is deterministic: the same seed gives the same catalog, prices and costs', () => {
    const first = generateDemoItems(seededRandom(DEMO_SEED));
    const second = generateDemoItems(seededRandom(DEMO_SEED));
    expect(second).toEqual(first);
    expect(generateDemoItems(seededRandom(DEMO_SEED + 1))).not.toEqual(first);
  });
});
