import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createDatabase } from './database.ts';

const testDb = useTestDatabase();

async function connectionsNamed(applicationName: string): Promise<number> {
  const { rows } = await testDb().admin.query('select count(*)::int as n from pg_stat_activity where application_name = $1', [applicationName]);
  return rows[0].n as number;
}

async function waitForNoConnections(applicationName: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  let open = await connectionsNamed(applicationName);
  while (open > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    open = await connectionsNamed(applicationName);
  }
  return open;
}

describe('Database.close', () => {
  it.each([
    ['only the system path', (db: ReturnType<typeof createDatabase>) => db.callSystem('qm_sys_list_tenants')],
    ['only the readiness probe', (db: ReturnType<typeof createDatabase>) => db.readiness()],
    ['a tenant transaction', (db: ReturnType<typeof createDatabase>) => db.withTenant({ tenantId: '01900000-0000-7000-8000-000000000000' }, async () => 1)],
  ])('closes every connection after %s was used', async (_label, use) => {
    // An idle connection left open keeps a CLI process alive until the pool's idle timeout.
    const applicationName = `qm-close-${randomBytes(4).toString('hex')}`;
    const db = createDatabase({ appUrl: testDb().appUrl, applicationName });
    await use(db);
    expect(await connectionsNamed(applicationName)).toBeGreaterThan(0);
    await db.close();
    expect(await waitForNoConnections(applicationName)).toBe(0);
  });
});
