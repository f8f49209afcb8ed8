import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant } from '../../../test/support/tenants.ts';
import type { OperationContext } from '../../platform/context.ts';
import { createFixtureItem, createFixtureWarehouse, inventoryContext } from './inventory.fixtures.ts';
import { balanceKey, lockStockBalances, type BalanceRef } from './stock-balances.service.ts';
import { adjustStock } from './stock-movements.service.ts';
import { verifyInventory } from './verify-inventory.service.ts';

/**
 * Concurrency on the real server, on separate pooled connections. withTenant
 * retries deadlocks silently, so these tests count how many times each
 * transaction body ran: a deadlock (or serialization failure) shows up as a
 * second attempt even though the caller never sees it.
 */

const testDb = useTestDatabase();
let tenantId: string;
let ctx: OperationContext;

beforeAll(async () => {
  tenantId = (await createTestTenant(testDb().db)).tenantId;
  ctx = inventoryContext(tenantId);
});

function shuffled<T>(values: T[]): T[] {
  const copy = [...values];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/** Locks keys in the given (unsorted) order, holds them briefly, and reports how many attempts the transaction took. */
async function lockAndHold(keys: BalanceRef[]): Promise<{ attempts: number; locked: string[] }> {
  let attempts = 0;
  const locked = await testDb().db.withTenant(ctx, async (tx) => {
    attempts++;
    const balances = await lockStockBalances(tx, ctx, keys);
    // Hold the locks long enough for the other transactions to collide with them.
    await sql`select pg_sleep(0.003)`.execute(tx);
    return [...balances.keys()];
  });
  return { attempts, locked };
}

async function keysFor(items: number, warehouses: number, stocked: boolean): Promise<BalanceRef[]> {
  const itemIds = await Promise.all(Array.from({ length: items }, () => createFixtureItem(testDb().db, tenantId)));
  const warehouseIds = await Promise.all(Array.from({ length: warehouses }, async () => (await createFixtureWarehouse(testDb().db, tenantId)).warehouseId));
  const keys = itemIds.flatMap((itemId) => warehouseIds.map((warehouseId) => ({ itemId, warehouseId })));
  if (stocked) {
    for (const key of keys) await testDb().db.withTenant(ctx, (tx) => adjustStock(tx, ctx, { ...key, qty: '5', unitCost: '1', reason: 'count' }));
  }
  return keys;
}

describe('lockStockBalances lock order', () => {
  it('never deadlocks when transactions lock the same existing balances in opposite and random orders', async () => {
    const keys = await keysFor(3, 2, true);
    for (let round = 0; round < 15; round++) {
      const orders = [keys, [...keys].reverse(), ...Array.from({ length: 6 }, () => shuffled(keys))];
      const results = await Promise.all(orders.map((order) => lockAndHold(order)));
      for (const result of results) {
        expect(result.attempts).toBe(1);
        expect(result.locked).toHaveLength(keys.length);
      }
    }
  });

  it('never deadlocks while the balance rows are being created by the racing transactions themselves', async () => {
    for (let round = 0; round < 10; round++) {
      const keys = await keysFor(3, 1, false); // fresh items: no balance rows yet
      const orders = [keys, [...keys].reverse(), shuffled(keys), shuffled(keys)];
      const results = await Promise.all(orders.map((order) => lockAndHold(order)));
      expect(results.map((result) => result.attempts)).toEqual([1, 1, 1, 1]);
      const { rows } = await testDb().admin.query('select count(*)::int as n from stock_balances where item_id = any($1::uuid[])', [keys.map((key) => key.itemId)]);
      expect(rows[0].n).toBe(3);
    }
  });

  it('returns the locked balances keyed by balanceKey, once per key', async () => {
    const [key] = await keysFor(1, 1, true);
    const result = await testDb().db.withTenant(ctx, (tx) => lockStockBalances(tx, ctx, [key!, key!, { ...key! }]));
    expect([...result.entries()]).toEqual([[balanceKey(key!.itemId, key!.warehouseId), { ...key, onHand: '5', reserved: '0', available: '5', valueMinor: 500 }]]);
  });
});

describe('no global lock', () => {
  it("commits an adjustment of item B while another transaction holds item A's balance, and makes A wait", async () => {
    const itemA = await createFixtureItem(testDb().db, tenantId);
    const itemB = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId } = await createFixtureWarehouse(testDb().db, tenantId);
    await testDb().db.withTenant(ctx, (tx) => adjustStock(tx, ctx, { itemId: itemA, warehouseId, qty: '10', unitCost: '1', reason: 'count' }));

    let releaseHolder!: () => void;
    const held = new Promise<void>((resolve) => (releaseHolder = resolve));
    let signalLocked!: () => void;
    const locked = new Promise<void>((resolve) => (signalLocked = resolve));
    const holder = testDb().db.withTenant(ctx, async (tx) => {
      await lockStockBalances(tx, ctx, [{ itemId: itemA, warehouseId }]);
      signalLocked();
      await held;
    });
    await locked;

    try {
      // B in the same warehouse commits while A is held. lock_timeout turns a wait on
      // a global lock into an error instead of a hung test.
      const movementB = await testDb().db.withTenant(ctx, async (tx) => {
        await sql`set local lock_timeout = '5s'`.execute(tx);
        return adjustStock(tx, ctx, { itemId: itemB, warehouseId, qty: '3', unitCost: '1', reason: 'count' });
      });
      expect(movementB.balance.onHand).toBe('3');
      const { rows: committed } = await testDb().admin.query('select count(*)::int as n from stock_movements where item_id = $1', [itemB]);
      expect(committed[0].n).toBe(1);

      // A, on the other hand, really is held: an adjustment of A waits on the row lock.
      const adjustA = testDb().db.withTenant(ctx, (tx) => adjustStock(tx, ctx, { itemId: itemA, warehouseId, qty: '-1', reason: 'count' }));
      await waitForLockWaiter();
      const { rows: notYet } = await testDb().admin.query('select count(*)::int as n from stock_movements where item_id = $1', [itemA]);
      expect(notYet[0].n).toBe(1);
      releaseHolder();
      await holder;
      expect((await adjustA).balance.onHand).toBe('9');
    } finally {
      releaseHolder();
      await holder.catch(() => undefined);
    }
    await testDb().db.withTenant(ctx, async (tx) => expect(await verifyInventory(tx, ctx)).toEqual([]));
  });
});

async function waitForLockWaiter(): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const { rows } = await testDb().admin.query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no transaction ever waited on the held balance lock');
}
