import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('falls back to the development defaults when nothing is set', () => {
    expect(loadConfig({}, {})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: path.resolve('data'),
      databaseUrl: undefined,
      databaseAppUrl: undefined,
      logLevel: 'info',
      masterKey: undefined,
    });
  });

  it('reads the environment, resolving DATA_DIR to an absolute path', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.1',
        DATA_DIR: 'var/qm',
        DATABASE_URL: 'postgres://owner@db/qm',
        DATABASE_APP_URL: 'postgres://qm_app@db/qm',
        LOG_LEVEL: 'debug',
        QM_MASTER_KEY: 'a2V5',
      },
      {},
    );
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('var/qm'),
      databaseUrl: 'postgres://owner@db/qm',
      databaseAppUrl: 'postgres://qm_app@db/qm',
      logLevel: 'debug',
      masterKey: 'a2V5',
    });
  });

  it('lets command-line flags override the environment', () => {
    const env = { PORT: '8080', HOST: '127.0.0.1', DATA_DIR: '/env/dir', DATABASE_URL: 'postgres://env/qm', LOG_LEVEL: 'debug' };
    const config = loadConfig(env, { port: '9090', host: '::1', dataDir: '/flag/dir', databaseUrl: 'postgres://flag/qm', logLevel: 'warn' });
    expect(config).toMatchObject({ port: 9090, host: '::1', dataDir: '/flag/dir', databaseUrl: 'postgres://flag/qm', logLevel: 'warn' });
    expect(loadConfig(env, { port: 0 }).port).toBe(0);
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '  ', DATABASE_APP_URL: '', QM_MASTER_KEY: '' }, {});
    expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, databaseAppUrl: undefined, masterKey: undefined });
  });

  it.each(['abc', '70000', '65536', '-1', '3.5', '0x1F', '1e3', '80 ', '١٢٣'])('refuses PORT=%j with a message naming PORT', (port) => {
    expect(() => loadConfig({ PORT: port }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: port }, {})).toThrow(`PORT must be an integer from 0 to 65535, got "${port}"`);
  });

  it('refuses a bad --port flag even when PORT is fine', () => {
    expect(() => loadConfig({ PORT: '8080' }, { port: 'http' })).toThrow(ConfigError);
  });

  it('accepts the whole port range', () => {
    expect(loadConfig({ PORT: '0' }, {}).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }, {}).port).toBe(65535);
  });
});
