import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { itemIdOfScan } from '../catalog/index.ts';

export interface SupplierScan {
  /** The item scanned; null when the scan names none of this supplier's items, GTINs or SKUs. */
  itemId: string | null;
  /** The scan is another supplier's part number (and names nothing else): the wrong paperwork or the wrong box. */
  otherSuppliersPart: boolean;
}

/**
 * What a scan at receiving or putaway names, for one supplier: that supplier's own part
 * number first (case-insensitive), then a GTIN, then a SKU (catalog's warehouse scan).
 */
export async function itemOfSupplierScan(tx: Tx, ctx: OperationContext, supplierId: string, scan: string): Promise<SupplierScan> {
  const code = scan.trim();
  const parts = await tx
    .selectFrom('supplier_items')
    .select(['supplier_id', 'item_id'])
    .where('tenant_id', '=', ctx.tenantId)
    .where((eb) => eb(eb.fn('lower', ['supplier_part_number']), '=', code.toLowerCase()))
    .execute();
  const ours = parts.find((row) => row.supplier_id === supplierId);
  if (ours) return { itemId: ours.item_id, otherSuppliersPart: false };
  const itemId = await itemIdOfScan(tx, ctx, code);
  return { itemId, otherSuppliersPart: itemId === null && parts.length > 0 };
}
