import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { useTestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestKey, createTestTenant, type TestTenant } from '../../../test/support/tenants.ts';
import { fixedClock, systemContext } from '../../platform/context.ts';
import { postJournalEntry } from './index.ts';

const testDb = useTestDatabase();
const clock = fixedClock('2026-12-10T15:00:00Z');
let app: FastifyInstance;
let tenant: TestTenant;

beforeAll(async () => {
  app = await buildApp({ db: testDb().db, clock });
  tenant = await createTestTenant(testDb().db);
});
afterAll(async () => {
  await app?.close();
});

const send = (method: 'POST' | 'PATCH', url: string, payload: unknown, key = tenant.adminKey, headers: Record<string, string> = {}) =>
  app.inject({ method, url, payload: payload as object, headers: { ...bearer(key), ...headers } });
const post = (url: string, payload: unknown, key?: string, headers?: Record<string, string>) => send('POST', url, payload, key, headers);
const get = (url: string, key = tenant.adminKey) => app.inject({ method: 'GET', url, headers: bearer(key) });

async function entryCount(): Promise<number> {
  const { rows } = await testDb().admin.query('select count(*)::int as n from journal_entries where tenant_id = $1', [tenant.tenantId]);
  return rows[0].n;
}

describe('chart of accounts over HTTP', () => {
  it('lists the seeded chart in code order with roles, types and active flags', async () => {
    const response = await get('/v1/accounts?limit=200');
    expect(response.statusCode).toBe(200);
    const accounts = response.json().data as Array<{ code: string; role: string | null; type: string; active: boolean }>;
    expect(accounts.map((a) => a.code)).toEqual([...accounts.map((a) => a.code)].sort());
    expect(accounts.find((a) => a.code === '1200')).toMatchObject({ role: 'inventory', type: 'asset', active: true });
    expect(accounts.find((a) => a.code === '6000')).toMatchObject({ role: null, type: 'expense' });
  });

  it('adds an account idempotently, refuses a taken code, renames and deactivates it, and audits each change', async () => {
    const created = await post('/v1/accounts', { code: '6100', name: 'Warehouse rent', type: 'expense' }, tenant.adminKey, { 'idempotency-key': 'acct-6100' });
    expect(created.statusCode).toBe(201);
    const account = created.json();
    expect(account).toMatchObject({ code: '6100', name: 'Warehouse rent', type: 'expense', role: null, active: true });
    const replay = await post('/v1/accounts', { code: '6100', name: 'Warehouse rent', type: 'expense' }, tenant.adminKey, { 'idempotency-key': 'acct-6100' });
    expect(replay.json().accountId).toBe(account.accountId);

    const taken = await post('/v1/accounts', { code: '6100', name: 'Other', type: 'expense' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('ACCOUNT_CODE_TAKEN');
    const lower = await post('/v1/accounts', { code: '1200', name: 'Second inventory', type: 'asset' });
    expect(lower.json().code).toBe('ACCOUNT_CODE_TAKEN');

    const renamed = await send('PATCH', `/v1/accounts/${account.accountId}`, { name: 'Rent' });
    expect(renamed.json()).toMatchObject({ name: 'Rent', active: true });
    const deactivated = await send('PATCH', `/v1/accounts/${account.accountId}`, { active: false });
    expect(deactivated.json()).toMatchObject({ name: 'Rent', active: false });
    const { rows } = await testDb().admin.query('select action from audit_log where entity_id = $1 order by occurred_at, audit_id', [account.accountId]);
    expect(rows.map((row) => row.action)).toEqual(['account.create', 'account.update', 'account.update']);
  });

  it('refuses to deactivate an account the posting rules use', async () => {
    const inventory = (await get('/v1/accounts?limit=200')).json().data.find((a: { code: string }) => a.code === '1200');
    const refused = await send('PATCH', `/v1/accounts/${inventory.accountId}`, { active: false });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('ACCOUNT_INVALID');
    expect((await get(`/v1/accounts/${inventory.accountId}`)).json().active).toBe(true);
  });

  it('needs ledger:accounts to add an account', async () => {
    const reader = await createTestKey(testDb().db, tenant.tenantId, ['ledger:read', 'ledger:post']);
    const refused = await post('/v1/accounts', { code: '6200', name: 'x', type: 'expense' }, reader);
    expect(refused.statusCode).toBe(403);
  });
});

describe('manual journal entries and reversal over HTTP', () => {
  const accrual = {
    entryDate: '2026-12-09',
    description: 'December utilities accrual',
    reference: 'ACCR-12',
    lines: [
      { accountCode: '6000', debitMinor: 25000, memo: 'power' },
      { accountCode: '2300', creditMinor: 25000 },
    ],
  };

  it('posts a balanced entry by account code, idempotently, and reads it back with its lines', async () => {
    const created = await post('/v1/journal-entries', accrual, tenant.adminKey, { 'idempotency-key': 'je-1' });
    expect(created.statusCode, created.body).toBe(201);
    const entry = created.json();
    expect(entry).toMatchObject({ entryDate: '2026-12-09', period: '2026-12', sourceType: 'manual', sourceId: 'ACCR-12', totalMinor: 25000, reversesEntryId: null, reversedByEntryId: null });
    expect(entry.lines).toEqual([
      expect.objectContaining({ lineNumber: 1, accountCode: '6000', accountName: 'Operating expenses', debitMinor: 25000, creditMinor: 0, memo: 'power' }),
      expect.objectContaining({ lineNumber: 2, accountCode: '2300', debitMinor: 0, creditMinor: 25000, memo: null }),
    ]);
    const before = await entryCount();
    const replay = await post('/v1/journal-entries', accrual, tenant.adminKey, { 'idempotency-key': 'je-1' });
    expect(replay.json().entryId).toBe(entry.entryId);
    expect(await entryCount()).toBe(before);
    expect((await get(`/v1/journal-entries/${entry.entryId}`)).json()).toEqual(entry);
    const { rows } = await testDb().admin.query(`select event_type from outbox_events where aggregate_id = $1`, [entry.entryId]);
    expect(rows).toEqual([{ event_type: 'journal_entry.posted' }]);
  });

  it('refuses an unbalanced entry (422), an unknown or inactive account and a two-sided line, writing nothing', async () => {
    const before = await entryCount();
    const unbalanced = await post('/v1/journal-entries', { ...accrual, lines: [{ accountCode: '6000', debitMinor: 100 }, { accountCode: '2300', creditMinor: 99 }] });
    expect(unbalanced.statusCode).toBe(422);
    expect(unbalanced.json().code).toBe('JOURNAL_ENTRY_UNBALANCED');
    const unknown = await post('/v1/journal-entries', { ...accrual, lines: [{ accountCode: '9999', debitMinor: 100 }, { accountCode: '2300', creditMinor: 100 }] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().code).toBe('ACCOUNT_INVALID');
    const inactive = await post('/v1/journal-entries', { ...accrual, lines: [{ accountCode: '6100', debitMinor: 100 }, { accountCode: '2300', creditMinor: 100 }] });
    expect(inactive.json().code).toBe('ACCOUNT_INVALID');
    const twoSided = await post('/v1/journal-entries', { ...accrual, lines: [{ accountCode: '6000', debitMinor: 100, creditMinor: 100 }, { accountCode: '2300', creditMinor: 0 }] });
    expect(twoSided.statusCode).toBe(400);
    const oneLine = await post('/v1/journal-entries', { ...accrual, lines: [{ accountCode: '6000', debitMinor: 100 }] });
    expect(oneLine.statusCode).toBe(400);
    expect(await entryCount()).toBe(before);
  });

  it('reverses a manual entry once, linking both ways; a second reversal is 409', async () => {
    const entry = (await post('/v1/journal-entries', { ...accrual, reference: 'ACCR-REV' })).json();
    const reversed = await post(`/v1/journal-entries/${entry.entryId}/reverse`, { reason: 'wrong account' });
    expect(reversed.statusCode, reversed.body).toBe(201);
    const reversal = reversed.json();
    expect(reversal).toMatchObject({ reversesEntryId: entry.entryId, entryDate: '2026-12-10', sourceType: 'manual', sourceId: 'ACCR-REV', totalMinor: 25000 });
    expect(reversal.lines.map((l: { accountCode: string; debitMinor: number; creditMinor: number }) => [l.accountCode, l.debitMinor, l.creditMinor])).toEqual([
      ['6000', 0, 25000],
      ['2300', 25000, 0],
    ]);
    expect((await get(`/v1/journal-entries/${entry.entryId}`)).json().reversedByEntryId).toBe(reversal.entryId);
    const again = await post(`/v1/journal-entries/${entry.entryId}/reverse`, { reason: 'again' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('JOURNAL_ENTRY_ALREADY_REVERSED');
    const missing = await post('/v1/journal-entries/01932d6e-0000-7000-8000-000000000999/reverse', { reason: 'x' });
    expect(missing.statusCode).toBe(404);
  });

  it('refuses to reverse an entry a business document posted', async () => {
    const ctx = systemContext(tenant.tenantId, 'test', { clock });
    const posted = await testDb().db.withTenant(ctx, (tx) =>
      postJournalEntry(tx, ctx, { sourceType: 'invoice', sourceId: 'inv-1', sourceNumber: 'INV-000001', description: 'invoice', lines: [{ account: 'accounts_receivable', debitMinor: 500 }, { account: 'revenue', creditMinor: 500 }] }),
    );
    const refused = await post(`/v1/journal-entries/${posted!.entryId}/reverse`, { reason: 'no' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('JOURNAL_ENTRY_NOT_REVERSIBLE');
  });

  it('lists entries in posting order with filters and keyset pages', async () => {
    const all = (await get('/v1/journal-entries?limit=200')).json().data as Array<{ entryId: string; sourceType: string; sourceId: string }>;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const firstPage = (await get('/v1/journal-entries?limit=2')).json();
    const secondPage = (await get(`/v1/journal-entries?limit=2&cursor=${firstPage.nextCursor}`)).json();
    expect([...firstPage.data, ...secondPage.data].map((e: { entryId: string }) => e.entryId)).toEqual(all.slice(0, 4).map((e) => e.entryId));

    const invoices = (await get('/v1/journal-entries?sourceType=invoice')).json().data;
    expect(invoices.map((e: { sourceId: string }) => e.sourceId)).toEqual(['inv-1']);
    const bySource = (await get('/v1/journal-entries?sourceType=manual&sourceId=ACCR-REV')).json().data;
    expect(bySource).toHaveLength(2);
    const byAccount = (await get('/v1/journal-entries?accountCode=1100')).json().data;
    expect(byAccount.map((e: { sourceId: string }) => e.sourceId)).toEqual(['inv-1']);
    const dated = (await get('/v1/journal-entries?from=2026-12-09&to=2026-12-09')).json().data;
    expect(dated.every((e: { entryDate: string }) => e.entryDate === '2026-12-09')).toBe(true);
    expect(dated.length).toBeGreaterThanOrEqual(2);
    expect((await get('/v1/journal-entries?from=2026-13-01')).statusCode).toBe(400);
  });
});

describe('periods and the trial balance over HTTP', () => {
  it('closes a period (audited, before/after), refuses postings into it, and reopens it', async () => {
    const closed = await post('/v1/periods/2026-11/close', undefined);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ period: '2026-11', startsOn: '2026-11-01', endsOn: '2026-11-30', status: 'closed', closedBy: expect.stringContaining('api_key') });
    const again = await post('/v1/periods/2026-11/close', undefined);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('PERIOD_ALREADY_CLOSED');

    const before = await entryCount();
    const late = await post('/v1/journal-entries', { entryDate: '2026-11-30', description: 'late', lines: [{ accountCode: '6000', debitMinor: 1 }, { accountCode: '1000', creditMinor: 1 }] });
    expect(late.statusCode).toBe(422);
    expect(late.json().code).toBe('PERIOD_CLOSED');
    expect(await entryCount()).toBe(before);

    const periods = (await get('/v1/periods?status=closed')).json().data;
    expect(periods.map((p: { period: string }) => p.period)).toEqual(['2026-11']);

    const reopened = await post('/v1/periods/2026-11/reopen', undefined);
    expect(reopened.json()).toMatchObject({ status: 'open', closedAt: null, closedBy: null });
    const notClosed = await post('/v1/periods/2026-11/reopen', undefined);
    expect(notClosed.statusCode).toBe(409);
    expect(notClosed.json().code).toBe('PERIOD_NOT_CLOSED');
    expect((await post('/v1/periods/2025-01/reopen', undefined)).json().code).toBe('PERIOD_NOT_FOUND');
    expect((await post('/v1/periods/2026-13/close', undefined)).statusCode).toBe(400);

    const { rows } = await testDb().admin.query(`select action, changes from audit_log where entity_type = 'fiscal_period' and entity_id = '2026-11' order by occurred_at, audit_id`);
    expect(rows.map((row) => row.action)).toEqual(['fiscal_period.close', 'fiscal_period.reopen']);
    expect(JSON.stringify(rows[0].changes)).toContain('closed');
  });

  it('needs ledger:close_period to close', async () => {
    const poster = await createTestKey(testDb().db, tenant.tenantId, ['ledger:read', 'ledger:post']);
    expect((await post('/v1/periods/2026-10/close', undefined, poster)).statusCode).toBe(403);
  });

  it('returns a trial balance whose totals are equal, as of a date', async () => {
    const today = (await get('/v1/trial-balance')).json();
    expect(today.asOf).toBe('2026-12-10');
    expect(today.totals.debitMinor).toBe(today.totals.creditMinor);
    expect(today.totals.debitMinor).toBeGreaterThan(0);
    const debits = today.accounts.reduce((sum: number, a: { debitMinor: number }) => sum + a.debitMinor, 0);
    expect(debits).toBe(today.totals.debitMinor);
    const receivable = today.accounts.find((a: { code: string }) => a.code === '1100');
    expect(receivable).toMatchObject({ debitMinor: 500, creditMinor: 0, balanceMinor: 500, role: 'accounts_receivable' });
    // On the 9th only the accruals dated the 9th exist: the invoice and reversals came on the 10th.
    const earlier = (await get('/v1/trial-balance?asOf=2026-12-09')).json();
    expect(earlier.accounts.find((a: { code: string }) => a.code === '1100')).toBeUndefined();
    expect(earlier.accounts.find((a: { code: string }) => a.code === '6000').debitMinor).toBe(50000);
    expect((await get('/v1/trial-balance?asOf=2026-02-30')).statusCode).toBe(400);
  });
});
