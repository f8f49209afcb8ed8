import { describe, expect, it } from 'vitest';
import { diffForAudit, isSensitiveFieldName, REDACTED, toJsonSafe } from './audit-changes.rules.ts';

describe('diffForAudit', () => {
  it.each([
    {
      name: 'keeps only the fields that changed on an update',
      before: { name: 'Old', city: 'Oslo', limitMinor: 100n },
      after: { name: 'New', city: 'Oslo', limitMinor: 100n },
      expected: { name: { old: 'Old', new: 'New' } },
    },
    {
      name: 'records every set field of a create with old null',
      before: null,
      after: { name: 'Acme', note: null },
      expected: { name: { old: null, new: 'Acme' } },
    },
    {
      name: 'records every set field of a delete with new null',
      before: { name: 'Acme', active: true },
      after: undefined,
      expected: { active: { old: true, new: null }, name: { old: 'Acme', new: null } },
    },
    {
      name: 'is null when nothing changed',
      before: { name: 'Same', tags: ['a', 'b'] },
      after: { name: 'Same', tags: ['a', 'b'] },
      expected: null,
    },
    {
      name: 'treats nested objects with keys in another order as equal',
      before: { settings: { a: 1, b: { c: 2, d: 3 } } },
      after: { settings: { b: { d: 3, c: 2 }, a: 1 } },
      expected: null,
    },
    {
      name: 'renders dates as ISO strings and bigints as strings',
      before: { dueAt: new Date('2025-01-31T23:30:00Z'), amountMinor: 1n },
      after: { dueAt: new Date('2025-02-01T00:00:00Z'), amountMinor: 9007199254740993n },
      expected: {
        amountMinor: { old: '1', new: '9007199254740993' },
        dueAt: { old: '2025-01-31T23:30:00.000Z', new: '2025-02-01T00:00:00.000Z' },
      },
    },
    {
      name: 'records that a secret changed without either value',
      before: { key_hash: Buffer.from('aa', 'hex'), password: 'hunter2' },
      after: { key_hash: Buffer.from('bb', 'hex'), password: 'correct horse' },
      expected: { key_hash: { old: REDACTED, new: REDACTED }, password: { old: REDACTED, new: REDACTED } },
    },
    {
      name: 'leaves out a secret that did not change',
      before: { webhookSecret: 'same', url: 'https://a.example' },
      after: { webhookSecret: 'same', url: 'https://b.example' },
      expected: { url: { old: 'https://a.example', new: 'https://b.example' } },
    },
    {
      name: 'shows a secret being set from nothing as null to redacted',
      before: { totp_secret: null },
      after: { totp_secret: 'JBSWY3DPEHPK3PXP' },
      expected: { totp_secret: { old: null, new: REDACTED } },
    },
    {
      name: 'redacts secrets nested in a changed object',
      before: { config: { endpoint: 'a', accessToken: 'tok-1' } },
      after: { config: { endpoint: 'b', accessToken: 'tok-2' } },
      expected: { config: { old: { endpoint: 'a', accessToken: REDACTED }, new: { endpoint: 'b', accessToken: REDACTED } } },
    },
    {
      name: 'never stores binary data, even under a harmless name',
      before: { blob: Buffer.from('01', 'hex') },
      after: { blob: Buffer.from('02', 'hex') },
      expected: { blob: { old: REDACTED, new: REDACTED } },
    },
  ])('$name', ({ before, after, expected }) => {
    expect(diffForAudit(before, after)).toEqual(expected);
  });
});

describe('toJsonSafe', () => {
  it('goes through toJSON (a Decimal), Maps and Sets, and drops undefined members', () => {
    const decimalLike = { toJSON: () => '12.50' };
    const value = toJsonSafe({ price: decimalLike, lines: new Map([['x', new Set([1, 2])]]), gone: undefined }, { redact: true });
    expect(value).toEqual({ price: '12.50', lines: { x: [1, 2] } });
  });

  it('replaces characters jsonb refuses and survives a cycle', () => {
    const cyclic: Record<string, unknown> = { text: 'a\u0000b\uD800' };
    cyclic.self = cyclic;
    const value = toJsonSafe(cyclic, { redact: true }) as Record<string, unknown>;
    expect(value.text).toBe('a\uFFFDb\uFFFD');
    expect(JSON.stringify(value)).toContain('[too deep]');
  });
});

describe('isSensitiveFieldName', () => {
  it.each(['password_hash', 'keyHash', 'key_hash', 'totp_secret', 'accessToken', 'wrapped_key', 'private_key', 'passphrase'])('redacts %s', (name) => {
    expect(isSensitiveFieldName(name)).toBe(true);
  });
  it.each(['api_key_id', 'name', 'display_prefix', 'credential_id', 'keyword'])('keeps %s', (name) => {
    expect(isSensitiveFieldName(name)).toBe(false);
  });
});
