import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config.ts';
import { addMasterKeyToFile, envKeyring, fileKeyring, KEY_FILE_NAME, loadKeyring } from './index.ts';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-keyring-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const embedded = (dataDir: string) => ({ dataDir, databaseUrl: undefined, masterKey: undefined, masterKeyPrevious: undefined });

describe('the master keyring', () => {
  it('creates the key file on first start with mode 0600 and one random key, and reuses it afterwards', () => {
    const dataDir = path.join(tempDir(), 'data'); // does not exist yet
    const first = loadKeyring(embedded(dataDir));
    const keyFile = path.join(dataDir, KEY_FILE_NAME);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const content = JSON.parse(fs.readFileSync(keyFile, 'utf8'));
    expect(Object.keys(content.keys)).toEqual([content.current]);
    expect(Buffer.from(content.keys[content.current], 'base64')).toHaveLength(32);
    expect(first.source).toBe('file');
    expect(first.current().id).toBe(content.current);
    const second = loadKeyring(embedded(dataDir));
    expect(second.current().id).toBe(first.current().id);
    expect(second.current().key.equals(first.current().key)).toBe(true);
    expect(fs.readdirSync(dataDir)).toEqual([KEY_FILE_NAME]); // no temporary files left behind
  });

  it('names a key by the short hex of its sha256', () => {
    const key = randomBytes(32);
    const keyring = envKeyring(key.toString('base64'));
    expect(keyring.current().id).toBe(createHash('sha256').update(key).digest('hex').slice(0, 16));
  });

  it('refuses to invent a master key for a production database', () => {
    const dataDir = tempDir();
    expect(() => loadKeyring({ ...embedded(dataDir), databaseUrl: 'postgres://db.example/qm' })).toThrow(ConfigError);
    expect(fs.existsSync(path.join(dataDir, KEY_FILE_NAME))).toBe(false);
  });

  it('prefers QM_MASTER_KEY and keeps QM_MASTER_KEY_PREVIOUS for opening', () => {
    const current = randomBytes(32).toString('base64');
    const previous = randomBytes(32).toString('base64');
    const dataDir = tempDir();
    const keyring = loadKeyring({ ...embedded(dataDir), masterKey: current, masterKeyPrevious: previous });
    expect(keyring.source).toBe('env');
    expect(keyring.current().key.toString('base64')).toBe(current);
    expect(keyring.ids()).toHaveLength(2);
    expect(fs.existsSync(path.join(dataDir, KEY_FILE_NAME))).toBe(false);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['not base64', '!'.repeat(44)],
    ['hex instead of base64', randomBytes(32).toString('hex')],
  ])('rejects a QM_MASTER_KEY that is %s', (_, value) => {
    expect(() => envKeyring(value)).toThrow(ConfigError);
  });

  it('adds a new current key to the file and keeps the old ones', () => {
    const dataDir = tempDir();
    const keyring = loadKeyring(embedded(dataDir));
    const oldId = keyring.current().id;
    const added = addMasterKeyToFile(keyring.keyFile!);
    keyring.reload();
    expect(keyring.current().id).toBe(added.id);
    expect(keyring.ids().sort()).toEqual([oldId, added.id].sort());
    expect(fs.statSync(keyring.keyFile!).mode & 0o777).toBe(0o600);
  });

  it('refuses to rotate while another rotation holds the lock', () => {
    const keyring = loadKeyring(embedded(tempDir()));
    fs.writeFileSync(`${keyring.keyFile}.lock`, '');
    expect(() => addMasterKeyToFile(keyring.keyFile!)).toThrow(/another key rotation/);
    expect(keyring.ids()).toHaveLength(1);
  });

  it('re-reads the key file once when it meets a key id it does not know', () => {
    const dataDir = tempDir();
    const running = loadKeyring(embedded(dataDir));
    const added = addMasterKeyToFile(path.join(dataDir, KEY_FILE_NAME)); // another process rotates
    expect(running.current().id).not.toBe(added.id);
    expect(running.find(added.id)?.key.equals(added.key)).toBe(true);
    expect(running.current().id).toBe(added.id);
    expect(running.find('0000000000000000')).toBeUndefined();
  });

  it('rejects a damaged key file', () => {
    const dataDir = tempDir();
    const keyFile = path.join(dataDir, KEY_FILE_NAME);
    loadKeyring(embedded(dataDir));
    const content = JSON.parse(fs.readFileSync(keyFile, 'utf8'));
    content.keys[content.current] = randomBytes(32).toString('base64');
    fs.writeFileSync(keyFile, JSON.stringify(content));
    expect(() => fileKeyring(keyFile)).toThrow(/does not match its id/);
  });
});
