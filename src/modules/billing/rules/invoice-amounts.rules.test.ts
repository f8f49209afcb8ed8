import { describe, expect, it } from 'vitest';
import { billLine, freightTaxMinor } from './invoice-amounts.rules.ts';

describe('invoice line amounts', () => {
  it.each([
    ['bills 4 × 25.00 at 7.25 % as 100.00 and 7.25 (the DOMAIN example)', { qtyBase: '4', orderedQty: '4', orderedQtyBase: '4', unitPrice: '25', taxRate: '0.0725', taxExempt: false }, { qty: '4', amountMinor: 10_000, taxMinor: 725 }],
    ['converts stocking units back to the ordered unit (24 EA of a CA-of-12 order is 2 CA)', { qtyBase: '24', orderedQty: '3', orderedQtyBase: '36', unitPrice: '15', taxRate: '0.0725', taxExempt: false }, { qty: '2', amountMinor: 3000, taxMinor: 218 }],
    ['bills a part of a case from the exact fraction, rounding once', { qtyBase: '5', orderedQty: '1', orderedQtyBase: '12', unitPrice: '10', taxRate: '0', taxExempt: false }, { qty: '0.416667', amountMinor: 417, taxMinor: 0 }],
    ['charges no tax on an exempt line', { qtyBase: '2', orderedQty: '2', orderedQtyBase: '2', unitPrice: '1.255', taxRate: '0.08', taxExempt: true }, { qty: '2', amountMinor: 251, taxMinor: 0 }],
    ['rounds half-up per line', { qtyBase: '1', orderedQty: '1', orderedQtyBase: '1', unitPrice: '0.05', taxRate: '0.1', taxExempt: false }, { qty: '1', amountMinor: 5, taxMinor: 1 }],
  ])('%s', (_name, line, expected) => {
    expect(billLine(line, 'USD')).toEqual(expected);
  });

  it('taxes freight only where the jurisdiction says freight is taxable', () => {
    expect(freightTaxMinor(900, false, '0.0725')).toBe(0);
    expect(freightTaxMinor(900, true, '0.0725')).toBe(65);
    expect(freightTaxMinor(900, true, null)).toBe(0);
  });
});
