import { describe, expect, it } from 'vitest';
import { stockMovementPostingLines } from './stock-posting.rules.ts';

describe('stock movement posting rules', () => {
  it.each([
    ['opening stock debits inventory against opening balance equity', { movementType: 'opening', valueMinor: 5000 }, [
      { account: 'inventory', debitMinor: 5000 },
      { account: 'opening_balance_equity', creditMinor: 5000 },
    ]],
    ['a positive adjustment debits inventory against inventory adjustments', { movementType: 'adjustment', valueMinor: 250 }, [
      { account: 'inventory', debitMinor: 250 },
      { account: 'inventory_adjustments', creditMinor: 250 },
    ]],
    ['a negative adjustment credits inventory and expenses the loss', { movementType: 'adjustment', valueMinor: -333 }, [
      { account: 'inventory_adjustments', debitMinor: 333 },
      { account: 'inventory', creditMinor: 333 },
    ]],
    ['a receipt credits goods received not invoiced by default', { movementType: 'receipt', valueMinor: 1200 }, [
      { account: 'inventory', debitMinor: 1200 },
      { account: 'grni', creditMinor: 1200 },
    ]],
    ['a receipt credits the counter account it is given', { movementType: 'receipt', valueMinor: 1200, counterAccount: 'accounts_payable' }, [
      { account: 'inventory', debitMinor: 1200 },
      { account: 'accounts_payable', creditMinor: 1200 },
    ]],
    ['a value-0 movement posts nothing', { movementType: 'receipt', valueMinor: 0 }, []],
  ] as const)('%s', (_name, movement, expected) => {
    expect(stockMovementPostingLines(movement)).toEqual(expected);
  });
});
