import { memoInTransaction } from '../../platform/db/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { getTenantOrThrow } from '../access/index.ts';

/**
 * The shapes pricing needs of the customer, ship-to and item. They are structural subsets of
 * partners' Customer/ShipTo and catalog's Item (docs/order-capture-contracts.md), so the real
 * objects fit without conversion.
 */
export interface PricingCustomer {
  customerId: string;
  currency: string;
  customerTier: string | null;
  priceListId: string | null;
}

export interface PricingShipTo {
  shipToId: string;
  customerId: string;
  jurisdictionCode: string;
}

export interface PricingItem {
  itemId: string;
  sku: string;
  brand: string | null;
  category: string | null;
  attributes: Record<string, string>;
  taxClass: string;
  units: Array<{ unit: string; factor: string }>;
}

export async function functionalCurrency(tx: Tx, ctx: OperationContext): Promise<string> {
  return memoInTransaction(tx, `functional-currency:${ctx.tenantId}`, async () => (await getTenantOrThrow(tx, ctx.tenantId)).functionalCurrency);
}

/** Refuses a currency other than the tenant's functional currency (DESIGN §2b: one currency per tenant for now). */
export async function assertFunctionalCurrency(tx: Tx, ctx: OperationContext, currency: string): Promise<void> {
  const functional = await functionalCurrency(tx, ctx);
  if (functional !== currency) {
    throw new AppError('CURRENCY_NOT_SUPPORTED', `only ${functional}, the tenant's functional currency, is supported; got ${currency}`);
  }
}
