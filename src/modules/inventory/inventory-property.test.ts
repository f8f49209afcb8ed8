import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant } from '../../../test/support/tenants.ts';
import { isAppError } from '../../platform/errors.ts';
import { availableToPromise } from './atp.service.ts';
import { createFixtureItem, createFixtureOrder, createFixtureWarehouse, inventoryContext } from './inventory.fixtures.ts';
import { releaseReservations, reserveStock } from './reservations.service.ts';
import { lockStockBalances } from './stock-balances.service.ts';
import { adjustStock } from './stock-movements.service.ts';
import { verifyInventory } from './verify-inventory.service.ts';

/**
 * Model-based property test: random sequences of adjust / reserve / release run
 * against the real service and against an in-memory model written
 * independently (integer quantities and cents, half-up by integer arithmetic).
 * After every command the system agrees with the model, and the identities hold:
 * balances = Σ movements (qty and value), reserved = Σ open reservations,
 * 0 ≤ reserved ≤ on hand, on hand 0 ⇒ value 0, ATP per warehouse and in total.
 */

const testDb = useTestDatabase();
const ITEMS = 2;
const WAREHOUSES = 2;
const ORDERS = 3;

type Command =
  | { kind: 'adjust'; key: number; qty: number; costCents: number }
  | { kind: 'reserve'; key: number; order: number; qty: number }
  | { kind: 'release'; order: number };

