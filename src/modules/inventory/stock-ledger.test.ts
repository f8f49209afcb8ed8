import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createTestTenant } from '../../../test/support/tenants.ts';
import type { OperationContext } from '../../platform/context.ts';
import { createFixtureItem, createFixtureOrder, createFixtureWarehouse, inventoryContext } from './inventory.fixtures.ts';
import { adjustStock, postOpeningStock, receiveStock, type AdjustStockInput } from './stock-movements.service.ts';
import { reserveStock } from './reservations.service.ts';
import { verifyInventory } from './verify-inventory.service.ts';

const testDb = useTestDatabase();
let tenantId: string;
let ctx: OperationContext;

beforeAll(async () => {
  tenantId = (await createTestTenant(testDb().db)).tenantId;
  ctx = inventoryContext(tenantId);
});

const adjust = (input: AdjustStockInput) => testDb().db.withTenant(ctx, (tx) => adjustStock(tx, ctx, input));

async function balanceRow(itemId: string, warehouseId: string) {
  const { rows } = await testDb().admin.query('select on_hand::text, reserved::text, value_minor::int from stock_balances where item_id = $1 and warehouse_id = $2', [itemId, warehouseId]);
  return rows[0] as { on_hand: string; reserved: string; value_minor: number } | undefined;
}

async function counts(itemId: string) {
  const { rows } = await testDb().admin.query(
    `select (select count(*)::int from stock_movements where item_id = $1) as movements,
            (select count(*)::int from outbox_events where payload->>'itemId' = $1::text) as events,
            (select count(*)::int from audit_log where entity_type = 'stock_movement' and changes->'itemId'->>'new' = $1::text) as audits`,
    [itemId],
  );
  return rows[0] as { movements: number; events: number; audits: number };
}

