import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { fixedClock } from '../../platform/context.ts';
import { arIdentity, newCustomer, openItem, openMinorOf, writtenState, type BillingWorld } from './payments.fixtures.ts';

const clock = fixedClock('2026-12-10T15:00:00Z');
const testDb = useTestDatabase();
let app: FastifyInstance;
let tenant: TestTenant;
let world: BillingWorld;

beforeAll(async () => {
  app = await buildApp({ db: testDb().db, clock });
  tenant = await createTestTenant(testDb().db);
  world = { db: testDb().db, admin: testDb().admin, tenantId: tenant.tenantId, timeZone: 'UTC', clock };
});
afterAll(async () => {
  await app?.close();
});

function post(url: string, payload: unknown) {
  return app.inject({ method: 'POST', url, payload: payload as object, headers: bearer(tenant.adminKey) });
}

async function expectIdentity(): Promise<void> {
  const { openItemsMinor, glArMinor } = await arIdentity(world);
  expect(openItemsMinor).toBe(glArMinor);
}

async function glLineCount(): Promise<number> {
  const { rows } = await testDb().admin.query('select count(*)::int as n from journal_lines where tenant_id = $1', [tenant.tenantId]);
  return rows[0].n;
}

describe('POST /v1/payments/:paymentId/applications', () => {
  it('applies the unapplied remainder later, in steps, without posting to the ledger', async () => {
    const customer = await newCustomer(world);
    const a = await openItem(world, customer.customerId, { amountMinor: 3_000 });
    const b = await openItem(world, customer.customerId, { amountMinor: 4_000 });
    const payment = (await post('/v1/payments', { customerId: customer.customerId, amountMinor: 6_000, method: 'ach' })).json();
    await expectIdentity();
    const linesBefore = await glLineCount();

    const first = await post(`/v1/payments/${payment.paymentId}/applications`, { applications: [{ openItemId: a.openItemId, amountMinor: 3_000 }] });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ appliedMinor: 3_000, unappliedMinor: 3_000 });
    await expectIdentity();

    const second = await post(`/v1/payments/${payment.paymentId}/applications`, { applications: [{ documentNumber: b.documentNumber, amountMinor: 3_000 }] });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toMatchObject({ appliedMinor: 6_000, unappliedMinor: 0 });
    expect(second.json().applications).toHaveLength(2);
    expect([await openMinorOf(world, a.openItemId), await openMinorOf(world, b.openItemId), await openMinorOf(world, payment.openItemId)]).toEqual([0, 1_000, 0]);
    expect(await glLineCount()).toBe(linesBefore);
    await expectIdentity();

    const before = await writtenState(world);
    const over = await post(`/v1/payments/${payment.paymentId}/applications`, { applications: [{ openItemId: b.openItemId, amountMinor: 1 }] });
    expect(over.statusCode).toBe(422);
    expect(over.json().code).toBe('APPLICATION_EXCEEDS_PAYMENT');
    expect(await writtenState(world)).toEqual(before);
  });

  it('answers PAYMENT_NOT_FOUND for an unknown payment and VALIDATION_FAILED for an empty list', async () => {
    const unknown = await post('/v1/payments/01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45/applications', { applications: [{ documentNumber: 'X', amountMinor: 1 }] });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('PAYMENT_NOT_FOUND');
    const customer = await newCustomer(world);
    const payment = (await post('/v1/payments', { customerId: customer.customerId, amountMinor: 100, method: 'cash' })).json();
    const empty = await post(`/v1/payments/${payment.paymentId}/applications`, { applications: [] });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().code).toBe('VALIDATION_FAILED');
  });
});

