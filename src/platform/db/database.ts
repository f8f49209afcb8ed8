import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';
import { latestMigrationVersion } from './migrate.ts';

/** The handle every service receives: a transaction with the tenant context already set. */
export type Tx = Transaction<DB>;

export interface TenantScope {
  tenantId: string;
}

/**
 * SECURITY DEFINER functions that cross tenants (DESIGN §2, "the system path").
 * This list is the allowlist: the catalog test fails when the database holds a
 * SECURITY DEFINER function that is not named here.
 */
export const SYSTEM_FUNCTIONS = {
  qm_sys_list_tenants: 0,
  qm_sys_tenant_by_name: 1,
  qm_sys_resolve_api_key: 1,
  qm_sys_tenants_with_unsealed_audit: 1,
  qm_sys_claim_deliveries: 4,
} as const;
export type SystemFunction = keyof typeof SYSTEM_FUNCTIONS;

export interface Database {
  /**
   * Runs fn in one transaction whose tenant context is ctx.tenantId. The only
   * way application code reaches tenant data. Deadlocks and serialization
   * failures are retried a bounded number of times, so fn must not have side
   * effects outside the transaction.
   */
  withTenant<T>(ctx: TenantScope, fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Calls one allowlisted SECURITY DEFINER function, without tenant context. */
  callSystem<R = Record<string, unknown>>(fn: SystemFunction, args?: unknown[]): Promise<R[]>;
  /** Database reachable and migrated to the version this code knows. */
  readiness(): Promise<{ ok: boolean; reason?: string; cause?: string }>;
  close(): Promise<void>;
}

export interface TransactionOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
}

// Business dates are calendar dates, not instants: keep PostgreSQL `date` values as
// 'YYYY-MM-DD' strings instead of node-postgres' default of a Date at local midnight.
const DATE_OID = 1082;
pg.types.setTypeParser(DATE_OID, (value: string) => value);

export const TRANSACTION_RETRY_MAX = 5;
const RETRY_BASE_DELAY_MS = 5;
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DatabaseOptions {
  /** Connection string of the application role (qm_app), never the owner. */
  appUrl: string;
  poolSize?: number;
  /** Names the process in pg_stat_activity. */
  applicationName?: string;
}

export function createDatabase(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.appUrl,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'quartermaster',
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  const kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });

  async function withTenant<T>(ctx: TenantScope, fn: (tx: Tx) => Promise<T>, txOptions: TransactionOptions = {}): Promise<T> {
    assertTenantId(ctx.tenantId);
    for (let attempt = 1; ; attempt++) {
      try {
        let builder = kysely.transaction();
        if (txOptions.isolation) builder = builder.setIsolationLevel(txOptions.isolation);
        return await builder.execute(async (tx) => {
          // SET LOCAL (not set_config) so that Citus forwards it to workers; the id was
          // validated as a UUID above, so quoting it as a literal is safe.
          await sql`set local qm.tenant_id = ${sql.lit(ctx.tenantId)}`.execute(tx);
          return fn(tx);
        });
      } catch (error) {
        if (!isRetryable(error) || attempt >= TRANSACTION_RETRY_MAX) throw error;
        const delay = RETRY_BASE_DELAY_MS * 2 ** attempt * (0.5 + Math.random());
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async function callSystem<R>(fn: SystemFunction, args: unknown[] = []): Promise<R[]> {
    const arity = SYSTEM_FUNCTIONS[fn];
    if (arity === undefined || args.length !== arity) {
      throw new Error(`system function ${fn} takes ${arity} arguments, got ${args.length}`);
    }
    const placeholders = args.map((_, index) => `$${index + 1}`).join(', ');
    const result = await pool.query(`select * from ${fn}(${placeholders})`, args);
    return result.rows as R[];
  }

  async function readiness(): Promise<{ ok: boolean; reason?: string; cause?: string }> {
    try {
      // schema_migrations is owned by the migrator; the app role reads its version
      // through pg_stat-free means: a plain select, granted by default privileges.
      const { rows } = await pool.query('select coalesce(max(version), 0)::int as version from schema_migrations');
      const applied = rows[0].version as number;
      const expected = latestMigrationVersion();
      if (applied < expected) return { ok: false, reason: `database at migration ${applied}, code expects ${expected}` };
      return { ok: true };
    } catch (error) {
      // The cause (host, port, driver text) is for the logs, not for whoever polls /readyz.
      return { ok: false, reason: 'database unreachable', cause: (error as Error).message };
    }
  }

  return {
    withTenant,
    callSystem,
    readiness,
    close: async () => {
      await kysely.destroy();
      // Kysely ends the pool only if it ever ran a query; callSystem uses the pool directly,
      // and an idle client left open keeps a CLI process alive until idleTimeoutMillis.
      if (!pool.ended) await pool.end();
    },
  };
}

export function assertTenantId(tenantId: string): void {
  if (typeof tenantId !== 'string' || !UUID_PATTERN.test(tenantId)) {
    throw new Error(`tenant id must be a UUID, got ${JSON.stringify(tenantId)}`);
  }
}

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}
