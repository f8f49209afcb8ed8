import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import {
  APP_ROLE,
  createDatabase,
  ensureDatabase,
  withCredentials,
  withDatabase,
  type Database,
} from '../../src/platform/db/index.ts';

export interface TestDatabase {
  name: string;
  /** Superuser/owner connection string to this test database. */
  adminUrl: string;
  /** Application-role connection string to this test database. */
  appUrl: string;
  /** The application's handle, as the application role. */
  db: Database;
  /** An owner connection pool for assertions and setup that must bypass RLS. */
  admin: pg.Pool;
}

const CREATE_ATTEMPTS = 5;

/** A fresh database copied from the migrated template; dropped by the returned close(). */
export async function createTestDatabase(): Promise<TestDatabase & { close(): Promise<void> }> {
  const { adminUrl, appPassword, template } = inject('qmDatabase');
  const name = `qm_test_${randomBytes(6).toString('hex')}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureDatabase(adminUrl, name, template);
      break;
    } catch (error) {
      // "source database is being accessed by other users": a sibling copy is in progress.
      if ((error as { code?: string }).code !== '55006' || attempt >= CREATE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
  const testAdminUrl = withDatabase(adminUrl, name);
  const appUrl = withCredentials(testAdminUrl, APP_ROLE, appPassword);
  const db = createDatabase({ appUrl, poolSize: 20, applicationName: 'qm-test' });
  const admin = new pg.Pool({ connectionString: testAdminUrl, max: 5 });
  admin.on('error', () => {});
  return {
    name,
    adminUrl: testAdminUrl,
    appUrl,
    db,
    admin,
    close: async () => {
      await db.close();
      await admin.end();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
      await client.end();
    },
  };
}

/** Registers a per-file test database; call the returned function inside tests. */
export function useTestDatabase(): () => TestDatabase {
  let current: (TestDatabase & { close(): Promise<void> }) | undefined;
  beforeAll(async () => {
    current = await createTestDatabase();
  });
  afterAll(async () => {
    await current?.close();
  });
  return () => {
    if (!current) throw new Error('test database not ready: call useTestDatabase() at file level');
    return current;
  };
}
