/**
 * The HTTP harness of the replenishment tests, on top of the purchasing harness (one
 * database, app and tenant per file): suppliers with the owner pool, the rest through the API.
 */
import { expect } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { admin, app, approverKey, auth, createPo, post, tenant } from '../purchasing/purchasing.fixtures.ts';

export * from '../purchasing/purchasing.fixtures.ts';

export async function offer(supplierId: string, itemId: string, terms: { cost: string; leadTimeDays?: number; minOrderQty?: string; packSize?: string }) {
  const response = await post(`/v1/suppliers/${supplierId}/items`, { itemId, supplierPartNumber: `P-${newId().slice(-12)}`, ...terms });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export async function putSetting(itemId: string, warehouseId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.inject({ method: 'PUT', url: `/v1/items/${itemId}/replenishment/${warehouseId}`, headers: { ...auth(), ...headers }, payload: body });
}

export async function rule(itemId: string, warehouseId: string, body: Record<string, unknown>) {
  const response = await putSetting(itemId, warehouseId, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export async function approvedPo(body: Record<string, unknown>) {
  const po = await createPo(body);
  const approved = await post(`/v1/purchase-orders/${po.purchaseOrderId}/approve`, {}, await approverKey());
  expect(approved.statusCode, approved.body).toBe(200);
  return approved.json();
}

export async function get(url: string) {
  const response = await app.inject({ method: 'GET', url, headers: auth() });
  return response;
}

/** A confirmed sales order through the API; lines may carry a requestedDate. */
export async function salesOrder(customer: { customerId: string; shipToId: string }, lines: Array<Record<string, unknown>>) {
  const created = await app.inject({ method: 'POST', url: '/v1/sales-orders', headers: auth(), payload: { customerId: customer.customerId, shipToId: customer.shipToId, lines } });
  expect(created.statusCode, created.body).toBe(201);
  const confirmed = await app.inject({ method: 'POST', url: `/v1/sales-orders/${created.json().orderId}/confirm`, headers: auth(), payload: {} });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return confirmed.json();
}

/** Everything a refused replenishment request must leave as it was. */
export async function replenishmentState(): Promise<unknown> {
  const q = async (text: string) => (await admin().query(text, [tenant.tenantId])).rows;
  return {
    settings: await q(`select item_id, warehouse_id, method, min_qty::text, max_qty::text, reorder_point::text, reorder_qty::text, home_bin_id, revision from item_warehouse_settings where tenant_id = $1 order by item_id, warehouse_id`),
    pos: await q(`select count(*)::int as n from purchase_orders where tenant_id = $1`),
    poLines: await q(`select count(*)::int as n from purchase_order_lines where tenant_id = $1`),
    events: await q(`select count(*)::int as n from outbox_events where tenant_id = $1`),
    audits: await q(`select count(*)::int as n from audit_log where tenant_id = $1`),
  };
}
