import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import {
  discounted,
  PRICE_PRECEDENCE,
  resolvePrice,
  type ContractPriceRow,
  type MatrixDiscountRow,
  type PriceListForItem,
  type ResolvePriceInput,
} from './resolve-price.rules.ts';

const item = { itemId: 'item-1', brand: 'Acme', category: 'fasteners', attributes: { material: 'steel', finish: 'zinc' } };

const baseList = (entries: PriceListForItem['entries'] = [
  { unit: 'EA', minQty: '0', unitPrice: '10' },
  { unit: 'EA', minQty: '10', unitPrice: '9.5' },
  { unit: 'EA', minQty: '100', unitPrice: '9' },
  { unit: 'CA', minQty: '0', unitPrice: '110' },
]): PriceListForItem => ({ priceListId: 'pl-base', code: 'BASE', currency: 'USD', active: true, entries });

const customerList = (entries: PriceListForItem['entries'] = [
  { unit: 'EA', minQty: '0', unitPrice: '9.8' },
  { unit: 'EA', minQty: '50', unitPrice: '9.2' },
]): PriceListForItem => ({ priceListId: 'pl-gold', code: 'GOLD', currency: 'USD', active: true, entries });

const contract = (over: Partial<ContractPriceRow> = {}): ContractPriceRow => ({
  contractPriceId: 'cp-1',
  contractReference: null,
  unit: 'EA',
  minQty: '0',
  unitPrice: '8',
  validFrom: '2026-01-01',
  validTo: '2026-06-30',
  ...over,
});

const discount = (over: Partial<MatrixDiscountRow> = {}): MatrixDiscountRow => ({
  discountId: 'md-1',
  attribute: 'brand',
  attributeValue: 'Acme',
  customerTier: 'A',
  discountPercent: '10',
  validFrom: null,
  validTo: null,
  ...over,
});

function input(over: Partial<ResolvePriceInput> = {}): ResolvePriceInput {
  return {
    item,
    unit: 'EA',
    qty: '1',
    date: '2026-03-15',
    currency: 'USD',
    customerTier: 'A',
    contracts: [],
    customerList: null,
    baseList: baseList(),
    matrixDiscounts: [],
    ...over,
  };
}

interface Case {
  name: string;
  input: ResolvePriceInput;
  rule: string;
  price: string;
}

