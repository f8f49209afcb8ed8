import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/database.ts';
import type { Database } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import {
  configureKeyring,
  envKeyring,
  fileKeyring,
  generateMasterKey,
  KEY_FILE_NAME,
  loadKeyring,
  openField,
  rotateMasterKey,
  sealField,
  type Keyring,
} from './index.ts';

const testDb = useTestDatabase();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-crypto-'));
let keyring: Keyring;

beforeAll(() => {
  keyring = loadKeyring({ dataDir, databaseUrl: undefined, masterKey: undefined, masterKeyPrevious: undefined });
  configureKeyring(keyring);
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function createTenant(db: Database): Promise<string> {
  const tenantId = newId();
  await db.withTenant({ tenantId }, (tx) => tx.insertInto('tenants').values({ tenant_id: tenantId, name: `T ${tenantId}` }).execute());
  return tenantId;
}

const seal = (tenantId: string, plaintext: string, purpose?: string) =>
  testDb().db.withTenant({ tenantId }, (tx) => sealField(tx, { tenantId }, plaintext, purpose));
const openAs = (tenantId: string, sealed: string, purpose?: string) =>
  testDb().db.withTenant({ tenantId }, (tx) => openField(tx, { tenantId }, sealed, purpose));

async function expectEncryptionFailed(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: 'ENCRYPTION_FAILED', message: 'A sealed field could not be opened' });
}

async function dataKeyRows(tenantId: string) {
  const { rows } = await testDb().admin.query<{ key_version: number; master_key_id: string; wrapped_key: Buffer }>(
    'select key_version, master_key_id, wrapped_key from tenant_data_keys where tenant_id = $1 order by key_version',
    [tenantId],
  );
  return rows;
}

