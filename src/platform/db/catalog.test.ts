import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import { SYSTEM_FUNCTIONS } from './database.ts';
import { APP_ROLE } from './migrate.ts';

/**
 * The schema's isolation rules (DESIGN §2), checked in pg_catalog of a migrated
 * database so that a new migration cannot quietly break them. Each rule is a
 * query that lists violations; the second half of the file breaks the schema on
 * purpose inside a rolled-back transaction and proves each query notices, so
 * that a rule that is vacuous today (there are no views yet) still guards.
 */

const testDb = useTestDatabase();

/** The one unique index that does not lead with tenant_id: tenant names are unique across tenants. */
const UNIQUE_INDEXES_NOT_TENANT_LED = new Set(['tenants_name_key']);
const TENANT_POLICY_SETTING = "current_setting('qm.tenant_id'";
const USER_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'`;

type Client = pg.ClientBase;

async function rows<T>(client: Client, text: string, values: unknown[] = []): Promise<T[]> {
  return (await client.query(text, values)).rows as T[];
}

/** Tables (plain and partitioned) with a tenant_id column. */
async function tenantTables(client: Client): Promise<Array<{ oid: number; name: string; rls: boolean; forced: boolean }>> {
  return rows(
    client,
    `select c.oid::int as oid, c.oid::regclass::text as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and ${USER_SCHEMAS}
       and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
     order by 2`,
  );
}

async function rlsViolations(client: Client): Promise<string[]> {
  const violations: string[] = [];
  for (const table of await tenantTables(client)) {
    if (!table.rls) violations.push(`${table.name}: row-level security is not enabled`);
    if (!table.forced) violations.push(`${table.name}: row-level security is not forced`);
  }
  return violations;
}

async function policyViolations(client: Client): Promise<string[]> {
  const violations: string[] = [];
  for (const table of await tenantTables(client)) {
    const policies = await rows<{ name: string; using: string | null; check: string | null }>(
      client,
      `select polname as name, pg_get_expr(polqual, polrelid) as using, pg_get_expr(polwithcheck, polrelid) as check
       from pg_policy where polrelid = $1 order by polname`,
      [table.oid],
    );
    if (policies.length === 0) violations.push(`${table.name}: no row-level security policy`);
    // Every policy counts: permissive policies are OR-ed, so one loose policy opens the table.
    for (const policy of policies) {
      for (const [clause, expression] of [
        ['USING', policy.using],
        ['WITH CHECK', policy.check],
      ] as const) {
        if (!expression?.includes('tenant_id') || !expression.includes(TENANT_POLICY_SETTING)) {
          violations.push(`${table.name}: policy ${policy.name} ${clause} does not compare tenant_id with qm.tenant_id: ${expression ?? '(none)'}`);
        }
      }
    }
  }
  return violations;
}

async function keyViolations(client: Client): Promise<string[]> {
  const violations: string[] = [];
  for (const table of await tenantTables(client)) {
    const indexes = await rows<{ name: string; primary: boolean; first: string | null }>(
      client,
      `select i.indexrelid::regclass::text as name, i.indisprimary as primary,
              (select a.attname from pg_attribute a where a.attrelid = i.indrelid and a.attnum = i.indkey[0]) as first
       from pg_index i where i.indrelid = $1 and (i.indisunique or i.indisprimary) order by 1`,
      [table.oid],
    );
    if (!indexes.some((index) => index.primary)) violations.push(`${table.name}: no primary key`);
    for (const index of indexes) {
      if (index.first === 'tenant_id' || UNIQUE_INDEXES_NOT_TENANT_LED.has(index.name)) continue;
      const kind = index.primary ? 'primary key' : 'unique index';
      violations.push(`${table.name}: ${kind} ${index.name} does not lead with tenant_id (first column: ${index.first ?? 'an expression'})`);
    }
  }
  return violations;
}

async function foreignKeyViolations(client: Client): Promise<string[]> {
  const tables = await tenantTables(client);
  const tenantOids = tables.map((table) => table.oid);
  const foreignKeys = await rows<{ name: string; table: string; referenced: string; columns: string[]; referencedColumns: string[] }>(
    client,
    `select con.conname as name, con.conrelid::regclass::text as table, con.confrelid::regclass::text as referenced,
            array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, ord)
                  join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord) as columns,
            array(select a.attname::text from unnest(con.confkey) with ordinality k(attnum, ord)
                  join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.ord) as "referencedColumns"
     from pg_constraint con
     where con.contype = 'f' and con.conrelid = any($1::oid[]) and con.confrelid = any($1::oid[])
     order by 2, 1`,
    [tenantOids],
  );
  return foreignKeys
    .filter((fk) => !fk.columns.some((column, index) => column === 'tenant_id' && fk.referencedColumns[index] === 'tenant_id'))
    .map((fk) => `${fk.table}: foreign key ${fk.name} to ${fk.referenced} (${fk.columns.join(', ')}) does not match tenant_id to tenant_id`);
}

