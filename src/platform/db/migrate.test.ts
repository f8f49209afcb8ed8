import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase, withDatabase } from './connect.ts';
import { APP_ROLE, MIGRATIONS_DIR, MigrationError, ensureAppRole, migrate, readMigrations } from './migrate.ts';

/**
 * Migrations against fresh, empty databases (not the migrated template), each
 * created here and dropped afterwards.
 */

const { adminUrl, appPassword } = inject('qmDatabase');
const created: string[] = [];
const tempDirs: string[] = [];
const realFiles = readMigrations().map((migration) => `${String(migration.version).padStart(4, '0')}_${migration.name}.sql`);

async function freshDatabase(): Promise<string> {
  const name = `qm_migrate_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(adminUrl, name);
  created.push(name);
  return withDatabase(adminUrl, name);
}

/** A migrations directory holding copies of the real files plus the given extra files. */
function migrationsDir(extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-migrations-'));
  tempDirs.push(dir);
  for (const file of realFiles) fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
  for (const [file, sql] of Object.entries(extra)) fs.writeFileSync(path.join(dir, file), sql);
  return dir;
}

async function query<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

const appliedVersions = (url: string) =>
  query<{ version: number; name: string; checksum: string; applied_at: Date }>(url, 'select * from schema_migrations order by version');
const tableExists = async (url: string, table: string) =>
  (await query<{ exists: boolean }>(url, `select to_regclass('public.${table}') is not null as exists`))[0]!.exists;

afterAll(async () => {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of created) await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('migrate', () => {
  it('applies every file once; a second run applies nothing and leaves schema_migrations unchanged', async () => {
    const url = await freshDatabase();
    const first = await migrate(url, { appPassword });
    expect(first.applied).toEqual(realFiles);
    const before = await appliedVersions(url);
    expect(before.map((row) => row.version)).toEqual(readMigrations().map((migration) => migration.version));

    const second = await migrate(url, { appPassword });
    expect(second.applied).toEqual([]);
    expect(second.current).toBe(first.current);
    expect(await appliedVersions(url)).toEqual(before);
  });

  it('rolls a failing migration back entirely and names its file', async () => {
    const url = await freshDatabase();
    const dir = migrationsDir({
      '9000_half_done.sql': `create table half_done (id integer primary key);
insert into half_done values (1);
select 1 / 0;`,
    });
    const run = migrate(url, { dir, appPassword });
    await expect(run).rejects.toBeInstanceOf(MigrationError);
    await expect(run).rejects.toThrow(/9000_half_done\.sql.*division by zero/);

    expect(await tableExists(url, 'half_done')).toBe(false);
    const versions = (await appliedVersions(url)).map((row) => row.version);
    expect(versions).not.toContain(9000);
    // The files before it were applied in their own transactions and stay.
    expect(versions).toEqual(readMigrations().map((migration) => migration.version));
  });

  it('refuses to run when an applied migration was changed, and applies nothing after it', async () => {
    const url = await freshDatabase();
    const dir = migrationsDir();
    await migrate(url, { dir, appPassword });
    const first = realFiles[0]!;
    fs.appendFileSync(path.join(dir, first), '\n-- an edit after the fact\n');
    fs.writeFileSync(path.join(dir, '9001_later.sql'), 'create table later (id integer primary key);');

    const run = migrate(url, { dir, appPassword });
    await expect(run).rejects.toBeInstanceOf(MigrationError);
    await expect(run).rejects.toThrow(new RegExp(`${first.replace('.', '\\.')} was changed after it was applied`));
    expect(await tableExists(url, 'later')).toBe(false);
  });

  it('lets two concurrent runs on a fresh database both succeed, applying each file exactly once', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([migrate(url, { appPassword }), migrate(url, { appPassword })]);
    // The advisory lock serialises them: one applies everything, the other finds it done.
    expect([...a.applied, ...b.applied].sort()).toEqual(realFiles);
    expect([a.applied.length, b.applied.length].sort()).toEqual([0, realFiles.length]);
    const rows = await appliedVersions(url);
    expect(rows.map((row) => row.version)).toEqual(readMigrations().map((migration) => migration.version));
  });

  it('lets migrators of different databases in one cluster set the application role at the same moment', async () => {
    // Roles are cluster-wide while the migration lock is per database: this is the race
    // that parallel test files (and several databases on one server) run into.
    const clients = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        return client;
      }),
    );
    try {
      for (let round = 0; round < 15; round++) {
        await Promise.all(clients.map((client) => ensureAppRole(client, appPassword)));
      }
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    const [role] = await query<{ rolcanlogin: boolean }>(adminUrl, `select rolcanlogin from pg_roles where rolname = '${APP_ROLE}'`);
    expect(role).toEqual({ rolcanlogin: true });
  });
});
