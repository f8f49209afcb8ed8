import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { computeLineTax, type LineTaxInput, type TaxExemptionCertificate, type TaxJurisdictionData } from './line-tax.rules.ts';

const jurisdictions: Record<string, TaxJurisdictionData> = {
  'US-CA': { jurisdictionCode: 'US-CA', freightTaxable: false, rates: { standard: '0.0725', food: '0', clothing: '0.0725' } },
  'US-NY': { jurisdictionCode: 'US-NY', freightTaxable: true, rates: { standard: '0.08875', clothing: '0' } },
  'US-OR': { jurisdictionCode: 'US-OR', freightTaxable: false, rates: {} },
};

const certificate = (over: Partial<TaxExemptionCertificate> = {}): TaxExemptionCertificate => ({
  certificateNumber: 'EX-1',
  jurisdictionCode: 'US-CA',
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  ...over,
});

function input(over: Partial<LineTaxInput> & { jurisdictionCode?: string } = {}): LineTaxInput {
  const code = over.jurisdictionCode ?? 'US-CA';
  return { lineAmountMinor: 10_000, taxClass: 'standard', jurisdiction: jurisdictions[code] ?? null, jurisdictionCode: code, exemptions: [], date: '2026-06-15', ...over };
}

const cases: Array<{ name: string; input: LineTaxInput; taxMinor: number; rate: string; certificate: string | null }> = [
  // --- jurisdiction × class
  { name: '100.00 standard in US-CA at 7.25 % is 7.25', input: input(), taxMinor: 725, rate: '0.0725', certificate: null },
  { name: '100.00 standard in US-NY at 8.875 % is 8.88 (8.875 half-up)', input: input({ jurisdictionCode: 'US-NY' }), taxMinor: 888, rate: '0.08875', certificate: null },
  { name: 'food in US-CA is taxed at its configured 0', input: input({ taxClass: 'food' }), taxMinor: 0, rate: '0', certificate: null },
  { name: 'clothing is taxed in US-CA but not in US-NY', input: input({ taxClass: 'clothing' }), taxMinor: 725, rate: '0.0725', certificate: null },
  { name: 'clothing in US-NY is 0', input: input({ jurisdictionCode: 'US-NY', taxClass: 'clothing' }), taxMinor: 0, rate: '0', certificate: null },
  { name: 'a class without a rate row in an existing jurisdiction is not taxed', input: input({ taxClass: 'machinery' }), taxMinor: 0, rate: '0', certificate: null },
  { name: 'a jurisdiction with no rates taxes nothing', input: input({ jurisdictionCode: 'US-OR' }), taxMinor: 0, rate: '0', certificate: null },
  // --- rounding half-up per line
  { name: '0.10 at 7.25 % is 0.00725 → 0.01', input: input({ lineAmountMinor: 10 }), taxMinor: 1, rate: '0.0725', certificate: null },
  { name: '0.06 at 7.25 % is 0.00435 → 0.00', input: input({ lineAmountMinor: 6 }), taxMinor: 0, rate: '0.0725', certificate: null },
  { name: '0.07 at 7.25 % is 0.005075 → 0.01', input: input({ lineAmountMinor: 7 }), taxMinor: 1, rate: '0.0725', certificate: null },
  { name: '2.00 at 7.25 % is exactly 0.145 → 0.15 (half-up, not banker’s)', input: input({ lineAmountMinor: 200 }), taxMinor: 15, rate: '0.0725', certificate: null },
  { name: '1,234,567.89 at 7.25 % is 89,506.17', input: input({ lineAmountMinor: 123_456_789 }), taxMinor: 8_950_617, rate: '0.0725', certificate: null },
  { name: 'a zero line pays no tax', input: input({ lineAmountMinor: 0 }), taxMinor: 0, rate: '0.0725', certificate: null },
  // --- exemptions
  { name: 'a valid exemption in the jurisdiction makes the line 0 and is recorded', input: input({ exemptions: [certificate()] }), taxMinor: 0, rate: '0', certificate: 'EX-1' },
  { name: 'an all-jurisdiction exemption applies anywhere', input: input({ jurisdictionCode: 'US-NY', exemptions: [certificate({ jurisdictionCode: null, certificateNumber: 'EX-ALL' })] }), taxMinor: 0, rate: '0', certificate: 'EX-ALL' },
  { name: 'an expired exemption is ignored', input: input({ exemptions: [certificate({ validTo: '2026-06-14' })] }), taxMinor: 725, rate: '0.0725', certificate: null },
  { name: 'an exemption is valid on its last day (inclusive)', input: input({ exemptions: [certificate({ validTo: '2026-06-15' })] }), taxMinor: 0, rate: '0', certificate: 'EX-1' },
  { name: 'an exemption is valid on its first day (inclusive)', input: input({ exemptions: [certificate({ validFrom: '2026-06-15' })] }), taxMinor: 0, rate: '0', certificate: 'EX-1' },
  { name: 'a not-yet-valid exemption is ignored', input: input({ exemptions: [certificate({ validFrom: '2026-06-16' })] }), taxMinor: 725, rate: '0.0725', certificate: null },
  { name: 'an exemption for another jurisdiction is ignored', input: input({ exemptions: [certificate({ jurisdictionCode: 'US-NY' })] }), taxMinor: 725, rate: '0.0725', certificate: null },
  { name: 'a jurisdiction certificate is preferred over an all-jurisdiction one', input: input({ exemptions: [certificate({ jurisdictionCode: null, certificateNumber: 'EX-ALL' }), certificate({ certificateNumber: 'EX-CA' })] }), taxMinor: 0, rate: '0', certificate: 'EX-CA' },
  { name: 'the expired one of two certificates is skipped for the valid one', input: input({ exemptions: [certificate({ certificateNumber: 'EX-OLD', validTo: '2025-12-31', validFrom: '2025-01-01' }), certificate({ certificateNumber: 'EX-NEW' })] }), taxMinor: 0, rate: '0', certificate: 'EX-NEW' },
];

describe('computeLineTax', () => {
  it.each(cases)('$name', ({ input: caseInput, taxMinor, rate, certificate: expectedCertificate }) => {
    const tax = computeLineTax(caseInput);
    expect(tax.taxMinor).toBe(taxMinor);
    expect(tax.taxRate).toBe(rate);
    expect(tax.taxExemptCertificate).toBe(expectedCertificate);
    expect(tax.jurisdictionCode).toBe(caseInput.jurisdictionCode);
    expect(tax.taxClass).toBe(caseInput.taxClass);
  });

  it('keeps the jurisdiction rate visible on an exempt line', () => {
    const tax = computeLineTax(input({ exemptions: [certificate()] }));
    expect(tax.jurisdictionRate).toBe('0.0725');
    expect(tax.reason).toBe('exempt: certificate EX-1 valid 2026-01-01 to 2026-12-31');
  });

  it('exposes whether freight is taxable in the jurisdiction', () => {
    expect(computeLineTax(input()).freightTaxable).toBe(false);
    expect(computeLineTax(input({ jurisdictionCode: 'US-NY' })).freightTaxable).toBe(true);
  });

  it('refuses a jurisdiction that does not exist', () => {
    expect(() => computeLineTax(input({ jurisdictionCode: 'XX-NOPE' }))).toThrow(AppError);
    try {
      computeLineTax(input({ jurisdictionCode: 'XX-NOPE' }));
    } catch (error) {
      expect((error as AppError).code).toBe('TAX_JURISDICTION_NOT_FOUND');
    }
  });
});
