import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestKey, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { fixedClock } from '../../platform/context.ts';
import { arIdentity, newCustomer, openItem, openMinorOf, writtenState, type BillingWorld } from './payments.fixtures.ts';

/**
 * The tenant lives in Chicago and the clock stands at 03:00 UTC on 11 December 2026: the
 * business "today" is still 10 December, and a payment without a date is dated then.
 */
const clock = fixedClock('2026-12-11T03:00:00Z');
const TIME_ZONE = 'America/Chicago';
const testDb = useTestDatabase();
let app: FastifyInstance;
let tenant: TestTenant;
let world: BillingWorld;

beforeAll(async () => {
  app = await buildApp({ db: testDb().db, clock });
  tenant = await createTestTenant(testDb().db, { timeZone: TIME_ZONE });
  world = { db: testDb().db, admin: testDb().admin, tenantId: tenant.tenantId, timeZone: TIME_ZONE, clock };
});
afterAll(async () => {
  await app?.close();
});

function post(url: string, payload: unknown, key = tenant.adminKey, extraHeaders: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url, payload: payload as object, headers: { ...bearer(key), ...extraHeaders } });
}
function get(url: string, key = tenant.adminKey) {
  return app.inject({ method: 'GET', url, headers: bearer(key) });
}

async function expectIdentity(): Promise<void> {
  const { openItemsMinor, glArMinor } = await arIdentity(world);
  expect(openItemsMinor).toBe(glArMinor);
}

