import type { Selectable } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { DB, Tx } from '../../platform/db/index.ts';
import { decimalString } from '../../platform/money.ts';

/** The catalog's SQL: item rows with their units, and the mapping to the Item shape. */

export interface ItemUnit {
  unit: string;
  /** Stocking units per one of this unit, as a decimal string ("12", "1"). */
  factor: string;
}

export interface Item {
  itemId: string;
  sku: string;
  description: string;
  gtin: string | null;
  brand: string | null;
  category: string | null;
  attributes: Record<string, string>;
  weightKg: string | null;
  taxClass: string;
  stockingUnit: string;
  units: ItemUnit[];
  active: boolean;
  revision: number;
}

export type ItemRow = Selectable<DB['items']>;

export function selectItems(tx: Tx, ctx: OperationContext) {
  return tx.selectFrom('items').selectAll().where('tenant_id', '=', ctx.tenantId);
}

/** Units of several items in one query, the stocking unit first, then by factor. */
export async function unitsByItem(tx: Tx, ctx: OperationContext, itemIds: string[]): Promise<Map<string, ItemUnit[]>> {
  const byItem = new Map<string, ItemUnit[]>();
  if (itemIds.length === 0) return byItem;
  const rows = await tx
    .selectFrom('item_units')
    .select(['item_id', 'unit', 'factor'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', 'in', itemIds)
    .orderBy('item_id')
    .orderBy('factor')
    .orderBy('unit')
    .execute();
  for (const row of rows) {
    const units = byItem.get(row.item_id) ?? [];
    units.push({ unit: row.unit, factor: decimalString(row.factor) });
    byItem.set(row.item_id, units);
  }
  return byItem;
}

export async function withUnits(tx: Tx, ctx: OperationContext, rows: ItemRow[]): Promise<Item[]> {
  const units = await unitsByItem(tx, ctx, rows.map((row) => row.item_id));
  return rows.map((row) => toItem(row, units.get(row.item_id) ?? []));
}

export function toItem(row: ItemRow, units: ItemUnit[]): Item {
  return {
    itemId: row.item_id,
    sku: row.sku,
    description: row.description,
    gtin: row.gtin,
    brand: row.brand,
    category: row.category,
    attributes: row.attributes as Record<string, string>,
    weightKg: row.weight_kg === null ? null : decimalString(row.weight_kg),
    taxClass: row.tax_class,
    stockingUnit: row.stocking_unit,
    // The stocking unit (factor 1) leads; ties on factor (a unit also worth 1) sort by code.
    units: [...units].sort((a, b) => rank(row, a) - rank(row, b)),
    active: row.active,
    revision: row.revision,
  };
}

function rank(row: ItemRow, unit: ItemUnit): number {
  return unit.unit === row.stocking_unit ? -1 : 0;
}

/** A LIKE pattern that matches `text` literally anywhere. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (error as { code?: string }).code === '23505' && (error as { constraint?: string }).constraint === constraint;
}

export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23503';
}
