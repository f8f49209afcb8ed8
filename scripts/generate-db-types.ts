// `npm run db:types`: regenerates src/platform/db/schema.generated.ts from the migrations.
// Starts a throwaway embedded PostgreSQL (or uses DATABASE_URL), migrates a scratch
// database, and runs kysely-codegen against it, so query types always follow the schema.
// `npm run db:types -- --verify` fails when the committed file is stale (the test suite runs it too).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDatabase, migrate, openEmbeddedServer, withDatabase } from '../src/platform/db/index.ts';

export const GENERATED_TYPES_FILE = path.resolve('src/platform/db/schema.generated.ts');

export function runCodegen(databaseUrl: string, outFile: string, verify: boolean): { ok: boolean; output: string } {
  const result = spawnSync(
    process.execPath,
    [
      'node_modules/kysely-codegen/dist/cli/bin.js',
      '--dialect', 'postgres',
      '--url', databaseUrl,
      '--out-file', outFile,
      '--date-parser', 'string',
      '--numeric-parser', 'string',
      '--exclude-pattern', 'schema_migrations',
      '--log-level', 'error',
      ...(verify ? ['--verify'] : []),
    ],
    { encoding: 'utf8' },
  );
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

async function main(): Promise<void> {
  const verify = process.argv.includes('--verify');
  let adminUrl = process.env.DATABASE_URL;
  let release = async () => {};
  let tempDir: string | undefined;
  if (!adminUrl) {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-codegen-'));
    fs.chmodSync(tempDir, 0o755);
    const server = await openEmbeddedServer(tempDir, { kind: 'test', settings: { fsync: 'off' } });
    adminUrl = server.adminUrl;
    release = server.release;
  }
  try {
    const name = `qm_codegen_${process.pid}`;
    await ensureDatabase(adminUrl, name);
    const url = withDatabase(adminUrl, name);
    await migrate(url, {});
    const result = runCodegen(url, GENERATED_TYPES_FILE, verify);
    process.stdout.write(result.output);
    if (!result.ok) process.exitCode = 1;
  } finally {
    await release();
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