describe('the stock ledger, moving average by value', () => {
  it('follows the worked example to the cent and ends at value 0 with on hand 0', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId } = await createFixtureWarehouse(testDb().db, tenantId);
    const receipt = await testDb().db.withTenant(ctx, (tx) =>
      receiveStock(tx, ctx, { itemId, warehouseId, qty: '10', unitCost: '1.46', referenceType: 'test', referenceId: 'R1' }),
    );
    expect(receipt).toMatchObject({ movementType: 'receipt', qty: '10', valueMinor: 1460, unitCost: '1.46' });
    expect(receipt.balance).toEqual({ itemId, warehouseId, onHand: '10', reserved: '0', available: '10', valueMinor: 1460 });

    const first = await adjust({ itemId, warehouseId, qty: '-3', reason: 'damaged' });
    expect(first).toMatchObject({ movementType: 'adjustment', qty: '-3', valueMinor: -438, unitCost: '1.46', reason: 'damaged' });
    expect(await balanceRow(itemId, warehouseId)).toEqual({ on_hand: '7.000000', reserved: '0.000000', value_minor: 1022 });

    const last = await adjust({ itemId, warehouseId, qty: '-7', reason: 'written off' });
    expect(last.valueMinor).toBe(-1022);
    expect(await balanceRow(itemId, warehouseId)).toEqual({ on_hand: '0.000000', reserved: '0.000000', value_minor: 0 });

    const { rows } = await testDb().admin.query('select qty::text, value_minor::int from stock_movements where item_id = $1 order by movement_id', [itemId]);
    expect(rows).toEqual([
      { qty: '10.000000', value_minor: 1460 },
      { qty: '-3.000000', value_minor: -438 },
      { qty: '-7.000000', value_minor: -1022 },
    ]);
    await testDb().db.withTenant(ctx, async (tx) => expect(await verifyInventory(tx, ctx)).toEqual([]));
  });

  it('gives the last unit out the remaining value when the average leaves a remainder', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId } = await createFixtureWarehouse(testDb().db, tenantId);
    await adjust({ itemId, warehouseId, qty: '3', unitCost: '0.01', reason: 'found' }); // 3 cents for 3 units
    await adjust({ itemId, warehouseId, qty: '1', unitCost: '0.005', reason: 'found' }); // half a cent rounds up: 4 units, 4 cents
    expect((await adjust({ itemId, warehouseId, qty: '-3', reason: 'x' })).valueMinor).toBe(-3);
    expect((await adjust({ itemId, warehouseId, qty: '-1', reason: 'x' })).valueMinor).toBe(-1);
    expect(await balanceRow(itemId, warehouseId)).toEqual({ on_hand: '0.000000', reserved: '0.000000', value_minor: 0 });
  });

  it('refuses negative stock with NEGATIVE_STOCK_REFUSED and writes nothing', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId } = await createFixtureWarehouse(testDb().db, tenantId);
    await adjust({ itemId, warehouseId, qty: '2', unitCost: '5', reason: 'count' });
    const before = await counts(itemId);
    await expect(adjust({ itemId, warehouseId, qty: '-2.5', reason: 'count' })).rejects.toMatchObject({ code: 'NEGATIVE_STOCK_REFUSED' });
    expect(await counts(itemId)).toEqual(before);
    expect(before).toEqual({ movements: 1, events: 1, audits: 1 });
    expect(await balanceRow(itemId, warehouseId)).toEqual({ on_hand: '2.000000', reserved: '0.000000', value_minor: 1000 });
  });

  it('requires a unit cost for an increase (UNIT_COST_REQUIRED) and a reason for any adjustment', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId } = await createFixtureWarehouse(testDb().db, tenantId);
    await expect(adjust({ itemId, warehouseId, qty: '2', reason: 'found' })).rejects.toMatchObject({ code: 'UNIT_COST_REQUIRED' });
    await expect(adjust({ itemId, warehouseId, qty: '2', unitCost: '1', reason: '  ' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(adjust({ itemId, warehouseId, qty: '0', unitCost: '1', reason: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(adjust({ itemId, warehouseId, qty: '1e3', unitCost: '1', reason: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(adjust({ itemId, warehouseId, qty: '1', unitCost: '-1', reason: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await counts(itemId)).movements).toBe(0);
  });

  it('refuses to take on hand below what is reserved (STOCK_RESERVED), but allows down to it', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId } = await createFixtureWarehouse(testDb().db, tenantId);
    await adjust({ itemId, warehouseId, qty: '10', unitCost: '1', reason: 'count' });
    const { orderId, lineIds } = await createFixtureOrder(testDb().db, tenantId, [itemId]);
    await testDb().db.withTenant(ctx, (tx) => reserveStock(tx, ctx, { itemId, warehouseId, orderId, lineId: lineIds[0]!, qty: '6' }));
    await expect(adjust({ itemId, warehouseId, qty: '-5', reason: 'damaged' })).rejects.toMatchObject({ code: 'STOCK_RESERVED' });
    await adjust({ itemId, warehouseId, qty: '-4', reason: 'damaged' });
    expect(await balanceRow(itemId, warehouseId)).toEqual({ on_hand: '6.000000', reserved: '6.000000', value_minor: 600 });
  });

  it('answers ITEM_NOT_FOUND, WAREHOUSE_NOT_FOUND and BIN_NOT_FOUND for unknown references', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId } = await createFixtureWarehouse(testDb().db, tenantId);
    const other = await createFixtureWarehouse(testDb().db, tenantId, { bins: [{ code: 'X1' }] });
    await expect(adjust({ itemId: crypto.randomUUID(), warehouseId, qty: '1', unitCost: '1', reason: 'x' })).rejects.toMatchObject({ code: 'ITEM_NOT_FOUND' });
    await expect(adjust({ itemId, warehouseId: crypto.randomUUID(), qty: '1', unitCost: '1', reason: 'x' })).rejects.toMatchObject({ code: 'WAREHOUSE_NOT_FOUND' });
    // A bin of another warehouse is not a bin of this one.
    await expect(adjust({ itemId, warehouseId, binId: other.binIds.X1!, qty: '1', unitCost: '1', reason: 'x' })).rejects.toMatchObject({ code: 'BIN_NOT_FOUND' });
  });

  it('appends stock.adjusted to the outbox and audits the movement, in the same transaction', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId } = await createFixtureWarehouse(testDb().db, tenantId);
    const movement = await adjust({ itemId, warehouseId, qty: '4', unitCost: '2.5', reason: 'found in aisle 3' });
    const { rows: events } = await testDb().admin.query(`select event_type, aggregate_type, aggregate_id, payload from outbox_events where payload->>'movementId' = $1`, [movement.movementId]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      event_type: 'stock.adjusted',
      aggregate_type: 'stock_balance',
      aggregate_id: `${itemId}/${warehouseId}`,
      payload: { itemId, warehouseId, qty: '4', valueMinor: '1000', onHand: '4', reserved: '0', available: '4', reason: 'found in aisle 3' },
    });
    const { rows: audits } = await testDb().admin.query(`select action, actor_id from audit_log where entity_id = $1`, [movement.movementId]);
    expect(audits).toEqual([{ action: 'stock_movement.create', actor_id: 'inventory-test' }]);
  });

  it('posts opening stock as movement type opening', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId } = await createFixtureWarehouse(testDb().db, tenantId);
    const opening = await testDb().db.withTenant(ctx, (tx) => postOpeningStock(tx, ctx, { itemId, warehouseId, qty: '12', unitCost: '3.333' }));
    expect(opening).toMatchObject({ movementType: 'opening', valueMinor: 4000 });
    await expect(testDb().db.withTenant(ctx, (tx) => postOpeningStock(tx, ctx, { itemId, warehouseId, qty: '-1', unitCost: '1' }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('bins', () => {
  it('puts stock in the default receiving bin when no bin is named, and in the named bin otherwise', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId, binIds } = await createFixtureWarehouse(testDb().db, tenantId, {
      bins: [
        { code: 'A-01', kind: 'storage', pickSequence: 1 },
        { code: 'RCV-2', kind: 'receiving', pickSequence: 20 },
        { code: 'RCV-1', kind: 'receiving', pickSequence: 10 },
      ],
    });
    const landed = await adjust({ itemId, warehouseId, qty: '5', unitCost: '1', reason: 'count' });
    expect(landed.binId).toBe(binIds['RCV-1']);
    const stored = await adjust({ itemId, warehouseId, binId: binIds['A-01'], qty: '3', unitCost: '1', reason: 'count' });
    expect(stored.binId).toBe(binIds['A-01']);
    const { rows } = await testDb().admin.query('select bin_id, on_hand::text from bin_balances where item_id = $1 order by on_hand', [itemId]);
    expect(rows).toEqual([
      { bin_id: binIds['A-01'], on_hand: '3.000000' },
      { bin_id: binIds['RCV-1'], on_hand: '5.000000' },
    ]);
    await testDb().db.withTenant(ctx, async (tx) => expect(await verifyInventory(tx, ctx)).toEqual([]));
  });

  it('never takes a bin below zero, even when the warehouse holds enough', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId, binIds } = await createFixtureWarehouse(testDb().db, tenantId, {
      bins: [
        { code: 'A-01', kind: 'storage' },
        { code: 'B-01', kind: 'storage' },
      ],
    });
    await adjust({ itemId, warehouseId, binId: binIds['A-01'], qty: '5', unitCost: '1', reason: 'count' });
    await expect(adjust({ itemId, warehouseId, binId: binIds['B-01'], qty: '-1', reason: 'count' })).rejects.toMatchObject({ code: 'NEGATIVE_STOCK_REFUSED' });
    expect((await counts(itemId)).movements).toBe(1);
    await adjust({ itemId, warehouseId, binId: binIds['A-01'], qty: '-5', reason: 'count' });
    expect(await balanceRow(itemId, warehouseId)).toEqual({ on_hand: '0.000000', reserved: '0.000000', value_minor: 0 });
  });

  it('moves no bin in a warehouse without bins', async () => {
    const itemId = await createFixtureItem(testDb().db, tenantId);
    const { warehouseId } = await createFixtureWarehouse(testDb().db, tenantId);
    expect((await adjust({ itemId, warehouseId, qty: '1', unitCost: '1', reason: 'count' })).binId).toBeNull();
  });
});

