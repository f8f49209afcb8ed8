export { createDatabase, assertTenantId, SYSTEM_FUNCTIONS, TRANSACTION_RETRY_MAX } from './database.ts';
export type { Database, Tx, TenantScope, SystemFunction, TransactionOptions } from './database.ts';
export { migrate, readMigrations, latestMigrationVersion, ensureAppRole, MigrationError, APP_ROLE, MIGRATIONS_DIR } from './migrate.ts';
export { openDatabaseTarget, ensureDatabase, withDatabase, withCredentials, EMBEDDED_DATABASE } from './connect.ts';
export type { DatabaseTarget } from './connect.ts';
export { openEmbeddedServer, EmbeddedServerError, SERVER_FILE } from './embedded-server.ts';
export type { EmbeddedServer } from './embedded-server.ts';
export type { DB } from './schema.ts';
export { memoInTransaction } from './transaction-memo.ts';