describe('sealed fields', () => {
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    tenantA = await createTenant(testDb().db);
    tenantB = await createTenant(testDb().db);
  });

  it('round-trips a value, sealing it differently each time and never in the clear', async () => {
    const plaintext = 'DE89 3704 0044 0532 0130 00 — Müller & Söhne';
    const first = await seal(tenantA, plaintext, 'supplier.bank_account');
    const second = await seal(tenantA, plaintext, 'supplier.bank_account');
    expect(first).toMatch(/^qm1\.1\.[A-Za-z0-9_-]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('3704');
    expect(await openAs(tenantA, first, 'supplier.bank_account')).toBe(plaintext);
    expect(await openAs(tenantA, second, 'supplier.bank_account')).toBe(plaintext);
    expect(await openAs(tenantA, await seal(tenantA, ''))).toBe('');
  });

  it('creates one data key per tenant on first use, wrapped by the current master key', async () => {
    const rows = await dataKeyRows(tenantA);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key_version: 1, master_key_id: keyring.current().id });
    expect(rows[0]!.wrapped_key).toHaveLength(12 + 16 + 32);
  });

  it("refuses to open ciphertext moved from tenant A's row to tenant B's", async () => {
    await seal(tenantB, 'B has a data key of its own', 'tenant.note');
    const sealed = await seal(tenantA, 'NL91 ABNA 0417 1643 00', 'tenant.bank_account');
    // Store it in A's row, then move it to B's row behind the application's back.
    const { db, admin } = testDb();
    await db.withTenant({ tenantId: tenantA }, (tx) =>
      tx.updateTable('tenants').set({ settings: JSON.stringify({ bankAccount: sealed }) }).where('tenant_id', '=', tenantA).execute(),
    );
    await admin.query(`update tenants set settings = (select settings from tenants where tenant_id = $1) where tenant_id = $2`, [tenantA, tenantB]);
    const moved = await db.withTenant({ tenantId: tenantB }, (tx) =>
      tx.selectFrom('tenants').select('settings').where('tenant_id', '=', tenantB).executeTakeFirstOrThrow(),
    );
    const movedValue = (moved.settings as { bankAccount: string }).bankAccount;
    expect(movedValue).toBe(sealed);
    await expectEncryptionFailed(openAs(tenantB, movedValue, 'tenant.bank_account'));
    expect(await openAs(tenantA, sealed, 'tenant.bank_account')).toBe('NL91 ABNA 0417 1643 00');
  });

  it('refuses to open ciphertext in a tenant that has no data key, without creating one', async () => {
    const tenantC = await createTenant(testDb().db);
    const sealed = await seal(tenantA, 'secret', 'tenant.note');
    await expectEncryptionFailed(openAs(tenantC, sealed, 'tenant.note'));
    expect(await dataKeyRows(tenantC)).toEqual([]);
  });

  it("refuses A's wrapped data key copied into B's row: the tenant id is bound into the wrapping too", async () => {
    const { admin } = testDb();
    const sealedB = await seal(tenantB, 'B secret', 'tenant.note');
    const [rowA] = await dataKeyRows(tenantA);
    const [rowB] = await dataKeyRows(tenantB);
    await admin.query('update tenant_data_keys set wrapped_key = $1, master_key_id = $2 where tenant_id = $3', [rowA!.wrapped_key, rowA!.master_key_id, tenantB]);
    try {
      configureKeyring(keyring); // empty the cache, as a freshly started process
      await expectEncryptionFailed(openAs(tenantB, sealedB, 'tenant.note'));
      await expectEncryptionFailed(openAs(tenantB, await seal(tenantA, 'A secret', 'tenant.note'), 'tenant.note'));
    } finally {
      await admin.query('update tenant_data_keys set wrapped_key = $1, master_key_id = $2 where tenant_id = $3', [rowB!.wrapped_key, rowB!.master_key_id, tenantB]);
      configureKeyring(keyring);
    }
    expect(await openAs(tenantB, sealedB, 'tenant.note')).toBe('B secret');
  });

  it('refuses to open a value under another purpose than it was sealed for', async () => {
    const sealed = await seal(tenantA, '12-3456789', 'supplier.tax_id');
    await expectEncryptionFailed(openAs(tenantA, sealed, 'supplier.bank_account'));
    await expectEncryptionFailed(openAs(tenantA, sealed));
    expect(await openAs(tenantA, sealed, 'supplier.tax_id')).toBe('12-3456789');
  });

  it('refuses a value with any byte altered, and malformed values', async () => {
    const sealed = await seal(tenantA, 'whsec_0123456789abcdef', 'webhook.secret');
    const [format, version, body] = sealed.split('.') as [string, string, string];
    const box = Buffer.from(body, 'base64url');
    // One position in the IV, the tag and the ciphertext each.
    for (const position of [0, 11, 12, 27, 28, box.length - 1]) {
      const tampered = Buffer.from(box);
      tampered[position]! ^= 0x01;
      await expectEncryptionFailed(openAs(tenantA, `${format}.${version}.${tampered.toString('base64url')}`, 'webhook.secret'));
    }
    await expectEncryptionFailed(openAs(tenantA, `${format}.${version}.${box.subarray(0, box.length - 1).toString('base64url')}`, 'webhook.secret'));
    await expectEncryptionFailed(openAs(tenantA, `${format}.2.${body}`, 'webhook.secret'));
    for (const malformed of ['', 'whsec_0123', `qm2.1.${body}`, `qm1.0.${body}`, `qm1.1.${body}=`, 'qm1.1.AAAA']) {
      await expectEncryptionFailed(openAs(tenantA, malformed, 'webhook.secret'));
    }
    expect(await openAs(tenantA, sealed, 'webhook.secret')).toBe('whsec_0123456789abcdef');
  });

  it('keeps a data key created by a rolled-back transaction out of the cache', async () => {
    const tenantD = await createTenant(testDb().db);
    await expect(
      testDb().db.withTenant({ tenantId: tenantD }, async (tx) => {
        await sealField(tx, { tenantId: tenantD }, 'first try', 'tenant.note');
        throw new Error('the business transaction fails');
      }),
    ).rejects.toThrow('the business transaction fails');
    expect(await dataKeyRows(tenantD)).toEqual([]);
    const sealed = await seal(tenantD, 'second try', 'tenant.note');
    expect(await dataKeyRows(tenantD)).toHaveLength(1);
    configureKeyring(keyring); // a process that never saw the rolled-back key
    expect(await openAs(tenantD, sealed, 'tenant.note')).toBe('second try');
  });

  it('agrees on one data key when concurrent transactions seal a new tenant’s first field', async () => {
    const tenantE = await createTenant(testDb().db);
    const sealed = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        testDb().db.withTenant({ tenantId: tenantE }, async (tx) => {
          const value = await sealField(tx, { tenantId: tenantE }, `value ${index}`, 'tenant.note');
          // Hold the transaction open so that the others insert while the first key is uncommitted.
          await sql`select pg_sleep(0.2)`.execute(tx);
          return value;
        }),
      ),
    );
    expect(await dataKeyRows(tenantE)).toHaveLength(1);
    configureKeyring(keyring);
    for (const [index, value] of sealed.entries()) expect(await openAs(tenantE, value, 'tenant.note')).toBe(`value ${index}`);
  });
});

