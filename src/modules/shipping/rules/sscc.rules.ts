/**
 * SSCC-18 (GS1 General Specifications §2.2.1, DOMAIN "Warehouse and shipping"):
 * extension digit + GS1 company prefix + serial reference = 17 digits, then a
 * mod-10 check digit computed with weights 3 and 1 alternating from the
 * rightmost data digit. The same check digit protects GTINs.
 *
 * Pure: data in, result out.
 */

export const SSCC_DATA_DIGITS = 17;
export const GS1_PREFIX_PATTERN = /^[0-9]{7,10}$/;

/** The GS1 mod-10 check digit of a string of data digits (any length). */
export function gs1CheckDigit(data: string): number {
  if (!/^[0-9]+$/.test(data)) throw new Error('gs1CheckDigit takes digits only');
  let sum = 0;
  for (let index = 0; index < data.length; index++) {
    // Position 1 is the rightmost data digit and weighs 3.
    const fromRight = data.length - index;
    sum += Number(data[index]) * (fromRight % 2 === 1 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** How many serial digits an SSCC leaves after extension digit and company prefix. */
export function serialDigitsFor(companyPrefix: string): number {
  return SSCC_DATA_DIGITS - 1 - companyPrefix.length;
}

export type SsccResult = { ok: true; sscc: string } | { ok: false; reason: 'prefix_invalid' | 'serial_exhausted' };

/** Builds the 18-digit SSCC, or says why it cannot. */
export function buildSscc(input: { extensionDigit: number; companyPrefix: string; serial: bigint }): SsccResult {
  if (!GS1_PREFIX_PATTERN.test(input.companyPrefix)) return { ok: false, reason: 'prefix_invalid' };
  if (!Number.isInteger(input.extensionDigit) || input.extensionDigit < 0 || input.extensionDigit > 9) return { ok: false, reason: 'prefix_invalid' };
  const serialDigits = serialDigitsFor(input.companyPrefix);
  const serial = input.serial.toString();
  if (input.serial < 0n || serial.length > serialDigits) return { ok: false, reason: 'serial_exhausted' };
  const data = `${input.extensionDigit}${input.companyPrefix}${serial.padStart(serialDigits, '0')}`;
  return { ok: true, sscc: `${data}${gs1CheckDigit(data)}` };
}

export function isValidSscc(sscc: string): boolean {
  return /^[0-9]{18}$/.test(sscc) && gs1CheckDigit(sscc.slice(0, 17)) === Number(sscc[17]);
}
