import { randomBytes } from 'node:crypto';
import type { TenantScope, Tx } from '../db/index.ts';
import { AppError, invariant } from '../errors.ts';
import { DATA_KEY_CACHE_TENANTS_MAX } from '../limits.ts';
import { KEY_BYTES, open, seal } from './aes-gcm.ts';
import type { Keyring, MasterKey } from './keyring.ts';

/**
 * Per-tenant data keys: random AES-256 keys, stored in tenant_data_keys wrapped
 * by a master key. Unwrapped keys are cached in process (bounded, LRU by tenant):
 * a data key never changes once committed — master key rotation only re-wraps it.
 *
 * The process keyring is module state, set once at start-up by
 * configureKeyring() (src/cli/runtime.ts does it). Services then seal and open
 * fields with just (tx, ctx, …) and never carry key material around; tests
 * install their own keyring the same way.
 */

export interface DataKey {
  version: number;
  key: Buffer;
}

interface TenantKeys {
  /** The highest version seen: new fields are sealed with it. */
  current: number;
  versions: Map<number, Buffer>;
}

let keyringOrLoader: Keyring | (() => Keyring) | undefined;
const cache = new Map<string, TenantKeys>();
/**
 * Keys created by a still-open transaction. They must not reach the cache: if
 * that transaction rolls back, another one creates a different version 1, and a
 * field sealed with the cached key could never be opened again.
 */
const createdInTransaction = new WeakMap<Tx, Map<string, DataKey>>();

/**
 * Installs the process keyring and empties the data key cache. A function is
 * loaded on first use, so commands that never touch sealed fields need no key.
 */
export function configureKeyring(keyring: Keyring | (() => Keyring)): void {
  keyringOrLoader = keyring;
  cache.clear();
}

export function configuredKeyring(): Keyring {
  invariant(keyringOrLoader, 'no keyring configured: call configureKeyring() at start-up');
  if (typeof keyringOrLoader === 'function') keyringOrLoader = keyringOrLoader();
  return keyringOrLoader;
}

/** The tenant's data key for sealing, created (version 1) on first use. */
export async function currentDataKey(tx: Tx, ctx: TenantScope): Promise<DataKey> {
  const cached = cache.get(ctx.tenantId);
  if (cached) {
    touch(ctx.tenantId, cached);
    return { version: cached.current, key: cached.versions.get(cached.current)! };
  }
  const pending = createdInTransaction.get(tx)?.get(ctx.tenantId);
  if (pending) return pending;
  const latest = await tx
    .selectFrom('tenant_data_keys')
    .select(['key_version', 'wrapped_key', 'master_key_id'])
    .where('tenant_id', '=', ctx.tenantId)
    .orderBy('key_version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (latest) return remember(ctx.tenantId, latest.key_version, unwrapDataKey(ctx.tenantId, latest));
  return createDataKey(tx, ctx);
}

/** The tenant's data key of one version, for opening; undefined when the tenant has none such. */
export async function dataKeyVersion(tx: Tx, ctx: TenantScope, version: number): Promise<DataKey | undefined> {
  const cached = cache.get(ctx.tenantId);
  const cachedKey = cached?.versions.get(version);
  if (cached && cachedKey) {
    touch(ctx.tenantId, cached);
    return { version, key: cachedKey };
  }
  const pending = createdInTransaction.get(tx)?.get(ctx.tenantId);
  if (pending?.version === version) return pending;
  const row = await tx
    .selectFrom('tenant_data_keys')
    .select(['key_version', 'wrapped_key', 'master_key_id'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('key_version', '=', version)
    .executeTakeFirst();
  if (!row) return undefined;
  return remember(ctx.tenantId, version, unwrapDataKey(ctx.tenantId, row));
}

/**
 * Two transactions may create the tenant's first key at once: the insert of the
 * second waits on the primary key, does nothing, and the re-read returns the
 * winner's key, so both seal with the same one.
 */
async function createDataKey(tx: Tx, ctx: TenantScope): Promise<DataKey> {
  const version = 1;
  const key = randomBytes(KEY_BYTES);
  const master = configuredKeyring().current();
  const inserted = await tx
    .insertInto('tenant_data_keys')
    .values({ tenant_id: ctx.tenantId, key_version: version, wrapped_key: wrapDataKey(master, ctx.tenantId, version, key), master_key_id: master.id })
    .onConflict((oc) => oc.columns(['tenant_id', 'key_version']).doNothing())
    .returning('key_version')
    .executeTakeFirst();
  if (inserted) {
    const created = { version, key };
    let pending = createdInTransaction.get(tx);
    if (!pending) createdInTransaction.set(tx, (pending = new Map()));
    pending.set(ctx.tenantId, created);
    return created;
  }
  const winner = await tx
    .selectFrom('tenant_data_keys')
    .select(['key_version', 'wrapped_key', 'master_key_id'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('key_version', '=', version)
    .executeTakeFirstOrThrow();
  return remember(ctx.tenantId, version, unwrapDataKey(ctx.tenantId, winner));
}

/**
 * The tenant id and version are the associated data of the wrapping, so a
 * wrapped key copied to another tenant's row (or version) does not unwrap.
 */
export function wrapDataKey(master: MasterKey, tenantId: string, version: number, key: Buffer): Buffer {
  return seal(master.key, key, wrapAad(tenantId, version));
}

/** Opens a wrapped data key with the process keyring; every failure is the same opaque ENCRYPTION_FAILED. */
function unwrapDataKey(tenantId: string, row: WrappedDataKey): Buffer {
  const key = unwrapDataKeyWith(configuredKeyring(), tenantId, row);
  if (!key) throw new AppError('ENCRYPTION_FAILED');
  return key;
}

export interface WrappedDataKey {
  key_version: number;
  wrapped_key: Buffer;
  master_key_id: string;
}

/** The data key, or undefined when the keyring lacks its master key or the wrapping does not open. */
export function unwrapDataKeyWith(keyring: Keyring, tenantId: string, row: WrappedDataKey): Buffer | undefined {
  const master = keyring.find(row.master_key_id);
  const key = master ? open(master.key, row.wrapped_key, wrapAad(tenantId, row.key_version)) : undefined;
  return key?.length === KEY_BYTES ? key : undefined;
}

function wrapAad(tenantId: string, version: number): Buffer {
  return Buffer.from(`qm-data-key\0${tenantId}\0${version}`, 'utf8');
}

function remember(tenantId: string, version: number, key: Buffer): DataKey {
  let entry = cache.get(tenantId);
  if (!entry) {
    if (cache.size >= DATA_KEY_CACHE_TENANTS_MAX) cache.delete(cache.keys().next().value!);
    entry = { current: version, versions: new Map() };
  }
  entry.versions.set(version, key);
  entry.current = Math.max(entry.current, version);
  touch(tenantId, entry);
  return { version, key };
}

/** Map order is insertion order: re-inserting marks the tenant most recently used. */
function touch(tenantId: string, entry: TenantKeys): void {
  cache.delete(tenantId);
  cache.set(tenantId, entry);
}
