import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';

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

let counter = 0;
const newCode = (prefix = 'C') => `${prefix}${Date.now().toString(36)}${(counter += 1)}`.toUpperCase();

function post(url: string, payload: unknown, key = tenant.adminKey) {
  return app.inject({ method: 'POST', url, headers: bearer(key), payload: payload as Record<string, unknown> });
}

async function auditActions(entityId: string) {
  const { rows } = await testDb().admin.query(`select action, changes from audit_log where entity_id = $1 order by audit_id`, [entityId]);
  return rows as Array<{ action: string; changes: Record<string, { old: unknown; new: unknown }> }>;
}

async function insertWarehouse(active = true): Promise<string> {
  const { rows } = await testDb().admin.query(
    `insert into warehouses (tenant_id, warehouse_id, code, name, time_zone, active) values ($1, gen_random_uuid(), $2, 'WH', 'UTC', $3) returning warehouse_id`,
    [tenant.tenantId, newCode('W'), active],
  );
  return rows[0].warehouse_id;
}

describe('customers over HTTP', () => {
  it('creates a customer with every policy field, in the functional currency, audited and announced', async () => {
    const warehouseId = await insertWarehouse();
    const code = newCode();
    const response = await post('/v1/customers', {
      code,
      name: 'Acme Janitorial',
      creditLimitMinor: 2_500_000,
      paymentTermsDays: 45,
      pastDueToleranceDays: 10,
      customerTier: 'gold',
      defaultWarehouseId: warehouseId,
      freightTerms: 'collect',
      allowPartialShipment: false,
      remainderPolicy: 'cancel',
      allowSplitWarehouses: true,
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers.etag).toBe('"1"');
    const customer = response.json();
    expect(customer).toMatchObject({
      code,
      currency: 'USD',
      creditLimitMinor: 2_500_000,
      paymentTermsDays: 45,
      pastDueToleranceDays: 10,
      customerTier: 'gold',
      priceListId: null,
      defaultWarehouseId: warehouseId,
      freightTerms: 'collect',
      allowPartialShipment: false,
      remainderPolicy: 'cancel',
      allowSplitWarehouses: true,
      active: true,
      revision: 1,
    });
    const fetched = await app.inject({ method: 'GET', url: `/v1/customers/${customer.customerId}`, headers: bearer(tenant.adminKey) });
    expect(fetched.json()).toEqual(customer);
    expect(fetched.headers.etag).toBe('"1"');
    const audited = await auditActions(customer.customerId);
    expect(audited.map((row) => row.action)).toEqual(['customer.create']);
    expect(audited[0]!.changes.creditLimitMinor).toEqual({ old: null, new: 2_500_000 });
    const events = await testDb().admin.query(`select event_type from outbox_events where aggregate_id = $1`, [customer.customerId]);
    expect(events.rows.map((row) => row.event_type)).toEqual(['customer.created']);
  });

  it('applies the defaults a distributor expects when only code and name are given', async () => {
    const customer = (await post('/v1/customers', { code: newCode(), name: 'Walk-in' })).json();
    expect(customer).toMatchObject({
      creditLimitMinor: 0,
      paymentTermsDays: 30,
      pastDueToleranceDays: 0,
      freightTerms: 'prepaid_and_add',
      allowPartialShipment: true,
      remainderPolicy: 'backorder',
      allowSplitWarehouses: false,
    });
  });

  it.each([
    ['a foreign currency', { currency: 'EUR' }, 422, 'CURRENCY_NOT_SUPPORTED'],
    ['a warehouse that does not exist', { defaultWarehouseId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45' }, 422, 'WAREHOUSE_INVALID'],
    ['a price list that does not exist', { priceListId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45' }, 422, 'PRICE_LIST_INVALID'],
    ['a negative credit limit', { creditLimitMinor: -1 }, 400, 'VALIDATION_FAILED'],
    ['a fractional credit limit', { creditLimitMinor: 10.5 }, 400, 'VALIDATION_FAILED'],
    ['an unknown remainder policy', { remainderPolicy: 'ship_later' }, 400, 'VALIDATION_FAILED'],
    ['an unknown field', { creditRating: 'AAA' }, 400, 'VALIDATION_FAILED'],
  ])('refuses %s and writes nothing', async (_name, extra, status, code) => {
    const customerCode = newCode();
    const response = await post('/v1/customers', { code: customerCode, name: 'Refused', ...extra });
    expect(response.statusCode).toBe(status);
    expect(response.json().code).toBe(code);
    expect((await testDb().admin.query('select 1 from customers where code = $1', [customerCode])).rowCount).toBe(0);
  });

  it('refuses an inactive default warehouse', async () => {
    const response = await post('/v1/customers', { code: newCode(), name: 'x', defaultWarehouseId: await insertWarehouse(false) });
    expect(response.json().code).toBe('WAREHOUSE_INVALID');
  });

  it('refuses a duplicate code with 409 CUSTOMER_CODE_TAKEN', async () => {
    const code = newCode();
    expect((await post('/v1/customers', { code, name: 'First' })).statusCode).toBe(201);
    const duplicate = await post('/v1/customers', { code, name: 'Second' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('CUSTOMER_CODE_TAKEN');
  });

  it('changes a customer with If-Match: 428 without it, 412 when stale, nothing written by either; audited with before and after', async () => {
    const customer = (await post('/v1/customers', { code: newCode(), name: 'Beta', creditLimitMinor: 1000 })).json();
    const url = `/v1/customers/${customer.customerId}`;
    const missing = await app.inject({ method: 'PATCH', url, headers: bearer(tenant.adminKey), payload: { creditLimitMinor: 9_999_999 } });
    expect(missing.statusCode).toBe(428);
    const changed = await app.inject({ method: 'PATCH', url, headers: { ...bearer(tenant.adminKey), 'if-match': '"1"' }, payload: { creditLimitMinor: 5000, remainderPolicy: 'cancel' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).toBe('"2"');
    expect(changed.json()).toMatchObject({ creditLimitMinor: 5000, remainderPolicy: 'cancel', revision: 2 });
    const stale = await app.inject({ method: 'PATCH', url, headers: { ...bearer(tenant.adminKey), 'if-match': '"1"' }, payload: { creditLimitMinor: 9_999_999 } });
    expect(stale.statusCode).toBe(412);
    const noCurrency = await app.inject({ method: 'PATCH', url, headers: { ...bearer(tenant.adminKey), 'if-match': '"2"' }, payload: { currency: 'EUR' } });
    expect(noCurrency.statusCode).toBe(400);
    const row = (await testDb().admin.query('select credit_limit_minor, revision, currency from customers where customer_id = $1', [customer.customerId])).rows[0];
    expect(row).toEqual({ credit_limit_minor: '5000', revision: 2, currency: 'USD' });
    const audited = await auditActions(customer.customerId);
    expect(audited.map((entry) => entry.action)).toEqual(['customer.create', 'customer.update']);
    expect(audited[1]!.changes.creditLimitMinor).toEqual({ old: 1000, new: 5000 });
    const events = await testDb().admin.query(`select event_type from outbox_events where aggregate_id = $1 order by event_id`, [customer.customerId]);
    expect(events.rows.map((event) => event.event_type)).toEqual(['customer.created', 'customer.updated']);
  });

  it('deactivates (never deletes) and lists with filters', async () => {
    const marker = newCode('LST');
    const a = (await post('/v1/customers', { code: `${marker}A`, name: 'Alpha Foods' })).json();
    const b = (await post('/v1/customers', { code: `${marker}B`, name: 'Bravo Paper', customerTier: 'silver' })).json();
    const deactivated = await post(`/v1/customers/${a.customerId}/deactivate`, undefined);
    expect(deactivated.statusCode).toBe(200);
    expect(deactivated.json()).toMatchObject({ active: false, revision: 2 });
    const list = async (query: string) =>
      (await app.inject({ method: 'GET', url: `/v1/customers?search=${marker}&${query}`, headers: bearer(tenant.adminKey) })).json().data.map((c: { customerId: string }) => c.customerId);
    expect(await list('')).toEqual([a.customerId, b.customerId]);
    expect(await list('active=true')).toEqual([b.customerId]);
    expect(await list('active=false')).toEqual([a.customerId]);
    expect(await list('customerTier=silver')).toEqual([b.customerId]);
    expect((await auditActions(a.customerId)).map((entry) => entry.action)).toEqual(['customer.create', 'customer.deactivate']);
  });

  it("answers 404 for another tenant's customer and leaves it unchanged", async () => {
    const customer = (await post('/v1/customers', { code: newCode(), name: 'Mine' })).json();
    const other = await createTestTenant(testDb().db);
    for (const request of [
      { method: 'GET' as const, url: `/v1/customers/${customer.customerId}` },
      { method: 'PATCH' as const, url: `/v1/customers/${customer.customerId}`, payload: { name: 'Stolen' }, headers: { 'if-match': '"1"' } },
      { method: 'POST' as const, url: `/v1/customers/${customer.customerId}/deactivate` },
      { method: 'GET' as const, url: `/v1/customers/${customer.customerId}/ship-tos` },
      { method: 'GET' as const, url: `/v1/customers/${customer.customerId}/open-items` },
    ]) {
      const response = await app.inject({ ...request, headers: { ...bearer(other.adminKey), ...(request.headers ?? {}) } });
      expect(response.statusCode, request.url).toBe(404);
      expect(response.json().code).toBe('CUSTOMER_NOT_FOUND');
    }
    const row = (await testDb().admin.query('select name, active, revision from customers where customer_id = $1', [customer.customerId])).rows[0];
    expect(row).toEqual({ name: 'Mine', active: true, revision: 1 });
  });
});

describe('tax jurisdictions, ship-tos and exemptions over HTTP', () => {
  it('creates a jurisdiction with rates, changes a rate, and audits both', async () => {
    const code = newCode('TX-');
    const created = await post('/v1/tax-jurisdictions', { jurisdictionCode: code, name: 'Austin', freightTaxable: true, rates: [{ taxClass: 'standard', rate: '0.0825' }, { taxClass: 'food', rate: '0' }] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ jurisdictionCode: code, name: 'Austin', freightTaxable: true, active: true, rates: [{ taxClass: 'food', rate: '0' }, { taxClass: 'standard', rate: '0.0825' }] });
    const duplicate = await post('/v1/tax-jurisdictions', { jurisdictionCode: code, name: 'Again' });
    expect(duplicate.json().code).toBe('TAX_JURISDICTION_TAKEN');
    const badRate = await post('/v1/tax-jurisdictions', { jurisdictionCode: newCode('TX-'), name: 'x', rates: [{ taxClass: 'standard', rate: '1.5' }] });
    expect(badRate.statusCode).toBe(400);
    const changed = await app.inject({ method: 'PUT', url: `/v1/tax-jurisdictions/${code}/rates/standard`, headers: bearer(tenant.adminKey), payload: { rate: '0.0875' } });
    expect(changed.json().rates).toContainEqual({ taxClass: 'standard', rate: '0.0875' });
    const audited = await auditActions(code);
    expect(audited.map((entry) => entry.action)).toEqual(['tax_jurisdiction.create', 'tax_jurisdiction.set_rate']);
    expect(audited[1]!.changes.rates).toEqual({ old: { food: '0', standard: '0.0825' }, new: { food: '0', standard: '0.0875' } });
    const missing = await app.inject({ method: 'GET', url: '/v1/tax-jurisdictions/NOPE', headers: bearer(tenant.adminKey) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('TAX_JURISDICTION_NOT_FOUND');
  });

  it('adds ship-tos whose jurisdiction must exist and be active, and deactivates them', async () => {
    const customer = (await post('/v1/customers', { code: newCode(), name: 'Shipper' })).json();
    const code = newCode('J-');
    await post('/v1/tax-jurisdictions', { jurisdictionCode: code, name: 'J' });
    const address = { code: 'MAIN', name: 'Dock', addressLine1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' };
    const url = `/v1/customers/${customer.customerId}/ship-tos`;
    const unknown = await post(url, { ...address, jurisdictionCode: 'NO-SUCH' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().code).toBe('TAX_JURISDICTION_INVALID');
    expect((await testDb().admin.query('select 1 from ship_tos where customer_id = $1', [customer.customerId])).rowCount).toBe(0);
    const created = await post(url, { ...address, jurisdictionCode: code });
    expect(created.statusCode).toBe(201);
    const shipTo = created.json();
    expect(shipTo).toMatchObject({ customerId: customer.customerId, jurisdictionCode: code, addressLine2: null, active: true });
    expect((await post(url, { ...address, jurisdictionCode: code })).json().code).toBe('SHIP_TO_CODE_TAKEN');
    const deactivated = await post(`${url}/${shipTo.shipToId}/deactivate`, undefined);
    expect(deactivated.json().active).toBe(false);
    expect((await auditActions(shipTo.shipToId)).map((entry) => entry.action)).toEqual(['ship_to.create', 'ship_to.deactivate']);

    await post(`/v1/tax-jurisdictions/${code}/deactivate`, undefined);
    const inactive = await post(url, { ...address, code: 'SECOND', jurisdictionCode: code });
    expect(inactive.json().code).toBe('TAX_JURISDICTION_INVALID');
  });

  it('files exemption certificates with validity dates', async () => {
    const customer = (await post('/v1/customers', { code: newCode(), name: 'Exempt' })).json();
    const url = `/v1/customers/${customer.customerId}/tax-exemptions`;
    const created = await post(url, { certificateNumber: 'RESALE-1', validFrom: '2026-01-01', validTo: '2026-12-31' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ jurisdictionCode: null, certificateNumber: 'RESALE-1', validFrom: '2026-01-01', validTo: '2026-12-31' });
    const backwards = await post(url, { certificateNumber: 'X', validFrom: '2026-12-31', validTo: '2026-01-01' });
    expect(backwards.statusCode).toBe(400);
    const notADate = await post(url, { certificateNumber: 'X', validFrom: '2026-02-30', validTo: '2026-03-01' });
    expect(notADate.statusCode).toBe(400);
    const unknownJurisdiction = await post(url, { certificateNumber: 'X', jurisdictionCode: 'NOWHERE', validFrom: '2026-01-01', validTo: '2026-03-01' });
    expect(unknownJurisdiction.json().code).toBe('TAX_JURISDICTION_INVALID');
    const listed = await app.inject({ method: 'GET', url, headers: bearer(tenant.adminKey) });
    expect(listed.json().data.map((entry: { certificateNumber: string }) => entry.certificateNumber)).toEqual(['RESALE-1']);
    expect((await auditActions(created.json().exemptionId)).map((entry) => entry.action)).toEqual(['tax_exemption.create']);
  });
});

describe('suppliers over HTTP', () => {
  it('creates, changes with If-Match, deactivates, and refuses a foreign currency', async () => {
    const created = await post('/v1/suppliers', { code: newCode('S'), name: 'GloveCo', paymentTermsDays: 45 });
    expect(created.statusCode).toBe(201);
    const supplier = created.json();
    expect(supplier).toMatchObject({ currency: 'USD', paymentTermsDays: 45, active: true, revision: 1 });
    const url = `/v1/suppliers/${supplier.supplierId}`;
    expect((await app.inject({ method: 'PATCH', url, headers: bearer(tenant.adminKey), payload: { paymentTermsDays: 60 } })).statusCode).toBe(428);
    const changed = await app.inject({ method: 'PATCH', url, headers: { ...bearer(tenant.adminKey), 'if-match': '"1"' }, payload: { paymentTermsDays: 60 } });
    expect(changed.json()).toMatchObject({ paymentTermsDays: 60, revision: 2 });
    expect((await app.inject({ method: 'PATCH', url, headers: { ...bearer(tenant.adminKey), 'if-match': '"1"' }, payload: { name: 'x' } })).statusCode).toBe(412);
    expect((await post(`${url}/deactivate`, undefined)).json()).toMatchObject({ active: false, revision: 3 });
    expect((await auditActions(supplier.supplierId)).map((entry) => entry.action)).toEqual(['supplier.create', 'supplier.update', 'supplier.deactivate']);
    const foreign = await post('/v1/suppliers', { code: newCode('S'), name: 'EuroParts', currency: 'EUR' });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().code).toBe('CURRENCY_NOT_SUPPORTED');
    const other = await createTestTenant(testDb().db);
    expect((await app.inject({ method: 'GET', url, headers: bearer(other.adminKey) })).json().code).toBe('SUPPLIER_NOT_FOUND');
  });
});
