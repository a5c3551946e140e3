// npm test: the three vitest projects, the unit and integration ones side by side and then the
// browser tests alone on the CPU, then one plain closing line "N passed, N failed, N skipped" for CI.
//
// Side by side: the integration tests wait on brokers, processes and timers much of their time,
// which the unit tests' CPU work fills (the two took 160 s together against 192 s one after the
// other here, 2026-12-08). The first project of a group prints as it goes; the others' output is
// held and printed whole when each ends, so no two reports interleave.
// WATCHFLOOR_TEST_PROJECTS=unit,integration,e2e runs each alone.
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
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';

// groups in order, separated by ","; the projects of a group, separated by "+", run at once
const groups = (process.env.WATCHFLOOR_TEST_PROJECTS ?? 'unit+integration,e2e').split(',').map((g) => g.split('+').filter(Boolean));
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

/** `held`: a file the project's output goes to (printed by the caller when it ends) instead of this terminal */
function runProject(project, out, held) {
  const limitS = Number(process.env.WATCHFLOOR_TEST_LIMIT_S ?? LIMIT_S[project] ?? 1_800);
  const args = ['vitest', 'run', '--project', project, '--reporter=dot', '--silent=passed-only', '--reporter=./test/setup/progress-reporter.ts', '--reporter=json', `--outputFile.json=${out}`, ...extra];
  const env = { ...process.env, WATCHFLOOR_PROGRESS_AFTER_S: process.env.WATCHFLOOR_PROGRESS_AFTER_S ?? String(SLOW_S[project] ?? 120) };
  return new Promise((resolve) => {
    const fd = held ? openSync(held, 'w') : null;
    const child = spawn('npx', args, { stdio: fd === null ? 'inherit' : ['ignore', fd, fd], detached: true, env });
    if (fd !== null) closeSync(fd);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\nFAILED: vitest project ${project} did not finish within ${limitS} s and was killed (its [progress] lines say what was still running)`);
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

/** Adds a project's JSON report to the totals; a project without one crashed. */
function count(project, out, r) {
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

for (const group of groups) {
  console.log(`\n=== vitest project${group.length > 1 ? 's' : ''}: ${group.join(' + ')}${group.length > 1 ? ` (side by side; ${group.slice(1).join(', ')} printed when done)` : ''} ===`);
  const runs = group.map((project, i) => {
    const out = `test-results/vitest-${project}.json`;
    rmSync(out, { force: true });
    const held = i === 0 ? null : `test-results/vitest-${project}.log`;
    return runProject(project, out, held).then((r) => {
      if (held) {
        console.log(`\n=== vitest project ${project} (ran beside ${group[0]}): its output ===`);
        process.stdout.write(readFileSync(held, 'utf8'));
      }
      count(project, out, r);
      return r;
    });
  });
  await Promise.all(runs);
  if (interrupted) {
    console.error(`\nnpm test interrupted during ${group.join(' + ')}`);
    process.exit(130);
  }
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped${crashed ? ' (a project crashed or ran past its limit)' : ''}`);
process.exit(failed > 0 || crashed ? 1 : 0);