describe('master key rotation', () => {
  it('re-wraps every data key to a new master key and keeps every field of two tenants readable', async () => {
    const { db } = testDb();
    const tenants = [await createTenant(db), await createTenant(db)];
    const bystander = await createTenant(db); // no data key: rotation skips it
    const fields: Array<{ tenantId: string; purpose: string; plaintext: string; sealed: string }> = [];
    for (const tenantId of tenants) {
      for (const purpose of ['supplier.bank_account', 'supplier.tax_id', 'webhook.secret']) {
        const plaintext = `${purpose} of ${tenantId}`;
        fields.push({ tenantId, purpose, plaintext, sealed: await seal(tenantId, plaintext, purpose) });
      }
    }
    const keyFile = path.join(dataDir, KEY_FILE_NAME);
    const oldId = keyring.current().id;
    const runningProcess = fileKeyring(keyFile); // loaded before the rotation, never told about it

    const result = await rotateMasterKey(db, keyring, { tenantIds: [...tenants, bystander] });

    expect(result.masterKeyId).not.toBe(oldId);
    expect(result.masterKeyId).toBe(keyring.current().id);
    expect(result.tenants).toBe(3);
    for (const tenantId of tenants) {
      expect((await dataKeyRows(tenantId)).map((row) => row.master_key_id)).toEqual([result.masterKeyId]);
    }
    expect(await dataKeyRows(bystander)).toEqual([]);
    // The file keeps the old key for processes and keys not yet re-wrapped; still 0600.
    const content = JSON.parse(fs.readFileSync(keyFile, 'utf8'));
    expect(content.current).toBe(result.masterKeyId);
    expect(Object.keys(content.keys).sort()).toEqual([oldId, result.masterKeyId].sort());
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);

    const openAll = async (ring: Keyring) => {
      configureKeyring(ring); // empty cache: data keys are unwrapped from the database again
      for (const field of fields) expect(await openAs(field.tenantId, field.sealed, field.purpose)).toBe(field.plaintext);
    };
    await openAll(keyring);
    // A fresh process that only holds the new key opens everything.
    const newKey = keyring.find(result.masterKeyId)!;
    await openAll(envKeyring(newKey.key.toString('base64')));
    // A fresh process that only holds the OLD key opens nothing: the rows really were re-wrapped.
    configureKeyring(envKeyring(keyring.find(oldId)!.key.toString('base64')));
    await expectEncryptionFailed(openAs(fields[0]!.tenantId, fields[0]!.sealed, fields[0]!.purpose));
    // A process started before the rotation meets the new key id and re-reads the key file.
    await openAll(runningProcess);
    expect(runningProcess.current().id).toBe(result.masterKeyId);

    configureKeyring(keyring);
    const again = await rotateMasterKey(db, keyring, { tenantIds: tenants, newKey: false });
    expect(again).toMatchObject({ masterKeyId: result.masterKeyId, rewrapped: 0 });
    expect(result.rewrapped).toBeGreaterThanOrEqual(2);
  });

  it('re-wraps to QM_MASTER_KEY from QM_MASTER_KEY_PREVIOUS when the keys come from the environment', async () => {
    const { db } = testDb();
    const oldKey = generateMasterKey();
    const newKey = generateMasterKey();
    configureKeyring(envKeyring(oldKey.key.toString('base64')));
    const tenantId = await createTenant(db);
    const sealed = await seal(tenantId, 'partner password', 'connector.credentials');
    expect((await dataKeyRows(tenantId))[0]!.master_key_id).toBe(oldKey.id);

    const rotating = envKeyring(newKey.key.toString('base64'), oldKey.key.toString('base64'));
    await expect(rotateMasterKey(db, rotating, { tenantIds: [tenantId], newKey: true })).rejects.toThrow(/QM_MASTER_KEY_PREVIOUS/);
    const result = await rotateMasterKey(db, rotating, { tenantIds: [tenantId] });
    expect(result).toEqual({ masterKeyId: newKey.id, rewrapped: 1, tenants: 1 });
    expect((await dataKeyRows(tenantId))[0]!.master_key_id).toBe(newKey.id);

    configureKeyring(envKeyring(newKey.key.toString('base64')));
    expect(await openAs(tenantId, sealed, 'connector.credentials')).toBe('partner password');
    configureKeyring(keyring);
  });
});
