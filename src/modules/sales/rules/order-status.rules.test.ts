import { describe, expect, it } from 'vitest';
import { allocationStatus, canApply, ORDER_STATUSES, TRANSITIONS, type OrderAction } from './order-status.rules.ts';

describe('order state machine', () => {
  const allowed: Record<OrderAction, string[]> = {
    confirm: ['draft'],
    release_hold: ['on_hold'],
    allocate: ['confirmed', 'allocated', 'partially_allocated', 'backordered'],
    revise: ['draft', 'on_hold', 'confirmed', 'allocated', 'partially_allocated', 'backordered'],
    cancel: ['draft', 'on_hold', 'confirmed', 'allocated', 'partially_allocated', 'backordered'],
  };
  const table = (Object.keys(allowed) as OrderAction[]).flatMap((action) =>
    ORDER_STATUSES.map((status) => ({ action, status, ok: allowed[action].includes(status) })),
  );
  it.each(table)('$action from $status → allowed: $ok', ({ action, status, ok }) => {
    expect(canApply(action, status)).toBe(ok);
  });

  it.each([
    ['confirm', 'SALES_ORDER_NOT_CONFIRMABLE'],
    ['cancel', 'SALES_ORDER_NOT_CANCELLABLE'],
    ['revise', 'SALES_ORDER_NOT_REVISABLE'],
    ['allocate', 'SALES_ORDER_NOT_ALLOCATABLE'],
    ['release_hold', 'SALES_ORDER_NOT_ON_HOLD'],
  ] as const)('refuses %s with the stable code %s', (action, code) => {
    expect(TRANSITIONS[action].error).toBe(code);
  });
});

const line = (qtyBase: string, allocated = '0', backordered = '0', cancelled = '0', shipped = '0') => ({
  qtyBase,
  qtyAllocated: allocated,
  qtyBackordered: backordered,
  qtyCancelled: cancelled,
  qtyShipped: shipped,
});

describe('allocationStatus', () => {
  it.each([
    { name: 'is allocated when every line is fully reserved', lines: [line('5', '5'), line('2', '2')], status: 'allocated' },
    { name: 'is allocated when the unreserved remainder was cancelled', lines: [line('5', '3', '0', '2')], status: 'allocated' },
    { name: 'is partially allocated when some is reserved and some backordered', lines: [line('5', '5'), line('2', '0', '2')], status: 'partially_allocated' },
    { name: 'is partially allocated when one line is split between reserved and backordered', lines: [line('5', '3', '2')], status: 'partially_allocated' },
    { name: 'is backordered when nothing is reserved and something is backordered', lines: [line('5', '0', '5'), line('1', '0', '0', '1')], status: 'backordered' },
    { name: 'is cancelled when every quantity was cancelled (fill or kill)', lines: [line('5', '0', '0', '5')], status: 'cancelled' },
  ])('$name', ({ lines, status }) => {
    expect(allocationStatus(lines)).toBe(status);
  });
});