describe('verifyInventory', () => {
  it('reports a balance a superuser edited behind the ledger, a reserved figure without reservations and a bin that drifted', async () => {
    const tenant = await createTestTenant(testDb().db);
    const tctx = inventoryContext(tenant.tenantId);
    const itemId = await createFixtureItem(testDb().db, tenant.tenantId);
    const { warehouseId, binIds } = await createFixtureWarehouse(testDb().db, tenant.tenantId, { bins: [{ code: 'R', kind: 'receiving' }] });
    await testDb().db.withTenant(tctx, (tx) => adjustStock(tx, tctx, { itemId, warehouseId, qty: '10', unitCost: '1', reason: 'count' }));
    const verify = () => testDb().db.withTenant(tctx, (tx) => verifyInventory(tx, tctx));
    expect(await verify()).toEqual([]);

    await testDb().admin.query('update stock_balances set on_hand = 11, value_minor = 1001 where item_id = $1', [itemId]);
    const [ledger] = await verify();
    expect(ledger).toMatchObject({ itemId, warehouseId });
    expect(ledger!.problem).toContain('on hand 11');

    await testDb().admin.query('update stock_balances set on_hand = 10, value_minor = 1000, reserved = 2 where item_id = $1', [itemId]);
    expect(await verify()).toEqual([{ itemId, warehouseId, problem: 'reserved 2.000000 ≠ Σ open reservations 0' }]);

    await testDb().admin.query('update stock_balances set reserved = 0 where item_id = $1', [itemId]);
    await testDb().admin.query('update bin_balances set on_hand = 9 where item_id = $1', [itemId]);
    const [bin] = await verify();
    expect(bin!.problem).toContain(`bin ${binIds.R}`);
  });
});
