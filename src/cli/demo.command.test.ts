import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import { DEMO_TENANT } from '../modules/demo/index.ts';

const testDb = useTestDatabase();
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the real `qm` binary against this file's test database. */
function qm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: testDb().adminUrl, QM_APP_PASSWORD: inject('qmDatabase').appPassword, LOG_LEVEL: 'warn' };
  delete env.DATABASE_APP_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/qm.js', ...args], { cwd: repoRoot, env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('qm demo', () => {
  it('seeds the demo tenant on an empty database, runs the flow, prints the trail and verify, exit 0; --quiet prints the summary only', async () => {
    const run = await qm(['demo']);
    expect(run.stderr).toContain('seeding the demo tenant');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`qm demo on "${DEMO_TENANT.name}" (seeded for this run)`);
    expect(run.stdout).toMatch(/hold released \(sales:release_hold, audited\) → released/);
    expect(run.stdout).toMatch(/SHORT \d+ →/);
    expect(run.stdout).toMatch(/SSCC \d{18}/);
    expect(run.stdout).toMatch(/payment +PAY-\S+ check [\d,]+\.\d\d \(partial\)/);
    expect(run.stdout).toContain('qm verify: ok');
    expect(run.stdout).not.toContain('DIFF');

    const quiet = await qm(['demo', '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toContain('seeded for this run');
    expect(quiet.stdout).not.toContain('pick path');
    expect(quiet.stdout).toContain('Summary');
    expect(quiet.stdout).toContain('qm verify: ok');
  }, 360_000);
});