const cases: Case[] = [
  // --- each rule winning, and losing to a higher one
  { name: 'uses the base list when nothing else applies', input: input(), rule: 'base_list', price: '10' },
  { name: 'a matrix discount beats the base list', input: input({ matrixDiscounts: [discount()] }), rule: 'matrix_discount', price: '9' },
  { name: 'the customer list beats a matrix discount', input: input({ customerList: customerList(), matrixDiscounts: [discount()] }), rule: 'customer_list', price: '9.8' },
  { name: 'a contract beats the customer list, the matrix and the base list', input: input({ contracts: [contract()], customerList: customerList(), matrixDiscounts: [discount()] }), rule: 'contract', price: '8' },
  { name: 'a contract wins even when its price is higher than the list price (precedence, not cheapest)', input: input({ contracts: [contract({ unitPrice: '12' })], customerList: customerList() }), rule: 'contract', price: '12' },
  // --- contract validity (inclusive both ends, business dates)
  { name: 'an expired contract loses to the customer list', input: input({ date: '2026-07-01', contracts: [contract()], customerList: customerList() }), rule: 'customer_list', price: '9.8' },
  { name: 'a not-yet-valid contract loses to the base list', input: input({ date: '2025-12-31', contracts: [contract()] }), rule: 'base_list', price: '10' },
  { name: 'a contract is valid on its last day (inclusive)', input: input({ date: '2026-06-30', contracts: [contract()] }), rule: 'contract', price: '8' },
  { name: 'a contract is valid on its first day (inclusive)', input: input({ date: '2026-01-01', contracts: [contract()] }), rule: 'contract', price: '8' },
  { name: 'a one-day contract applies on that day', input: input({ date: '2026-04-01', contracts: [contract({ validFrom: '2026-04-01', validTo: '2026-04-01', unitPrice: '7' })] }), rule: 'contract', price: '7' },
  { name: 'of two valid contracts the lower price wins', input: input({ contracts: [contract({ contractPriceId: 'cp-a', unitPrice: '8' }), contract({ contractPriceId: 'cp-b', unitPrice: '7.5' })] }), rule: 'contract', price: '7.5' },
  { name: 'a contract in another unit does not apply', input: input({ contracts: [contract({ unit: 'CA', unitPrice: '90' })] }), rule: 'base_list', price: '10' },
  { name: 'a contract break not reached does not apply', input: input({ qty: '5', contracts: [contract({ minQty: '10', unitPrice: '7' })] }), rule: 'base_list', price: '10' },
  { name: 'a contract break reached applies', input: input({ qty: '10', contracts: [contract({ minQty: '10', unitPrice: '7' })] }), rule: 'contract', price: '7' },
  { name: 'contract breaks: the lowest price among reached breaks wins', input: input({ qty: '25', contracts: [contract({ contractPriceId: 'cp-a', minQty: '0', unitPrice: '8' }), contract({ contractPriceId: 'cp-b', minQty: '20', unitPrice: '7.4' }), contract({ contractPriceId: 'cp-c', minQty: '50', unitPrice: '7' })] }), rule: 'contract', price: '7.4' },
  // --- quantity breaks in a list
  { name: 'qty below the first break above 0 takes the 0 break', input: input({ qty: '9.999' }), rule: 'base_list', price: '10' },
  { name: 'qty exactly on a break reaches it', input: input({ qty: '10' }), rule: 'base_list', price: '9.5' },
  { name: 'qty between breaks takes the highest reached', input: input({ qty: '99' }), rule: 'base_list', price: '9.5' },
  { name: 'qty beyond the top break takes the top break', input: input({ qty: '1000' }), rule: 'base_list', price: '9' },
  { name: 'customer list breaks choose the best tier reached', input: input({ qty: '60', customerList: customerList() }), rule: 'customer_list', price: '9.2' },
  { name: 'the ordered unit selects the case price, not the each price', input: input({ unit: 'CA', qty: '2' }), rule: 'base_list', price: '110' },
  { name: 'a customer list without an entry in the ordered unit falls through to base', input: input({ unit: 'CA', qty: '2', customerList: customerList() }), rule: 'base_list', price: '110' },
  { name: 'a customer list whose only break is not reached falls through', input: input({ qty: '5', customerList: customerList([{ unit: 'EA', minQty: '10', unitPrice: '8.8' }]) }), rule: 'base_list', price: '10' },
  { name: 'an inactive customer list does not apply', input: input({ customerList: { ...customerList(), active: false } }), rule: 'base_list', price: '10' },
  { name: 'a customer list in another currency does not apply', input: input({ customerList: { ...customerList(), currency: 'EUR' } }), rule: 'base_list', price: '10' },
  // --- matrix discounts
  { name: 'matrix by brand', input: input({ matrixDiscounts: [discount({ attribute: 'brand', attributeValue: 'Acme', discountPercent: '10' })] }), rule: 'matrix_discount', price: '9' },
  { name: 'matrix by category', input: input({ matrixDiscounts: [discount({ attribute: 'category', attributeValue: 'fasteners', discountPercent: '12.5' })] }), rule: 'matrix_discount', price: '8.75' },
  { name: 'matrix by a key of the item attributes', input: input({ matrixDiscounts: [discount({ attribute: 'material', attributeValue: 'steel', discountPercent: '5' })] }), rule: 'matrix_discount', price: '9.5' },
  { name: 'matrix discount off the base break reached', input: input({ qty: '100', matrixDiscounts: [discount()] }), rule: 'matrix_discount', price: '8.1' },
  { name: 'matrix for another tier does not apply', input: input({ matrixDiscounts: [discount({ customerTier: 'B' })] }), rule: 'base_list', price: '10' },
  { name: 'matrix does not apply to a customer without a tier', input: input({ customerTier: null, matrixDiscounts: [discount()] }), rule: 'base_list', price: '10' },
  { name: 'matrix for another attribute value does not apply', input: input({ matrixDiscounts: [discount({ attributeValue: 'Other' })] }), rule: 'base_list', price: '10' },
  { name: 'matrix for an attribute the item lacks does not apply', input: input({ matrixDiscounts: [discount({ attribute: 'color', attributeValue: 'red' })] }), rule: 'base_list', price: '10' },
  { name: 'matrix by tier: tier B gets its own discount', input: input({ customerTier: 'B', matrixDiscounts: [discount({ discountId: 'md-a', customerTier: 'A', discountPercent: '10' }), discount({ discountId: 'md-b', customerTier: 'B', discountPercent: '20' })] }), rule: 'matrix_discount', price: '8' },
  { name: 'several matrix discounts: the largest percent wins', input: input({ matrixDiscounts: [discount({ discountId: 'md-a', discountPercent: '10' }), discount({ discountId: 'md-b', attribute: 'category', attributeValue: 'fasteners', discountPercent: '15' }), discount({ discountId: 'md-c', attribute: 'finish', attributeValue: 'zinc', discountPercent: '3' })] }), rule: 'matrix_discount', price: '8.5' },
  { name: 'an expired matrix discount does not apply', input: input({ matrixDiscounts: [discount({ validTo: '2026-03-14' })] }), rule: 'base_list', price: '10' },
  { name: 'a matrix discount is valid on its last day', input: input({ matrixDiscounts: [discount({ validTo: '2026-03-15' })] }), rule: 'matrix_discount', price: '9' },
  { name: 'a not-yet-valid matrix discount does not apply', input: input({ matrixDiscounts: [discount({ validFrom: '2026-03-16' })] }), rule: 'base_list', price: '10' },
  { name: 'a matrix discount keeps 6 decimal places, half-up', input: input({ baseList: baseList([{ unit: 'EA', minQty: '0', unitPrice: '0.333333' }]), matrixDiscounts: [discount({ discountPercent: '33.3333' })] }), rule: 'matrix_discount', price: '0.222222' },
  { name: 'a contract beats a matrix discount even when the discount is cheaper', input: input({ contracts: [contract({ unitPrice: '9.9' })], matrixDiscounts: [discount({ discountPercent: '50' })] }), rule: 'contract', price: '9.9' },
  { name: 'the customer list wins without a base list', input: input({ baseList: null, customerList: customerList() }), rule: 'customer_list', price: '9.8' },
  { name: 'a contract wins without any list', input: input({ baseList: null, contracts: [contract()] }), rule: 'contract', price: '8' },
];

