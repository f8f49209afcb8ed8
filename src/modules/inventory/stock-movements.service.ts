import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import { actorRef, today } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { decimalString, minorFromDb, minorUnitsOf, parseDecimal } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { getTenantOrThrow } from '../access/index.ts';
import { getItemOrThrow } from '../catalog/index.ts';
import { postJournalEntry, type AccountRole } from '../ledger/index.ts';
import { decideStockChange } from './rules/moving-average.rules.ts';
import { stockMovementPostingLines } from './rules/stock-posting.rules.ts';
import { balanceKey, lockStockBalances, writeStockBalance, type StockBalance } from './stock-balances.service.ts';
import { defaultReceivingBin, getBinOrThrow, getWarehouseOrThrow } from './warehouses.service.ts';

/**
 * The stock ledger: append-only stock_movements, each with a quantity AND a
 * value in minor units, and the balances they move — stock_balances per
 * (item, warehouse) and bin_balances per (item, bin) — written in the same
 * transaction. A correction is a new movement, never an edit.
 *
 * Which bin: the one named; when none is named, the warehouse's default
 * receiving bin (the first active receiving bin in walk order) if it has one,
 * else no bin. The same rule applies to decreases, so taking stock out of a
 * storage bin needs that bin named — a decrease never guesses where the
 * goods physically are.
 */

export type MovementType = 'opening' | 'adjustment' | 'receipt' | 'issue' | 'transfer_in' | 'transfer_out' | 'bin_move';
export const MOVEMENT_TYPES: readonly MovementType[] = ['opening', 'adjustment', 'receipt', 'issue', 'transfer_in', 'transfer_out', 'bin_move'];

export interface StockMovement {
  movementId: string;
  itemId: string;
  warehouseId: string;
  binId: string | null;
  movementType: MovementType;
  qty: string;
  valueMinor: number;
  unitCost: string | null;
  reason: string | null;
  referenceType: string | null;
  referenceId: string | null;
  businessDate: string;
  occurredAt: Date;
  actor: string;
}

/** A posted movement with the balance it left behind. */
export interface PostedMovement extends StockMovement {
  balance: StockBalance;
}

export interface AdjustStockInput {
  itemId: string;
  warehouseId: string;
  binId?: string | undefined;
  /** Signed, in stocking units. */
  qty: string;
  /** In the tenant's functional currency units; required when qty > 0. */
  unitCost?: string | undefined;
  reason: string;
  referenceType?: string | undefined;
  referenceId?: string | undefined;
}

export interface ReceiveStockInput {
  itemId: string;
  warehouseId: string;
  binId?: string | undefined;
  qty: string;
  unitCost: string;
  referenceType: string;
  referenceId: string;
  /** The account credited against inventory; default 'grni' (goods received, not yet invoiced). */
  counterAccount?: AccountRole | undefined;
}

export interface OpeningStockInput {
  itemId: string;
  warehouseId: string;
  binId?: string | undefined;
  qty: string;
  unitCost: string;
}

/** An adjustment with a reason: + needs a unit cost, − takes the moving average. Event stock.adjusted. */
export function adjustStock(tx: Tx, ctx: OperationContext, input: AdjustStockInput): Promise<PostedMovement> {
  const reason = input.reason?.trim();
  if (!reason) throw new AppError('VALIDATION_FAILED', 'an adjustment needs a reason', [{ field: '/reason', message: 'is empty' }]);
  return postMovement(tx, ctx, { ...input, reason, movementType: 'adjustment' });
}

/** Goods in from a supplier (or any documented source): qty > 0 at unitCost. Event stock.received. */
export function receiveStock(tx: Tx, ctx: OperationContext, input: ReceiveStockInput): Promise<PostedMovement> {
  return postMovement(tx, ctx, { ...input, reason: null, movementType: 'receipt', requirePositive: true });
}

/**
 * Opening stock on go-live: qty > 0 at unitCost, movement_type 'opening', posted
 * Dr inventory / Cr opening balance equity so the books agree from the first day
 * (DESIGN §2b).
 */
export function postOpeningStock(tx: Tx, ctx: OperationContext, input: OpeningStockInput): Promise<PostedMovement> {
  return postMovement(tx, ctx, { ...input, reason: 'opening stock', movementType: 'opening', requirePositive: true });
}

const EVENT_TYPES: Partial<Record<MovementType, string>> = {
  adjustment: 'stock.adjusted',
  receipt: 'stock.received',
  opening: 'stock.opening_posted',
};

