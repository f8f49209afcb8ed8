import { describe, expect, it } from 'vitest';
import { computeFreightMinor } from './freight.rules.ts';

const tariff = { baseMinor: 500, perKgMinor: 45 };

describe('freight from the customer\'s terms', () => {
  it.each([
    ['charges nothing on prepaid terms', 'prepaid', ['10'], 0],
    ['charges nothing on collect terms (the customer pays the carrier)', 'collect', ['10'], 0],
    ['adds base + per kg of every carton on prepaid_and_add', 'prepaid_and_add', ['2.5', '1.5'], 500 + 180],
    ['counts a carton without a weight as 0 kg', 'prepaid_and_add', [null, '1'], 545],
    ['rounds the per-kg part half-up once', 'prepaid_and_add', ['0.011'], 500],
    ['rounds 0.5 of a minor unit up', 'prepaid_and_add', ['0.1'], 505],
  ] as const)('%s', (_name, terms, weights, expected) => {
    expect(computeFreightMinor(terms, tariff, [...weights])).toBe(expected);
  });
});
