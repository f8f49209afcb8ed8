import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';

/**
 * The tenant's purchasing settings, in tenants.settings.purchasing (jsonb):
 * - approvalThresholdMinor: orders with a total above it need an approver other than their creator
 *   (default 500000 = 5,000.00 in a two-decimal currency);
 * - overReceiptTolerancePercent: how much more than ordered a receipt may take (default 0: exactly what
 *   was ordered; a distributor that accepts supplier over-shipments sets e.g. 5).
 * Invalid values fall back to the defaults rather than failing every purchase order.
 */

export const DEFAULT_APPROVAL_THRESHOLD_MINOR = 500_000;
export const DEFAULT_OVER_RECEIPT_TOLERANCE_PERCENT = 0;
const OVER_RECEIPT_TOLERANCE_PERCENT_MAX = 100;

export interface PurchasingSettings {
  approvalThresholdMinor: number;
  overReceiptTolerancePercent: number;
}

export async function getPurchasingSettings(tx: Tx, ctx: OperationContext): Promise<PurchasingSettings> {
  const row = await tx.selectFrom('tenants').select('settings').where('tenant_id', '=', ctx.tenantId).executeTakeFirst();
  const purchasing = ((row?.settings as Record<string, unknown> | undefined)?.purchasing ?? {}) as Record<string, unknown>;
  const threshold = purchasing.approvalThresholdMinor;
  const tolerance = purchasing.overReceiptTolerancePercent;
  return {
    approvalThresholdMinor: typeof threshold === 'number' && Number.isSafeInteger(threshold) && threshold >= 0 ? threshold : DEFAULT_APPROVAL_THRESHOLD_MINOR,
    overReceiptTolerancePercent:
      typeof tolerance === 'number' && Number.isFinite(tolerance) && tolerance >= 0 && tolerance <= OVER_RECEIPT_TOLERANCE_PERCENT_MAX ? tolerance : DEFAULT_OVER_RECEIPT_TOLERANCE_PERCENT,
  };
}
