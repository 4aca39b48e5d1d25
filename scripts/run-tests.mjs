#!/usr/bin/env node
// The root `pnpm test`: runs every package's tests through turbo (one package at a time, all of them
// even when one fails), then prints one line summed over all packages, alone on the last line:
//   N passed, N failed, N skipped
// Each vitest run writes a JSON report into .vitest-results/ (see vitest.shared.ts). A package whose
// test task produced no report (crash, config error) counts as 1 failed. Extra arguments go to turbo
// (e.g. `pnpm test --filter @albert-ts/config`). Exit code: non-zero when turbo failed or any test failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDirectory = join(root, '.vitest-results');
rmSync(resultsDirectory, { recursive: true, force: true });
mkdirSync(resultsDirectory, { recursive: true });

const extra = process.argv.slice(2);
const localTurbo = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'turbo.cmd' : 'turbo');
const turbo = spawnSync(
  existsSync(localTurbo) ? localTurbo : 'turbo',
  ['run', 'test', '--concurrency=1', '--continue', ...extra],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ALBERT_TEST_RESULTS_DIR: resultsDirectory },
    shell: process.platform === 'win32',
  },
);
const turboCode = turbo.status ?? 1;

/** Workspace package directories (relative, `__`-joined like the report names) that have a test script. */
function packagesWithTests() {
  const found = [];
  for (const group of ['packages', 'apps', 'bench']) {
    const groupPath = join(root, group);
    if (!existsSync(groupPath)) continue;
    const candidates = group === 'bench' ? [''] : readdirSync(groupPath);
    for (const name of candidates) {
      const manifest = join(groupPath, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const json = JSON.parse(readFileSync(manifest, 'utf8'));
      if (json.scripts?.test !== undefined)
        found.push({ id: name === '' ? group : `${group}__${name}`, name: json.name });
    }
  }
  return found;
}

let passed = 0;
let failed = 0;
let skipped = 0;
const reports = readdirSync(resultsDirectory).filter((file) => /--\d+\.json$/.test(file));
for (const file of reports) {
  const report = JSON.parse(readFileSync(join(resultsDirectory, file), 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (report.success === false && (report.numTotalTests ?? 0) === 0 && (report.testResults ?? []).length === 0) {
    // e.g. "No test files found": vitest exits with code 1 without running anything.
    failed += 1;
    console.log(
      `${file
        .replace(/--\d+\.json$/, '')
        .split('__')
        .join('/')}: vitest failed without running any test (no test files?)`,
    );
  }
  for (const suite of report.testResults ?? []) {
    // A test file that failed before any test ran (import error, syntax error) has no assertions.
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
      failed += 1;
      console.log(
        `test file failed to run: ${suite.name}${suite.message ? `: ${String(suite.message).split('\n')[0]}` : ''}`,
      );
    }
  }
}
const filtered = extra.some((argument) => argument.startsWith('--filter') || argument === '-F');
if (!filtered) {
  for (const workspacePackage of packagesWithTests()) {
    if (!reports.some((file) => file.startsWith(`${workspacePackage.id}--`))) {
      failed += 1;
      console.log(`no test report from ${workspacePackage.name} (its test task crashed or did not run)`);
    }
  }
}
if (failed === 0 && turboCode !== 0) {
  failed += 1;
  console.log(`turbo exited with code ${turboCode} although no test failed`);
}
const summary = `${passed} passed, ${failed} failed, ${skipped} skipped`;
writeFileSync(join(resultsDirectory, 'summary.txt'), `${summary}\n`); // .ci/run re-prints it after pnpm's own failure line
console.log(summary);
process.exit(failed > 0 || turboCode !== 0 ? 1 : 0);
