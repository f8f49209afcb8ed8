import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * Forward-only migrations: numbered plain .sql files in db/migrations, applied
 * in order under an advisory lock, each in its own transaction together with
 * its row in schema_migrations — so a failing migration leaves nothing of
 * itself behind and applying twice is a no-op. Applied files are frozen: a
 * changed checksum stops the run.
 */

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../db/migrations/', import.meta.url));
export const APP_ROLE = 'qm_app';
const MIGRATION_LOCK_KEY = 7_277_001; // arbitrary, constant: one migrator per database at a time
const DDL_LOCK_TIMEOUT = '5s';
const ROLE_UPDATE_ATTEMPTS = 10;
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  current: number;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const files = fs.readdirSync(dir).filter((file) => file.endsWith('.sql')).sort();
  const migrations = files.map((file) => {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new MigrationError(`migration file name ${file} must look like 0001_name.sql`);
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    return {
      version: Number(match[1]),
      name: match[2]!,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  });
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous && previous.version === migration.version) {
      throw new MigrationError(`two migrations share number ${migration.version}`);
    }
  });
  return migrations;
}

/**
 * Makes sure the application role exists and can log in with the given password.
 * Roles are cluster-wide, so this runs outside the per-database migrations.
 */
export async function ensureAppRole(client: pg.ClientBase, password: string | undefined): Promise<void> {
  const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [APP_ROLE]);
  if (!rowCount) {
    try {
      await client.query(`create role ${APP_ROLE} nologin nosuperuser nocreatedb nocreaterole nobypassrls`);
    } catch (error) {
      // Two migrators racing on a fresh cluster: the loser sees duplicate_object, or
      // unique_violation on pg_authid when both got past the existence check at once.
      const code = (error as { code?: string }).code;
      if (code !== '42710' && code !== '23505') throw error;
    }
  }
  if (password !== undefined) {
    const literal = (await client.query('select quote_literal($1) as q', [password])).rows[0].q as string;
    // Roles are cluster-wide but the migration lock is per database, so migrators of two
    // databases in one cluster (parallel test files, several environments on one server)
    // can ALTER the role at the same moment; PostgreSQL then fails the loser with
    // "tuple concurrently updated". The statement is idempotent, so run it again.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`alter role ${APP_ROLE} login password ${literal}`);
        break;
      } catch (error) {
        if (!isConcurrentCatalogUpdate(error) || attempt >= ROLE_UPDATE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt * (0.5 + Math.random())));
      }
    }
  }
}

function isConcurrentCatalogUpdate(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === 'XX000' && /^tuple concurrently (updated|deleted)$/.test(message ?? '');
}

export async function migrate(databaseUrl: string, options: { dir?: string; appPassword?: string } = {}): Promise<MigrateResult> {
  const migrations = readMigrations(options.dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await ensureAppRole(client, options.appPassword);
    await client.query(`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`);
    // /readyz, running as the application role, compares the applied version with the code's.
    await client.query(`grant select on schema_migrations to ${APP_ROLE}`);
    const done = new Map<number, string>();
    for (const row of (await client.query('select version, checksum from schema_migrations')).rows) {
      done.set(row.version as number, row.checksum as string);
    }
    const applied: string[] = [];
    const highestApplied = Math.max(0, ...done.keys());
    for (const migration of migrations) {
      const previous = done.get(migration.version);
      if (previous === undefined && migration.version < highestApplied) {
        throw new MigrationError(`migration ${fileName(migration)} is numbered below one already applied (${highestApplied}); number it after the last one`);
      }
      if (previous !== undefined) {
        if (previous !== migration.checksum) {
          throw new MigrationError(`migration ${fileName(migration)} was changed after it was applied; migrations are frozen — add a new one`);
        }
        continue;
      }
      await client.query('begin');
      try {
        await client.query(`set local lock_timeout = '${DDL_LOCK_TIMEOUT}'`);
        await client.query(migration.sql);
        await client.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [
          migration.version,
          migration.name,
          migration.checksum,
        ]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new MigrationError(`migration ${fileName(migration)} failed: ${(error as Error).message}`);
      }
      applied.push(fileName(migration));
    }
    return { applied, current: latestMigrationVersion(options.dir) };
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

/** The highest version the code knows and the highest applied; /readyz compares them. */
export function latestMigrationVersion(dir: string = MIGRATIONS_DIR): number {
  return Math.max(0, ...readMigrations(dir).map((migration) => migration.version));
}

function fileName(migration: MigrationFile): string {
  return `${String(migration.version).padStart(4, '0')}_${migration.name}.sql`;
}