describe('POST /v1/customers/:customerId/applications', () => {
  it('applies a credit memo to invoices; the credit memo and the invoices move toward 0 together', async () => {
    const customer = await newCustomer(world);
    const invoice = await openItem(world, customer.customerId, { amountMinor: 11_625 });
    const other = await openItem(world, customer.customerId, { amountMinor: 1_000 });
    const memo = await openItem(world, customer.customerId, { documentType: 'credit_memo', amountMinor: -2_500 });
    await expectIdentity();
    const linesBefore = await glLineCount();

    const response = await post(`/v1/customers/${customer.customerId}/applications`, {
      sourceOpenItemId: memo.openItemId,
      targets: [
        { openItemId: invoice.openItemId, amountMinor: 2_000 },
        { documentNumber: other.documentNumber, amountMinor: 500 },
      ],
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ sourceOpenItemId: memo.openItemId, unappliedMinor: 0 });
    expect(response.json().applications).toEqual([
      expect.objectContaining({ openItemId: invoice.openItemId, amountMinor: 2_000, openMinorAfter: 9_625 }),
      expect.objectContaining({ openItemId: other.openItemId, amountMinor: 500, openMinorAfter: 500 }),
    ]);
    expect([await openMinorOf(world, invoice.openItemId), await openMinorOf(world, other.openItemId), await openMinorOf(world, memo.openItemId)]).toEqual([9_625, 500, 0]);
    const rows = await testDb().admin.query('select payment_id, source_open_item_id from payment_applications where source_open_item_id = $1', [memo.openItemId]);
    expect(rows.rows).toEqual([
      { payment_id: null, source_open_item_id: memo.openItemId },
      { payment_id: null, source_open_item_id: memo.openItemId },
    ]);
    expect(await glLineCount()).toBe(linesBefore);
    await expectIdentity();
  });

  it("applies an unapplied payment through the customer route and keeps the payment's id on the application", async () => {
    const customer = await newCustomer(world);
    const invoice = await openItem(world, customer.customerId, { amountMinor: 500 });
    const payment = (await post('/v1/payments', { customerId: customer.customerId, amountMinor: 800, method: 'check' })).json();
    const response = await post(`/v1/customers/${customer.customerId}/applications`, { sourceOpenItemId: payment.openItemId, targets: [{ openItemId: invoice.openItemId, amountMinor: 500 }] });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().unappliedMinor).toBe(300);
    const read = await app.inject({ method: 'GET', url: `/v1/payments/${payment.paymentId}`, headers: bearer(tenant.adminKey) });
    expect(read.json()).toMatchObject({ appliedMinor: 500, unappliedMinor: 300, applications: [expect.objectContaining({ openItemId: invoice.openItemId })] });
    await expectIdentity();
  });

  describe('refuses and writes nothing', () => {
    let f: { customerId: string; memo: string; invoice: string; otherInvoice: string; otherMemo: string; memo2: string };
    beforeAll(async () => {
      const customer = await newCustomer(world);
      const other = await newCustomer(world);
      f = {
        customerId: customer.customerId,
        memo: (await openItem(world, customer.customerId, { documentType: 'credit_memo', amountMinor: -1_000 })).openItemId,
        memo2: (await openItem(world, customer.customerId, { documentType: 'credit_memo', amountMinor: -50 })).openItemId,
        invoice: (await openItem(world, customer.customerId, { amountMinor: 5_000 })).openItemId,
        otherInvoice: (await openItem(world, other.customerId, { amountMinor: 5_000 })).openItemId,
        otherMemo: (await openItem(world, other.customerId, { documentType: 'credit_memo', amountMinor: -1_000 })).openItemId,
      };
    });
    const cases = [
      { name: 'more than the credit memo holds', status: 422, code: 'APPLICATION_EXCEEDS_CREDIT', body: () => ({ sourceOpenItemId: f.memo, targets: [{ openItemId: f.invoice, amountMinor: 1_001 }] }) },
      { name: "another customer's credit memo as the source", status: 422, code: 'OPEN_ITEM_CUSTOMER_MISMATCH', body: () => ({ sourceOpenItemId: f.otherMemo, targets: [{ openItemId: f.invoice, amountMinor: 1 }] }) },
      { name: "another customer's invoice as a target", status: 422, code: 'OPEN_ITEM_CUSTOMER_MISMATCH', body: () => ({ sourceOpenItemId: f.memo, targets: [{ openItemId: f.otherInvoice, amountMinor: 1 }] }) },
      { name: 'an invoice as the source', status: 422, code: 'OPEN_ITEM_NOT_APPLICABLE', body: () => ({ sourceOpenItemId: f.invoice, targets: [{ openItemId: f.invoice, amountMinor: 1 }] }) },
      { name: 'a credit memo as a target', status: 422, code: 'OPEN_ITEM_NOT_APPLICABLE', body: () => ({ sourceOpenItemId: f.memo, targets: [{ openItemId: f.memo2, amountMinor: 1 }] }) },
      { name: 'an unknown source', status: 404, code: 'OPEN_ITEM_NOT_FOUND', body: () => ({ sourceOpenItemId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45', targets: [{ openItemId: f.invoice, amountMinor: 1 }] }) },
    ];
    it.each(cases)('$name → $code', async ({ status, code, body }) => {
      const before = await writtenState(world);
      const response = await post(`/v1/customers/${f.customerId}/applications`, body());
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json().code).toBe(code);
      expect(await writtenState(world)).toEqual(before);
      await expectIdentity();
    });
  });
});