describe('resolvePrice: precedence contract → customer list → matrix discount → base list', () => {
  it.each(cases)('$name', ({ input: caseInput, rule, price }) => {
    const explanation = resolvePrice(caseInput);
    expect(explanation.winner.rule).toBe(rule);
    expect(explanation.winner.unitPrice).toBe(price);
    expect(explanation.winner.applies).toBe(true);
    // Exactly one candidate applies after resolution within the winning group, and the winner is in the list.
    expect(explanation.candidates).toContain(explanation.winner);
    expect(explanation.precedence).toEqual(PRICE_PRECEDENCE);
  });
});

describe('resolvePrice: the explanation', () => {
  it('lists every candidate with why it lost, in precedence order', () => {
    const explanation = resolvePrice(
      input({
        date: '2026-07-01',
        qty: '12',
        contracts: [contract({ contractPriceId: 'cp-expired', contractReference: 'K-2026-1' }), contract({ contractPriceId: 'cp-future', validFrom: '2026-08-01', validTo: '2026-12-31' })],
        customerList: customerList(),
        matrixDiscounts: [discount({ customerTier: 'B' }), discount({ discountId: 'md-2', attribute: 'category', attributeValue: 'fasteners' })],
      }),
    );
    expect(explanation.winner).toMatchObject({ rule: 'customer_list', reference: 'GOLD EA from 0', unitPrice: '9.8', reason: 'best break reached: 0' });
    const byRef = Object.fromEntries(explanation.candidates.map((candidate) => [candidate.reference, candidate]));
    expect(byRef['cp-expired (K-2026-1)']).toMatchObject({ applies: false, reason: 'expired 2026-06-30' });
    expect(byRef['cp-future']).toMatchObject({ applies: false, reason: 'not yet valid: starts 2026-08-01' });
    expect(byRef['GOLD EA from 50']).toMatchObject({ applies: false, reason: 'below break 50' });
    expect(byRef['md-1 (brand=Acme, tier B, 10 %)']).toMatchObject({ applies: false, reason: 'for tier B, customer is tier A' });
    // Eligible but outranked: says so.
    expect(byRef['md-2 (category=fasteners, tier A, 10 %)']).toMatchObject({ applies: true, unitPrice: '8.55' });
    expect(byRef['md-2 (category=fasteners, tier A, 10 %)']!.reason).toContain('not used: customer_list GOLD EA from 0 takes precedence');
    expect(byRef['BASE EA from 10']).toMatchObject({ applies: true, unitPrice: '9.5' });
    expect(byRef['BASE EA from 0']).toMatchObject({ applies: false, reason: 'break 0 superseded by break 10' });
    expect(byRef['BASE CA from 0']).toMatchObject({ applies: false, reason: 'priced per CA, ordered in EA' });
    expect(explanation.candidates.map((candidate) => candidate.rule)).toEqual([
      'contract', 'contract', 'customer_list', 'customer_list', 'matrix_discount', 'matrix_discount', 'base_list', 'base_list', 'base_list', 'base_list',
    ]);
  });

  it('breaks a tie between equally priced contracts by the smaller id, whatever the input order', () => {
    const rows = [contract({ contractPriceId: 'cp-b', unitPrice: '8' }), contract({ contractPriceId: 'cp-a', unitPrice: '8' })];
    expect(resolvePrice(input({ contracts: rows })).winner.reference).toBe('cp-a');
    expect(resolvePrice(input({ contracts: [...rows].reverse() })).winner.reference).toBe('cp-a');
    const loser = resolvePrice(input({ contracts: rows })).candidates.find((candidate) => candidate.reference === 'cp-b')!;
    expect(loser.applies).toBe(false);
    expect(loser.reason).toContain('contract cp-a is lower or equal and wins');
  });

  it('breaks a tie between equal matrix percents by the smaller id', () => {
    const rows = [discount({ discountId: 'md-z' }), discount({ discountId: 'md-a', attribute: 'category', attributeValue: 'fasteners' })];
    expect(resolvePrice(input({ matrixDiscounts: rows })).winner.reference).toMatch(/^md-a /);
    expect(resolvePrice(input({ matrixDiscounts: [...rows].reverse() })).winner.reference).toMatch(/^md-a /);
  });

  it('says a matrix discount cannot apply without a base price', () => {
    const explanation = resolvePrice(input({ baseList: null, customerList: customerList(), matrixDiscounts: [discount()] }));
    expect(explanation.candidates.find((candidate) => candidate.rule === 'matrix_discount')).toMatchObject({ applies: false, unitPrice: null, reason: 'no base-list price to discount' });
  });
});