interface PostMovementInput {
  itemId: string;
  warehouseId: string;
  binId?: string | undefined;
  qty: string;
  unitCost?: string | undefined;
  reason: string | null;
  referenceType?: string | undefined;
  referenceId?: string | undefined;
  movementType: 'adjustment' | 'receipt' | 'opening';
  requirePositive?: boolean;
  counterAccount?: AccountRole | undefined;
}

async function postMovement(tx: Tx, ctx: OperationContext, input: PostMovementInput): Promise<PostedMovement> {
  // Validate everything before the first write, so a refusal leaves nothing behind
  // even for a caller that catches the error and carries on in its transaction.
  const qty = parseDecimal(input.qty, '/qty');
  if (qty.isZero()) throw new AppError('VALIDATION_FAILED', 'qty must not be zero', [{ field: '/qty', message: 'is zero' }]);
  if (input.requirePositive && qty.isNegative()) {
    throw new AppError('VALIDATION_FAILED', `a ${input.movementType} takes a positive qty`, [{ field: '/qty', message: 'must be positive' }]);
  }
  let unitCost: string | undefined;
  if (qty.isPositive() && input.unitCost !== undefined) {
    const cost = parseDecimal(input.unitCost, '/unitCost');
    if (cost.isNegative()) throw new AppError('VALIDATION_FAILED', 'unitCost must not be negative', [{ field: '/unitCost', message: 'is negative' }]);
    unitCost = decimalString(cost);
  }
  await assertItemExists(tx, ctx, input.itemId);
  await getWarehouseOrThrow(tx, ctx, input.warehouseId);
  const bin = input.binId ? await getBinOrThrow(tx, ctx, input.warehouseId, input.binId) : await defaultReceivingBin(tx, ctx, input.warehouseId);
  const minorUnits = minorUnitsOf(await functionalCurrency(tx, ctx));

  const locked = await lockStockBalances(tx, ctx, [{ itemId: input.itemId, warehouseId: input.warehouseId }]);
  const before = locked.get(balanceKey(input.itemId, input.warehouseId))!;
  const decision = decideStockChange(before, { qty: qty.toFixed(), unitCost, minorUnits });
  if (!decision.ok) {
    throw decision.code === 'VALUE_OUT_OF_RANGE'
      ? new AppError('VALIDATION_FAILED', decision.detail, [{ field: '/qty', message: decision.detail }])
      : new AppError(decision.code, decision.detail);
  }

  if (bin) {
    // Bin rows are not hot (DESIGN §2a): this update locks one after the balance,
    // always in that order. A decrease must find the quantity in the bin.
    if (qty.isNegative()) {
      const moved = await tx
        .updateTable('bin_balances')
        .set({ on_hand: sql`on_hand + ${qty.toFixed()}::numeric` })
        .where('tenant_id', '=', ctx.tenantId)
        .where('item_id', '=', input.itemId)
        .where('bin_id', '=', bin.binId)
        .where(sql<boolean>`on_hand + ${qty.toFixed()}::numeric >= 0`)
        .executeTakeFirst();
      if (moved.numUpdatedRows === 0n) {
        throw new AppError('NEGATIVE_STOCK_REFUSED', `bin ${bin.code} does not hold ${qty.negated().toFixed()} of this item; name the bin the stock is in`);
      }
    } else {
      await tx
        .insertInto('bin_balances')
        .values({ tenant_id: ctx.tenantId, item_id: input.itemId, bin_id: bin.binId, warehouse_id: input.warehouseId, on_hand: qty.toFixed() })
        .onConflict((conflict) => conflict.columns(['tenant_id', 'item_id', 'bin_id']).doUpdateSet({ on_hand: sql`bin_balances.on_hand + excluded.on_hand` }))
        .execute();
    }
  }

  const row = await tx
    .insertInto('stock_movements')
    .values({
      tenant_id: ctx.tenantId,
      movement_id: newId(),
      item_id: input.itemId,
      warehouse_id: input.warehouseId,
      bin_id: bin?.binId ?? null,
      movement_type: input.movementType,
      qty: qty.toFixed(),
      value_minor: decision.valueMinor,
      unit_cost: decision.unitCost,
      reason: input.reason,
      reference_type: input.referenceType ?? null,
      reference_id: input.referenceId ?? null,
      business_date: today(ctx),
      occurred_at: ctx.clock.now(),
      actor: actorRef(ctx.actor),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await writeStockBalance(tx, ctx, { itemId: input.itemId, warehouseId: input.warehouseId, ...decision.after });

  const movement = toStockMovement(row);
  // The GL inventory account moves with the stock ledger, in the same transaction, so
  // Σ movement values = the inventory balance at every commit (qm verify).
  await postJournalEntry(tx, ctx, {
    entryDate: movement.businessDate,
    sourceType: 'stock_movement',
    sourceId: movement.movementId,
    description: `Stock ${movement.movementType}: ${movement.qty} of item ${movement.itemId}${movement.reason ? ` (${movement.reason})` : ''}`.slice(0, 500),
    lines: stockMovementPostingLines({ movementType: input.movementType, valueMinor: movement.valueMinor, counterAccount: input.counterAccount }),
  });
  const balance: StockBalance = {
    itemId: input.itemId,
    warehouseId: input.warehouseId,
    ...decision.after,
    available: decimalString(qtyMinus(decision.after.onHand, decision.after.reserved)),
  };
  await audit(tx, ctx, { action: 'stock_movement.create', entityType: 'stock_movement', entityId: movement.movementId, before: null, after: { ...movement } });
  await appendEvent(tx, ctx, {
    eventType: EVENT_TYPES[input.movementType]!,
    aggregateType: 'stock_balance',
    aggregateId: balanceKey(input.itemId, input.warehouseId),
    payload: {
      movementId: movement.movementId,
      movementType: movement.movementType,
      itemId: movement.itemId,
      warehouseId: movement.warehouseId,
      binId: movement.binId,
      qty: movement.qty,
      valueMinor: String(movement.valueMinor),
      reason: movement.reason,
      referenceType: movement.referenceType,
      referenceId: movement.referenceId,
      onHand: balance.onHand,
      reserved: balance.reserved,
      available: balance.available,
    },
  });
  return { ...movement, balance };
}

function qtyMinus(a: string, b: string) {
  return parseDecimal(a, 'onHand').minus(b);
}

/**
 * ITEM_NOT_FOUND unless the item exists, through catalog's door. A deactivated item still
 * counts: its stock must stay adjustable (and visible) until it is sold or written off.
 */
export async function assertItemExists(tx: Tx, ctx: OperationContext, itemId: string): Promise<void> {
  await getItemOrThrow(tx, ctx, itemId);
}

async function functionalCurrency(tx: Tx, ctx: OperationContext): Promise<string> {
  return (await getTenantOrThrow(tx, ctx.tenantId)).functionalCurrency;
}

export interface StockMovementFilter {
  itemId?: string | undefined;
  warehouseId?: string | undefined;
  movementType?: MovementType | undefined;
  /** Business dates, inclusive. */
  from?: string | undefined;
  to?: string | undefined;
}

/** The ledger in posting order (uuid v7 ids are time-ordered), keyset-paginated on movement_id. */
export async function listStockMovements(tx: Tx, ctx: OperationContext, page: PageRequest, filter: StockMovementFilter = {}): Promise<Page<StockMovement>> {
  let query = tx.selectFrom('stock_movements').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.itemId) query = query.where('item_id', '=', filter.itemId);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (filter.movementType) query = query.where('movement_type', '=', filter.movementType);
  if (filter.from) query = query.where('business_date', '>=', filter.from);
  if (filter.to) query = query.where('business_date', '<=', filter.to);
  if (page.after) query = query.where('movement_id', '>', page.after);
  const rows = await query.orderBy('movement_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toStockMovement), page, (movement) => movement.movementId);
}

function toStockMovement(row: {
  movement_id: string;
  item_id: string;
  warehouse_id: string;
  bin_id: string | null;
  movement_type: string;
  qty: string;
  value_minor: string;
  unit_cost: string | null;
  reason: string | null;
  reference_type: string | null;
  reference_id: string | null;
  business_date: string;
  occurred_at: Date;
  actor: string;
}): StockMovement {
  return {
    movementId: row.movement_id,
    itemId: row.item_id,
    warehouseId: row.warehouse_id,
    binId: row.bin_id,
    movementType: row.movement_type as MovementType,
    qty: decimalString(row.qty),
    valueMinor: minorFromDb(row.value_minor),
    unitCost: row.unit_cost === null ? null : decimalString(row.unit_cost),
    reason: row.reason,
    referenceType: row.reference_type,
    referenceId: row.reference_id,
    businessDate: row.business_date,
    occurredAt: row.occurred_at,
    actor: row.actor,
  };
}
