/**
 * Hostile-client probes of issue #5's HTTP API (waves, picks, shipments, invoices, credit memos, payments,
 * ledger). Each probe sends what a careless or malicious client would and checks the answer is a 4xx
 * problem with a stable code that wrote nothing, or — for the defects found — the fixed behaviour.
 */
import { describe, expect, it } from 'vitest';
import { bearer, createTestKey, createTestTenant } from './support/tenants.ts';
import { newId } from '../src/platform/ids.ts';
import {
  admin,
  app,
  auth,
  confirmedOrder,
  customer,
  expectBooksAgree,
  main,
  packedShipment,
  pick,
  post,
  stock,
  tenant,
  testDb,
  useShippingApi,
  widget,
} from '../src/modules/shipping/shipping.fixtures.ts';

useShippingApi();

const MAX = Number.MAX_SAFE_INTEGER;

/** Row counts of everything issue #5 writes, plus the books, for "nothing written" checks. */
async function written(): Promise<Record<string, unknown>> {
  const tables = ['pick_waves', 'pick_tasks', 'shipments', 'cartons', 'carton_lines', 'shipment_lines', 'invoices', 'invoice_lines', 'credit_memos', 'customer_payments', 'payment_applications', 'receivable_open_items', 'journal_entries', 'journal_lines', 'stock_movements', 'outbox_events', 'audit_log', 'fiscal_periods', 'accounts'];
  const state: Record<string, unknown> = {};
  for (const table of tables) state[table] = (await admin().query(`select count(*)::int as n from ${table} where tenant_id = $1`, [tenant.tenantId])).rows[0].n;
  state.openMinor = (await admin().query(`select coalesce(sum(open_minor), 0)::text as s from receivable_open_items where tenant_id = $1`, [tenant.tenantId])).rows[0].s;
  state.invoiceStatus = (await admin().query(`select string_agg(status, ',' order by invoice_id) as s from invoices where tenant_id = $1`, [tenant.tenantId])).rows[0].s;
  state.shipmentStatus = (await admin().query(`select string_agg(status, ',' order by shipment_id) as s from shipments where tenant_id = $1`, [tenant.tenantId])).rows[0].s;
  return state;
}

/** A refusal as the kernel renders every one: 4xx problem+json, a stable code, no stack trace. */
function expectProblem(response: { statusCode: number; body: string; headers: Record<string, unknown> }, code?: string, status?: number): void {
  expect(response.statusCode, response.body).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, response.body).toBeLessThan(500);
  if (status) expect(response.statusCode, response.body).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(response.body);
  expect(body.code, response.body).toMatch(/^[A-Z][A-Z0-9_]+$/);
  if (code) expect(body.code, response.body).toBe(code);
  expect(response.body).not.toMatch(/\bat .+\.ts:\d+|"stack"/);
}

async function verifyBooks(): Promise<void> {
  const response = await app.inject({ method: 'GET', url: '/v1/books/verify', headers: auth() });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.body).not.toMatch(/"ok":\s*false/);
  await expectBooksAgree();
}

/** Ships n widgets through the API and returns the order, shipment and invoice. */
async function shippedInvoice(qty = '2', c?: Awaited<ReturnType<typeof customer>>) {
  c ??= await customer();
  await stock(widget.itemId, main, qty, '14.00');
  const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty }]);
  await pick(order, main);
  const { shipmentId, cartonId } = await packedShipment(order, main);
  const confirmed = await post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', freightMinor: 0 });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { c, order, shipmentId, cartonId, invoiceId: confirmed.json().invoice.invoiceId as string, totalMinor: confirmed.json().invoice.totalMinor as number };
}

