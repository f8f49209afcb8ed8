import { AppError, invariant } from '../../../platform/errors.ts';
import { applyRateMinor, assertMinor, Dec } from '../../../platform/money.ts';

/**
 * Tax of one order line (DESIGN §2b): the ship-to's jurisdiction × the item's tax class gives a
 * rate; tax = rate × line amount in minor units, rounded half-up, per line (the document total
 * is the sum of its lines as shown). A valid exemption certificate makes the line's tax 0 and is
 * recorded on the line. Pure: the loader passes the jurisdiction, its rates and the customer's
 * certificates.
 */

export interface TaxJurisdictionData {
  jurisdictionCode: string;
  /** Whether freight charged on a document shipped here is taxable (freight is not on lines; billing reads this). */
  freightTaxable: boolean;
  /** The jurisdiction's rates by tax class, e.g. { standard: '0.0725', food: '0' }. */
  rates: Record<string, string>;
}

export interface TaxExemptionCertificate {
  certificateNumber: string;
  /** null: valid in every jurisdiction. */
  jurisdictionCode: string | null;
  validFrom: string;
  validTo: string;
}

export interface LineTaxInput {
  lineAmountMinor: number;
  taxClass: string;
  /** null when the ship-to's jurisdiction does not exist (refused: TAX_JURISDICTION_NOT_FOUND). */
  jurisdiction: TaxJurisdictionData | null;
  jurisdictionCode: string;
  /** The customer's certificates (any jurisdiction, any date); the rule picks a valid one. */
  exemptions: TaxExemptionCertificate[];
  /** Business date of the document, YYYY-MM-DD, tenant zone. */
  date: string;
}

export interface LineTax {
  jurisdictionCode: string;
  taxClass: string;
  /** The rate applied: the jurisdiction's rate for the class, or "0" when exempt. */
  taxRate: string;
  /** The jurisdiction's rate before any exemption (what the line would have paid). */
  jurisdictionRate: string;
  taxExemptCertificate: string | null;
  taxMinor: number;
  freightTaxable: boolean;
  reason: string;
}

export function computeLineTax(input: LineTaxInput): LineTax {
  assertMinor(input.lineAmountMinor);
  invariant(/^\d{4}-\d{2}-\d{2}$/.test(input.date), `business date must be YYYY-MM-DD, got ${input.date}`);
  const jurisdiction = input.jurisdiction;
  if (!jurisdiction) {
    throw new AppError('TAX_JURISDICTION_NOT_FOUND', `tax jurisdiction ${input.jurisdictionCode} does not exist`);
  }
  // A jurisdiction without a row for the class taxes it at 0: the tax tables list what is taxed,
  // and a class nobody configured is not silently taxed at some other class's rate.
  const configured = Object.hasOwn(jurisdiction.rates, input.taxClass);
  const jurisdictionRate = new Dec(configured ? jurisdiction.rates[input.taxClass]! : '0').toFixed();
  const common = { jurisdictionCode: jurisdiction.jurisdictionCode, taxClass: input.taxClass, jurisdictionRate, freightTaxable: jurisdiction.freightTaxable };

  const certificate = validExemption(input.exemptions, jurisdiction.jurisdictionCode, input.date);
  if (certificate) {
    return { ...common, taxRate: '0', taxExemptCertificate: certificate.certificateNumber, taxMinor: 0, reason: `exempt: certificate ${certificate.certificateNumber} valid ${certificate.validFrom} to ${certificate.validTo}` };
  }
  const taxMinor = applyRateMinor(input.lineAmountMinor, jurisdictionRate);
  const reason = configured
    ? `${input.taxClass} in ${jurisdiction.jurisdictionCode} at ${jurisdictionRate}`
    : `no rate for ${input.taxClass} in ${jurisdiction.jurisdictionCode}: not taxed`;
  return { ...common, taxRate: jurisdictionRate, taxExemptCertificate: null, taxMinor, reason };
}

/**
 * The certificate that exempts the customer in the jurisdiction on the date (validity inclusive
 * on both ends). A certificate for this jurisdiction is preferred over an all-jurisdiction one,
 * then the one valid longest, then the certificate number, so the choice is deterministic.
 */
export function validExemption(certificates: TaxExemptionCertificate[], jurisdictionCode: string, date: string): TaxExemptionCertificate | null {
  const valid = certificates.filter(
    (certificate) =>
      (certificate.jurisdictionCode === null || certificate.jurisdictionCode === jurisdictionCode) &&
      certificate.validFrom <= date &&
      date <= certificate.validTo,
  );
  valid.sort(
    (a, b) =>
      Number(a.jurisdictionCode === null) - Number(b.jurisdictionCode === null) ||
      (a.validTo < b.validTo ? 1 : a.validTo > b.validTo ? -1 : 0) ||
      (a.certificateNumber < b.certificateNumber ? -1 : a.certificateNumber > b.certificateNumber ? 1 : 0),
  );
  return valid[0] ?? null;
}
