import { describe, expect, it } from 'vitest';
import { formatMoney, table } from './demo-trail.printer.ts';

describe('the demo trail printer', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [-5, '-0.05'],
    [123456, '1,234.56'],
    [100000000, '1,000,000.00'],
    [-98765432, '-987,654.32'],
  ])('formats %i minor units as %s', (minor, text) => {
    expect(formatMoney(minor)).toBe(text);
  });

  it('aligns columns to the widest cell, numbers to the right', () => {
    expect(table([['a', '1.00'], ['long', '123.45']], [1], '')).toEqual(['a       1.00', 'long  123.45']);
  });
});
