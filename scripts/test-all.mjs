// npm test: the three vitest projects one after another (browser tests last, alone on the
// CPU), then one plain closing line "N passed, N failed, N skipped" for CI.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const projects = (process.env.WATCHFLOOR_TEST_PROJECTS ?? 'unit,integration,e2e').split(',');
mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
let crashed = false;
for (const project of projects) {
  const out = `test-results/vitest-${project}.json`;
  rmSync(out, { force: true });
  console.log(`\n=== vitest project: ${project} ===`);
  const r = spawnSync('npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], { stdio: 'inherit' });
  try {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    if (r.status !== 0 && report.numFailedTests === 0) crashed = true;
  } catch {
    crashed = true;
  }
  if (r.status !== 0) console.error(`vitest project ${project} exited with ${r.status}`);
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || crashed ? 1 : 0);
