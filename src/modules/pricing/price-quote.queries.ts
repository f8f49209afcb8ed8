import { memoInTransaction } from '../../platform/db/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { isAppError } from '../../platform/errors.ts';
import { decimalString } from '../../platform/money.ts';
import { getTaxJurisdictionOrThrow, listTaxExemptions } from '../partners/index.ts';
import type { PricingCustomer, PricingItem } from './pricing-masters.ts';
import type { TaxExemptionCertificate, TaxJurisdictionData } from './rules/line-tax.rules.ts';
import type { ContractPriceRow, MatrixDiscountRow, PriceListForItem } from './rules/resolve-price.rules.ts';

/**
 * The loaders behind quoteLine: they fetch the candidate rows for one customer × item and the
 * tax data for one jurisdiction × customer, and leave every decision to the pure rules. They load
 * rows that cannot apply too (expired contracts, other units, breaks not reached) because the
 * explanation names them.
 */

export interface PriceCandidateRows {
  contracts: ContractPriceRow[];
  customerList: PriceListForItem | null;
  baseList: PriceListForItem | null;
  matrixDiscounts: MatrixDiscountRow[];
}

export async function loadPriceCandidates(tx: Tx, ctx: OperationContext, customer: PricingCustomer, item: PricingItem): Promise<PriceCandidateRows> {
  const listsKey = `price-lists:${ctx.tenantId}:${customer.priceListId ?? 'base'}`;
  const [contracts, lists, entries, matrixDiscounts] = await Promise.all([
    tx
      .selectFrom('contract_prices')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('customer_id', '=', customer.customerId)
      .where('item_id', '=', item.itemId)
      .orderBy('contract_price_id')
      .execute(),
    memoInTransaction(tx, listsKey, () =>
      tx
        .selectFrom('price_lists')
        .selectAll()
        .where('tenant_id', '=', ctx.tenantId)
        .where((eb) => (customer.priceListId ? eb.or([eb('is_base', '=', true), eb('price_list_id', '=', customer.priceListId)]) : eb('is_base', '=', true)))
        .execute(),
    ),
    tx
      .selectFrom('price_list_entries as e')
      .innerJoin('price_lists as l', (join) => join.onRef('l.tenant_id', '=', 'e.tenant_id').onRef('l.price_list_id', '=', 'e.price_list_id'))
      .select(['e.price_list_id', 'e.unit', 'e.min_qty', 'e.unit_price'])
      .where('e.tenant_id', '=', ctx.tenantId)
      .where('e.item_id', '=', item.itemId)
      .where((eb) => (customer.priceListId ? eb.or([eb('l.is_base', '=', true), eb('l.price_list_id', '=', customer.priceListId)]) : eb('l.is_base', '=', true)))
      .orderBy('e.price_list_id')
      .orderBy('e.unit')
      .orderBy('e.min_qty')
      .execute(),
    loadMatrixDiscounts(tx, ctx, customer.customerTier, item),
  ]);
  const forList = (list: (typeof lists)[number] | undefined): PriceListForItem | null =>
    list
      ? {
          priceListId: list.price_list_id,
          code: list.code,
          currency: list.currency,
          active: list.active,
          entries: entries
            .filter((entry) => entry.price_list_id === list.price_list_id)
            .map((entry) => ({ unit: entry.unit, minQty: decimalString(entry.min_qty), unitPrice: decimalString(entry.unit_price) })),
        }
      : null;
  const base = lists.find((list) => list.is_base);
  // A customer pointed at the base list has no list of its own: the base list is priced once, as base.
  const own = lists.find((list) => list.price_list_id === customer.priceListId && !list.is_base);
  return {
    contracts: contracts.map((row) => ({
      contractPriceId: row.contract_price_id,
      contractReference: row.contract_reference,
      unit: row.unit,
      minQty: decimalString(row.min_qty),
      unitPrice: decimalString(row.unit_price),
      validFrom: row.valid_from,
      validTo: row.valid_to,
    })),
    customerList: forList(own),
    baseList: forList(base),
    matrixDiscounts,
  };
}

/** Only the customer's tier and the item's own attribute values: the table can be large, one item matches few rows. */
async function loadMatrixDiscounts(tx: Tx, ctx: OperationContext, tier: string | null, item: PricingItem): Promise<MatrixDiscountRow[]> {
  if (tier === null) return [];
  const pairs: Array<[string, string]> = [
    ...(item.brand !== null ? [['brand', item.brand] as [string, string]] : []),
    ...(item.category !== null ? [['category', item.category] as [string, string]] : []),
    ...Object.entries(item.attributes).filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[0] !== 'brand' && pair[0] !== 'category'),
  ];
  if (pairs.length === 0) return [];
  const rows = await tx
    .selectFrom('matrix_discounts')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_tier', '=', tier)
    .where((eb) => eb.or(pairs.map(([attribute, value]) => eb.and([eb('attribute', '=', attribute), eb('attribute_value', '=', value)]))))
    .orderBy('discount_id')
    .execute();
  return rows.map((row) => ({
    discountId: row.discount_id,
    attribute: row.attribute,
    attributeValue: row.attribute_value,
    customerTier: row.customer_tier,
    discountPercent: decimalString(row.discount_percent),
    validFrom: row.valid_from,
    validTo: row.valid_to,
  }));
}

/**
 * The jurisdiction with its rates, or null when it does not exist; and the customer's
 * certificates that could apply there (all-jurisdiction ones included). Both come through
 * partners, which owns them; validity on the date is the pure rule's decision.
 */
export async function loadTaxData(
  tx: Tx,
  ctx: OperationContext,
  jurisdictionCode: string,
  customerId: string,
): Promise<{ jurisdiction: TaxJurisdictionData | null; exemptions: TaxExemptionCertificate[] }> {
  return memoInTransaction(tx, `tax:${ctx.tenantId}:${jurisdictionCode}:${customerId}`, () => readTaxData(tx, ctx, jurisdictionCode, customerId));
}

async function readTaxData(
  tx: Tx,
  ctx: OperationContext,
  jurisdictionCode: string,
  customerId: string,
): Promise<{ jurisdiction: TaxJurisdictionData | null; exemptions: TaxExemptionCertificate[] }> {
  const jurisdiction = await getTaxJurisdictionOrThrow(tx, ctx, jurisdictionCode).catch((error: unknown) => {
    if (isAppError(error) && error.code === 'TAX_JURISDICTION_NOT_FOUND') return null;
    throw error;
  });
  const exemptions = await listTaxExemptions(tx, ctx, customerId);
  return {
    jurisdiction: jurisdiction
      ? {
          jurisdictionCode: jurisdiction.jurisdictionCode,
          freightTaxable: jurisdiction.freightTaxable,
          rates: Object.fromEntries(jurisdiction.rates.map((rate) => [rate.taxClass, rate.rate])),
        }
      : null,
    exemptions: exemptions
      .filter((row) => row.jurisdictionCode === null || row.jurisdictionCode === jurisdictionCode)
      .map((row) => ({
        certificateNumber: row.certificateNumber,
        jurisdictionCode: row.jurisdictionCode,
        validFrom: row.validFrom,
        validTo: row.validTo,
      })),
  };
}
