import type { TenantScope, Tx } from '../db/index.ts';
import { AppError, invariant } from '../errors.ts';
import { SEALED_FIELD_MAX_BYTES } from '../limits.ts';
import { open, seal } from './aes-gcm.ts';
import { currentDataKey, dataKeyVersion } from './data-keys.service.ts';

/**
 * Sealed fields: `qm1.<data key version>.<base64url(iv | tag | ciphertext)>`,
 * AES-256-GCM under the tenant's data key. The associated data binds the tenant
 * id, the purpose ('supplier.bank_account') and the key version, so a sealed
 * value copied to another tenant's row, or into another column, does not open.
 */

const FORMAT = 'qm1';
const SEALED_PATTERN = /^qm1\.([1-9][0-9]{0,8})\.([A-Za-z0-9_-]+)$/;
const PURPOSE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const PURPOSE_MAX_LENGTH = 100;
const DEFAULT_PURPOSE = 'field';

/** Seals a sensitive field value for the tenant of ctx, in its transaction. */
export async function sealField(tx: Tx, ctx: TenantScope, plaintext: string, purpose = DEFAULT_PURPOSE): Promise<string> {
  assertPurpose(purpose);
  const bytes = Buffer.from(plaintext, 'utf8');
  invariant(bytes.length <= SEALED_FIELD_MAX_BYTES, `a sealed field holds at most ${SEALED_FIELD_MAX_BYTES} bytes`);
  const dataKey = await currentDataKey(tx, ctx);
  const box = seal(dataKey.key, bytes, fieldAad(ctx.tenantId, purpose, dataKey.version));
  return `${FORMAT}.${dataKey.version}.${box.toString('base64url')}`;
}

/**
 * Opens a sealed field. Every failure — malformed value, unknown key version,
 * another tenant's or purpose's value, altered bytes — is ENCRYPTION_FAILED
 * with no detail, so the error tells an attacker nothing about which it was.
 */
export async function openField(tx: Tx, ctx: TenantScope, sealed: string, purpose = DEFAULT_PURPOSE): Promise<string> {
  assertPurpose(purpose);
  const match = SEALED_PATTERN.exec(sealed);
  if (!match) throw new AppError('ENCRYPTION_FAILED');
  const version = Number(match[1]);
  const dataKey = await dataKeyVersion(tx, ctx, version);
  if (!dataKey) throw new AppError('ENCRYPTION_FAILED');
  const plaintext = open(dataKey.key, Buffer.from(match[2]!, 'base64url'), fieldAad(ctx.tenantId, purpose, version));
  if (!plaintext) throw new AppError('ENCRYPTION_FAILED');
  return plaintext.toString('utf8');
}

export function isSealedField(value: unknown): value is string {
  return typeof value === 'string' && SEALED_PATTERN.test(value);
}

function fieldAad(tenantId: string, purpose: string, version: number): Buffer {
  // Neither a UUID nor a purpose contains NUL, so the encoding is unambiguous.
  return Buffer.from(`${FORMAT}\0${tenantId}\0${purpose}\0${version}`, 'utf8');
}

function assertPurpose(purpose: string): void {
  invariant(purpose.length <= PURPOSE_MAX_LENGTH && PURPOSE_PATTERN.test(purpose), `purpose must look like 'supplier.bank_account', got ${JSON.stringify(purpose)}`);
}
