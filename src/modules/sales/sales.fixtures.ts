import type pg from 'pg';
import { newId } from '../../platform/ids.ts';

/**
 * Test fixtures for the sales tests: master data written straight into the
 * tables with the owner pool, so that the sales tests depend only on the schema
 * and on the contract functions sales itself calls — not on how the catalog,
 * partners or pricing modules shape their create APIs. Stock is never inserted
 * here: tests add it through POST /v1/stock-adjustments (inventory.adjustStock),
 * so the ledger and balances always agree.
 */

export const JURISDICTION = 'US-CA-SF';
export const TAX_RATE = '0.0725';

export async function seedTaxAndPriceList(admin: pg.Pool, tenantId: string): Promise<{ priceListId: string }> {
  await admin.query(`insert into tax_jurisdictions (tenant_id, jurisdiction_code, name) values ($1, $2, 'San Francisco')`, [tenantId, JURISDICTION]);
  await admin.query(`insert into tax_rates (tenant_id, jurisdiction_code, tax_class, rate) values ($1, $2, 'standard', $3)`, [tenantId, JURISDICTION, TAX_RATE]);
  const priceListId = newId();
  await admin.query(`insert into price_lists (tenant_id, price_list_id, code, name, currency, is_base) values ($1, $2, 'BASE', 'Base prices', 'USD', true)`, [tenantId, priceListId]);
  return { priceListId };
}

export async function addWarehouse(admin: pg.Pool, tenantId: string, code: string, allocationPriority: number): Promise<string> {
  const warehouseId = newId();
  await admin.query(
    `insert into warehouses (tenant_id, warehouse_id, code, name, time_zone, allocation_priority) values ($1, $2, $3, $4, 'America/Los_Angeles', $5)`,
    [tenantId, warehouseId, code, `Warehouse ${code}`, allocationPriority],
  );
  return warehouseId;
}

export interface ItemFixture {
  itemId: string;
  sku: string;
  gtin: string | null;
}

/** An item stocked in EA, sold in EA and in cases of 12 (CA), with a base price per unit. */
export async function addItem(admin: pg.Pool, tenantId: string, priceListId: string, input: { sku: string; priceEa: string; gtin?: string }): Promise<ItemFixture> {
  const itemId = newId();
  await admin.query(
    `insert into items (tenant_id, item_id, sku, description, gtin, stocking_unit, tax_class) values ($1, $2, $3, $4, $5, 'EA', 'standard')`,
    [tenantId, itemId, input.sku, `Test item ${input.sku}`, input.gtin ?? null],
  );
  await admin.query(`insert into item_units (tenant_id, item_id, unit, factor) values ($1, $2, 'EA', 1), ($1, $2, 'CA', 12)`, [tenantId, itemId]);
  await admin.query(
    `insert into price_list_entries (tenant_id, price_list_id, item_id, unit, min_qty, unit_price) values ($1, $2, $3, 'EA', 0, $4), ($1, $2, $3, 'CA', 0, $4::numeric * 12)`,
    [tenantId, priceListId, itemId, input.priceEa],
  );
  return { itemId, sku: input.sku, gtin: input.gtin ?? null };
}

export interface CustomerFixture {
  customerId: string;
  shipToId: string;
  code: string;
}

export interface CustomerOptions {
  code?: string;
  creditLimitMinor?: number;
  pastDueToleranceDays?: number;
  paymentTermsDays?: number;
  defaultWarehouseId?: string | null;
  shipToWarehouseId?: string | null;
  allowPartialShipment?: boolean;
  remainderPolicy?: 'backorder' | 'cancel';
  allowSplitWarehouses?: boolean;
}

export async function addCustomer(admin: pg.Pool, tenantId: string, options: CustomerOptions = {}): Promise<CustomerFixture> {
  const customerId = newId();
  const code = options.code ?? `C-${customerId.slice(-10)}`;
  await admin.query(
    `insert into customers (tenant_id, customer_id, code, name, currency, credit_limit_minor, payment_terms_days, past_due_tolerance_days,
       default_warehouse_id, allow_partial_shipment, remainder_policy, allow_split_warehouses)
     values ($1, $2, $3, $4, 'USD', $5, $6, $7, $8, $9, $10, $11)`,
    [
      tenantId,
      customerId,
      code,
      `Customer ${code}`,
      options.creditLimitMinor ?? 100_000_000,
      options.paymentTermsDays ?? 30,
      options.pastDueToleranceDays ?? 0,
      options.defaultWarehouseId ?? null,
      options.allowPartialShipment ?? true,
      options.remainderPolicy ?? 'backorder',
      options.allowSplitWarehouses ?? true,
    ],
  );
  const shipToId = newId();
  await admin.query(
    `insert into ship_tos (tenant_id, ship_to_id, customer_id, code, name, address_line1, city, country, jurisdiction_code, default_warehouse_id)
     values ($1, $2, $3, 'MAIN', 'Main dock', '1 Market St', 'San Francisco', 'US', $4, $5)`,
    [tenantId, shipToId, customerId, JURISDICTION, options.shipToWarehouseId ?? null],
  );
  return { customerId, shipToId, code };
}

export async function addCustomerPartNumber(admin: pg.Pool, tenantId: string, customerId: string, partNumber: string, itemId: string): Promise<void> {
  await admin.query(`insert into customer_item_refs (tenant_id, customer_id, customer_part_number, item_id) values ($1, $2, $3, $4)`, [tenantId, customerId, partNumber, itemId]);
}

/** An open receivable (as billing will write them): amount open and its due date. */
export async function addOpenItem(admin: pg.Pool, tenantId: string, input: { customerId: string; openMinor: number; documentDate: string; dueDate: string }): Promise<void> {
  await admin.query(
    `insert into receivable_open_items (tenant_id, open_item_id, customer_id, document_type, document_number, document_date, due_date, currency, amount_minor, open_minor)
     values ($1, $2, $3, 'invoice', $4, $5, $6, 'USD', $7, $7)`,
    [tenantId, newId(), input.customerId, `INV-T-${newId().slice(-12)}`, input.documentDate, input.dueDate, input.openMinor],
  );
}

export async function balanceOf(admin: pg.Pool, tenantId: string, itemId: string, warehouseId: string): Promise<{ onHand: string; reserved: string }> {
  const { rows } = await admin.query(
    `select on_hand::text, reserved::text from stock_balances where tenant_id = $1 and item_id = $2 and warehouse_id = $3`,
    [tenantId, itemId, warehouseId],
  );
  return rows[0] ? { onHand: trim(rows[0].on_hand), reserved: trim(rows[0].reserved) } : { onHand: '0', reserved: '0' };
}

/** Counts of the rows a failed request must not have written. */
export async function writtenCounts(admin: pg.Pool, tenantId: string): Promise<Record<string, number>> {
  const { rows } = await admin.query(
    `select (select count(*) from sales_orders where tenant_id = $1)::int as orders,
            (select count(*) from sales_order_lines where tenant_id = $1)::int as lines,
            (select count(*) from reservations where tenant_id = $1)::int as reservations,
            (select count(*) from outbox_events where tenant_id = $1)::int as events,
            (select count(*) from audit_log where tenant_id = $1)::int as audits`,
    [tenantId],
  );
  return rows[0];
}

function trim(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