describe('amounts near 2^53', () => {
  it('a manual entry whose sides only balance in floating point is refused, not posted or crashed', async () => {
    const before = await written();
    // Σ debits = 2·MAX (exact), Σ credits = 2·MAX − 1, which a double rounds to 2·MAX.
    const response = await post('/v1/journal-entries', { description: 'float balance', lines: [{ accountCode: '1000', debitMinor: MAX }, { accountCode: '1000', debitMinor: MAX }, { accountCode: '3000', creditMinor: MAX }, { accountCode: '3000', creditMinor: MAX - 1 }] }, { 'idempotency-key': newId() });
    expectProblem(response);
    expect(await written()).toEqual(before);
  });

  it('a shipment confirmed with freightMinor 2^53 is refused with nothing written', async () => {
    const c = await customer();
    await stock(widget.itemId, main, '1', '14.00');
    const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty: '1' }]);
    await pick(order, main);
    const { shipmentId } = await packedShipment(order, main);
    const before = await written();
    for (const freightMinor of [2 ** 53, MAX, 1e300, -1, 1.5, '900']) {
      const response = await post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', freightMinor });
      expectProblem(response);
    }
    expect(await written()).toEqual(before);
    await verifyBooks();
  });

  it('a freight tariff of 1e300 is refused by PUT /v1/settings/shipping', async () => {
    for (const freight of [{ baseMinor: 1e300, perKgMinor: 0 }, { baseMinor: 0, perKgMinor: 2 ** 60 }, { baseMinor: -1, perKgMinor: 0 }]) {
      const response = await app.inject({ method: 'PUT', url: '/v1/settings/shipping', headers: auth(), payload: { gs1CompanyPrefix: '0614141', freight } });
      expectProblem(response);
    }
  });

  it('DEFECT: one payment or manual entry of MAX_SAFE_INTEGER bricked the tenant\'s trial balance, aging and verify — now refused (10^12 cap)', async () => {
    const c = await customer();
    const before = await written();
    const payment = await post('/v1/payments', { customerId: c.customerId, amountMinor: MAX, method: 'wire' }, { 'idempotency-key': newId() });
    expectProblem(payment, 'VALIDATION_FAILED', 400);
    const entry = await post('/v1/journal-entries', { description: 'huge', lines: [{ accountCode: '1000', debitMinor: MAX }, { accountCode: '3000', creditMinor: MAX }] }, { 'idempotency-key': newId() });
    expectProblem(entry, 'VALIDATION_FAILED', 400);
    expect(await written()).toEqual(before);
    // At the cap, several documents still leave every report exact.
    for (let i = 0; i < 3; i++) {
      const response = await post('/v1/payments', { customerId: c.customerId, amountMinor: 1_000_000_000_000, method: 'wire' }, { 'idempotency-key': newId() });
      expect(response.statusCode, response.body).toBe(201);
    }
    for (const url of ['/v1/ar-aging', `/v1/ar-aging?customerId=${c.customerId}`, '/v1/trial-balance', '/v1/books/verify']) {
      const response = await app.inject({ method: 'GET', url, headers: auth() });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
    }
    await verifyBooks();
  });
});

/** One of everything, built through the API, that the sweeps below aim at. */
interface World {
  customerId: string;
  orderId: string;
  lineId: string;
  waveId: string;
  taskId: string;
  openShipmentId: string;
  openCartonId: string;
  shippedShipmentId: string;
  shippedCartonId: string;
  invoiceId: string;
  paymentId: string;
  creditMemoId: string;
  entryId: string;
  accountId: string;
}
let world: World;

