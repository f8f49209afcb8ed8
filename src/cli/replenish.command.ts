import { listTenants, type Tenant } from '../modules/access/index.ts';
import { DEMO_TENANT } from '../modules/demo/index.ts';
import { listAllocationWarehouses } from '../modules/inventory/index.ts';
import {
  countReplenishmentPurchaseOrders,
  createReplenishmentPurchaseOrders,
  listReplenishmentSuggestions,
  type ReplenishmentRun,
  type ReplenishmentSuggestion,
} from '../modules/replenishment/index.ts';
import type { ConfigOverrides } from '../platform/config.ts';
import { systemContext, type OperationContext } from '../platform/context.ts';
import type { Database } from '../platform/db/index.ts';
import { nextDocumentNumber } from '../platform/numbering/index.ts';
import { Dec, formatMinor } from '../platform/money.ts';
import { openRuntime, stderrLog } from './runtime.ts';

/**
 * `qm replenish [--tenant NAME|ID] [--warehouse CODE] [--create] [--json]`: prints the
 * replenishment suggestions (GET /v1/replenishment/suggestions) as a table or JSON; with
 * --create turns them into draft POs (POST /v1/replenishment/purchase-orders) and prints
 * their numbers. The tenant defaults to the only tenant, else the demo tenant. Exit 2
 * for bad arguments (unknown tenant or warehouse, no tenant to default to), with the
 * reason on stderr.
 */

export class UsageError extends Error {}

export interface ReplenishOptions {
  tenant?: string | undefined;
  warehouse?: string | undefined;
  create?: boolean | undefined;
  json?: boolean | undefined;
}

export async function replenishCommand(flags: ConfigOverrides, options: ReplenishOptions): Promise<void> {
  const runtime = await openRuntime(flags, 'cli', stderrLog);
  try {
    const lines = await replenish(runtime.db, options);
    for (const line of lines) process.stdout.write(`${line}\n`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderrLog(error.message);
    process.exitCode = 2;
  } finally {
    await runtime.close();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function pickTenant(db: Database, wanted: string | undefined): Promise<Tenant> {
  const tenants = await listTenants(db);
  if (wanted !== undefined) {
    const found = tenants.find((tenant) => (UUID.test(wanted) ? tenant.tenantId === wanted.toLowerCase() : tenant.name.toLowerCase() === wanted.trim().toLowerCase()));
    if (!found) throw new UsageError(`TENANT_NOT_FOUND: no tenant "${wanted}" (qm tenant list shows them)`);
    return found;
  }
  if (tenants.length === 1) return tenants[0]!;
  const demo = tenants.find((tenant) => tenant.name === DEMO_TENANT.name);
  if (demo) return demo;
  throw new UsageError(`${tenants.length === 0 ? 'there is no tenant yet' : 'there are several tenants'}: name one with --tenant`);
}

/** The command's work, returning its stdout lines (the test drives it directly too). */
export async function replenish(db: Database, options: ReplenishOptions): Promise<string[]> {
  const tenant = await pickTenant(db, options.tenant);
  const ctx: OperationContext = systemContext(tenant.tenantId, 'qm-replenish', { timeZone: tenant.timeZone });
  let warehouseId: string | undefined;
  if (options.warehouse !== undefined) {
    const code = options.warehouse.trim().toLowerCase();
    const warehouses = await db.withTenant(ctx, (tx) => listAllocationWarehouses(tx, ctx));
    warehouseId = warehouses.find((warehouse) => warehouse.code.toLowerCase() === code)?.warehouseId;
    if (!warehouseId) throw new UsageError(`WAREHOUSE_NOT_FOUND: tenant "${tenant.name}" has no active warehouse ${options.warehouse}`);
  }
  const suggestions = await db.withTenant(ctx, (tx) => listReplenishmentSuggestions(tx, ctx, { warehouseId }));
  let run: ReplenishmentRun | undefined;
  if (options.create) {
    // As the HTTP route does: count, take the PO numbers outside the business transaction, then create.
    const count = await db.withTenant(ctx, (tx) => countReplenishmentPurchaseOrders(tx, ctx, { warehouseId }));
    const poNumbers: string[] = [];
    for (let index = 0; index < count; index++) poNumbers.push(await nextDocumentNumber(db, ctx, 'purchase_order'));
    run = await db.withTenant(ctx, (tx) => createReplenishmentPurchaseOrders(tx, ctx, { warehouseId, poNumbers }));
  }
  if (options.json) {
    return [JSON.stringify(run ? { tenant: tenant.name, suggestions, purchaseOrders: run.purchaseOrders } : { tenant: tenant.name, suggestions }, null, 2)];
  }
  const lines = [`${tenant.name}: ${suggestions.length} replenishment suggestion${suggestions.length === 1 ? '' : 's'}`, ...formatSuggestions(suggestions)];
  if (run) {
    lines.push(run.purchaseOrders.length === 0 ? 'no purchase orders created (nothing with a supplier to order)' : `created ${run.purchaseOrders.length} draft purchase order${run.purchaseOrders.length === 1 ? '' : 's'}:`);
    const supplierCode = new Map(suggestions.map((suggestion) => [suggestion.supplierId, suggestion.supplierCode]));
    for (const po of run.purchaseOrders) lines.push(`  ${po.poNumber}  ${supplierCode.get(po.supplierId) ?? po.supplierId}  ${po.lines.length} line${po.lines.length === 1 ? '' : 's'}  total ${formatMinor(po.totalMinor, po.currency)} ${po.currency}`);
  }
  return lines;
}

/** A unit cost for people: at least 2 decimals (39.2 → 39.20), all of its own beyond that (1.4275 stays). */
export function costText(cost: string): string {
  const value = new Dec(cost);
  return value.decimalPlaces() < 2 ? value.toFixed(2) : value.toFixed();
}

export function formatSuggestions(suggestions: ReplenishmentSuggestion[]): string[] {
  if (suggestions.length === 0) return [];
  const header = ['warehouse', 'sku', 'method', 'on hand', 'incoming', 'reserved', 'backordered', 'position', 'suggested', 'supplier', 'unit cost', 'expected', 'reason'];
  const rows = suggestions.map((s) => [s.warehouseCode, s.sku, s.method, s.onHand, s.incoming, s.reserved, s.backordered, s.position, s.suggestedQty, s.supplierCode ?? '-', s.unitCost === null ? '-' : costText(s.unitCost), s.expectedDate ?? '-', s.reason]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  // Text columns left, quantities right-aligned.
  const numeric = new Set([3, 4, 5, 6, 7, 8, 10]);
  const render = (cells: string[]) => `  ${cells.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ')}`.trimEnd();
  return [render(header), ...rows.map(render)];
}
