import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestKey, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { fixedClock } from '../../platform/context.ts';
import { arAging } from './index.ts';
import { arIdentity, inTenant, newCustomer, openItem, type BillingWorld } from './payments.fixtures.ts';

/**
 * Chicago tenant, clock at 03:00 UTC on 1 January 2027: in UTC it is already the new year,
 * in the tenant's zone it is still 31 December 2026 — the default asOf.
 */
const clock = fixedClock('2027-01-01T03:00:00Z');
const TIME_ZONE = 'America/Chicago';
const testDb = useTestDatabase();
let app: FastifyInstance;
let tenant: TestTenant;
let world: BillingWorld;
let readKey: string;

beforeAll(async () => {
  app = await buildApp({ db: testDb().db, clock });
  tenant = await createTestTenant(testDb().db, { timeZone: TIME_ZONE });
  world = { db: testDb().db, admin: testDb().admin, tenantId: tenant.tenantId, timeZone: TIME_ZONE, clock };
  readKey = await createTestKey(testDb().db, tenant.tenantId, ['billing:read']);
});
afterAll(async () => {
  await app?.close();
});

function aging(query = '') {
  return app.inject({ method: 'GET', url: `/v1/ar-aging${query}`, headers: bearer(readKey) });
}

describe('GET /v1/ar-aging', () => {
  it("buckets each customer's open items on the tenant's today, credits apart, totals = Σ open items = GL AR", async () => {
    const acme = await newCustomer(world);
    const beta = await newCustomer(world);
    await openItem(world, acme.customerId, { amountMinor: 1_000, documentDate: '2026-12-01', dueDate: '2026-12-31' }); // due today in Chicago: current
    await openItem(world, acme.customerId, { amountMinor: 2_000, documentDate: '2026-12-01', dueDate: '2026-12-01' }); // 30 days
    await openItem(world, acme.customerId, { amountMinor: 3_000, documentDate: '2026-11-01', dueDate: '2026-11-30' }); // 31 days
    await openItem(world, acme.customerId, { amountMinor: 4_000, documentDate: '2026-10-01', dueDate: '2026-10-31' }); // 61 days
    await openItem(world, acme.customerId, { amountMinor: 5_000, documentDate: '2026-10-01', dueDate: '2026-10-01' }); // 91 days
    await openItem(world, acme.customerId, { documentType: 'credit_memo', amountMinor: -700, documentDate: '2026-09-01', dueDate: '2026-09-01' });
    const paid = await openItem(world, beta.customerId, { amountMinor: 900, documentDate: '2026-12-01', dueDate: '2026-12-30' }); // 1 day
    await openItem(world, beta.customerId, { amountMinor: 600, documentDate: '2026-09-01', dueDate: '2026-10-02' }); // 90 days
    // Beta pays 1,500: 900 settles the first item; 600 stays unapplied.
    const pay = await app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: bearer(tenant.adminKey),
      payload: { customerId: beta.customerId, amountMinor: 1_500, method: 'check', applications: [{ openItemId: paid.openItemId, amountMinor: 900 }] },
    });
    expect(pay.statusCode, pay.body).toBe(201);

    const response = await aging();
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report.asOf).toBe('2026-12-31');
    expect(report.currency).toBe('USD');
    const byId = new Map(report.customers.map((c: { customerId: string }) => [c.customerId, c]));
    expect(byId.get(acme.customerId)).toEqual({
      customerId: acme.customerId, code: acme.code, name: acme.name,
      current: 1_000, days1To30: 2_000, days31To60: 3_000, days61To90: 4_000, over90: 5_000, unappliedCredits: -700, totalMinor: 14_300,
    });
    expect(byId.get(beta.customerId)).toEqual({
      customerId: beta.customerId, code: beta.code, name: beta.name,
      current: 0, days1To30: 0, days31To60: 0, days61To90: 600, over90: 0, unappliedCredits: -600, totalMinor: 0,
    });
    expect(report.totals).toEqual({ current: 1_000, days1To30: 2_000, days31To60: 3_000, days61To90: 4_600, over90: 5_000, unappliedCredits: -1_300, totalMinor: 14_300 });
    const { openItemsMinor, glArMinor } = await arIdentity(world);
    expect(report.totals.totalMinor).toBe(openItemsMinor);
    expect(openItemsMinor).toBe(glArMinor);

    // A day later (the UTC date) everything moves one day: the item due on 31 Dec is 1 day past due.
    const tomorrow = await aging(`?asOf=2027-01-01&customerId=${acme.customerId}`);
    expect(tomorrow.json().customers).toHaveLength(1);
    expect(tomorrow.json().customers[0]).toMatchObject({ current: 0, days1To30: 1_000, days31To60: 2_000 + 3_000, days61To90: 4_000, over90: 5_000 });
    expect(tomorrow.json().totals.totalMinor).toBe(14_300);
  });

  it('the exported arAging uses the same default date, and refuses an unknown customer', async () => {
    const report = await inTenant(world, (tx, ctx) => arAging(tx, ctx, {}));
    expect(report.asOf).toBe('2026-12-31');
    const unknown = await aging('?customerId=01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('CUSTOMER_NOT_FOUND');
    const badDate = await aging('?asOf=2026-02-30');
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().code).toBe('VALIDATION_FAILED');
  });
});