async function buildWorld(): Promise<World> {
  const shipped = await shippedInvoice('3');
  const payment = await post('/v1/payments', { customerId: shipped.c.customerId, amountMinor: 100, method: 'check' }, { 'idempotency-key': newId() });
  expect(payment.statusCode, payment.body).toBe(201);
  const memo = await post('/v1/credit-memos', { invoiceId: shipped.invoiceId, reason: 'damaged', lines: [{ invoiceLineNumber: 1, qty: '1' }] }, { 'idempotency-key': newId() });
  expect(memo.statusCode, memo.body).toBe(201);
  const entry = await post('/v1/journal-entries', { description: 'rent', lines: [{ accountCode: '1000', creditMinor: 10 }, { accountCode: '3000', debitMinor: 10 }] }, { 'idempotency-key': newId() });
  expect(entry.statusCode, entry.body).toBe(201);
  // An order picked through a real wave, an open shipment with a carton for it.
  const c = await customer();
  await stock(widget.itemId, main, '5', '14.00');
  const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty: '5' }]);
  const wave = await post('/v1/waves', { warehouseId: main, orderIds: [order.orderId] }, { 'idempotency-key': newId() });
  expect(wave.statusCode, wave.body).toBe(201);
  const task = wave.json().tasks[0];
  const picked = await post(`/v1/pick-tasks/${task.taskId}/confirm`, { binScan: 'A-01', itemScan: 'WIDGET', qty: '2' });
  expect(picked.statusCode, picked.body).toBe(200);
  const shipment = await post('/v1/shipments', { orderId: order.orderId, warehouseId: main });
  expect(shipment.statusCode, shipment.body).toBe(201);
  const carton = await post(`/v1/shipments/${shipment.json().shipmentId}/cartons`, {});
  expect(carton.statusCode, carton.body).toBe(201);
  const accounts = await app.inject({ method: 'GET', url: '/v1/accounts', headers: auth() });
  return {
    customerId: shipped.c.customerId,
    orderId: order.orderId,
    lineId: order.lines[0]!.lineId,
    waveId: wave.json().waveId,
    taskId: task.taskId,
    openShipmentId: shipment.json().shipmentId,
    openCartonId: carton.json().cartonId,
    shippedShipmentId: shipped.shipmentId,
    shippedCartonId: shipped.cartonId,
    invoiceId: shipped.invoiceId,
    paymentId: payment.json().paymentId,
    creditMemoId: memo.json().creditMemoId,
    entryId: entry.json().entryId,
    accountId: accounts.json().data[0].accountId,
  };
}

type Route = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: (w: World) => string; permission: string; body?: (w: World) => Record<string, unknown>; idempotent?: boolean };

