import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { createDatabase } from './database.ts';

const testDb = useTestDatabase();

describe('Database.close', () => {
  it('closes the connections of a handle that only ever called system functions', async () => {
    const { appUrl, admin } = testDb();
    const applicationName = `qm-close-${randomBytes(4).toString('hex')}`;
    const db = createDatabase({ appUrl, applicationName });
    await db.callSystem('qm_sys_list_tenants');
    await db.close();
    // A backend leaves pg_stat_activity shortly after its client disconnects; a leaked idle
    // client would stay for the pool's idle timeout (30 s) and keep a CLI process alive.
    const deadline = Date.now() + 10_000;
    let open = -1;
    while (open !== 0 && Date.now() < deadline) {
      const { rows } = await admin.query('select count(*)::int as n from pg_stat_activity where application_name = $1', [applicationName]);
      open = rows[0].n as number;
      if (open !== 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(open).toBe(0);
  });
});
