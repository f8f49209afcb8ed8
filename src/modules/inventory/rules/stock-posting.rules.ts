import type { AccountRole, PostingLine } from '../../ledger/index.ts';

/**
 * The journal lines of a stock movement (docs/fulfilment-contracts.md, posting rules):
 * the inventory account moves by the movement's value, the counter account by the
 * same amount the other way. A value-0 movement posts nothing (empty list).
 */
export function stockMovementPostingLines(movement: {
  movementType: 'opening' | 'adjustment' | 'receipt';
  valueMinor: number;
  counterAccount?: AccountRole | undefined;
}): PostingLine[] {
  const counter: AccountRole =
    movement.movementType === 'opening' ? 'opening_balance_equity' : movement.movementType === 'adjustment' ? 'inventory_adjustments' : (movement.counterAccount ?? 'grni');
  const amount = Math.abs(movement.valueMinor);
  if (amount === 0) return [];
  return movement.valueMinor > 0
    ? [
        { account: 'inventory', debitMinor: amount },
        { account: counter, creditMinor: amount },
      ]
    : [
        { account: counter, debitMinor: amount },
        { account: 'inventory', creditMinor: amount },
      ];
}
