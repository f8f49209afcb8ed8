/**
 * The permission catalogue. Every route and operation names one of these;
 * a credential holds a set of them ('*' = every permission, for admin keys).
 * The identity issue maps roles to these; keep names `area:verb`.
 */
export const PERMISSIONS = {
  'tenant:read': 'Read the tenant settings',
  'tenant:write': 'Change the tenant settings',
  'api_keys:read': 'List API keys (never their secrets)',
  'api_keys:write': 'Create and revoke API keys',
  'audit:read': 'Read the audit log',
  'events:read': 'Read the outbox events',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = '*';

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}