/** Every route of issue #5 with a body that would be accepted (or at least get past validation). */
const ROUTES: Route[] = [
  { method: 'POST', url: () => '/v1/waves', permission: 'warehouse:manage', idempotent: true, body: (w) => ({ warehouseId: main, orderIds: [w.orderId] }) },
  { method: 'GET', url: () => '/v1/waves', permission: 'warehouse:read' },
  { method: 'GET', url: (w) => `/v1/waves/${w.waveId}`, permission: 'warehouse:read' },
  { method: 'POST', url: (w) => `/v1/waves/${w.waveId}/assign`, permission: 'warehouse:manage', body: () => ({ assignee: 'user:someone' }) },
  { method: 'GET', url: () => `/v1/pick-tasks/next?warehouseId=${main}`, permission: 'warehouse:pick' },
  { method: 'GET', url: () => '/v1/pick-tasks', permission: 'warehouse:read' },
  { method: 'POST', url: (w) => `/v1/pick-tasks/${w.taskId}/confirm`, permission: 'warehouse:pick', idempotent: true, body: () => ({ binScan: 'A-01', itemScan: 'WIDGET', qty: '1' }) },
  { method: 'POST', url: () => '/v1/shipments', permission: 'shipping:write', idempotent: true, body: (w) => ({ orderId: w.orderId, warehouseId: main }) },
  { method: 'GET', url: () => '/v1/shipments', permission: 'shipping:read' },
  { method: 'GET', url: (w) => `/v1/shipments/${w.openShipmentId}`, permission: 'shipping:read' },
  { method: 'POST', url: (w) => `/v1/shipments/${w.openShipmentId}/cartons`, permission: 'shipping:write', idempotent: true, body: () => ({ weightKg: '1.5' }) },
  { method: 'POST', url: (w) => `/v1/cartons/${w.openCartonId}/lines`, permission: 'shipping:write', body: (w) => ({ lineId: w.lineId, qty: '1' }) },
  { method: 'DELETE', url: (w) => `/v1/cartons/${w.openCartonId}/lines/${w.lineId}`, permission: 'shipping:write' },
  { method: 'POST', url: (w) => `/v1/shipments/${w.openShipmentId}/cancel`, permission: 'shipping:write', idempotent: true },
  { method: 'POST', url: (w) => `/v1/shipments/${w.openShipmentId}/confirm`, permission: 'shipping:write', idempotent: true, body: () => ({ carrier: 'UPS', service: 'GROUND' }) },
  { method: 'GET', url: () => '/v1/settings/shipping', permission: 'shipping:read' },
  { method: 'PUT', url: () => '/v1/settings/shipping', permission: 'tenant:write', body: () => ({ gs1CompanyPrefix: '0614141', freight: { baseMinor: 500, perKgMinor: 100 } }) },
  { method: 'GET', url: () => '/v1/invoices', permission: 'billing:read' },
  { method: 'GET', url: (w) => `/v1/invoices/${w.invoiceId}`, permission: 'billing:read' },
  { method: 'POST', url: (w) => `/v1/invoices/${w.invoiceId}/void`, permission: 'billing:write', idempotent: true, body: () => ({ reason: 'wrong' }) },
  { method: 'POST', url: () => '/v1/credit-memos', permission: 'billing:write', idempotent: true, body: (w) => ({ invoiceId: w.invoiceId, reason: 'x', lines: [{ invoiceLineNumber: 1, qty: '1' }] }) },
  { method: 'GET', url: () => '/v1/credit-memos', permission: 'billing:read' },
  { method: 'GET', url: (w) => `/v1/credit-memos/${w.creditMemoId}`, permission: 'billing:read' },
  { method: 'POST', url: () => '/v1/payments', permission: 'billing:payments', idempotent: true, body: (w) => ({ customerId: w.customerId, amountMinor: 5, method: 'check' }) },
  { method: 'GET', url: () => '/v1/payments', permission: 'billing:read' },
  { method: 'GET', url: (w) => `/v1/payments/${w.paymentId}`, permission: 'billing:read' },
  { method: 'POST', url: (w) => `/v1/payments/${w.paymentId}/applications`, permission: 'billing:payments', idempotent: true, body: (w) => ({ applications: [{ openItemId: w.invoiceId, amountMinor: 1 }] }) },
  { method: 'POST', url: (w) => `/v1/customers/${w.customerId}/applications`, permission: 'billing:payments', idempotent: true, body: (w) => ({ sourceOpenItemId: w.paymentId, targets: [{ openItemId: w.invoiceId, amountMinor: 1 }] }) },
  { method: 'GET', url: () => '/v1/ar-aging', permission: 'billing:read' },
  { method: 'GET', url: () => '/v1/accounts', permission: 'ledger:read' },
  { method: 'GET', url: (w) => `/v1/accounts/${w.accountId}`, permission: 'ledger:read' },
  { method: 'POST', url: () => '/v1/accounts', permission: 'ledger:accounts', idempotent: true, body: () => ({ code: '6100', name: 'Rent', type: 'expense' }) },
  { method: 'PATCH', url: (w) => `/v1/accounts/${w.accountId}`, permission: 'ledger:accounts', body: () => ({ name: 'Cash' }) },
  { method: 'GET', url: () => '/v1/journal-entries', permission: 'ledger:read' },
  { method: 'GET', url: (w) => `/v1/journal-entries/${w.entryId}`, permission: 'ledger:read' },
  { method: 'POST', url: () => '/v1/journal-entries', permission: 'ledger:post', idempotent: true, body: () => ({ description: 'x', lines: [{ accountCode: '1000', debitMinor: 1 }, { accountCode: '3000', creditMinor: 1 }] }) },
  { method: 'POST', url: (w) => `/v1/journal-entries/${w.entryId}/reverse`, permission: 'ledger:post', idempotent: true, body: () => ({ reason: 'x' }) },
  { method: 'GET', url: () => '/v1/periods', permission: 'ledger:read' },
  { method: 'POST', url: () => '/v1/periods/2026-12/close', permission: 'ledger:close_period' },
  { method: 'POST', url: () => '/v1/periods/2026-12/reopen', permission: 'ledger:close_period' },
  { method: 'GET', url: () => '/v1/trial-balance', permission: 'ledger:read' },
  { method: 'GET', url: () => '/v1/books/verify', permission: 'ledger:read' },
];

