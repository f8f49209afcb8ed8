/**
 * GTIN (GS1 trade item numbers): GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN) and GTIN-14.
 * The last digit is a mod-10 check digit over the others, weighted 3, 1, 3, … from the
 * right. A GTIN written with leading zeros is the same trade item (UPC-A 036000291452 is
 * EAN-13 0036000291452 and GTIN-14 00036000291452), which is why lookups compare every
 * length the number can be written in.
 */

const GTIN_PATTERN = /^(\d{8}|\d{12}|\d{13}|\d{14})$/;
const GTIN_LENGTHS = [8, 12, 13, 14] as const;

/** The check digit for the digits that precede it. */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let index = 0; index < body.length; index++) {
    const digit = body.charCodeAt(body.length - 1 - index) - 48;
    sum += digit * (index % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export type GtinProblem = 'length' | 'digits' | 'check_digit';

/** Why a text is not a GTIN, or null when it is one. */
export function gtinProblem(value: string): GtinProblem | null {
  if (!/^\d*$/.test(value)) return 'digits';
  if (!GTIN_PATTERN.test(value)) return 'length';
  const expected = gtinCheckDigit(value.slice(0, -1));
  return Number(value.at(-1)) === expected ? null : 'check_digit';
}

export function isValidGtin(value: string): boolean {
  return gtinProblem(value) === null;
}

/**
 * Every way the same GTIN can be written (8, 12, 13 or 14 digits, differing only in
 * leading zeros), the given form included. Leading zeros do not change the check digit,
 * so every variant of a valid GTIN is valid.
 */
export function gtinVariants(gtin: string): string[] {
  const full = gtin.padStart(14, '0');
  return GTIN_LENGTHS.filter((length) => /^0*$/.test(full.slice(0, 14 - length))).map((length) => full.slice(14 - length));
}