async function viewViolations(client: Client): Promise<string[]> {
  const views = await rows<{ name: string; options: string[] | null }>(
    client,
    `select c.oid::regclass::text as name, c.reloptions as options
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'v' and ${USER_SCHEMAS} order by 1`,
  );
  const invoker = /^security_invoker=(true|on|yes|1)$/i;
  return views
    .filter((view) => !(view.options ?? []).some((option) => invoker.test(option)))
    .map((view) => `${view.name}: view is not security_invoker (it would read as its owner, past row-level security)`);
}

async function materializedViews(client: Client): Promise<string[]> {
  const found = await rows<{ name: string }>(client, `select oid::regclass::text as name from pg_class where relkind = 'm' order by 1`);
  return found.map((view) => `${view.name}: materialized views hold rows outside row-level security`);
}

async function securityDefinerViolations(client: Client): Promise<string[]> {
  const functions = await rows<{ name: string; signature: string; args: number; config: string[] | null; publicExecute: boolean }>(
    client,
    `select p.proname as name, p.oid::regprocedure::text as signature, p.pronargs::int as args, p.proconfig as config,
            exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl
                    where acl.grantee = 0 and acl.privilege_type = 'EXECUTE') as "publicExecute"
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where p.prosecdef and ${USER_SCHEMAS} order by 2`,
  );
  const allowlist: Record<string, number> = SYSTEM_FUNCTIONS;
  const violations: string[] = [];
  for (const fn of functions) {
    if (allowlist[fn.name] !== fn.args) {
      violations.push(`${fn.signature}: SECURITY DEFINER but not in SYSTEM_FUNCTIONS (src/platform/db/database.ts)`);
    }
    const searchPath = (fn.config ?? []).find((setting) => setting.startsWith('search_path='));
    if (!searchPath || searchPath.includes('$user')) {
      violations.push(`${fn.signature}: SECURITY DEFINER without a fixed search_path (${searchPath ?? 'none'})`);
    }
    if (fn.publicExecute) violations.push(`${fn.signature}: SECURITY DEFINER and executable by PUBLIC`);
  }
  return violations;
}

async function appRoleViolations(client: Client): Promise<string[]> {
  const [role] = await rows<{ oid: number; superuser: boolean; bypassrls: boolean }>(
    client,
    'select oid::int as oid, rolsuper as superuser, rolbypassrls as bypassrls from pg_roles where rolname = $1',
    [APP_ROLE],
  );
  if (!role) return [`role ${APP_ROLE} does not exist`];
  const violations: string[] = [];
  if (role.superuser) violations.push(`${APP_ROLE} is a superuser`);
  if (role.bypassrls) violations.push(`${APP_ROLE} has BYPASSRLS`);
  const owned = await rows<{ kind: string; name: string }>(
    client,
    `select 'relation' as kind, oid::regclass::text as name from pg_class where relowner = $1
     union all select 'function', oid::regprocedure::text from pg_proc where proowner = $1
     union all select 'schema', nspname::text from pg_namespace where nspowner = $1
     order by 1, 2`,
    [role.oid],
  );
  for (const object of owned) violations.push(`${APP_ROLE} owns ${object.kind} ${object.name} (an owner escapes forced RLS by ALTER TABLE)`);
  // Membership in a powerful role is ownership by another name (SET ROLE).
  const memberOf = await rows<{ name: string }>(
    client,
    `select r.rolname as name from pg_roles r
     where r.oid <> $1 and pg_has_role($1, r.oid, 'MEMBER')
       and (r.rolsuper or r.rolbypassrls or exists (select 1 from pg_class c where c.relowner = r.oid))
     order by 1`,
    [role.oid],
  );
  for (const member of memberOf) violations.push(`${APP_ROLE} is a member of ${member.name}, which owns tables or bypasses RLS`);
  return violations;
}

async function appendOnlyTables(client: Client): Promise<string[]> {
  const tables = await rows<{ name: string }>(
    client,
    `select c.oid::regclass::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and ${USER_SCHEMAS} and obj_description(c.oid, 'pg_class') like 'append-only%' order by 1`,
  );
  return tables.map((table) => table.name);
}

