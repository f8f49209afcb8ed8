import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { fixedClock, systemContext, today, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import {
  activeTaxExemption,
  createCustomer,
  createReceivableOpenItem,
  createTaxExemption,
  createTaxJurisdiction,
  lockCustomerForCredit,
  receivablesExposure,
  type Customer,
} from './index.ts';

/**
 * The tenant lives in Chicago and the clock stands at 03:00 UTC on 11 December 2026:
 * in Chicago it is still the evening of 10 December, which is the business "today".
 */
const clock = fixedClock('2026-12-11T03:00:00Z');
const TIME_ZONE = 'America/Chicago';
const testDb = useTestDatabase();
let app: FastifyInstance;
let tenant: TestTenant;

function inTenant<T>(fn: (tx: Tx, ctx: OperationContext) => Promise<T>): Promise<T> {
  return testDb().db.withTenant({ tenantId: tenant.tenantId }, (tx) => fn(tx, systemContext(tenant.tenantId, 'test', { timeZone: TIME_ZONE, clock })));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'no error';
}

let counter = 0;
async function newCustomer(terms = 30): Promise<Customer> {
  counter += 1;
  return inTenant((tx, ctx) => createCustomer(tx, ctx, { code: `R${counter}`, name: `Receivable ${counter}`, paymentTermsDays: terms }));
}

let documentCounter = 0;
function openItem(customerId: string, input: { documentType?: 'invoice' | 'credit_memo' | 'opening_balance'; documentDate?: string; dueDate?: string; amountMinor: number; openMinor?: number }) {
  documentCounter += 1;
  return inTenant((tx, ctx) =>
    createReceivableOpenItem(tx, ctx, {
      customerId,
      documentType: input.documentType ?? 'invoice',
      documentNumber: `DOC-${documentCounter}`,
      documentDate: input.documentDate ?? '2025-12-01',
      ...(input.dueDate ? { dueDate: input.dueDate } : {}),
      amountMinor: input.amountMinor,
      ...(input.openMinor !== undefined ? { openMinor: input.openMinor } : {}),
    }),
  );
}

beforeAll(async () => {
  app = await buildApp({ db: testDb().db, clock });
  tenant = await createTestTenant(testDb().db, { timeZone: TIME_ZONE });
  expect(today({ clock, timeZone: TIME_ZONE })).toBe('2026-12-10');
});
afterAll(async () => {
  await app?.close();
});

describe('receivablesExposure', () => {
  it('sums open amounts (credit memos reduce them) and ages the oldest open debit item from the tenant\'s today', async () => {
    const customer = await newCustomer();
    await openItem(customer.customerId, { amountMinor: 10_000, dueDate: '2026-12-08' }); // 2 days past due on 10 Dec
    await openItem(customer.customerId, { amountMinor: 5_000, openMinor: 2_000, dueDate: '2026-12-20' }); // partly paid, not due
    await openItem(customer.customerId, { documentType: 'credit_memo', amountMinor: -3_000, dueDate: '2026-10-01' }); // old, but a credit
    await openItem(customer.customerId, { amountMinor: 7_000, openMinor: 0, dueDate: '2026-09-01' }); // fully paid long ago
    const exposure = await inTenant((tx, ctx) => receivablesExposure(tx, ctx, customer.customerId, today(ctx)));
    expect(exposure).toEqual({ openMinor: 10_000 + 2_000 - 3_000, maxDaysPastDue: 2 });
  });

  it('is zero for a customer with nothing open, or only credits', async () => {
    const customer = await newCustomer();
    expect(await inTenant((tx, ctx) => receivablesExposure(tx, ctx, customer.customerId, today(ctx)))).toEqual({ openMinor: 0, maxDaysPastDue: 0 });
    await openItem(customer.customerId, { documentType: 'credit_memo', amountMinor: -500, dueDate: '2026-01-01' });
    expect(await inTenant((tx, ctx) => receivablesExposure(tx, ctx, customer.customerId, today(ctx)))).toEqual({ openMinor: -500, maxDaysPastDue: 0 });
  });

  it('counts an item due today as not yet past due, and one due yesterday as 1 day', async () => {
    const customer = await newCustomer();
    await openItem(customer.customerId, { amountMinor: 100, dueDate: '2026-12-10' });
    expect((await inTenant((tx, ctx) => receivablesExposure(tx, ctx, customer.customerId, '2026-12-10'))).maxDaysPastDue).toBe(0);
    expect((await inTenant((tx, ctx) => receivablesExposure(tx, ctx, customer.customerId, '2026-12-11'))).maxDaysPastDue).toBe(1);
  });

  it("does not count another customer's items", async () => {
    const mine = await newCustomer();
    const theirs = await newCustomer();
    await openItem(theirs.customerId, { amountMinor: 999, dueDate: '2026-01-01' });
    expect(await inTenant((tx, ctx) => receivablesExposure(tx, ctx, mine.customerId, '2026-12-10'))).toEqual({ openMinor: 0, maxDaysPastDue: 0 });
  });
});

describe('createReceivableOpenItem (the internal API billing will replace)', () => {
  it('defaults the due date to document date + the customer\'s terms, and the open amount to the full amount; audited', async () => {
    const customer = await newCustomer(45);
    const { openItemId } = await openItem(customer.customerId, { documentDate: '2026-11-20', amountMinor: 11_625 });
    const row = (await testDb().admin.query('select due_date, open_minor, currency from receivable_open_items where open_item_id = $1', [openItemId])).rows[0];
    expect(row).toEqual({ due_date: '2027-01-04', open_minor: '11625', currency: 'USD' });
    const audited = await testDb().admin.query(`select action from audit_log where entity_id = $1`, [openItemId]);
    expect(audited.rows).toEqual([{ action: 'receivable_open_item.create' }]);
  });

  it.each([
    ['a negative invoice', { amountMinor: -100 }, 'VALIDATION_FAILED'],
    ['a positive credit memo', { documentType: 'credit_memo' as const, amountMinor: 100 }, 'VALIDATION_FAILED'],
    ['an open amount above the amount', { amountMinor: 100, openMinor: 101 }, 'VALIDATION_FAILED'],
    ['an open amount of the other sign', { amountMinor: 100, openMinor: -1 }, 'VALIDATION_FAILED'],
    ['a due date before the document date', { amountMinor: 100, documentDate: '2026-11-01', dueDate: '2026-10-31' }, 'VALIDATION_FAILED'],
    ['an impossible date', { amountMinor: 100, documentDate: '2026-02-30' }, 'VALIDATION_FAILED'],
    ['a fractional amount', { amountMinor: 10.5 }, 'VALIDATION_FAILED'],
  ])('refuses %s', async (_name, input, code) => {
    const customer = await newCustomer();
    expect(await codeOf(openItem(customer.customerId, input))).toBe(code);
    expect((await testDb().admin.query('select 1 from receivable_open_items where customer_id = $1', [customer.customerId])).rowCount).toBe(0);
  });

  it('refuses a second open item for the same document (OPEN_ITEM_DOCUMENT_TAKEN) and an unknown customer', async () => {
    const customer = await newCustomer();
    const input = { customerId: customer.customerId, documentType: 'invoice' as const, documentNumber: 'INV-DUP', documentDate: '2026-11-01', amountMinor: 100 };
    await inTenant((tx, ctx) => createReceivableOpenItem(tx, ctx, input));
    expect(await codeOf(inTenant((tx, ctx) => createReceivableOpenItem(tx, ctx, input)))).toBe('OPEN_ITEM_DOCUMENT_TAKEN');
    expect(await codeOf(inTenant((tx, ctx) => createReceivableOpenItem(tx, ctx, { ...input, customerId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c45' })))).toBe('CUSTOMER_NOT_FOUND');
  });
});

describe('GET /v1/customers/:customerId/open-items', () => {
  it("lists open items with days past due on the tenant's today (Chicago), not UTC's", async () => {
    const customer = await newCustomer();
    await openItem(customer.customerId, { amountMinor: 4_000, dueDate: '2026-12-09' });
    await openItem(customer.customerId, { documentType: 'credit_memo', amountMinor: -1_000, dueDate: '2026-12-01' });
    await openItem(customer.customerId, { amountMinor: 2_000, openMinor: 0, dueDate: '2026-11-01' });
    const response = await app.inject({ method: 'GET', url: `/v1/customers/${customer.customerId}/open-items?open=true`, headers: bearer(tenant.adminKey) });
    expect(response.statusCode).toBe(200);
    const items = response.json().data as Array<{ amountMinor: number; daysPastDue: number }>;
    // 10 December in Chicago: the invoice due 9 December is 1 day past due (UTC's 11 December would say 2).
    expect(items.map((item) => [item.amountMinor, item.daysPastDue])).toEqual([
      [4_000, 1],
      [-1_000, 0],
    ]);
    const settled = await app.inject({ method: 'GET', url: `/v1/customers/${customer.customerId}/open-items?open=false`, headers: bearer(tenant.adminKey) });
    expect(settled.json().data.map((item: { openMinor: number; daysPastDue: number }) => [item.openMinor, item.daysPastDue])).toEqual([[0, 0]]);
    const write = await app.inject({ method: 'POST', url: `/v1/customers/${customer.customerId}/open-items`, headers: bearer(tenant.adminKey), payload: {} });
    expect(write.statusCode).toBe(404);
  });
});

describe('activeTaxExemption', () => {
  let customer: Customer;
  beforeAll(async () => {
    customer = await newCustomer();
    await inTenant(async (tx, ctx) => {
      for (const code of ['TX-AUS', 'TX-DAL', 'OK-TUL']) await createTaxJurisdiction(tx, ctx, { jurisdictionCode: code, name: code });
      await createTaxExemption(tx, ctx, customer.customerId, { jurisdictionCode: 'TX-AUS', certificateNumber: 'AUS-2026', validFrom: '2026-01-01', validTo: '2026-12-31' });
      await createTaxExemption(tx, ctx, customer.customerId, { jurisdictionCode: 'TX-DAL', certificateNumber: 'DAL-2025', validFrom: '2025-01-01', validTo: '2025-12-31' });
      await createTaxExemption(tx, ctx, customer.customerId, { jurisdictionCode: null, certificateNumber: 'ALL-2027', validFrom: '2027-01-01', validTo: '2027-06-30' });
    });
  });

  it.each([
    ['a certificate valid in the jurisdiction on the date', 'TX-AUS', '2026-06-15', 'AUS-2026'],
    ['a certificate on its first day', 'TX-AUS', '2026-01-01', 'AUS-2026'],
    ['a certificate on its last day', 'TX-AUS', '2026-12-31', 'AUS-2026'],
    ['no certificate after it expired', 'TX-DAL', '2026-01-01', null],
    ['no certificate before it starts', 'TX-AUS', '2025-12-31', null],
    ['no certificate from another jurisdiction', 'OK-TUL', '2026-06-15', null],
    ['an all-jurisdiction certificate anywhere while valid', 'OK-TUL', '2027-03-01', 'ALL-2027'],
    ['an all-jurisdiction certificate where a specific one has expired', 'TX-DAL', '2027-03-01', 'ALL-2027'],
  ])('finds %s', async (_name, jurisdiction, date, certificate) => {
    const result = await inTenant((tx, ctx) => activeTaxExemption(tx, ctx, customer.customerId, jurisdiction, date));
    expect(result).toEqual(certificate === null ? null : { certificateNumber: certificate });
  });

  it('prefers the jurisdiction\'s own certificate over an all-jurisdiction one valid on the same date', async () => {
    await inTenant((tx, ctx) =>
      createTaxExemption(tx, ctx, customer.customerId, { jurisdictionCode: null, certificateNumber: 'ALL-LONG', validFrom: '2026-01-01', validTo: '2030-12-31' }),
    );
    expect(await inTenant((tx, ctx) => activeTaxExemption(tx, ctx, customer.customerId, 'TX-AUS', '2026-06-15'))).toEqual({ certificateNumber: 'AUS-2026' });
    expect(await inTenant((tx, ctx) => activeTaxExemption(tx, ctx, customer.customerId, 'OK-TUL', '2026-06-15'))).toEqual({ certificateNumber: 'ALL-LONG' });
  });
});

describe('lockCustomerForCredit', () => {
  it('holds the credit row so that a second confirmation waits for the first', async () => {
    const customer = await newCustomer();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const first = inTenant(async (tx, ctx) => {
      await lockCustomerForCredit(tx, ctx, customer.customerId);
      locked();
      await held;
    });
    await isLocked;
    // A second locker gives up at once instead of waiting: proof that the row is held.
    const second = await codeOf(
      testDb().db.withTenant({ tenantId: tenant.tenantId }, async (tx) => {
        await sql`set local lock_timeout = '50ms'`.execute(tx);
        return lockCustomerForCredit(tx, systemContext(tenant.tenantId, 'test'), customer.customerId);
      }),
    ).catch((error: { code?: string }) => error.code);
    expect(second).toBe('55P03');
    release();
    await first;
    const after = await inTenant((tx, ctx) => lockCustomerForCredit(tx, ctx, customer.customerId));
    expect(after.customerId).toBe(customer.customerId);
  });
});
