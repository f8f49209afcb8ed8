export { createTenant, listTenants, findTenantByNameOrThrow, getTenantOrThrow, isIanaTimeZone, isCurrencyCode } from './tenants.service.ts';
export type { Tenant, CreateTenantInput } from './tenants.service.ts';
