import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The code runs through tsx, which strips types without checking them, so a
 * type error would otherwise never fail the suite. This runs the compiler.
 */
describe('TypeScript', () => {
  it('type-checks the whole project (tsc --noEmit, strict)', () => {
    const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 180_000);
});