describe('resolvePrice: no price', () => {
  const noPrice: Array<{ name: string; input: ResolvePriceInput; mentions: string }> = [
    { name: 'refuses an item with no list entry, contract or discount', input: input({ baseList: null }), mentions: 'no contract, list entry or discount' },
    { name: 'refuses a unit nobody priced', input: input({ unit: 'PL' }), mentions: 'priced per EA, ordered in PL' },
    { name: 'refuses when only an expired contract exists', input: input({ baseList: null, date: '2027-01-01', contracts: [contract()] }), mentions: 'expired 2026-06-30' },
    { name: 'refuses when the only break is not reached', input: input({ baseList: baseList([{ unit: 'EA', minQty: '10', unitPrice: '9' }]), qty: '3' }), mentions: 'below break 10' },
    { name: 'refuses a matrix discount alone (it needs a base price)', input: input({ baseList: null, matrixDiscounts: [discount()] }), mentions: 'no base-list price to discount' },
  ];
  it.each(noPrice)('$name', ({ input: caseInput, mentions }) => {
    let error: unknown;
    try {
      resolvePrice(caseInput);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('NO_PRICE');
    expect((error as AppError).status).toBe(422);
    expect((error as AppError).message).toContain(mentions);
  });
});

describe('discounted', () => {
  it.each([
    ['10', '10', '9'],
    ['10', '12.5', '8.75'],
    ['1.99', '15', '1.6915'],
    ['0.000001', '50', '0.000001'], // 0.0000005 rounds half-up
    ['0.000003', '50', '0.000002'], // 0.0000015 rounds half-up
    ['123.456789', '33.3333', '82.304567'],
  ])('%s less %s %% is %s', (base, percent, expected) => {
    expect(discounted(base, percent)).toBe(expected);
  });
});