const label = (route: Route) => `${route.method} ${route.url({} as World).replace(/undefined/g, ':id')}`;

function send(route: Route, key: string, payload?: unknown, headers: Record<string, string> = {}) {
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  return app.inject({
    method: route.method,
    url: route.url(world),
    headers: { ...bearer(key), ...(route.idempotent ? { 'idempotency-key': newId() } : {}), ...headers },
    ...(hasBody ? { payload: (payload ?? route.body?.(world) ?? {}) as Record<string, unknown> } : {}),
  });
}

const FREE_TEXT_FIELDS = new Set(['reason', 'description', 'name', 'carrier', 'service', 'code', 'binScan', 'itemScan']);
const OPTIONAL_FIELDS = new Set(['weightKg', 'orderIds']);

/** Bad versions of a body: each field replaced by hostile values, plus whole-body abuse. */
function hostileBodies(body: Record<string, unknown>): Array<{ why: string; payload: unknown }> {
  const out: Array<{ why: string; payload: unknown }> = [
    { why: 'array body', payload: [body] },
    { why: 'string body', payload: 'hello' as unknown },
    { why: 'extra field', payload: { ...body, tenantId: newId(), isAdmin: true } },
  ];
  const hostile = [null, 2 ** 53, -1, 'NaN', '1e9', '0.0000001', '-5', 'x'.repeat(10_000), 'A\u0000B', { $gt: '' }, [], true, 1.5];
  for (const [field, value] of Object.entries(body)) {
    const { [field]: _dropped, ...missing } = body;
    if (!OPTIONAL_FIELDS.has(field)) out.push({ why: `missing ${field}`, payload: missing });
    for (const bad of hostile) {
      // A free-text field takes any short string: only its length, NUL bytes and non-strings are hostile.
      if (FREE_TEXT_FIELDS.has(field) && typeof bad === 'string' && bad.length < 100 && !bad.includes('\u0000')) continue;
      if (bad === value) continue;
      out.push({ why: `${field}=${JSON.stringify(bad).slice(0, 20)}`, payload: { ...body, [field]: bad } });
    }
  }
  return out;
}

