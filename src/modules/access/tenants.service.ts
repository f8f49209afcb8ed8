import { audit } from '../../platform/audit/index.ts';
import { systemContext } from '../../platform/context.ts';
import type { Database, Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';

export interface Tenant {
  tenantId: string;
  name: string;
  functionalCurrency: string;
  timeZone: string;
  status: string;
  createdAt: Date;
}

export interface CreateTenantInput {
  name: string;
  functionalCurrency?: string;
  timeZone?: string;
}

const TENANT_NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._&'-]{0,199}$/u;

/**
 * Creates the tenant row under the new tenant's own context (the RLS policy's
 * WITH CHECK holds because the row's tenant_id is the context), so creating a
 * tenant needs no cross-tenant privilege. `then` runs in the same transaction.
 */
export async function createTenant<T>(
  db: Database,
  input: CreateTenantInput,
  then: (tx: Tx, tenant: Tenant) => Promise<T>,
): Promise<{ tenant: Tenant; result: T }> {
  // One spelling per name: "Acme  Supply" and "Acme Supply" are the same tenant.
  const name = input.name.replace(/\s+/g, ' ').trim();
  if (!TENANT_NAME_PATTERN.test(name)) {
    throw new AppError('VALIDATION_FAILED', 'a tenant name is 1 to 200 letters, digits, spaces and . _ & \' -, starting with a letter or digit', [
      { field: 'name', message: 'is not a valid tenant name' },
    ]);
  }
  const functionalCurrency = (input.functionalCurrency ?? 'USD').toUpperCase();
  if (!isCurrencyCode(functionalCurrency)) throw new AppError('CURRENCY_INVALID', `${functionalCurrency} is not an ISO 4217 currency code`);
  const timeZone = canonicalTimeZone(input.timeZone ?? 'UTC');
  const tenantId = newId();
  try {
    return await db.withTenant({ tenantId }, async (tx) => {
      const row = await tx
        .insertInto('tenants')
        .values({ tenant_id: tenantId, name, functional_currency: functionalCurrency, time_zone: timeZone })
        .returningAll()
        .executeTakeFirstOrThrow();
      const tenant = toTenant(row);
      await audit(tx, systemContext(tenantId, 'tenant-create', { timeZone }), {
        action: 'tenant.create',
        entityType: 'tenant',
        entityId: tenantId,
        before: null,
        after: { name: tenant.name, functionalCurrency: tenant.functionalCurrency, timeZone: tenant.timeZone },
      });
      return { tenant, result: await then(tx, tenant) };
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505' && String((error as { constraint?: string }).constraint) === 'tenants_name_key') {
      throw new AppError('TENANT_NAME_TAKEN', `a tenant named "${name}" already exists`);
    }
    throw error;
  }
}

export async function listTenants(db: Database): Promise<Tenant[]> {
  const rows = await db.callSystem<{
    tenant_id: string;
    name: string;
    functional_currency: string;
    time_zone: string;
    status: string;
    created_at: Date;
  }>('qm_sys_list_tenants');
  return rows.map(toTenant);
}

export async function findTenantByNameOrThrow(db: Database, name: string): Promise<{ tenantId: string; name: string }> {
  const rows = await db.callSystem<{ tenant_id: string; name: string }>('qm_sys_tenant_by_name', [name]);
  const row = rows[0];
  if (!row) throw new AppError('TENANT_NOT_FOUND', `no tenant named "${name}"`);
  return { tenantId: row.tenant_id, name: row.name };
}

export async function getTenantOrThrow(tx: Tx, tenantId: string): Promise<Tenant> {
  const row = await tx.selectFrom('tenants').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row) throw new AppError('TENANT_NOT_FOUND');
  return toTenant(row);
}

function toTenant(row: {
  tenant_id: string;
  name: string;
  functional_currency: string;
  time_zone: string;
  status: string;
  created_at: Date | string;
}): Tenant {
  return {
    tenantId: row.tenant_id,
    name: row.name,
    functionalCurrency: row.functional_currency,
    timeZone: row.time_zone,
    status: row.status,
    createdAt: new Date(row.created_at),
  };
}

/** The canonical IANA name ("utc" → "UTC"); legacy abbreviations such as EST are refused. */
export function canonicalTimeZone(zone: string): string {
  if (!/^[A-Za-z]+(?:[/_+-][A-Za-z0-9_+-]+)*$/.test(zone) || (/^[A-Z]{3,4}$/.test(zone) && zone !== 'UTC')) {
    throw new AppError('TIME_ZONE_INVALID', `${zone} is not an IANA time zone (e.g. America/Chicago)`);
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new AppError('TIME_ZONE_INVALID', `${zone} is not an IANA time zone (e.g. America/Chicago)`);
  }
}

export function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code);
}
