import type { RouteSpec } from '../../platform/http/define-route.ts';
import { contractPriceRoutes } from './contract-prices.routes.ts';
import { matrixDiscountRoutes } from './matrix-discounts.routes.ts';
import { priceListRoutes } from './price-lists.routes.ts';
import { priceQuoteRoutes } from './price-quotes.routes.ts';

export type { PriceRule, PriceCandidate, PriceExplanation, ResolvePriceInput, PricedItem, ContractPriceRow, PriceListForItem, PriceListEntryRow, MatrixDiscountRow } from './rules/resolve-price.rules.ts';
export { resolvePrice, discounted, attributeValue, PRICE_PRECEDENCE, UNIT_PRICE_DECIMALS } from './rules/resolve-price.rules.ts';
export type { LineTax, LineTaxInput, TaxExemptionCertificate, TaxJurisdictionData } from './rules/line-tax.rules.ts';
export { computeLineTax, validExemption } from './rules/line-tax.rules.ts';
export type { LineQuote, QuoteLineInput, PriceQuote, PriceQuoteRequest } from './price-quote.service.ts';
export { quoteLine, quotePrices, ROUNDING_METHOD } from './price-quote.service.ts';
export { loadPriceCandidates, loadTaxData } from './price-quote.queries.ts';
export type { PricingCustomer, PricingShipTo, PricingItem } from './pricing-masters.ts';
export { assertFunctionalCurrency, functionalCurrency } from './pricing-masters.ts';
export type { PriceList, PriceListEntry, CreatePriceListInput, EntryKey } from './price-lists.service.ts';
export { createPriceList, getPriceListOrThrow, listPriceLists, updatePriceList, setPriceListEntry, deletePriceListEntry, listPriceListEntries } from './price-lists.service.ts';
export type { ContractPrice, CreateContractPriceInput } from './contract-prices.service.ts';
export { createContractPrice, getContractPriceOrThrow, listContractPrices, setContractPriceValidTo } from './contract-prices.service.ts';
export type { MatrixDiscount, CreateMatrixDiscountInput } from './matrix-discounts.service.ts';
export { createMatrixDiscount, getMatrixDiscountOrThrow, listMatrixDiscounts, updateMatrixDiscount } from './matrix-discounts.service.ts';
export { pricingSchemas } from './pricing.schema.ts';

export const pricingRoutes: RouteSpec[] = [...priceListRoutes, ...contractPriceRoutes, ...matrixDiscountRoutes, ...priceQuoteRoutes];
