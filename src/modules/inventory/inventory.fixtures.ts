import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { systemContext, type OperationContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import { createItem } from '../catalog/index.ts';
import { createCustomer, createShipTo, createTaxJurisdiction, listCustomers, listShipTos } from '../partners/index.ts';
import { createBin, createWarehouse, type BinKind } from './warehouses.service.ts';

/**
 * Test fixtures for the inventory module. Items and the order's customer come through
 * catalog's and partners' services; orders are still inserted directly (see below).
 */

export function inventoryContext(tenantId: string): OperationContext {
  return systemContext(tenantId, 'inventory-test');
}

export async function createFixtureItem(db: Database, tenantId: string, sku = `SKU-${randomBytes(4).toString('hex')}`): Promise<string> {
  const ctx = inventoryContext(tenantId);
  const item = await db.withTenant(ctx, (tx) => createItem(tx, ctx, { sku, description: `Test item ${sku}`, stockingUnit: 'EA' }));
  return item.itemId;
}

/**
 * A bare sales order with one line per item (reservations reference order
 * lines). Rows are inserted directly: the sales module owns orders, and these
 * tests only need somewhere for a reservation to point.
 */
export async function createFixtureOrder(db: Database, tenantId: string, itemIds: string[]): Promise<{ orderId: string; lineIds: string[] }> {
  const ctx = inventoryContext(tenantId);
  return db.withTenant(ctx, async (tx) => {
    // Tests create orders in parallel: one fixture customer per tenant, created once.
    await sql`select pg_advisory_xact_lock(hashtext(${`fixture-customer/${tenantId}`}))`.execute(tx);
    let customer = (await listCustomers(tx, ctx, { limit: 1, after: undefined }, { search: 'TEST-FIXTURE' })).items[0];
    let shipTo: { shipToId: string };
    if (!customer) {
      await createTaxJurisdiction(tx, ctx, { jurisdictionCode: 'TEST', name: 'Test' });
      customer = await createCustomer(tx, ctx, { code: 'TEST-FIXTURE', name: 'Test customer' });
      shipTo = await createShipTo(tx, ctx, customer.customerId, { code: 'MAIN', name: 'Main', addressLine1: '1 Main St', city: 'Springfield', country: 'US', jurisdictionCode: 'TEST' });
    } else {
      shipTo = (await listShipTos(tx, ctx, customer.customerId, { limit: 1, after: undefined })).items[0]!;
    }
    const orderId = newId();
    const now = new Date();
    await tx
      .insertInto('sales_orders')
      .values({ tenant_id: tenantId, order_id: orderId, order_number: `T-${orderId}`, customer_id: customer.customerId, ship_to_id: shipTo.shipToId, status: 'confirmed', currency: 'USD', order_date: '2026-12-03', created_by: 'test', created_at: now, updated_at: now })
      .execute();
    const lineIds: string[] = [];
    for (const [index, itemId] of itemIds.entries()) {
      const lineId = newId();
      lineIds.push(lineId);
      await tx
        .insertInto('sales_order_lines')
        .values({
          tenant_id: tenantId, order_id: orderId, line_id: lineId, line_number: index + 1, item_id: itemId, ordered_unit: 'EA',
          ordered_qty: '1000', qty_base: '1000', unit_price: '1', price_rule: 'base_list', price_explanation: '{}', line_amount_minor: 100000,
          tax_class: 'standard', jurisdiction_code: 'TEST', tax_rate: '0', tax_minor: 0,
        })
        .execute();
    }
    return { orderId, lineIds };
  });
}

export async function createFixtureWarehouse(
  db: Database,
  tenantId: string,
  options: { code?: string; allocationPriority?: number; bins?: Array<{ code: string; kind?: BinKind; pickSequence?: number }> } = {},
): Promise<{ warehouseId: string; binIds: Record<string, string> }> {
  const ctx = inventoryContext(tenantId);
  return db.withTenant(ctx, async (tx) => {
    const warehouse = await createWarehouse(tx, ctx, {
      code: options.code ?? `W${randomBytes(3).toString('hex').toUpperCase()}`,
      name: 'Test warehouse',
      timeZone: 'America/Chicago',
      allocationPriority: options.allocationPriority,
    });
    const binIds: Record<string, string> = {};
    for (const bin of options.bins ?? []) {
      binIds[bin.code] = (await createBin(tx, ctx, warehouse.warehouseId, bin)).binId;
    }
    return { warehouseId: warehouse.warehouseId, binIds };
  });
}