describe('hostile input on every route', () => {
  it('builds one of everything through the API', async () => {
    world = await buildWorld();
    await verifyBooks();
  });

  it('every malformed body is a 4xx problem with a stable code, and nothing is written', async () => {
    const before = await written();
    const failures: string[] = [];
    for (const route of ROUTES.filter((r) => r.body)) {
      for (const { why, payload } of hostileBodies(route.body!(world))) {
        const response = await send(route, tenant.adminKey, payload);
        const problem = response.statusCode >= 400 && response.statusCode < 500 && String(response.headers['content-type']).startsWith('application/problem+json') && /^[A-Z][A-Z0-9_]+$/.test(response.json().code ?? '') && !/"stack"|\.ts:\d+/.test(response.body);
        if (!problem) failures.push(`${label(route)} [${why}] → ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await written()).toEqual(before);
    await verifyBooks();
  });

  it('wrong Content-Type, empty and unparsable bodies are 4xx problems', async () => {
    const before = await written();
    const failures: string[] = [];
    for (const route of ROUTES.filter((r) => r.body)) {
      for (const [why, headers, payload] of [
        ['text/plain', { 'content-type': 'text/plain' }, 'hello'],
        ['empty json', { 'content-type': 'application/json' }, ''],
        ['broken json', { 'content-type': 'application/json' }, '{"a":'],
        ['form', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1'],
      ] as Array<[string, Record<string, string>, string]>) {
        const response = await app.inject({ method: route.method, url: route.url(world), headers: { ...auth(), ...(route.idempotent ? { 'idempotency-key': newId() } : {}), ...headers }, payload });
        if (response.statusCode < 400 || response.statusCode >= 500 || !String(response.headers['content-type']).startsWith('application/problem+json')) failures.push(`${label(route)} [${why}] → ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await written()).toEqual(before);
  });

  it('non-UUID and unknown ids in the path are 400 / 404 problems', async () => {
    const before = await written();
    const failures: string[] = [];
    const ids = ['waveId', 'taskId', 'openShipmentId', 'openCartonId', 'invoiceId', 'paymentId', 'creditMemoId', 'entryId', 'accountId', 'customerId', 'lineId'] as const;
    for (const route of ROUTES) {
      for (const [bad, status] of [['not-a-uuid', 400], ["1' or '1'='1", 400], [newId(), 404]] as Array<[string, number]>) {
        const url = route.url(world);
        const broken = ids.reduce((u, id) => u.replaceAll(world[id], encodeURIComponent(bad)), url);
        if (broken === url) continue;
        const response = await app.inject({ method: route.method, url: broken, headers: { ...auth(), ...(route.idempotent ? { 'idempotency-key': newId() } : {}) }, ...(route.body ? { payload: route.body(world) } : {}) });
        const ok = (status === 400 ? response.statusCode === 400 : response.statusCode === 404 || (route.method === 'POST' && response.statusCode === 422)) && String(response.headers['content-type']).startsWith('application/problem+json');
        if (!ok) failures.push(`${route.method} ${broken} → ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await written()).toEqual(before);
  });

  it('another tenant gets 404 for every id of this one, and its lists show none of this tenant\'s rows', async () => {
    const other = await createTestTenant(testDb().db);
    const before = await written();
    const failures: string[] = [];
    for (const route of ROUTES) {
      const url = route.url(world);
      const response = await app.inject({ method: route.method, url, headers: { ...bearer(other.adminKey), ...(route.idempotent ? { 'idempotency-key': newId() } : {}) }, ...(route.body ? { payload: route.body(world) } : {}) });
      const sent = url + JSON.stringify(route.body?.(world) ?? {});
      const leaked = Object.values(world).some((id) => response.body.includes(id) && !sent.includes(id));
      const hasOwnId = Object.values(world).some((id) => url.includes(id)) || (route.body && Object.values(world).some((id) => JSON.stringify(route.body!(world)).includes(id)));
      if (leaked) failures.push(`${label(route)} leaked: ${response.body.slice(0, 200)}`);
      else if (hasOwnId && response.statusCode < 400) failures.push(`${label(route)} → ${response.statusCode} ${response.body.slice(0, 200)}`);
      else if (response.statusCode >= 500) failures.push(`${label(route)} → ${response.statusCode}`);
    }
    expect(failures).toEqual([]);
    expect(await written()).toEqual(before);
  });

  it('a key without the route\'s permission gets 403 on every route; a warehouse key cannot read invoices', async () => {
    const warehouseKey = await createTestKey(testDb().db, tenant.tenantId, ['warehouse:read', 'warehouse:pick', 'warehouse:manage']);
    const keys = new Map<string, string>();
    for (const route of ROUTES) {
      const others = ['warehouse:read', 'warehouse:pick', 'warehouse:manage', 'shipping:read', 'shipping:write', 'billing:read', 'billing:write', 'billing:payments', 'ledger:read', 'ledger:post', 'ledger:close_period', 'ledger:accounts', 'tenant:read', 'tenant:write'].filter((p) => p !== route.permission);
      if (!keys.has(route.permission)) keys.set(route.permission, await createTestKey(testDb().db, tenant.tenantId, others));
    }
    const before = await written();
    const failures: string[] = [];
    for (const route of ROUTES) {
      const response = await send(route, keys.get(route.permission)!);
      if (response.statusCode !== 403 || response.json().code !== 'FORBIDDEN') failures.push(`${label(route)} without ${route.permission} → ${response.statusCode} ${response.body.slice(0, 120)}`);
    }
    for (const url of ['/v1/invoices', `/v1/invoices/${world.invoiceId}`, '/v1/payments', '/v1/ar-aging', '/v1/trial-balance', '/v1/shipments']) {
      const response = await app.inject({ method: 'GET', url, headers: bearer(warehouseKey) });
      if (response.statusCode !== 403) failures.push(`warehouse key GET ${url} → ${response.statusCode}`);
    }
    expect(failures).toEqual([]);
    expect(await written()).toEqual(before);
  });
});
