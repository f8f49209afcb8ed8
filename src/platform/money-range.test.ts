import { describe, expect, it } from 'vitest';
import { applyRateMinor, formatMinor, lineAmountMinor, minorUnitsOf, toMinorUnits, Dec } from './money.ts';

describe('money', () => {
  it.each([
    ['USD', 2],
    ['JPY', 0],
    ['KWD', 3],
  ])('knows the minor units of %s (%i)', (currency, digits) => {
    expect(minorUnitsOf(currency)).toBe(digits);
  });

  it('rounds line amounts half-up to the minor unit', () => {
    expect(lineAmountMinor('1.46', '3', 'USD')).toBe(438);
    expect(toMinorUnits(new Dec('12.345'), 'USD')).toBe(1235);
    expect(toMinorUnits(new Dec('12.5'), 'JPY')).toBe(13);
    expect(applyRateMinor(10000, '0.0725')).toBe(725);
    expect(applyRateMinor(10, '0.0725')).toBe(1);
  });

  it('refuses an amount beyond 2^53 minor units as the caller\'s error, not a crash', () => {
    expect(() => lineAmountMinor('999999.99', '999999999999', 'USD')).toThrow(expect.objectContaining({ code: 'AMOUNT_OUT_OF_RANGE' }));
  });
});

describe('formatMinor shows minor units to people exactly', () => {
  it.each([
    [5612765, 'USD', '56,127.65'],
    [-1234, 'USD', '-12.34'],
    [5, 'USD', '0.05'],
    [-5, 'USD', '-0.05'],
    [0, 'USD', '0.00'],
    [1234567, 'JPY', '1,234,567'],
    [12345, 'KWD', '12.345'],
    [Number.MAX_SAFE_INTEGER, 'USD', '90,071,992,547,409.91'],
  ])('%d %s → %s', (minor, currency, expected) => {
    expect(formatMinor(minor, currency)).toBe(expected);
  });
});
