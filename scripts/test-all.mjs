// npm test: the three vitest projects one after another (browser tests last, alone on the
// CPU), then one plain closing line "N passed, N failed, N skipped" for CI.
//
// Each project runs in a process group of its own, under a time limit: a test stuck in synchronous
// code blocks its worker's timeouts, and without a limit the whole run would wait for CI's. A project
// past its limit is killed and counted as failed; the progress reporter has said by then which file
// and test were still running. The group is also killed after a project that ended normally, so a
// process a test left behind (a broker, a browser) never outlives the run and holds CI's output open.
// A passing run prints dots and counts only (no test names, no console output of passing tests), so
// the first words "fail" or "error" in CI's log are a real failure's; the per-file figures are in
// test-results/vitest-<project>.json.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const projects = (process.env.WATCHFLOOR_TEST_PROJECTS ?? 'unit,integration,e2e').split(',');
// Anything after `npm test --` goes to vitest (a file filter, say).
const extra = process.argv.slice(2);
// Seconds. This 2-core machine (2026-12-07): unit ~75, integration ~190, e2e ~1,100; CI's limit for everything is 5,400.
const LIMIT_S = { unit: 600, integration: 900, e2e: 2_400 };
// When the progress reporter starts naming a file that is still running.
const SLOW_S = { unit: 60, integration: 120, e2e: 240 };

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* the group is gone already */
  }
}

/** set by Ctrl-C or a TERM: the running project's group is killed and no other project starts */
let interrupted = false;

function runProject(project, out) {
  const limitS = Number(process.env.WATCHFLOOR_TEST_LIMIT_S ?? LIMIT_S[project] ?? 1_800);
  const args = ['vitest', 'run', '--project', project, '--reporter=dot', '--silent=passed-only', '--reporter=./test/setup/progress-reporter.ts', '--reporter=json', `--outputFile.json=${out}`, ...extra];
  const env = { ...process.env, WATCHFLOOR_PROGRESS_AFTER_S: process.env.WATCHFLOOR_PROGRESS_AFTER_S ?? String(SLOW_S[project] ?? 120) };
  return new Promise((resolve) => {
    const child = spawn('npx', args, { stdio: 'inherit', detached: true, env });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\nFAILED: vitest project ${project} did not finish within ${limitS} s and was killed (see the [progress] lines above for what was still running)`);
      killGroup(child.pid, 'SIGKILL');
    }, limitS * 1000);
    const stop = () => {
      interrupted = true;
      killGroup(child.pid, 'SIGKILL');
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      killGroup(child.pid, 'SIGKILL');
      resolve({ status: code ?? (signal ? 128 : 1), timedOut });
    });
  });
}

mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
let crashed = false;
for (const project of projects) {
  const out = `test-results/vitest-${project}.json`;
  rmSync(out, { force: true });
  console.log(`\n=== vitest project: ${project} ===`);
  const r = await runProject(project, out);
  if (interrupted) {
    console.error(`\nnpm test interrupted during the ${project} project`);
    process.exit(130);
  }
  if (r.timedOut) crashed = true;
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
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped${crashed ? ' (a project crashed or ran past its limit)' : ''}`);
process.exit(failed > 0 || crashed ? 1 : 0);
