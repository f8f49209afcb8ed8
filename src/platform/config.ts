import path from 'node:path';

/**
 * Process configuration. Every value comes from the environment and may be
 * overridden by a command-line flag of the same meaning; nothing else is read.
 */
export interface Config {
  port: number;
  host: string;
  /** Embedded PostgreSQL cluster, file store and key material live here. */
  dataDir: string;
  /** When set, the PostgreSQL server to use instead of the embedded one (owner/migration role). */
  databaseUrl: string | undefined;
  /** The application role's connection; derived from databaseUrl when unset. */
  databaseAppUrl: string | undefined;
  logLevel: string;
  /** Base64 master key that wraps the per-tenant data keys; generated under dataDir when unset. */
  masterKey: string | undefined;
  /** The master key being rotated out (QM_MASTER_KEY_PREVIOUS), still used to open data keys it wraps. */
  masterKeyPrevious: string | undefined;
}

export interface ConfigOverrides {
  port?: string | number | undefined;
  host?: string | undefined;
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  logLevel?: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigOverrides = {}): Config {
  // An empty PORT counts as unset, like every other variable here. Only plain decimal
  // digits are a port: Number() would also take "0x1F", "1e3" and " ", the last as 0.
  const portText = String(flags.port ?? emptyToUndefined(env.PORT) ?? '3000');
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got "${portText}"`);
  }
  return {
    port,
    host: flags.host ?? env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(flags.dataDir ?? env.DATA_DIR ?? './data'),
    databaseUrl: emptyToUndefined(flags.databaseUrl ?? env.DATABASE_URL),
    databaseAppUrl: emptyToUndefined(env.DATABASE_APP_URL),
    logLevel: parseLogLevel(flags.logLevel ?? env.LOG_LEVEL ?? 'info'),
    masterKey: emptyToUndefined(env.QM_MASTER_KEY),
    masterKeyPrevious: emptyToUndefined(env.QM_MASTER_KEY_PREVIOUS),
  };
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function parseLogLevel(value: string): string {
  const level = value.trim().toLowerCase();
  if (!LOG_LEVELS.has(level)) throw new ConfigError(`LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}, got "${value}"`);
  return level;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
