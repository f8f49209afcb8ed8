import type { Database } from '../db/index.ts';
import { ConfigError } from '../config.ts';
import { AppError } from '../errors.ts';
import { addMasterKeyToFile, type Keyring } from './keyring.ts';
import { unwrapDataKeyWith, wrapDataKey } from './data-keys.service.ts';

export interface RotationOptions {
  /** Every tenant (the CLI passes listTenants()); tenants without data keys are skipped cheaply. */
  tenantIds: readonly string[];
  /**
   * Add a new master key before re-wrapping. Default: yes for a key file, and
   * never for environment keys, where the operator supplies the new key in
   * QM_MASTER_KEY and the old one in QM_MASTER_KEY_PREVIOUS. false re-wraps to the
   * current key only, e.g. to finish a rotation that was interrupted.
   */
  newKey?: boolean;
}

export interface RotationResult {
  masterKeyId: string;
  /** Data keys whose wrapping changed. */
  rewrapped: number;
  tenants: number;
}

/**
 * Master key rotation without downtime. A key file gains a new current key (the
 * old ones stay, so running processes and data keys not yet re-wrapped keep
 * opening); then every tenant's data keys are re-wrapped under the current key,
 * each tenant in its own short transaction, so no lock is held for long and a
 * crash halfway leaves every key openable (re-run to finish). The data keys
 * themselves do not change, so no sealed field is rewritten and the caches of
 * running processes stay valid.
 */
export async function rotateMasterKey(db: Database, keyring: Keyring, options: RotationOptions): Promise<RotationResult> {
  const newKey = options.newKey ?? keyring.source === 'file';
  if (newKey) {
    if (keyring.source !== 'file' || !keyring.keyFile) {
      throw new ConfigError('with QM_MASTER_KEY set, put the new key in QM_MASTER_KEY and the old one in QM_MASTER_KEY_PREVIOUS, then rotate');
    }
    addMasterKeyToFile(keyring.keyFile);
    keyring.reload();
  }
  const current = keyring.current();
  let rewrapped = 0;
  for (const tenantId of options.tenantIds) {
    rewrapped += await db.withTenant({ tenantId }, async (tx) => {
      const stale = await tx
        .selectFrom('tenant_data_keys')
        .select(['key_version', 'wrapped_key', 'master_key_id'])
        .where('tenant_id', '=', tenantId)
        .where('master_key_id', '<>', current.id)
        .forNoKeyUpdate()
        .execute();
      for (const row of stale) {
        const key = unwrapDataKeyWith(keyring, tenantId, row);
        if (!key) {
          // Operator-facing: the id is not secret and says which key is missing.
          throw new AppError('ENCRYPTION_FAILED', `tenant ${tenantId}: data key version ${row.key_version} is wrapped by master key ${row.master_key_id}, which the keyring cannot open`);
        }
        await tx
          .updateTable('tenant_data_keys')
          .set({ wrapped_key: wrapDataKey(current, tenantId, row.key_version, key), master_key_id: current.id })
          .where('tenant_id', '=', tenantId)
          .where('key_version', '=', row.key_version)
          .execute();
      }
      return stale.length;
    });
  }
  return { masterKeyId: current.id, rewrapped, tenants: options.tenantIds.length };
}
