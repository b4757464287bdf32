#!/usr/bin/env node
// Runs the whole test suite and ends with one plain summary line
// ("tests: N passed, N failed, N skipped") that any CI log reader understands.
// Extra arguments are passed to vitest (e.g. a test file filter).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const directory = mkdtempSync(join(tmpdir(), 'calpol-test-'));
const resultsFile = join(directory, 'results.json');
const vitest = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let summary = 'tests: no results were written (vitest failed before running tests)';
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  summary = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`;
} catch {
  // keep the message above
}
rmSync(directory, { recursive: true, force: true });
console.log(summary);
process.exit(vitest.status ?? 1);
