import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import { createTestTenant } from '../../test/support/tenants.ts';
import { DEMO_KEY_FILE, noDemoFromEnv, seedDemoOnFirstStart } from './seed-demo.command.ts';

/**
 * When `qm serve` seeds the demo on its own. The seeding itself is tested in
 * src/modules/demo/seed-demo.test.ts, and the whole first start in test/embedded-server.test.ts;
 * here: the cases where it must NOT seed, on a database that has no tenant yet.
 */

const testDb = useTestDatabase();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-demo-key-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function tenantCount(): Promise<number> {
  return (await testDb().admin.query('select count(*)::int as n from tenants')).rows[0].n;
}

describe('seedDemoOnFirstStart', () => {
  it('never seeds a server named by DATABASE_URL, even an empty one', async () => {
    expect(await tenantCount()).toBe(0);
    expect(await seedDemoOnFirstStart(testDb().db, { embedded: false, noDemo: false, dataDir })).toBeNull();
    expect(await tenantCount()).toBe(0);
    expect(fs.existsSync(path.join(dataDir, DEMO_KEY_FILE))).toBe(false);
  });

  it('does not seed when switched off', async () => {
    expect(await seedDemoOnFirstStart(testDb().db, { embedded: true, noDemo: true, dataDir })).toBeNull();
    expect(await tenantCount()).toBe(0);
  });

  it('does not seed a database that already has a tenant', async () => {
    await createTestTenant(testDb().db, { name: 'Existing Co' });
    expect(await seedDemoOnFirstStart(testDb().db, { embedded: true, noDemo: false, dataDir })).toBeNull();
    expect(await tenantCount()).toBe(1);
    expect(fs.existsSync(path.join(dataDir, DEMO_KEY_FILE))).toBe(false);
  });

  it.each([
    ['1', true],
    ['true', true],
    ['YES', true],
    ['', false],
    ['0', false],
    [undefined, false],
  ])('reads QM_NO_DEMO=%s as %s', (value, expected) => {
    expect(noDemoFromEnv(value === undefined ? {} : { QM_NO_DEMO: value })).toBe(expected);
  });
});
