import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { fixedClock } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestKey, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';

/**
 * Pricing over HTTP: price lists, contract prices, matrix discounts and POST /v1/price-quotes.
 * Master data (items, customers, ship-tos, tax) is inserted with admin SQL: it belongs to
 * catalog and partners, whose services this test does not depend on.
 */

const testDb = useTestDatabase();
// 02:30 UTC on 1 July is still 30 June in New York: the tenant's business date.
const clock = fixedClock('2026-07-01T02:30:00Z');
let app: FastifyInstance;
let tenant: TestTenant;

const ids = {
  bolt: newId(),
  nut: newId(),
  washer: newId(),
  screw: newId(),
  unpriced: newId(),
  customer: newId(),
  exemptCustomer: newId(),
  shipTo: newId(),
  exemptShipTo: newId(),
};

async function seedMasterData(tenantId: string): Promise<void> {
  const sql = async (text: string, values: unknown[] = []) => testDb().admin.query(text, values);
  await sql(`insert into tax_jurisdictions (tenant_id, jurisdiction_code, name, freight_taxable) values ($1, 'US-CA', 'California', false), ($1, 'US-NY', 'New York', true)`, [tenantId]);
  await sql(`insert into tax_rates (tenant_id, jurisdiction_code, tax_class, rate) values ($1, 'US-CA', 'standard', 0.0725), ($1, 'US-NY', 'standard', 0.08875)`, [tenantId]);
  const items: Array<[string, string, string | null, string | null, Record<string, string>]> = [
    [ids.bolt, 'BOLT-M8', 'Acme', 'fasteners', { material: 'steel' }],
    [ids.nut, 'NUT-M8', 'Acme', 'fasteners', { material: 'steel' }],
    [ids.washer, 'WASHER-M8', 'Bolton', 'fasteners', { material: 'zinc' }],
    [ids.screw, 'SCREW-4', 'Bolton', 'fasteners', { material: 'brass' }],
    [ids.unpriced, 'UNPRICED-1', null, null, {}],
  ];
  for (const [itemId, sku, brand, category, attributes] of items) {
    await sql(`insert into items (tenant_id, item_id, sku, description, brand, category, attributes, stocking_unit) values ($1, $2, $3, $3, $4, $5, $6, 'EA')`, [
      tenantId, itemId, sku, brand, category, JSON.stringify(attributes),
    ]);
    await sql(`insert into item_units (tenant_id, item_id, unit, factor) values ($1, $2, 'EA', 1), ($1, $2, 'CA', 12)`, [tenantId, itemId]);
  }
  await sql(`insert into customers (tenant_id, customer_id, code, name, currency, customer_tier) values ($1, $2, 'C-1', 'Hardware Co', 'USD', 'A'), ($1, $3, 'C-2', 'School District', 'USD', null)`, [
    tenantId, ids.customer, ids.exemptCustomer,
  ]);
  await sql(`insert into ship_tos (tenant_id, ship_to_id, customer_id, code, name, address_line1, city, country, jurisdiction_code) values
    ($1, $2, $3, 'MAIN', 'Main', '1 Main St', 'Fresno', 'US', 'US-CA'), ($1, $4, $5, 'MAIN', 'Main', '2 School Rd', 'Albany', 'US', 'US-NY')`, [
    tenantId, ids.shipTo, ids.customer, ids.exemptShipTo, ids.exemptCustomer,
  ]);
  await sql(`insert into customer_tax_exemptions (tenant_id, exemption_id, customer_id, jurisdiction_code, certificate_number, valid_from, valid_to) values
    ($1, $2, $3, 'US-NY', 'NY-EX-77', '2026-01-01', '2026-06-30'), ($1, $4, $3, 'US-NY', 'NY-EX-OLD', '2025-01-01', '2025-12-31')`, [tenantId, newId(), ids.exemptCustomer, newId()]);
}

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, key = tenant.adminKey) {
  return app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload: payload as object }) });
}

let baseListId: string;
let goldListId: string;
let contractId: string;

