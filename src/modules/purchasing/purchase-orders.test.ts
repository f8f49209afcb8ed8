/** Supplier items, bank details and the purchase order lifecycle through the API. */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { configureKeyring, envKeyring } from '../../platform/crypto/index.ts';
import { bearer } from '../../../test/support/tenants.ts';
import { admin, app, approverKey, auth, createPo, item, post, supplier, supplierItem, tenant, useWarehouseApi, warehouse } from './purchasing.fixtures.ts';

useWarehouseApi();
beforeAll(() => configureKeyring(envKeyring(randomBytes(32).toString('base64'))));

/** Revisions are not idempotent creates: no Idempotency-Key. */
const revise = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/v1/purchase-orders/${id}/revisions`, headers: { ...auth(), ...headers }, payload: body as object });

describe('supplier items and bank details', () => {
  it('records part number, cost and ordering rules; a part number is unique per supplier, case-insensitively', async () => {
    const s = await supplier();
    const a = await item();
    const b = await item();
    const created = await post(`/v1/suppliers/${s}/items`, { itemId: a.itemId, supplierPartNumber: 'AC-1', cost: '1.42', leadTimeDays: 7, minOrderQty: '48', packSize: '12' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ supplierPartNumber: 'AC-1', cost: '1.42', leadTimeDays: 7, minOrderQty: '48', packSize: '12', active: true, revision: 1 });
    const duplicate = await post(`/v1/suppliers/${s}/items`, { itemId: b.itemId, supplierPartNumber: 'ac-1', cost: '2' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('SUPPLIER_PART_NUMBER_TAKEN');
    // Another supplier may use the same part number.
    await supplierItem(await supplier(), b.itemId, 'AC-1');

    const stale = await app.inject({ method: 'PATCH', url: `/v1/suppliers/${s}/items/${a.itemId}`, headers: { ...auth(), 'if-match': '"7"' }, payload: { cost: '1.50' } });
    expect(stale.statusCode).toBe(412);
    const changed = await app.inject({ method: 'PATCH', url: `/v1/suppliers/${s}/items/${a.itemId}`, headers: { ...auth(), 'if-match': '"1"' }, payload: { cost: '1.50' } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ cost: '1.5', revision: 2 });
    const list = await app.inject({ method: 'GET', url: `/v1/suppliers/${s}/items`, headers: auth() });
    expect(list.json().data).toHaveLength(1);
  });

  it('seals bank details with the tenant key and shows them masked', async () => {
    const s = await supplier();
    const set = await app.inject({ method: 'PUT', url: `/v1/suppliers/${s}/bank-details`, headers: auth(), payload: { accountHolder: 'Acme Supply', accountNumber: 'DE89 3704 0044 0532 0130 00', routing: 'COBADEFFXXX' } });
    expect(set.statusCode, set.body).toBe(200);
    const read = await app.inject({ method: 'GET', url: `/v1/suppliers/${s}/bank-details`, headers: auth() });
    expect(read.json()).toMatchObject({ accountHolder: 'Acme Supply', accountNumberMasked: expect.stringMatching(/•+3000$/), routingMasked: expect.stringMatching(/XXX$/) });
    expect(read.body).not.toContain('370400440532');
    const { rows } = await admin().query(`select * from supplier_bank_details where tenant_id = $1 and supplier_id = $2`, [tenant.tenantId, s]);
    expect(rows[0].account_number_sealed).toMatch(/^qm1\./);
    expect(JSON.stringify(rows[0])).not.toContain('370400440532');
  });
});

describe('purchase orders', () => {
  it('defaults unit costs to the supplier item, totals the lines, and walks draft → approved → sent with an event carrying the lines', async () => {
    const s = await supplier();
    const w = await warehouse();
    const a = await item();
    await supplierItem(s, a.itemId, 'P-1', '1.25');
    const po = await createPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '48' }] });
    expect(po).toMatchObject({ status: 'draft', poNumber: expect.stringMatching(/^PO-\d+$/), totalMinor: 6000, lines: [{ unitCost: '1.25', lineTotalMinor: 6000, status: 'open', qtyReceived: '0' }] });
    const early = await post(`/v1/purchase-orders/${po.purchaseOrderId}/send`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('PURCHASE_ORDER_INVALID_TRANSITION');
    // Below the threshold the creator may approve.
    expect((await post(`/v1/purchase-orders/${po.purchaseOrderId}/approve`, {})).statusCode).toBe(200);
    const sent = await post(`/v1/purchase-orders/${po.purchaseOrderId}/send`, {});
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().status).toBe('sent');
    const { rows } = await admin().query(`select payload from outbox_events where tenant_id = $1 and event_type = 'purchase_order.sent' and aggregate_id = $2`, [tenant.tenantId, po.purchaseOrderId]);
    expect(rows[0].payload.lines).toEqual([expect.objectContaining({ itemId: a.itemId, qty: '48', unitCost: '1.25' })]);
  });

  it('refuses a line without a supplier cost or unit cost, and a foreign currency', async () => {
    const s = await supplier();
    const w = await warehouse();
    const a = await item();
    const noCost = await post('/v1/purchase-orders', { supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '1' }] });
    expect(noCost.json().code).toBe('SUPPLIER_ITEM_NOT_FOUND');
    const eur = await post('/v1/purchase-orders', { supplierId: s, warehouseId: w, currency: 'EUR', lines: [{ itemId: a.itemId, qty: '1', unitCost: '1' }] });
    expect(eur.json().code).toBe('PO_CURRENCY_NOT_SUPPORTED');
    const negative = await post('/v1/purchase-orders', { supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '-1', unitCost: '1' }] });
    expect(negative.statusCode).toBe(400);
  });

  it('above the threshold the creator cannot approve their own order (403, audited approval by another)', async () => {
    const s = await supplier();
    const w = await warehouse();
    const a = await item();
    const po = await createPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '10000', unitCost: '1.25' }] });
    expect(po.totalMinor).toBe(1_250_000);
    const own = await post(`/v1/purchase-orders/${po.purchaseOrderId}/approve`, {});
    expect(own.statusCode).toBe(403);
    expect(own.json().code).toBe('PO_APPROVER_IS_CREATOR');
    const other = await post(`/v1/purchase-orders/${po.purchaseOrderId}/approve`, {}, await approverKey());
    expect(other.statusCode, other.body).toBe(200);
    expect(other.json().approvedBy).not.toBe(po.createdBy);
    const { rows } = await admin().query(`select count(*)::int as n from audit_log where tenant_id = $1 and action = 'purchase_order.approve' and entity_id = $2`, [tenant.tenantId, po.purchaseOrderId]);
    expect(rows[0].n).toBe(1);
    // The threshold is a tenant setting.
    await admin().query(`update tenants set settings = settings || '{"purchasing": {"approvalThresholdMinor": 100000000}}'::jsonb where tenant_id = $1`, [tenant.tenantId]);
    const po2 = await createPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '10000', unitCost: '1.25' }] });
    expect((await post(`/v1/purchase-orders/${po2.purchaseOrderId}/approve`, {})).statusCode).toBe(200);
    await admin().query(`update tenants set settings = settings - 'purchasing' where tenant_id = $1`, [tenant.tenantId]);
  });

  it('needs purchasing:approve to approve', async () => {
    const s = await supplier();
    const w = await warehouse();
    const a = await item();
    const po = await createPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '1', unitCost: '1' }] });
    const { createTestKey } = await import('../../../test/support/tenants.ts');
    const { testDb } = await import('./purchasing.fixtures.ts');
    const writer = await createTestKey(testDb().db, tenant.tenantId, ['purchasing:write', 'purchasing:read']);
    const refused = await app.inject({ method: 'POST', url: `/v1/purchase-orders/${po.purchaseOrderId}/approve`, headers: { ...bearer(writer), 'idempotency-key': crypto.randomUUID() } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('FORBIDDEN');
  });

  it('revises with If-Match (428 without, 412 stale); an approved order returns to draft; cancel only before receipt', async () => {
    const s = await supplier();
    const w = await warehouse();
    const a = await item();
    const po = await createPo({ supplierId: s, warehouseId: w, lines: [{ itemId: a.itemId, qty: '5', unitCost: '2' }] });
    await post(`/v1/purchase-orders/${po.purchaseOrderId}/approve`, {});
    const body = { lines: [{ itemId: a.itemId, qty: '8', unitCost: '2' }] };
    expect((await revise(po.purchaseOrderId, body)).statusCode).toBe(428);
    expect((await revise(po.purchaseOrderId, body, { 'if-match': '"1"' })).statusCode).toBe(412);
    const revised = await revise(po.purchaseOrderId, body, { 'if-match': '"2"' });
    expect(revised.statusCode, revised.body).toBe(200);
    expect(revised.json()).toMatchObject({ status: 'draft', totalMinor: 1600, revision: 3, approvedBy: null });
    expect(revised.headers.etag).toBe('"3"');
    const cancelled = await post(`/v1/purchase-orders/${po.purchaseOrderId}/cancel`, { reason: 'no longer needed' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', lines: [{ status: 'cancelled' }] });
    expect((await post(`/v1/purchase-orders/${po.purchaseOrderId}/approve`, {})).statusCode).toBe(409);
    const list = await app.inject({ method: 'GET', url: `/v1/purchase-orders?supplierId=${s}&status=cancelled`, headers: auth() });
    expect(list.json().data.map((row: { purchaseOrderId: string }) => row.purchaseOrderId)).toEqual([po.purchaseOrderId]);
  });

  it('an unknown purchase order is 404', async () => {
    const response = await app.inject({ method: 'GET', url: `/v1/purchase-orders/${crypto.randomUUID()}`, headers: auth() });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('PURCHASE_ORDER_NOT_FOUND');
  });
});
