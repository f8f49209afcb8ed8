import { describe, expect, it } from 'vitest';
import { Dec } from '../../../platform/money.ts';
import type { ApiBalance, ApiItem } from '../demo-trail.types.ts';
import { orderQty, outOfStockItem, scarceItem, splitItem, stockedItem, type StockView } from './demo-scenarios.rules.ts';

const item = (sku: string, extra: Partial<ApiItem> = {}): ApiItem => ({ itemId: sku, sku, description: sku, gtin: '0123456789012', weightKg: '1', active: true, category: 'fasteners', ...extra });
const balance = (itemId: string, warehouseId: string, available: string): ApiBalance => ({ itemId, warehouseId, onHand: available, reserved: '0', available });
const view = (items: ApiItem[], balances: ApiBalance[]): StockView => ({ items, balances, warehouses: [{ warehouseId: 'DAL', code: 'DAL' }, { warehouseId: 'HOU', code: 'HOU' }, { warehouseId: 'OKC', code: 'OKC' }] });

describe('which items the demo orders', () => {
  it('splits the line with the smallest quantity that neither warehouse fills alone: max(a, b) + 1', () => {
    const stock = view([item('A'), item('B')], [balance('A', 'DAL', '40'), balance('A', 'HOU', '3'), balance('B', 'DAL', '5'), balance('B', 'HOU', '2')]);
    expect(splitItem(stock, 'DAL', 'HOU', new Set())).toEqual({ item: stock.items[1], qty: '6' });
  });

  it('does not split an item a third warehouse could ship alone', () => {
    const stock = view([item('A')], [balance('A', 'DAL', '5'), balance('A', 'HOU', '2'), balance('A', 'OKC', '100')]);
    expect(splitItem(stock, 'DAL', 'HOU', new Set())).toBeNull();
  });

  it('needs stock in both warehouses to split', () => {
    const stock = view([item('A')], [balance('A', 'DAL', '5'), balance('A', 'HOU', '0')]);
    expect(splitItem(stock, 'DAL', 'HOU', new Set())).toBeNull();
  });

  it('backorders an item with nothing available anywhere, skipping inactive items and items without a GTIN', () => {
    const stock = view([item('A', { active: false }), item('B', { gtin: null }), item('C'), item('D')], [balance('D', 'DAL', '1'), balance('C', 'DAL', '0')]);
    expect(outOfStockItem(stock, new Set())?.sku).toBe('C');
    expect(outOfStockItem(stock, new Set(['C']))).toBeNull();
  });

  it('buys the out-of-stock item when there is one, else the one with the least available in total', () => {
    const none = view([item('A'), item('B'), item('C')], [balance('A', 'DAL', '3'), balance('A', 'HOU', '3'), balance('B', 'DAL', '5'), balance('C', 'DAL', '9')]);
    expect(scarceItem(none, new Set())?.sku).toBe('B');
    expect(scarceItem(none, new Set(['B']))?.sku).toBe('A');
    const out = view([item('A'), item('B')], [balance('A', 'DAL', '1')]);
    expect(scarceItem(out, new Set())?.sku).toBe('B');
  });

  it('takes the first item in SKU order with enough stock in the warehouse, not one another scenario uses', () => {
    const stock = view([item('Z'), item('M'), item('A')], [balance('Z', 'DAL', '50'), balance('M', 'DAL', '50'), balance('A', 'DAL', '3')]);
    expect(stockedItem(stock, 'DAL', 10, new Set())?.sku).toBe('M');
    expect(stockedItem(stock, 'DAL', 10, new Set(['M']))?.sku).toBe('Z');
    expect(stockedItem(stock, 'HOU', 1, new Set())).toBeNull();
  });

  it.each([
    ['7', '336', '84', '336', 'raises a small need to the minimum'],
    ['400', '336', '84', '420', 'rounds a need above the minimum up to whole packs'],
    ['24', '12', '12', '24', 'keeps a need that is already whole packs'],
    ['3', '1', '1', '3', 'orders exactly the need with no minimum and single units'],
  ])('orders %s with minimum %s and pack %s as %s (%s)', (needed, minOrderQty, packSize, expected) => {
    expect(orderQty(new Dec(needed), { minOrderQty, packSize }).toString()).toBe(expected);
  });
});