describe('POST /v1/payments', () => {
  it('records a partial payment: Dr cash / Cr AR for the whole amount, the invoice stays partly open, audited and evented', async () => {
    const customer = await newCustomer(world);
    const invoice = await openItem(world, customer.customerId, { amountMinor: 11_625 });
    await expectIdentity();

    const response = await post('/v1/payments', { customerId: customer.customerId, amountMinor: 5_000, method: 'check', reference: '10442', applications: [{ openItemId: invoice.openItemId, amountMinor: 5_000 }] });
    expect(response.statusCode, response.body).toBe(201);
    const payment = response.json();
    expect(payment).toMatchObject({ paymentNumber: expect.stringMatching(/^PAY-\d{6,}$/), paymentDate: '2026-12-10', amountMinor: 5_000, appliedMinor: 5_000, unappliedMinor: 0, method: 'check', reference: '10442', currency: 'USD' });
    expect(payment.applications).toEqual([expect.objectContaining({ openItemId: invoice.openItemId, documentType: 'invoice', amountMinor: 5_000, appliedOn: '2026-12-10' })]);
    expect(await openMinorOf(world, invoice.openItemId)).toBe(6_625);
    expect(await openMinorOf(world, payment.openItemId)).toBe(0);

    const lines = await testDb().admin.query(
      `select a.system_role, l.debit_minor, l.credit_minor, e.entry_date, e.source_number from journal_entries e
         join journal_lines l on l.tenant_id = e.tenant_id and l.entry_id = e.entry_id
         join accounts a on a.tenant_id = l.tenant_id and a.account_id = l.account_id
        where e.source_type = 'payment' and e.source_id = $1 order by l.line_number`,
      [payment.paymentId],
    );
    expect(lines.rows).toEqual([
      { system_role: 'cash', debit_minor: '5000', credit_minor: '0', entry_date: '2026-12-10', source_number: payment.paymentNumber },
      { system_role: 'accounts_receivable', debit_minor: '0', credit_minor: '5000', entry_date: '2026-12-10', source_number: payment.paymentNumber },
    ]);
    const events = await testDb().admin.query(`select event_type from outbox_events where aggregate_id = $1 order by event_id`, [payment.paymentId]);
    expect(events.rows.map((r) => r.event_type)).toEqual(['payment.received', 'payment.applied']);
    const audited = await testDb().admin.query(`select action from audit_log where entity_id in ($1, $2) order by action`, [payment.paymentId, payment.openItemId]);
    expect(audited.rows.map((r) => r.action)).toEqual(['payment.create', 'receivable_open_item.apply']);
    await expectIdentity();
  });

  it('pays several invoices at once (by open item id and by document number) and keeps the rest on account', async () => {
    const customer = await newCustomer(world);
    const a = await openItem(world, customer.customerId, { amountMinor: 10_000 });
    const b = await openItem(world, customer.customerId, { amountMinor: 2_500, documentType: 'opening_balance' });
    const c = await openItem(world, customer.customerId, { amountMinor: 7_000 });
    const response = await post('/v1/payments', {
      customerId: customer.customerId,
      amountMinor: 20_000,
      paymentDate: '2026-12-01',
      method: 'wire',
      applications: [
        { openItemId: a.openItemId, amountMinor: 10_000 },
        { documentNumber: b.documentNumber, amountMinor: 2_500 },
        { documentNumber: c.documentNumber, amountMinor: 4_000 },
      ],
    });
    expect(response.statusCode, response.body).toBe(201);
    const payment = response.json();
    expect(payment).toMatchObject({ amountMinor: 20_000, appliedMinor: 16_500, unappliedMinor: 3_500, paymentDate: '2026-12-01' });
    expect(payment.applications.map((x: { amountMinor: number }) => x.amountMinor).sort()).toEqual([10_000, 2_500, 4_000].sort());
    expect([await openMinorOf(world, a.openItemId), await openMinorOf(world, b.openItemId), await openMinorOf(world, c.openItemId)]).toEqual([0, 0, 3_000]);
    expect(await openMinorOf(world, payment.openItemId)).toBe(-3_500);
    await expectIdentity();

    const read = await get(`/v1/payments/${payment.paymentId}`, await createTestKey(testDb().db, tenant.tenantId, ['billing:read']));
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(payment);
  });

  it('records a payment with nothing applied as an unapplied credit', async () => {
    const customer = await newCustomer(world);
    const response = await post('/v1/payments', { customerId: customer.customerId, amountMinor: 1_234, method: 'cash' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ appliedMinor: 0, unappliedMinor: 1_234, applications: [] });
    expect(await openMinorOf(world, response.json().openItemId)).toBe(-1_234);
    await expectIdentity();
  });

  it('replays an idempotent retry instead of recording the payment twice', async () => {
    const customer = await newCustomer(world);
    const body = { customerId: customer.customerId, amountMinor: 700, method: 'ach' };
    const first = await post('/v1/payments', body, tenant.adminKey, { 'idempotency-key': `pay-${customer.customerId}` });
    const second = await post('/v1/payments', body, tenant.adminKey, { 'idempotency-key': `pay-${customer.customerId}` });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    const count = await testDb().admin.query('select count(*)::int as n from customer_payments where customer_id = $1', [customer.customerId]);
    expect(count.rows[0].n).toBe(1);
  });

  describe('refuses bad input with a stable code and writes nothing', () => {
    const cases: Array<{ name: string; status: number; code: string; body: (ids: Fixture) => unknown; prepare?: (ids: Fixture) => Promise<void> }> = [
      { name: 'an unknown open item', status: 404, code: 'OPEN_ITEM_NOT_FOUND', body: (f) => pay(f, 1_000, [{ openItemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45', amountMinor: 1_000 }]) },
      { name: 'an unknown document number', status: 404, code: 'OPEN_ITEM_NOT_FOUND', body: (f) => pay(f, 1_000, [{ documentNumber: 'INV-NOPE', amountMinor: 1_000 }]) },
      { name: "another customer's invoice", status: 422, code: 'OPEN_ITEM_CUSTOMER_MISMATCH', body: (f) => pay(f, 1_000, [{ openItemId: f.othersInvoice, amountMinor: 1_000 }]) },
      { name: 'more than the invoice has open', status: 422, code: 'APPLICATION_EXCEEDS_OPEN', body: (f) => pay(f, 9_000, [{ openItemId: f.invoice, amountMinor: 5_001 }]) },
      { name: 'a settled invoice', status: 422, code: 'APPLICATION_EXCEEDS_OPEN', body: (f) => pay(f, 100, [{ openItemId: f.settled, amountMinor: 1 }]) },
      { name: 'applications adding up to more than the payment', status: 422, code: 'APPLICATION_EXCEEDS_PAYMENT', body: (f) => pay(f, 4_000, [{ openItemId: f.invoice, amountMinor: 3_000 }, { openItemId: f.invoice2, amountMinor: 1_001 }]) },
      { name: 'a credit memo as a target', status: 422, code: 'OPEN_ITEM_NOT_APPLICABLE', body: (f) => pay(f, 100, [{ openItemId: f.creditMemo, amountMinor: 100 }]) },
      { name: 'the same invoice twice', status: 400, code: 'VALIDATION_FAILED', body: (f) => pay(f, 200, [{ openItemId: f.invoice, amountMinor: 100 }, { openItemId: f.invoice, amountMinor: 100 }]) },
      { name: 'a target named both ways', status: 400, code: 'VALIDATION_FAILED', body: (f) => pay(f, 200, [{ openItemId: f.invoice, documentNumber: 'X', amountMinor: 100 }]) },
      { name: 'an amount of zero', status: 400, code: 'VALIDATION_FAILED', body: (f) => pay(f, 0) },
      { name: 'a negative amount', status: 400, code: 'VALIDATION_FAILED', body: (f) => pay(f, -5) },
      { name: 'a fractional amount', status: 400, code: 'VALIDATION_FAILED', body: (f) => pay(f, 10.5) },
      { name: 'an amount as a string', status: 400, code: 'VALIDATION_FAILED', body: (f) => ({ ...pay(f, 10), amountMinor: '10' }) },
      { name: 'an application of zero', status: 400, code: 'VALIDATION_FAILED', body: (f) => pay(f, 10, [{ openItemId: f.invoice, amountMinor: 0 }]) },
      { name: 'an unknown method', status: 400, code: 'VALIDATION_FAILED', body: (f) => ({ ...pay(f, 10), method: 'bitcoin' }) },
      { name: 'a payment date in the future', status: 400, code: 'VALIDATION_FAILED', body: (f) => ({ ...pay(f, 10), paymentDate: '2026-12-11' }) },
      { name: 'an unknown customer', status: 404, code: 'CUSTOMER_NOT_FOUND', body: (f) => ({ ...pay(f, 10), customerId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45' }) },
      { name: 'a voided invoice', status: 422, code: 'INVOICE_VOIDED', body: (f) => pay(f, 100, [{ documentNumber: f.voidedNumber, amountMinor: 100 }]) },
      {
        name: 'a customer billed in another currency',
        status: 422,
        code: 'CURRENCY_NOT_SUPPORTED',
        body: (f) => ({ ...pay(f, 10), customerId: f.euroCustomer }),
      },
    ];
    interface Fixture { customerId: string; invoice: string; invoice2: string; settled: string; creditMemo: string; othersInvoice: string; voidedNumber: string; euroCustomer: string }
    function pay(f: Fixture, amountMinor: number, applications?: unknown[]) {
      return { customerId: f.customerId, amountMinor, method: 'check', ...(applications ? { applications } : {}) };
    }
    let fixture: Fixture;

    beforeAll(async () => {
      const customer = await newCustomer(world);
      const other = await newCustomer(world);
      const euro = await newCustomer(world);
      const invoice = await openItem(world, customer.customerId, { amountMinor: 5_000 });
      const invoice2 = await openItem(world, customer.customerId, { amountMinor: 5_000 });
      const settled = await openItem(world, customer.customerId, { amountMinor: 800 });
      const creditMemo = await openItem(world, customer.customerId, { documentType: 'credit_memo', amountMinor: -300 });
      const othersInvoice = await openItem(world, other.customerId, { amountMinor: 5_000 });
      const voided = await openItem(world, customer.customerId, { amountMinor: 900, documentNumber: `INV-V${customer.customerId.slice(-8)}` });
      // Settle one invoice through the API, so "settled" is real.
      const settle = await post('/v1/payments', pay({ customerId: customer.customerId } as Fixture, 800, [{ openItemId: settled.openItemId, amountMinor: 800 }]));
      expect(settle.statusCode).toBe(201);
      // The invoice engineer's voided invoice: a row in invoices with status 'voided' and the same number.
      await insertVoidedInvoice(customer.customerId, voided.documentNumber);
      // Customers cannot be created in a foreign currency any more; an old one may exist.
      await testDb().admin.query(`update customers set currency = 'EUR' where customer_id = $1`, [euro.customerId]);
      fixture = {
        customerId: customer.customerId,
        invoice: invoice.openItemId,
        invoice2: invoice2.openItemId,
        settled: settled.openItemId,
        creditMemo: creditMemo.openItemId,
        othersInvoice: othersInvoice.openItemId,
        voidedNumber: voided.documentNumber,
        euroCustomer: euro.customerId,
      };
    });

    it.each(cases)('$name → $status $code', async ({ status, code, body }) => {
      const before = await writtenState(world);
      const response = await post('/v1/payments', body(fixture));
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json().code).toBe(code);
      expect(response.body).not.toMatch(/at .*\.ts/);
      expect(await writtenState(world)).toEqual(before);
      await expectIdentity();
    });
  });

  it('needs billing:payments to record and billing:read to read', async () => {
    const customer = await newCustomer(world);
    const reader = await createTestKey(testDb().db, tenant.tenantId, ['billing:read']);
    const denied = await post('/v1/payments', { customerId: customer.customerId, amountMinor: 10, method: 'cash' }, reader);
    expect(denied.statusCode).toBe(403);
    const writer = await createTestKey(testDb().db, tenant.tenantId, ['billing:payments']);
    expect((await get('/v1/payments', writer)).statusCode).toBe(403);
    expect((await get('/v1/ar-aging', writer)).statusCode).toBe(403);
  });
});

describe('GET /v1/payments', () => {
  it('filters by customer and payment date range, oldest first, with keyset pages', async () => {
    const customer = await newCustomer(world);
    for (const [amountMinor, paymentDate] of [[100, '2026-11-30'], [200, '2026-12-01'], [300, '2026-12-05'], [400, '2026-12-10']] as const) {
      expect((await post('/v1/payments', { customerId: customer.customerId, amountMinor, paymentDate, method: 'card' })).statusCode).toBe(201);
    }
    const first = await get(`/v1/payments?customerId=${customer.customerId}&from=2026-12-01&to=2026-12-09&limit=1`);
    expect(first.statusCode).toBe(200);
    expect(first.json().data.map((p: { amountMinor: number }) => p.amountMinor)).toEqual([200]);
    const second = await get(`/v1/payments?customerId=${customer.customerId}&from=2026-12-01&to=2026-12-09&limit=1&cursor=${first.json().nextCursor}`);
    expect(second.json().data.map((p: { amountMinor: number }) => p.amountMinor)).toEqual([300]);
    expect(second.json().nextCursor).toBeNull();
    const all = await get(`/v1/payments?customerId=${customer.customerId}`);
    expect(all.json().data).toHaveLength(4);
    expect(all.json().data[0]).toMatchObject({ unappliedMinor: 100, appliedMinor: 0 });
  });

  it('answers 404 PAYMENT_NOT_FOUND for an unknown payment', async () => {
    const response = await get('/v1/payments/01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45');
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('PAYMENT_NOT_FOUND');
  });
});

async function insertVoidedInvoice(customerId: string, invoiceNumber: string): Promise<void> {
  // Owner connection: invoices are the other billing engineer's; only what a void leaves matters here.
  await testDb().admin.query(
    `with j as (
       insert into tax_jurisdictions (tenant_id, jurisdiction_code, name) values ($1, 'VOID-TEST', 'Void test')
       on conflict do nothing),
     s as (
       insert into ship_tos (tenant_id, ship_to_id, customer_id, code, name, address_line1, city, country, jurisdiction_code)
       values ($1, gen_random_uuid(), $3, 'MAIN', 'Main', '1 Main St', 'Chicago', 'US', 'VOID-TEST') returning ship_to_id),
     o as (
       insert into sales_orders (tenant_id, order_id, order_number, customer_id, ship_to_id, status, currency, order_date, created_by, created_at, updated_at)
       select $1, gen_random_uuid(), 'SO-' || $2, $3, s.ship_to_id, 'shipped', 'USD', '2026-11-01', 'test', now(), now() from s returning order_id)
     insert into invoices (tenant_id, invoice_id, invoice_number, customer_id, order_id, status, invoice_date, due_date, currency,
                           subtotal_minor, tax_minor, total_minor, created_by, created_at, voided_at)
     select $1, gen_random_uuid(), $2, $3, o.order_id, 'voided', '2026-11-01', '2026-12-01', 'USD', 900, 0, 900, 'test', now(), now() from o`,
    [tenant.tenantId, invoiceNumber, customerId],
  );
}