beforeAll(async () => {
  app = await buildApp({ db: testDb().db, clock });
  tenant = await createTestTenant(testDb().db, { timeZone: 'America/New_York' });
  await seedMasterData(tenant.tenantId);

  const base = await call('POST', '/v1/price-lists', { code: 'BASE', name: 'Base 2026', isBase: true });
  expect(base.statusCode).toBe(201);
  baseListId = base.json().priceListId;
  const gold = await call('POST', '/v1/price-lists', { code: 'GOLD', name: 'Gold customers' });
  expect(gold.statusCode).toBe(201);
  goldListId = gold.json().priceListId;
  await testDb().admin.query('update customers set price_list_id = $1 where customer_id = $2', [goldListId, ids.customer]);

  const entries: Array<[string, string, string, string, string]> = [
    [baseListId, ids.bolt, 'EA', '0', '1.00'],
    [baseListId, ids.nut, 'EA', '0', '0.50'],
    [baseListId, ids.nut, 'EA', '100', '0.40'],
    [baseListId, ids.washer, 'EA', '0', '0.10'],
    [baseListId, ids.screw, 'EA', '0', '0.20'],
    [baseListId, ids.screw, 'CA', '0', '2.00'],
    [goldListId, ids.nut, 'EA', '0', '0.45'],
    [goldListId, ids.nut, 'EA', '100', '0.35'],
  ];
  for (const [listId, itemId, unit, minQty, unitPrice] of entries) {
    const response = await call('PUT', `/v1/price-lists/${listId}/entries/${itemId}/${unit}/${minQty}`, { unitPrice });
    expect(response.statusCode, response.body).toBe(200);
  }
  const contract = await call('POST', '/v1/contract-prices', {
    customerId: ids.customer, itemId: ids.bolt, unit: 'EA', unitPrice: '0.80', validFrom: '2026-01-01', validTo: '2026-06-30', contractReference: 'K-17',
  });
  expect(contract.statusCode, contract.body).toBe(201);
  contractId = contract.json().contractPriceId;
  const discount = await call('POST', '/v1/matrix-discounts', { attribute: 'brand', attributeValue: 'Bolton', customerTier: 'A', discountPercent: '12.5' });
  expect(discount.statusCode, discount.body).toBe(201);
  const zinc = await call('POST', '/v1/matrix-discounts', { attribute: 'material', attributeValue: 'zinc', customerTier: 'A', discountPercent: '20' });
  expect(zinc.statusCode, zinc.body).toBe(201);
});
afterAll(async () => {
  await app?.close();
});

