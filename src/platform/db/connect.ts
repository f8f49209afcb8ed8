import pg from 'pg';
import type { Config } from '../config.ts';
import { openEmbeddedServer, type EmbeddedServer, type ServerOwnerKind } from './embedded-server.ts';
import { APP_ROLE } from './migrate.ts';

/**
 * Where the database is: the embedded server under DATA_DIR, or DATABASE_URL.
 * adminUrl is the owner/migration role; appUrl the application role (qm_app),
 * which owns nothing and is subject to row-level security.
 */
export interface DatabaseTarget {
  adminUrl: string;
  appUrl: string;
  /** The password migrate sets on qm_app; undefined when an operator manages the role. */
  appPassword: string | undefined;
  embedded: EmbeddedServer | undefined;
  release(): Promise<void>;
}

export const EMBEDDED_DATABASE = 'quartermaster';
/** Development default only; production sets DATABASE_APP_URL or QM_APP_PASSWORD. */
const DEFAULT_APP_PASSWORD = 'qm_app';

export async function openDatabaseTarget(
  config: Config,
  kind: ServerOwnerKind,
  log: (message: string) => void = () => {},
  options: { attachOnly?: boolean } = {},
): Promise<DatabaseTarget> {
  if (config.databaseUrl) {
    const appPassword = config.databaseAppUrl ? undefined : (process.env.QM_APP_PASSWORD ?? DEFAULT_APP_PASSWORD);
    return {
      adminUrl: config.databaseUrl,
      appUrl: config.databaseAppUrl ?? withCredentials(config.databaseUrl, APP_ROLE, appPassword!),
      appPassword,
      embedded: undefined,
      release: async () => {},
    };
  }
  const server = await openEmbeddedServer(config.dataDir, { kind, log, attachOnly: options.attachOnly ?? false });
  try {
    await ensureDatabase(server.adminUrl, EMBEDDED_DATABASE);
  } catch (error) {
    await server.release();
    throw error;
  }
  const adminUrl = withDatabase(server.adminUrl, EMBEDDED_DATABASE);
  return {
    adminUrl,
    appUrl: withDatabase(withCredentials(server.adminUrl, APP_ROLE, server.appPassword), EMBEDDED_DATABASE),
    appPassword: server.appPassword,
    embedded: server,
    release: () => server.release(),
  };
}

/** Creates the database if it does not exist; concurrent creators are tolerated. */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return;
    const ident = client.escapeIdentifier(name);
    const templateClause = template ? ` template ${client.escapeIdentifier(template)}` : '';
    await client.query(`create database ${ident}${templateClause}`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // duplicate_database: someone else created it first
    });
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}
