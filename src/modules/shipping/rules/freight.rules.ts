import { Dec } from '../../../platform/money.ts';

/**
 * The freight charge of a shipment when the shipper did not enter one, from the
 * customer's freight terms (partners: customers.freight_terms):
 * - prepaid: we pay the carrier and do not bill it → 0;
 * - collect: the customer pays the carrier directly → 0;
 * - prepaid_and_add: we pay and add it to the invoice → the tenant's tariff,
 *   baseMinor + perKgMinor × Σ carton weights (kg), rounded half-up once.
 * Cartons without a weight count as 0 kg.
 */

export type FreightTerms = 'prepaid' | 'collect' | 'prepaid_and_add';

export interface FreightTariff {
  baseMinor: number;
  perKgMinor: number;
}

/**
 * Defaults when the tenant has not set a tariff: no charge. A charge nobody
 * configured would surprise the customer on the invoice; a missing one is
 * visible on the shipment (freightSource 'computed', 0) and fixed by
 * PUT /v1/settings/shipping.
 */
export const DEFAULT_FREIGHT_TARIFF: FreightTariff = { baseMinor: 0, perKgMinor: 0 };

export function computeFreightMinor(terms: FreightTerms, tariff: FreightTariff, cartonWeightsKg: Array<string | null>): number {
  if (terms !== 'prepaid_and_add') return 0;
  const kg = cartonWeightsKg.reduce<Dec>((sum, weight) => (weight === null ? sum : sum.plus(weight)), new Dec(0));
  return new Dec(tariff.perKgMinor).times(kg).plus(tariff.baseMinor).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber();
}
