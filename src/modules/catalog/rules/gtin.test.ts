import { describe, expect, it } from 'vitest';
import { gtinCheckDigit, gtinProblem, gtinVariants, isValidGtin } from './gtin.ts';

describe('GTIN validation (GS1 mod-10)', () => {
  it.each([
    ['accepts a valid GTIN-8 (EAN-8)', '96385074', null],
    ['accepts a valid GTIN-12 (UPC-A)', '036000291452', null],
    ['accepts a valid GTIN-13 (EAN-13)', '4006381333931', null],
    ['accepts a valid GTIN-14 (case code)', '10614141000415', null],
    ['accepts a GTIN whose check digit is 0', '00000000000000', null],
    ['refuses a GTIN-8 with a wrong check digit', '96385075', 'check_digit'],
    ['refuses a UPC-A with a wrong check digit', '036000291453', 'check_digit'],
    ['refuses an EAN-13 with a wrong check digit', '4006381333932', 'check_digit'],
    ['refuses a GTIN-14 with a wrong check digit', '10614141000416', 'check_digit'],
    ['refuses two swapped adjacent digits', '036000294152', 'check_digit'],
    ['refuses 7 digits', '9638507', 'length'],
    ['refuses 9 digits', '963850742', 'length'],
    ['refuses 11 digits', '03600029145', 'length'],
    ['refuses 15 digits', '106141410004150', 'length'],
    ['refuses the empty string', '', 'length'],
    ['refuses letters', '03600029145A', 'digits'],
    ['refuses spaces and dashes', '0-36000-29145-2', 'digits'],
  ])('%s', (_name, value, problem) => {
    expect(gtinProblem(value)).toBe(problem);
    expect(isValidGtin(value)).toBe(problem === null);
  });

  it('computes the check digit weighting 3, 1, 3 … from the right', () => {
    // 03600029145: 3·(1+9+0+0+6+0) … the GS1 example gives 2.
    expect(gtinCheckDigit('03600029145')).toBe(2);
    expect(gtinCheckDigit('1061414100041')).toBe(5);
  });
});

describe('GTIN variants (the same trade item written with leading zeros)', () => {
  it.each([
    ['a UPC-A is also its EAN-13 and GTIN-14 form', '036000291452', ['0036000291452', '00036000291452', '036000291452']],
    ['a GTIN-14 with leading zeros reaches its UPC-A form', '00036000291452', ['0036000291452', '00036000291452', '036000291452']],
    ['an EAN-13 without a leading zero has only its GTIN-14 form', '4006381333931', ['04006381333931', '4006381333931']],
    ['a GTIN-14 with an indicator digit has no shorter form', '10614141000415', ['10614141000415']],
    ['a GTIN-8 is also written with 6 leading zeros', '96385074', ['000096385074', '0000096385074', '00000096385074', '96385074']],
  ])('%s', (_name, gtin, variants) => {
    const result = gtinVariants(gtin);
    expect([...result].sort()).toEqual([...variants].sort());
    for (const variant of result) expect(isValidGtin(variant)).toBe(true);
  });
});
