import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import { createTenant } from '../modules/access/index.ts';
import { configureKeyring, envKeyring, KEY_FILE_NAME, loadKeyring, openField, sealField } from '../platform/crypto/index.ts';

const testDb = useTestDatabase();
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-keys-cli-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Runs the real `qm` binary against this file's test database. */
function qm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: testDb().adminUrl,
    QM_APP_PASSWORD: inject('qmDatabase').appPassword,
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_APP_URL;
  delete env.QM_MASTER_KEY;
  delete env.QM_MASTER_KEY_PREVIOUS;
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/qm.js', ...args], { cwd: repoRoot, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('qm keys rotate', () => {
  it('re-wraps every tenant’s data key under a new key-file master key and says how many', async () => {
    const { db } = testDb();
    const keyring = loadKeyring({ dataDir, databaseUrl: undefined, masterKey: undefined, masterKeyPrevious: undefined });
    configureKeyring(keyring);
    const sealed: Array<{ tenantId: string; value: string }> = [];
    for (const name of ['Acme Supply', 'Borealis Wholesale']) {
      const { result } = await createTenant(db, { name }, async (tx, tenant) => ({
        tenantId: tenant.tenantId,
        value: await sealField(tx, tenant, `bank account of ${name}`, 'tenant.bank_account'),
      }));
      sealed.push(result);
    }
    await createTenant(db, { name: 'Cobalt Without Secrets' }, async () => undefined);
    const oldId = keyring.current().id;

    const run = await qm(['--data-dir', dataDir, 'keys', 'rotate']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    keyring.reload();
    const newId = keyring.current().id;
    expect(newId).not.toBe(oldId);
    expect(run.stdout).toBe(`re-wrapped 2 data keys of 3 tenants under master key ${newId}\n`);

    // Only the new key is needed from now on.
    configureKeyring(envKeyring(keyring.find(newId)!.key.toString('base64')));
    for (const { tenantId, value } of sealed) {
      const plaintext = await db.withTenant({ tenantId }, (tx) => openField(tx, { tenantId }, value, 'tenant.bank_account'));
      expect(plaintext).toMatch(/^bank account of /);
    }

    const again = await qm(['--data-dir', dataDir, 'keys', 'rotate', '--rewrap-only']);
    expect(again.stdout).toBe(`re-wrapped 0 data keys of 3 tenants under master key ${newId}\n`);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, KEY_FILE_NAME), 'utf8')).current).toBe(newId);
  });

  it('fails with one clear line when a production database has no master key', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-keys-none-'));
    try {
      const run = await qm(['--data-dir', empty, 'keys', 'rotate']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^qm: no master key: set QM_MASTER_KEY/);
      expect(fs.readdirSync(empty)).toEqual([]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
