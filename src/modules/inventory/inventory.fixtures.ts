import { randomBytes } from 'node:crypto';
import { systemContext, type OperationContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import { createBin, createWarehouse, type BinKind } from './warehouses.service.ts';

/**
 * Test fixtures for the inventory module. Items are inserted directly: the
 * catalog module owns createItem, and inventory only needs the row to exist.
 */

export function inventoryContext(tenantId: string): OperationContext {
  return systemContext(tenantId, 'inventory-test');
}

export async function createFixtureItem(db: Database, tenantId: string, sku = `SKU-${randomBytes(4).toString('hex')}`): Promise<string> {
  const itemId = newId();
  await db.withTenant({ tenantId }, (tx) =>
    tx
      .insertInto('items')
      .values({ tenant_id: tenantId, item_id: itemId, sku, description: `Test item ${sku}`, stocking_unit: 'EA' })
      .execute()
      .then(() => tx.insertInto('item_units').values({ tenant_id: tenantId, item_id: itemId, unit: 'EA', factor: '1' }).execute()),
  );
  return itemId;
}

/**
 * A bare sales order with one line per item (reservations reference order
 * lines). Rows are inserted directly: the sales module owns orders, and these
 * tests only need somewhere for a reservation to point.
 */
export async function createFixtureOrder(db: Database, tenantId: string, itemIds: string[]): Promise<{ orderId: string; lineIds: string[] }> {
  return db.withTenant({ tenantId }, async (tx) => {
    await tx.insertInto('tax_jurisdictions').values({ tenant_id: tenantId, jurisdiction_code: 'TEST', name: 'Test' }).onConflict((c) => c.doNothing()).execute();
    let customer = await tx.selectFrom('customers').select('customer_id').where('tenant_id', '=', tenantId).where('code', '=', 'TEST').executeTakeFirst();
    if (!customer) {
      customer = { customer_id: newId() };
      await tx.insertInto('customers').values({ tenant_id: tenantId, customer_id: customer.customer_id, code: 'TEST', name: 'Test customer', currency: 'USD' }).execute();
      await tx
        .insertInto('ship_tos')
        .values({ tenant_id: tenantId, ship_to_id: customer.customer_id, customer_id: customer.customer_id, code: 'MAIN', name: 'Main', address_line1: '1 Main St', city: 'Springfield', country: 'US', jurisdiction_code: 'TEST' })
        .execute();
    }
    const orderId = newId();
    const now = new Date();
    await tx
      .insertInto('sales_orders')
      .values({ tenant_id: tenantId, order_id: orderId, order_number: `T-${orderId}`, customer_id: customer.customer_id, ship_to_id: customer.customer_id, status: 'confirmed', currency: 'USD', order_date: '2026-12-03', created_by: 'test', created_at: now, updated_at: now })
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
