/**
 * Query types follow the schema: schema.generated.ts is produced from the
 * migrations by `npm run db:types` (kysely-codegen against a freshly migrated
 * database), and schema.test.ts fails when it is stale.
 */
export type { DB } from './schema.generated.ts';
export type * from './schema.generated.ts';
