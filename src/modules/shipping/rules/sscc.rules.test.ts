import { describe, expect, it } from 'vitest';
import { buildSscc, gs1CheckDigit, isValidSscc } from './sscc.rules.ts';

describe('GS1 mod-10 check digit', () => {
  it.each([
    // GS1 General Specifications' SSCC example: (00) 1 0614141 123456789 7.
    ['the GS1 SSCC example', '10614141123456789', 7],
    // Weights 3,1,… from the right: 7·3+6+5·3+4+3·3+2+1·3+1+4·3+1+4·3+1+6·3+0+1·3+0+0 = 108 → 2 (not 9).
    ['extension 0, prefix 0614141, serial 1234567', '00106141411234567', 2],
    ['a GTIN-13 (4006381333931)', '400638133393', 1],
    ['a sum that is already a multiple of 10 gives 0', '0000000000000000', 0],
  ])('computes %s', (_name, data, digit) => {
    expect(gs1CheckDigit(data)).toBe(digit);
  });
});

describe('SSCC-18', () => {
  it('is extension digit + prefix + serial padded to 17 digits + check digit', () => {
    const result = buildSscc({ extensionDigit: 0, companyPrefix: '0614141', serial: 12n });
    expect(result).toEqual({ ok: true, sscc: `00614141000000012${gs1CheckDigit('00614141000000012')}` });
    expect(result.ok && isValidSscc(result.sscc)).toBe(true);
  });

  it('leaves 6 serial digits to a 10-digit prefix and refuses a serial that does not fit', () => {
    expect(buildSscc({ extensionDigit: 0, companyPrefix: '0614141999', serial: 999_999n }).ok).toBe(true);
    expect(buildSscc({ extensionDigit: 0, companyPrefix: '0614141999', serial: 1_000_000n })).toEqual({ ok: false, reason: 'serial_exhausted' });
  });

  it('refuses a prefix that is not 7 to 10 digits', () => {
    expect(buildSscc({ extensionDigit: 0, companyPrefix: '061414', serial: 1n })).toEqual({ ok: false, reason: 'prefix_invalid' });
    expect(buildSscc({ extensionDigit: 0, companyPrefix: '06141419999', serial: 1n })).toEqual({ ok: false, reason: 'prefix_invalid' });
  });

  it('rejects an SSCC whose check digit is wrong', () => {
    expect(isValidSscc('106141411234567897')).toBe(true);
    expect(isValidSscc('106141411234567898')).toBe(false);
  });
});