const keyIndex = fc.integer({ min: 0, max: ITEMS * WAREHOUSES - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  // Increases twice as often as decreases, so that stock builds up and most commands can succeed.
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('adjust' as const), key: keyIndex, qty: fc.integer({ min: 1, max: 12 }), costCents: fc.integer({ min: 0, max: 999 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('adjust' as const), key: keyIndex, qty: fc.integer({ min: -8, max: -1 }), costCents: fc.constant(0) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reserve' as const), key: keyIndex, order: fc.integer({ min: 0, max: ORDERS - 1 }), qty: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), order: fc.integer({ min: 0, max: ORDERS - 1 }) }) },
);

interface ModelBalance {
  onHand: number;
  reserved: number;
  valueMinor: number;
}

/** Half-up of a / b for non-negative integers. */
const halfUp = (a: number, b: number) => Math.floor((2 * a + b) / (2 * b));

function expectedOutcome(model: ModelBalance[], reservations: Map<number, Array<{ key: number; qty: number }>>, cmd: Command): string {
  if (cmd.kind === 'adjust') {
    const balance = model[cmd.key]!;
    if (cmd.qty > 0) {
      balance.onHand += cmd.qty;
      balance.valueMinor += cmd.qty * cmd.costCents;
      return 'ok';
    }
    const after = balance.onHand + cmd.qty;
    if (after < 0) return 'NEGATIVE_STOCK_REFUSED';
    if (after < balance.reserved) return 'STOCK_RESERVED';
    const out = after === 0 ? balance.valueMinor : halfUp(balance.valueMinor * -cmd.qty, balance.onHand);
    balance.onHand = after;
    balance.valueMinor -= out;
    return 'ok';
  }
  if (cmd.kind === 'reserve') {
    const balance = model[cmd.key]!;
    if (balance.onHand - balance.reserved < cmd.qty) return 'INSUFFICIENT_STOCK';
    balance.reserved += cmd.qty;
    reservations.set(cmd.order, [...(reservations.get(cmd.order) ?? []), { key: cmd.key, qty: cmd.qty }]);
    return 'ok';
  }
  for (const reservation of reservations.get(cmd.order) ?? []) model[reservation.key]!.reserved -= reservation.qty;
  reservations.delete(cmd.order);
  return 'ok';
}

describe('inventory agrees with a model over random adjust / reserve / release sequences', () => {
  it('keeps balances, reservations, values and ATP exactly as the model says', async () => {
    let succeeded = 0;
    let total = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 8, maxLength: 20, size: 'max' }), async (commands) => {
        const db = testDb().db;
        const { tenantId } = await createTestTenant(db);
        const ctx = inventoryContext(tenantId);
        const itemIds = [await createFixtureItem(db, tenantId), await createFixtureItem(db, tenantId)];
        // One warehouse with a receiving bin (bin balances move too), one without bins.
        const warehouseIds = [
          (await createFixtureWarehouse(db, tenantId, { bins: [{ code: 'RCV', kind: 'receiving' }] })).warehouseId,
          (await createFixtureWarehouse(db, tenantId)).warehouseId,
        ];
        const keys = itemIds.flatMap((itemId) => warehouseIds.map((warehouseId) => ({ itemId, warehouseId })));
        const orders = await Promise.all(Array.from({ length: ORDERS }, () => createFixtureOrder(db, tenantId, itemIds)));
        const model: ModelBalance[] = keys.map(() => ({ onHand: 0, reserved: 0, valueMinor: 0 }));
        const reservations = new Map<number, Array<{ key: number; qty: number }>>();

        for (const cmd of commands) {
          const expected = expectedOutcome(model, reservations, cmd);
          let actual = 'ok';
          try {
            await db.withTenant(ctx, async (tx) => {
              if (cmd.kind === 'adjust') {
                const key = keys[cmd.key]!;
                await adjustStock(tx, ctx, { ...key, qty: String(cmd.qty), unitCost: (cmd.costCents / 100).toFixed(2), reason: 'property' });
              } else if (cmd.kind === 'reserve') {
                const key = keys[cmd.key]!;
                const order = orders[cmd.order]!;
                await lockStockBalances(tx, ctx, [key]);
                await reserveStock(tx, ctx, { ...key, orderId: order.orderId, lineId: order.lineIds[itemIds.indexOf(key.itemId)]!, qty: String(cmd.qty) });
              } else {
                await releaseReservations(tx, ctx, { orderId: orders[cmd.order]!.orderId });
              }
            });
          } catch (error) {
            if (!isAppError(error)) throw error;
            actual = error.code;
          }
          expect(actual, JSON.stringify(cmd)).toBe(expected);
          total++;
          if (actual === 'ok') succeeded++;

          const { rows } = await testDb().admin.query(
            `select item_id, warehouse_id, on_hand::float8 as on_hand, reserved::float8 as reserved, value_minor::int8::text as value_minor
             from stock_balances where tenant_id = $1`,
            [tenantId],
          );
          const actualBalances = keys.map((key) => {
            const row = rows.find((candidate) => candidate.item_id === key.itemId && candidate.warehouse_id === key.warehouseId);
            return row ? { onHand: row.on_hand, reserved: row.reserved, valueMinor: Number(row.value_minor) } : { onHand: 0, reserved: 0, valueMinor: 0 };
          });
          expect(actualBalances).toEqual(model);
          for (const balance of actualBalances) {
            expect(balance.reserved).toBeGreaterThanOrEqual(0);
            expect(balance.reserved).toBeLessThanOrEqual(balance.onHand);
            if (balance.onHand === 0) expect(balance.valueMinor).toBe(0);
          }
          await db.withTenant(ctx, async (tx) => expect(await verifyInventory(tx, ctx)).toEqual([]));
        }

        await db.withTenant(ctx, async (tx) => {
          for (const [itemIndex, itemId] of itemIds.entries()) {
            const atp = await availableToPromise(tx, ctx, itemId);
            const mine = model.slice(itemIndex * WAREHOUSES, (itemIndex + 1) * WAREHOUSES);
            for (const [warehouseIndex, warehouseId] of warehouseIds.entries()) {
              const position = mine[warehouseIndex]!;
              expect(atp.warehouses.find((w) => w.warehouseId === warehouseId)).toMatchObject({
                onHand: String(position.onHand),
                reserved: String(position.reserved),
                available: String(position.onHand - position.reserved),
              });
            }
            const onHand = mine.reduce((sum, position) => sum + position.onHand, 0);
            const reserved = mine.reduce((sum, position) => sum + position.reserved, 0);
            expect(atp.total).toEqual({ onHand: String(onHand), reserved: String(reserved), available: String(onHand - reserved) });
          }
        });
      }),
      { numRuns: 30 },
    );
    // A system that refused everything would agree with nothing above; this keeps the generator honest too.
    expect(succeeded / total).toBeGreaterThan(0.5);
  });
});
