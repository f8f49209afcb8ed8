import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { PricingCustomer, PricingItem, PricingShipTo } from './pricing-masters.ts';

/**
 * Stand-ins for catalog's and partners' lookups (getCustomerOrThrow, getShipToOrThrow,
 * resolveItemOrThrow, unitFactorOrThrow) until those modules are on main. They read the same
 * tables and return the structural subsets pricing needs; once merged, this file goes.
 */

export async function customerForPricing(tx: Tx, ctx: OperationContext, customerId: string): Promise<PricingCustomer & { active: boolean }> {
  const row = await tx
    .selectFrom('customers')
    .select(['customer_id', 'currency', 'customer_tier', 'price_list_id', 'active'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `no customer ${customerId}`);
  return { customerId: row.customer_id, currency: row.currency, customerTier: row.customer_tier, priceListId: row.price_list_id, active: row.active };
}

export async function shipToForPricing(tx: Tx, ctx: OperationContext, customerId: string, shipToId: string): Promise<PricingShipTo> {
  const row = await tx
    .selectFrom('ship_tos')
    .select(['ship_to_id', 'customer_id', 'jurisdiction_code'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('ship_to_id', '=', shipToId)
    .where('customer_id', '=', customerId)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!row) throw new AppError('VALIDATION_FAILED', `ship-to ${shipToId} is not an active ship-to of customer ${customerId}`, [{ field: 'shipToId', message: 'is not a ship-to of the customer' }]);
  return { shipToId: row.ship_to_id, customerId: row.customer_id, jurisdictionCode: row.jurisdiction_code };
}

export async function itemForPricing(tx: Tx, ctx: OperationContext, ref: { itemId?: string; sku?: string }): Promise<PricingItem> {
  let query = tx
    .selectFrom('items')
    .select(['item_id', 'sku', 'brand', 'category', 'attributes', 'tax_class', 'active'])
    .where('tenant_id', '=', ctx.tenantId);
  query = ref.itemId !== undefined ? query.where('item_id', '=', ref.itemId) : query.where('sku', '=', ref.sku ?? '');
  const row = await query.executeTakeFirst();
  if (!row || !row.active) throw new AppError('NOT_FOUND', `no active item ${ref.itemId ?? ref.sku}`);
  const units = await tx
    .selectFrom('item_units')
    .select(['unit', 'factor'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', '=', row.item_id)
    .orderBy('unit')
    .execute();
  return {
    itemId: row.item_id,
    sku: row.sku,
    brand: row.brand,
    category: row.category,
    attributes: row.attributes as Record<string, string>,
    taxClass: row.tax_class,
    units,
  };
}

export function assertSellingUnit(item: Pick<PricingItem, 'sku' | 'units'>, unit: string): void {
  if (!item.units.some((entry) => entry.unit === unit)) {
    throw new AppError('VALIDATION_FAILED', `item ${item.sku} is not sold in ${unit}`, [{ field: 'unit', message: `not a unit of ${item.sku}` }]);
  }
}
