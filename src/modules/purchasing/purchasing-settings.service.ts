import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';

/**
 * The tenant's purchasing settings, in tenants.settings.purchasing (jsonb):
 * - approvalThresholdMinor: orders with a total above it need an approver other than their creator
 *   (default 500000 = 5,000.00 in a two-decimal currency);
 * - overReceiptTolerancePercent: how much more than ordered a receipt may take (default 0: exactly what
 *   was ordered; a distributor that accepts supplier over-shipments sets e.g. 5);
 * - priceTolerancePercent: how far a supplier invoice's unit price may be from the PO unit cost, up or
 *   down, and still post without approval (default 2; the difference goes to purchase price variance);
 * - qtyTolerancePercent: how much more than received-and-not-yet-invoiced an invoice line may bill and
 *   still post (default 0: never pay for goods that have not arrived).
 * Invalid values fall back to the defaults rather than failing every purchase order.
 */

export const DEFAULT_APPROVAL_THRESHOLD_MINOR = 500_000;
export const DEFAULT_OVER_RECEIPT_TOLERANCE_PERCENT = 0;
export const DEFAULT_PRICE_TOLERANCE_PERCENT = 2;
export const DEFAULT_QTY_TOLERANCE_PERCENT = 0;
const OVER_RECEIPT_TOLERANCE_PERCENT_MAX = 100;
const MATCH_TOLERANCE_PERCENT_MAX = 100;

export interface PurchasingSettings {
  approvalThresholdMinor: number;
  overReceiptTolerancePercent: number;
  priceTolerancePercent: number;
  qtyTolerancePercent: number;
}

function percent(value: unknown, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max ? value : fallback;
}

export async function getPurchasingSettings(tx: Tx, ctx: OperationContext): Promise<PurchasingSettings> {
  const row = await tx.selectFrom('tenants').select('settings').where('tenant_id', '=', ctx.tenantId).executeTakeFirst();
  const purchasing = ((row?.settings as Record<string, unknown> | undefined)?.purchasing ?? {}) as Record<string, unknown>;
  const threshold = purchasing.approvalThresholdMinor;
  const tolerance = purchasing.overReceiptTolerancePercent;
  return {
    approvalThresholdMinor: typeof threshold === 'number' && Number.isSafeInteger(threshold) && threshold >= 0 ? threshold : DEFAULT_APPROVAL_THRESHOLD_MINOR,
    overReceiptTolerancePercent:
      percent(tolerance, OVER_RECEIPT_TOLERANCE_PERCENT_MAX, DEFAULT_OVER_RECEIPT_TOLERANCE_PERCENT),
    priceTolerancePercent: percent(purchasing.priceTolerancePercent, MATCH_TOLERANCE_PERCENT_MAX, DEFAULT_PRICE_TOLERANCE_PERCENT),
    qtyTolerancePercent: percent(purchasing.qtyTolerancePercent, MATCH_TOLERANCE_PERCENT_MAX, DEFAULT_QTY_TOLERANCE_PERCENT),
  };
}
