import { createApiKey, createTenant } from '../../src/modules/access/index.ts';
import { systemContext } from '../../src/platform/context.ts';
import type { Database } from '../../src/platform/db/index.ts';
import { randomBytes } from 'node:crypto';

export interface TestTenant {
  tenantId: string;
  name: string;
  /** A bearer key holding every permission. */
  adminKey: string;
}

/** A tenant with an admin API key, created through the same services the CLI uses. */
export async function createTestTenant(db: Database, options: { name?: string; timeZone?: string } = {}): Promise<TestTenant> {
  const name = options.name ?? `Tenant ${randomBytes(4).toString('hex')}`;
  const { tenant, result } = await createTenant(db, { name, timeZone: options.timeZone ?? 'UTC' }, (tx, row) =>
    createApiKey(tx, systemContext(row.tenantId, 'test'), { name: 'test admin', permissions: ['*'] }),
  );
  return { tenantId: tenant.tenantId, name: tenant.name, adminKey: result.secret };
}

/** An extra key with exactly the given permissions. */
export async function createTestKey(db: Database, tenantId: string, permissions: string[]): Promise<string> {
  const { secret } = await db.withTenant({ tenantId }, (tx) =>
    createApiKey(tx, systemContext(tenantId, 'test'), { name: `test ${permissions.join(',')}`, permissions }),
  );
  return secret;
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}
