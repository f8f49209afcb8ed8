import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, migrate, openEmbeddedServer, withDatabase, type EmbeddedServer } from '../../src/platform/db/index.ts';

/**
 * Starts what the database tests need: the PostgreSQL server named by
 * DATABASE_URL, or else a throwaway embedded server in a temporary directory
 * (removed afterwards). Migrates one template database; each test file copies it.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    qmDatabase: { adminUrl: string; appPassword: string; template: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: EmbeddedServer | undefined;
  let tempDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  let appPassword = process.env.QM_APP_PASSWORD ?? 'qm_app';
  if (!adminUrl) {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-test-pg-'));
    fs.chmodSync(tempDir, 0o755);
    server = await openEmbeddedServer(tempDir, {
      kind: 'test',
      // A throwaway cluster: durability buys nothing here, speed does.
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    adminUrl = server.adminUrl;
    appPassword = server.appPassword;
  }
  const template = `qm_template_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(adminUrl, template);
  await migrate(withDatabase(adminUrl, template), { appPassword });
  project.provide('qmDatabase', { adminUrl, appPassword, template });

  return async () => {
    if (server) {
      await server.release();
      fs.rmSync(tempDir!, { recursive: true, force: true });
      return;
    }
    await dropDatabase(adminUrl!, template);
  };
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}