async function appendOnlyViolations(client: Client): Promise<string[]> {
  const violations: string[] = [];
  for (const table of await appendOnlyTables(client)) {
    const [grants] = await rows<{ update: boolean; delete: boolean; truncate: boolean }>(
      client,
      // has_any_column_privilege also sees a column-level UPDATE grant.
      `select has_any_column_privilege($1, $2::regclass, 'UPDATE') as update,
              has_table_privilege($1, $2::regclass, 'DELETE') as delete,
              has_table_privilege($1, $2::regclass, 'TRUNCATE') as truncate`,
      [APP_ROLE, table],
    );
    for (const privilege of ['update', 'delete', 'truncate'] as const) {
      if (grants?.[privilege]) violations.push(`${APP_ROLE} may ${privilege.toUpperCase()} append-only table ${table}`);
    }
  }
  return violations;
}

async function withAdminClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await testDb().admin.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

/** Breaks the schema on purpose, runs the check, and rolls everything back. */
async function violationsAfter(breakage: string, check: (client: Client) => Promise<string[]>): Promise<string[]> {
  return withAdminClient(async (client) => {
    await client.query('begin');
    try {
      await client.query(breakage);
      return await check(client);
    } finally {
      await client.query('rollback');
    }
  });
}

describe('the migrated schema', () => {
  it('covers the kernel tenant tables', async () => {
    const names = (await withAdminClient(tenantTables)).map((table) => table.name);
    expect(names).toEqual(expect.arrayContaining(['tenants', 'api_keys', 'audit_log', 'outbox_events', 'number_series']));
  });

  it('enables and forces row-level security on every table with a tenant_id', async () => {
    expect(await withAdminClient(rlsViolations)).toEqual([]);
  });

  it('guards every tenant table with policies whose USING and WITH CHECK compare tenant_id with qm.tenant_id', async () => {
    expect(await withAdminClient(policyViolations)).toEqual([]);
  });

  it('leads every primary key and unique index of a tenant table with tenant_id', async () => {
    expect(await withAdminClient(keyViolations)).toEqual([]);
    const [tenantsKey] = await withAdminClient((client) =>
      rows<{ columns: string[] }>(
        client,
        `select array(select a.attname::text from unnest(i.indkey) with ordinality k(attnum, ord)
                      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum order by k.ord) as columns
         from pg_index i where i.indrelid = 'tenants'::regclass and i.indisprimary`,
      ),
    );
    expect(tenantsKey?.columns).toEqual(['tenant_id']);
  });

  it('includes tenant_id in every foreign key between tenant tables', async () => {
    expect(await withAdminClient(foreignKeyViolations)).toEqual([]);
  });

  it('creates every view security_invoker and no materialized view', async () => {
    expect(await withAdminClient(viewViolations)).toEqual([]);
    expect(await withAdminClient(materializedViews)).toEqual([]);
  });

  it('holds no SECURITY DEFINER function outside SYSTEM_FUNCTIONS, each with a fixed search_path and no PUBLIC execute', async () => {
    expect(await withAdminClient(securityDefinerViolations)).toEqual([]);
  });

  it('defines every allowlisted system function, executable by the application role', async () => {
    const found = await withAdminClient((client) =>
      rows<{ name: string; args: number; executable: boolean }>(
        client,
        `select p.proname as name, p.pronargs::int as args, has_function_privilege($1, p.oid, 'EXECUTE') as executable
         from pg_proc p where p.prosecdef and p.proname = any($2::text[]) order by 1`,
        [APP_ROLE, Object.keys(SYSTEM_FUNCTIONS)],
      ),
    );
    const expected = Object.entries(SYSTEM_FUNCTIONS)
      .map(([name, args]) => ({ name, args, executable: true }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(found).toEqual(expected);
  });

  it('gives the application role no superuser, no BYPASSRLS and no ownership', async () => {
    expect(await withAdminClient(appRoleViolations)).toEqual([]);
  });

  it('grants the application role no UPDATE, DELETE or TRUNCATE on append-only tables', async () => {
    expect(await withAdminClient(appendOnlyTables)).toEqual(expect.arrayContaining(['audit_log', 'audit_seals', 'outbox_events']));
    expect(await withAdminClient(appendOnlyViolations)).toEqual([]);
  });
});

describe('the catalog checks catch', () => {
  const contains = (text: string) => expect.arrayContaining([expect.stringContaining(text)]);

  it('a tenant table without row-level security, policy or tenant-led key', async () => {
    const breakage = 'create table catalog_probe (tenant_id uuid not null, probe_id uuid not null, primary key (probe_id, tenant_id))';
    expect(await violationsAfter(breakage, rlsViolations)).toEqual(contains('catalog_probe: row-level security is not enabled'));
    expect(await violationsAfter(breakage, policyViolations)).toEqual(contains('catalog_probe: no row-level security policy'));
    expect(await violationsAfter(breakage, keyViolations)).toEqual(contains('catalog_probe: primary key catalog_probe_pkey does not lead'));
  });

  it('row-level security enabled but not forced', async () => {
    const breakage = 'alter table number_series no force row level security';
    expect(await violationsAfter(breakage, rlsViolations)).toEqual(['number_series: row-level security is not forced']);
  });

  it('a policy without WITH CHECK, and a permissive policy that ignores the tenant', async () => {
    expect(
      await violationsAfter(
        `create table catalog_probe (tenant_id uuid not null, primary key (tenant_id));
         alter table catalog_probe enable row level security;
         create policy reads on catalog_probe for select using (tenant_id = current_setting('qm.tenant_id', true)::uuid)`,
        policyViolations,
      ),
    ).toEqual(['catalog_probe: policy reads WITH CHECK does not compare tenant_id with qm.tenant_id: (none)']);
    expect(await violationsAfter('create policy everyone on number_series using (true) with check (true)', policyViolations)).toEqual([
      'number_series: policy everyone USING does not compare tenant_id with qm.tenant_id: true',
      'number_series: policy everyone WITH CHECK does not compare tenant_id with qm.tenant_id: true',
    ]);
  });

  it('a unique index that does not lead with tenant_id', async () => {
    expect(await violationsAfter('create unique index number_series_by_prefix on number_series (prefix, tenant_id)', keyViolations)).toEqual([
      'number_series: unique index number_series_by_prefix does not lead with tenant_id (first column: prefix)',
    ]);
    expect(await violationsAfter('create unique index number_series_lower on number_series (lower(prefix))', keyViolations)).toEqual([
      'number_series: unique index number_series_lower does not lead with tenant_id (first column: an expression)',
    ]);
  });

  it('a foreign key between tenant tables that leaves tenant_id out', async () => {
    const breakage = `
      create unique index outbox_events_event_id on outbox_events (event_id);
      create table catalog_probe (tenant_id uuid not null, event_id uuid not null references outbox_events (event_id),
                                  primary key (tenant_id, event_id))`;
    expect(await violationsAfter(breakage, foreignKeyViolations)).toEqual([
      'catalog_probe: foreign key catalog_probe_event_id_fkey to outbox_events (event_id) does not match tenant_id to tenant_id',
    ]);
  });

  it('a view that is not security_invoker, and a materialized view', async () => {
    expect(await violationsAfter('create view catalog_probe as select * from number_series', viewViolations)).toEqual([
      'catalog_probe: view is not security_invoker (it would read as its owner, past row-level security)',
    ]);
    expect(
      await violationsAfter('create view catalog_probe with (security_invoker = true) as select * from number_series', viewViolations),
    ).toEqual([]);
    expect(await violationsAfter('create materialized view catalog_probe as select * from number_series', materializedViews)).toEqual([
      'catalog_probe: materialized views hold rows outside row-level security',
    ]);
  });

  it('a SECURITY DEFINER function outside the allowlist, without search_path, or executable by PUBLIC', async () => {
    expect(
      await violationsAfter('create function catalog_probe() returns int language sql security definer set search_path = pg_catalog as $$ select 1 $$', securityDefinerViolations),
    ).toEqual(['catalog_probe(): SECURITY DEFINER but not in SYSTEM_FUNCTIONS (src/platform/db/database.ts)', 'catalog_probe(): SECURITY DEFINER and executable by PUBLIC']);
    expect(await violationsAfter('alter function qm_sys_list_tenants() reset search_path', securityDefinerViolations)).toEqual([
      'qm_sys_list_tenants(): SECURITY DEFINER without a fixed search_path (none)',
    ]);
    expect(await violationsAfter('grant execute on function qm_sys_tenant_by_name(text) to public', securityDefinerViolations)).toEqual([
      'qm_sys_tenant_by_name(text): SECURITY DEFINER and executable by PUBLIC',
    ]);
  });

  it('an application role that owns a table', async () => {
    expect(await violationsAfter(`alter table number_series owner to ${APP_ROLE}`, appRoleViolations)).toEqual(
      contains(`${APP_ROLE} owns relation number_series`),
    );
  });

  it('UPDATE or DELETE granted on an append-only table, and nothing once they are revoked', async () => {
    expect(await violationsAfter(`grant update (request_id), delete on outbox_events to ${APP_ROLE}`, appendOnlyViolations)).toEqual(
      contains(`${APP_ROLE} may UPDATE append-only table outbox_events`),
    );
    const tables = await withAdminClient(appendOnlyTables);
    expect(await violationsAfter(`revoke update, delete, truncate on ${tables.join(', ')} from ${APP_ROLE}`, appendOnlyViolations)).toEqual([]);
  });
});
