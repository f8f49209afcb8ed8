/**
 * The HTTP harness of the purchasing tests, on top of the warehouse harness (one
 * database, app and tenant per file): suppliers written with the owner pool,
 * everything else through the API.
 */
import { expect } from 'vitest';
import { bearer, createTestKey } from '../../../test/support/tenants.ts';
import { newId } from '../../platform/ids.ts';
import { admin, app, tenant, testDb } from '../warehouse/warehouse.fixtures.ts';

export * from '../warehouse/warehouse.fixtures.ts';

let sequence = 0;

export async function supplier(): Promise<string> {
  const supplierId = newId();
  await admin().query(`insert into suppliers (tenant_id, supplier_id, code, name, currency) values ($1, $2, $3, $4, 'USD')`, [
    tenant.tenantId,
    supplierId,
    `SUP-${process.pid}-${++sequence}`,
    `Supplier ${sequence}`,
  ]);
  return supplierId;
}

export async function post(url: string, payload: unknown, key = tenant.adminKey, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url, headers: { ...bearer(key), 'idempotency-key': newId(), ...headers }, payload: payload as object });
}

export async function supplierItem(supplierId: string, itemId: string, partNumber: string, cost = '1.25') {
  const response = await post(`/v1/suppliers/${supplierId}/items`, { itemId, supplierPartNumber: partNumber, cost });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export async function createPo(body: Record<string, unknown>, key = tenant.adminKey) {
  const response = await post('/v1/purchase-orders', body, key);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** A PO approved (by a second key when above the threshold) and sent. */
export async function sentPo(body: Record<string, unknown>) {
  const po = await createPo(body);
  const approved = await post(`/v1/purchase-orders/${po.purchaseOrderId}/approve`, {}, await approverKey());
  expect(approved.statusCode, approved.body).toBe(200);
  const sent = await post(`/v1/purchase-orders/${po.purchaseOrderId}/send`, {});
  expect(sent.statusCode, sent.body).toBe(200);
  return sent.json();
}

let approver: string | undefined;
export async function approverKey(): Promise<string> {
  approver ??= await createTestKey(testDb().db, tenant.tenantId, ['purchasing:approve', 'purchasing:read']);
  return approver;
}

export async function receive(body: Record<string, unknown>, key = tenant.adminKey) {
  return post('/v1/receipts', body, key);
}

export async function glBalance(role: string): Promise<number> {
  const { rows } = await admin().query(
    `select coalesce(sum(l.debit_minor - l.credit_minor), 0)::bigint::text as b from journal_lines l join accounts a on a.tenant_id = l.tenant_id and a.account_id = l.account_id
      where l.tenant_id = $1 and a.system_role = $2`,
    [tenant.tenantId, role],
  );
  return Number(rows[0].b);
}

export async function onHand(itemId: string, warehouseId: string): Promise<string> {
  const { rows } = await admin().query(`select on_hand::float8::text as q from stock_balances where tenant_id = $1 and item_id = $2 and warehouse_id = $3`, [tenant.tenantId, itemId, warehouseId]);
  return rows[0]?.q ?? '0';
}

/** Everything a refused or failed receipt must leave as it was. */
export async function receivingState(): Promise<unknown> {
  const q = async (text: string) => (await admin().query(text, [tenant.tenantId])).rows;
  return {
    bins: await q(`select item_id, bin_id, on_hand::text from bin_balances where tenant_id = $1 order by item_id, bin_id`),
    balances: await q(`select item_id, warehouse_id, on_hand::text, reserved::text, value_minor::text from stock_balances where tenant_id = $1 order by item_id, warehouse_id`),
    poLines: await q(`select line_id, qty_received::text, status from purchase_order_lines where tenant_id = $1 order by line_id`),
    pos: await q(`select po_id, status, revision from purchase_orders where tenant_id = $1 order by po_id`),
    receipts: await q(`select count(*)::int as n from receipts where tenant_id = $1`),
    putaway: await q(`select count(*)::int as n from putaway_tasks where tenant_id = $1`),
    lines: await q(`select line_id, qty_allocated::text, qty_backordered::text from sales_order_lines where tenant_id = $1 order by line_id`),
    reservations: await q(`select reservation_id, qty::text, status from reservations where tenant_id = $1 order by reservation_id`),
    movements: await q(`select count(*)::int as n from stock_movements where tenant_id = $1`),
    journal: await q(`select count(*)::int as n from journal_entries where tenant_id = $1`),
    events: await q(`select count(*)::int as n from outbox_events where tenant_id = $1`),
    audits: await q(`select count(*)::int as n from audit_log where tenant_id = $1`),
  };
}
