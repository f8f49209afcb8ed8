import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { DEFAULT_FREIGHT_TARIFF, type FreightTariff } from './rules/freight.rules.ts';
import { GS1_PREFIX_PATTERN } from './rules/sscc.rules.ts';

/**
 * The tenant's shipping settings, kept in tenants.settings (jsonb) beside the
 * other per-tenant settings: the GS1 company prefix of its SSCC labels and the
 * freight tariff for customers on prepaid_and_add terms.
 */

export interface ShippingSettings {
  /** 7–10 digits; null until set (cartons are refused with GS1_PREFIX_NOT_CONFIGURED). */
  gs1CompanyPrefix: string | null;
  freight: FreightTariff;
  /** True when the tariff is the documented default rather than one the tenant set. */
  freightIsDefault: boolean;
}

export interface UpdateShippingSettingsInput {
  gs1CompanyPrefix: string;
  freight: FreightTariff;
}

async function tenantSettings(tx: Tx, ctx: OperationContext, lock: boolean): Promise<Record<string, unknown>> {
  let query = tx.selectFrom('tenants').select('settings').where('tenant_id', '=', ctx.tenantId);
  if (lock) query = query.forNoKeyUpdate();
  const row = await query.executeTakeFirst();
  return (row?.settings as Record<string, unknown> | undefined) ?? {};
}

function toShippingSettings(settings: Record<string, unknown>): ShippingSettings {
  const prefix = typeof settings.gs1CompanyPrefix === 'string' && GS1_PREFIX_PATTERN.test(settings.gs1CompanyPrefix) ? settings.gs1CompanyPrefix : null;
  const freight = settings.freight as Partial<FreightTariff> | undefined;
  const valid = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
  const tariff = freight && valid(freight.baseMinor) && valid(freight.perKgMinor) ? { baseMinor: freight.baseMinor, perKgMinor: freight.perKgMinor } : null;
  return { gs1CompanyPrefix: prefix, freight: tariff ?? DEFAULT_FREIGHT_TARIFF, freightIsDefault: tariff === null };
}

export async function getShippingSettings(tx: Tx, ctx: OperationContext): Promise<ShippingSettings> {
  return toShippingSettings(await tenantSettings(tx, ctx, false));
}

/** Sets prefix and tariff (tenant:write, audited); other keys of tenants.settings are kept. */
export async function updateShippingSettings(tx: Tx, ctx: OperationContext, input: UpdateShippingSettingsInput): Promise<ShippingSettings> {
  if (!GS1_PREFIX_PATTERN.test(input.gs1CompanyPrefix)) {
    throw new AppError('VALIDATION_FAILED', 'gs1CompanyPrefix is 7 to 10 digits', [{ field: '/gs1CompanyPrefix', message: 'is not 7 to 10 digits' }]);
  }
  for (const field of ['baseMinor', 'perKgMinor'] as const) {
    const value = input.freight[field];
    if (!Number.isSafeInteger(value) || value < 0) throw new AppError('VALIDATION_FAILED', `freight.${field} is a non-negative integer`, [{ field: `/freight/${field}`, message: 'is not a non-negative integer' }]);
  }
  const before = toShippingSettings(await tenantSettings(tx, ctx, true));
  const patch = { gs1CompanyPrefix: input.gs1CompanyPrefix, freight: { baseMinor: input.freight.baseMinor, perKgMinor: input.freight.perKgMinor } };
  await tx
    .updateTable('tenants')
    .set({ settings: sql`settings || ${JSON.stringify(patch)}::jsonb` })
    .where('tenant_id', '=', ctx.tenantId)
    .executeTakeFirstOrThrow();
  const after = toShippingSettings(await tenantSettings(tx, ctx, false));
  await audit(tx, ctx, {
    action: 'tenant.update_shipping_settings',
    entityType: 'tenant',
    entityId: ctx.tenantId,
    before: { gs1CompanyPrefix: before.gs1CompanyPrefix, freight: { ...before.freight } },
    after: { gs1CompanyPrefix: after.gs1CompanyPrefix, freight: { ...after.freight } },
  });
  return after;
}