describe('POST /v1/price-quotes', () => {
  it('prices each line by its winning rule on today in the tenant zone, with tax and totals', async () => {
    const response = await call('POST', '/v1/price-quotes', {
      customerId: ids.customer,
      shipToId: ids.shipTo,
      lines: [
        { sku: 'BOLT-M8', unit: 'EA', qty: '10' }, // contract, valid through 2026-06-30 (today in New York)
        { itemId: ids.nut, unit: 'EA', qty: '150' }, // customer list, break 100
        { sku: 'WASHER-M8', unit: 'EA', qty: '3' }, // matrix: zinc 20 % beats brand 12.5 %
        { sku: 'SCREW-4', unit: 'CA', qty: '1' }, // matrix by brand, off the case price
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    const quote = response.json();
    expect(quote.date).toBe('2026-06-30');
    expect(quote.currency).toBe('USD');
    expect(quote.roundingMethod).toBe('half_up_per_line');
    expect(quote.freightTaxable).toBe(false);
    const summary = quote.lines.map((line: Record<string, unknown>) => [line.sku, line.priceRule, line.unitPrice, line.lineAmountMinor, line.taxRate, line.taxMinor]);
    expect(summary).toEqual([
      ['BOLT-M8', 'contract', '0.8', 800, '0.0725', 58], // 8.00 × 7.25 % = 0.58
      ['NUT-M8', 'customer_list', '0.35', 5250, '0.0725', 381], // 52.50 × 7.25 % = 3.80625 → 3.81
      ['WASHER-M8', 'matrix_discount', '0.08', 24, '0.0725', 2], // 0.24 × 7.25 % = 0.0174 → 0.02
      ['SCREW-4', 'matrix_discount', '1.75', 175, '0.0725', 13], // 1.75 × 7.25 % = 0.126875 → 0.13
    ]);
    expect(quote.subtotalMinor).toBe(800 + 5250 + 24 + 175);
    expect(quote.taxMinor).toBe(58 + 381 + 2 + 13);
    expect(quote.totalMinor).toBe(quote.subtotalMinor + quote.taxMinor);
    const bolt = quote.lines[0];
    expect(bolt.priceExplanation.winner).toMatchObject({ rule: 'contract', reference: `${contractId} (K-17)`, unitPrice: '0.8' });
    expect(bolt.priceExplanation.candidates.find((c: { rule: string }) => c.rule === 'base_list')).toMatchObject({ applies: true, unitPrice: '1' });
    expect(bolt.priceExplanation.precedence).toEqual(['contract', 'customer_list', 'matrix_discount', 'base_list']);
    expect(bolt).toMatchObject({ taxClass: 'standard', jurisdictionCode: 'US-CA', taxExemptCertificate: null });
    const washer = quote.lines[2].priceExplanation.candidates.filter((c: { rule: string }) => c.rule === 'matrix_discount');
    expect(washer.map((c: { applies: boolean; unitPrice: string }) => [c.applies, c.unitPrice])).toEqual([[true, '0.08'], [false, '0.0875']]);
  });

  it('lets a contract lapse the day after its last valid day, and prices by the next rule', async () => {
    const response = await call('POST', '/v1/price-quotes', { customerId: ids.customer, shipToId: ids.shipTo, date: '2026-07-01', lines: [{ sku: 'BOLT-M8', unit: 'EA', qty: '10' }] });
    expect(response.statusCode, response.body).toBe(200);
    const line = response.json().lines[0];
    expect(line.priceRule).toBe('base_list');
    expect(line.unitPrice).toBe('1');
    expect(line.priceExplanation.candidates[0]).toMatchObject({ rule: 'contract', applies: false, reason: 'expired 2026-06-30' });
  });

  it('honours a valid exemption certificate and records it, and not once it has expired', async () => {
    const body = (date: string) => ({ customerId: ids.exemptCustomer, shipToId: ids.exemptShipTo, date, lines: [{ sku: 'BOLT-M8', unit: 'EA', qty: '100' }] });
    const exempt = (await call('POST', '/v1/price-quotes', body('2026-06-30'))).json();
    expect(exempt.lines[0]).toMatchObject({ priceRule: 'base_list', lineAmountMinor: 10_000, jurisdictionCode: 'US-NY', taxRate: '0', taxExemptCertificate: 'NY-EX-77', taxMinor: 0 });
    expect(exempt.freightTaxable).toBe(true);
    const taxed = (await call('POST', '/v1/price-quotes', body('2026-07-01'))).json();
    expect(taxed.lines[0]).toMatchObject({ taxRate: '0.08875', taxExemptCertificate: null, taxMinor: 888 });
  });

  it.each([
    ['an item nobody priced', { lines: [{ sku: 'BOLT-M8', unit: 'EA', qty: '1' }, { sku: 'UNPRICED-1', unit: 'EA', qty: '1' }] }, 422, 'NO_PRICE', '/lines/1'],
    ['a unit the item has no price in', { lines: [{ sku: 'BOLT-M8', unit: 'CA', qty: '1' }] }, 422, 'NO_PRICE', '/lines/0'],
    ['a foreign currency', { currency: 'EUR', lines: [{ sku: 'BOLT-M8', unit: 'EA', qty: '1' }] }, 422, 'CURRENCY_NOT_SUPPORTED', undefined],
    ['a zero quantity', { lines: [{ sku: 'BOLT-M8', unit: 'EA', qty: '0' }] }, 400, 'VALIDATION_FAILED', '/lines/0/qty'],
    ['a negative quantity', { lines: [{ sku: 'BOLT-M8', unit: 'EA', qty: '-1' }] }, 400, 'VALIDATION_FAILED', undefined],
    ['no lines', { lines: [] }, 400, 'VALIDATION_FAILED', undefined],
  ])('refuses %s with a stable code', async (_name, override, status, code, field) => {
    const response = await call('POST', '/v1/price-quotes', { customerId: ids.customer, shipToId: ids.shipTo, ...override });
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json().code).toBe(code);
    if (field) expect(response.json().errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it("refuses a ship-to of another customer", async () => {
    const response = await call('POST', '/v1/price-quotes', { customerId: ids.customer, shipToId: ids.exemptShipTo, lines: [{ sku: 'BOLT-M8', unit: 'EA', qty: '1' }] });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
  });

  it('quotes with pricing:read only, and writes nothing', async () => {
    const reader = await createTestKey(testDb().db, tenant.tenantId, ['pricing:read']);
    const auditBefore = await testDb().admin.query('select count(*)::int as n from audit_log where tenant_id = $1', [tenant.tenantId]);
    const response = await call('POST', '/v1/price-quotes', { customerId: ids.customer, shipToId: ids.shipTo, lines: [{ sku: 'NUT-M8', unit: 'EA', qty: '1' }] }, reader);
    expect(response.statusCode).toBe(200);
    expect(response.json().lines[0]).toMatchObject({ priceRule: 'customer_list', unitPrice: '0.45' });
    const auditAfter = await testDb().admin.query('select count(*)::int as n from audit_log where tenant_id = $1', [tenant.tenantId]);
    expect(auditAfter.rows[0].n).toBe(auditBefore.rows[0].n);
    const refused = await call('POST', '/v1/price-lists', { code: 'NOPE', name: 'x' }, reader);
    expect(refused.statusCode).toBe(403);
  });
});

describe('price lists', () => {
  it('audits the create and emits an event in the same transaction', async () => {
    const audited = await testDb().admin.query(`select action, changes from audit_log where entity_id = $1`, [goldListId]);
    expect(audited.rows.map((row) => row.action)).toEqual(['price_list.create']);
    expect(audited.rows[0].changes.code).toEqual({ old: null, new: 'GOLD' });
    const events = await testDb().admin.query(`select event_type from outbox_events where aggregate_id = $1 order by event_id`, [goldListId]);
    // The list's own event, then one per entry set in beforeAll (entries are events of their list).
    expect(events.rows.map((row) => row.event_type)).toEqual(['price_list.created', 'price_list.entry_set', 'price_list.entry_set']);
  });

  it('refuses a duplicate code, a second base list and a foreign currency, writing nothing', async () => {
    const count = async () => (await testDb().admin.query('select count(*)::int as n from price_lists where tenant_id = $1', [tenant.tenantId])).rows[0].n;
    const before = await count();
    const duplicate = await call('POST', '/v1/price-lists', { code: 'GOLD', name: 'again' });
    expect([duplicate.statusCode, duplicate.json().code]).toEqual([409, 'PRICE_LIST_CODE_TAKEN']);
    const secondBase = await call('POST', '/v1/price-lists', { code: 'BASE2', name: 'another base', isBase: true });
    expect([secondBase.statusCode, secondBase.json().code]).toEqual([409, 'PRICE_LIST_BASE_EXISTS']);
    const euro = await call('POST', '/v1/price-lists', { code: 'EURO', name: 'euro', currency: 'EUR' });
    expect([euro.statusCode, euro.json().code]).toEqual([422, 'CURRENCY_NOT_SUPPORTED']);
    expect(await count()).toBe(before);
  });

  it('replaces an entry on PUT (audited old → new), lists entries page by page, and deletes one', async () => {
    const url = `/v1/price-lists/${goldListId}/entries/${ids.washer}/EA/5`;
    expect((await call('PUT', url, { unitPrice: '0.09' })).statusCode).toBe(200);
    const replaced = await call('PUT', url, { unitPrice: '0.085' });
    expect(replaced.json()).toEqual({ priceListId: goldListId, itemId: ids.washer, unit: 'EA', minQty: '5', unitPrice: '0.085' });
    const audited = await testDb().admin.query(`select changes from audit_log where action = 'price_list.set_entry' and entity_id = $1 order by occurred_at, audit_id`, [`${goldListId}/${ids.washer}/EA/5`]);
    expect(audited.rows.at(-1).changes.unitPrice).toEqual({ old: '0.09', new: '0.085' });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Array<{ itemId: string; minQty: string }>; nextCursor: string | null } = (await call('GET', `/v1/price-lists/${goldListId}/entries?limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...page.data.map((entry) => `${entry.itemId}/${entry.minQty}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);

    const deleted = await call('DELETE', url);
    expect(deleted.statusCode).toBe(200);
    const again = await call('DELETE', url);
    expect([again.statusCode, again.json().code]).toEqual([404, 'PRICE_LIST_ENTRY_NOT_FOUND']);
  });

  it('refuses an entry for a unit the item is not sold in', async () => {
    const response = await call('PUT', `/v1/price-lists/${goldListId}/entries/${ids.bolt}/PL/0`, { unitPrice: '1' });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    const rows = await testDb().admin.query(`select 1 from price_list_entries where item_id = $1 and unit = 'PL'`, [ids.bolt]);
    expect(rows.rowCount).toBe(0);
  });

  it('stops pricing from a deactivated customer list', async () => {
    const quote = async () => (await call('POST', '/v1/price-quotes', { customerId: ids.customer, shipToId: ids.shipTo, lines: [{ sku: 'NUT-M8', unit: 'EA', qty: '1' }] })).json().lines[0];
    expect((await call('PATCH', `/v1/price-lists/${goldListId}`, { active: false })).json().active).toBe(false);
    expect((await quote()).priceRule).toBe('base_list');
    expect((await call('PATCH', `/v1/price-lists/${goldListId}`, { active: true })).json().active).toBe(true);
    expect((await quote()).priceRule).toBe('customer_list');
  });
});

describe('contract prices', () => {
  it('is ended by moving validTo, never deleted, and the change is audited', async () => {
    const created = await call('POST', '/v1/contract-prices', { customerId: ids.customer, itemId: ids.nut, unit: 'EA', unitPrice: '0.30', validFrom: '2026-06-01', validTo: '2026-12-31' });
    expect(created.statusCode).toBe(201);
    const id = created.json().contractPriceId;
    const quote = async () => (await call('POST', '/v1/price-quotes', { customerId: ids.customer, shipToId: ids.shipTo, lines: [{ sku: 'NUT-M8', unit: 'EA', qty: '1' }] })).json().lines[0];
    expect((await quote()).priceRule).toBe('contract');
    const ended = await call('PATCH', `/v1/contract-prices/${id}`, { validTo: '2026-06-29' });
    expect(ended.statusCode).toBe(200);
    expect(ended.json().validTo).toBe('2026-06-29');
    expect((await quote()).priceRule).toBe('customer_list');
    const audited = await testDb().admin.query(`select changes from audit_log where entity_id = $1 and action = 'contract_price.set_valid_to'`, [id]);
    expect(audited.rows[0].changes.validTo).toEqual({ old: '2026-12-31', new: '2026-06-29' });
    expect((await call('DELETE', `/v1/contract-prices/${id}`)).statusCode).toBe(404);

    const listed = await call('GET', `/v1/contract-prices?customerId=${ids.customer}&itemId=${ids.nut}`);
    expect(listed.json().data.map((row: { contractPriceId: string }) => row.contractPriceId)).toEqual([id]);
    const validToday = await call('GET', `/v1/contract-prices?customerId=${ids.customer}&validOn=2026-06-30`);
    expect(validToday.json().data.map((row: { contractPriceId: string }) => row.contractPriceId)).toEqual([contractId]);
  });

  it('refuses validTo before validFrom, writing nothing', async () => {
    const response = await call('POST', '/v1/contract-prices', { customerId: ids.customer, itemId: ids.nut, unit: 'EA', unitPrice: '0.30', validFrom: '2026-06-01', validTo: '2026-05-31' });
    expect([response.statusCode, response.json().code]).toEqual([400, 'PRICE_VALIDITY_INVALID']);
    const ending = await call('PATCH', `/v1/contract-prices/${contractId}`, { validTo: '2025-12-31' });
    expect([ending.statusCode, ending.json().code]).toEqual([400, 'PRICE_VALIDITY_INVALID']);
    expect((await call('GET', `/v1/contract-prices/${contractId}`)).json().validTo).toBe('2026-06-30');
  });
});

describe('matrix discounts', () => {
  it('refuses a second discount for the same attribute value and tier, and a percent out of range', async () => {
    const duplicate = await call('POST', '/v1/matrix-discounts', { attribute: 'brand', attributeValue: 'Bolton', customerTier: 'A', discountPercent: '5' });
    expect([duplicate.statusCode, duplicate.json().code]).toEqual([409, 'MATRIX_DISCOUNT_TAKEN']);
    const hundred = await call('POST', '/v1/matrix-discounts', { attribute: 'brand', attributeValue: 'Other', customerTier: 'A', discountPercent: '100' });
    expect([hundred.statusCode, hundred.json().code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('applies a changed percent to the next quote, and stops after validTo', async () => {
    const listed = await call('GET', '/v1/matrix-discounts?attribute=brand&customerTier=A');
    const bolton = listed.json().data.find((row: { attributeValue: string }) => row.attributeValue === 'Bolton');
    const quote = async () => (await call('POST', '/v1/price-quotes', { customerId: ids.customer, shipToId: ids.shipTo, lines: [{ sku: 'SCREW-4', unit: 'EA', qty: '1' }] })).json().lines[0];
    const changed = await call('PATCH', `/v1/matrix-discounts/${bolton.discountId}`, { discountPercent: '25' });
    expect(changed.json().discountPercent).toBe('25');
    expect((await quote()).unitPrice).toBe('0.15');
    await call('PATCH', `/v1/matrix-discounts/${bolton.discountId}`, { validTo: '2026-06-29' });
    expect((await quote()).priceRule).toBe('base_list');
  });
});

describe('OpenAPI', () => {
  it('documents the pricing routes and their schemas', async () => {
    const document = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/price-lists',
        '/v1/price-lists/{priceListId}',
        '/v1/price-lists/{priceListId}/entries',
        '/v1/price-lists/{priceListId}/entries/{itemId}/{unit}/{minQty}',
        '/v1/contract-prices',
        '/v1/contract-prices/{contractPriceId}',
        '/v1/matrix-discounts',
        '/v1/matrix-discounts/{discountId}',
        '/v1/price-quotes',
      ]),
    );
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['PriceList', 'PriceListEntry', 'ContractPrice', 'MatrixDiscount', 'PriceExplanation', 'PriceQuote']));
    expect(document.paths['/v1/price-quotes'].post['x-permission']).toBe('pricing:read');
  });
});
