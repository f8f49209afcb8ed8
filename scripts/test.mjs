#!/usr/bin/env node
// `npm test`: the whole suite through vitest, then one closing line with the real
// counts ("N passed, N failed[, N skipped]") read from vitest's JSON report.
// Extra arguments pass through to vitest (e.g. `npm test -- src/platform`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const report = path.resolve(process.env.QM_TEST_REPORT ?? 'test-results/vitest.json');
fs.mkdirSync(path.dirname(report), { recursive: true });
fs.rmSync(report, { force: true });
const result = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let summary = 'no test report was written';
if (fs.existsSync(report)) {
  const json = JSON.parse(fs.readFileSync(report, 'utf8'));
  const skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  // A file that fails to load has no test results of its own; count it as a failure.
  const brokenFiles = (json.testResults ?? []).filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
  summary = `${json.numPassedTests} passed, ${json.numFailedTests + brokenFiles} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
console.log(summary);
process.exit(result.status ?? 1);
