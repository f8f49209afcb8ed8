export { createTenant, listTenants, findTenantByNameOrThrow, getTenantOrThrow, isIanaTimeZone, isCurrencyCode } from './tenants.service.ts';
export type { Tenant, CreateTenantInput } from './tenants.service.ts';
export {
  API_KEY_PREFIX,
  createApiKey,
  getApiKeyOrThrow,
  listApiKeys,
  revokeApiKey,
  resolveApiKey,
  hashApiKey,
  validatePermissions,
} from './api-keys.service.ts';
export type { ApiKey, CreateApiKeyInput, ResolvedApiKey } from './api-keys.service.ts';
export { createApiKeyAuthenticator, createLastUsedRecorder, LAST_USED_FLUSH_INTERVAL_MS } from './api-key-auth.ts';
export type { LastUsedRecorder } from './api-key-auth.ts';
export { apiKeyRoutes, ApiKeySchema } from './api-keys.routes.ts';
