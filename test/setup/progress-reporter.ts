// A reporter that says which test is still running when a file takes far longer than it should.
// A test stuck in synchronous code (a loop, a blocking child process) stops its worker's own
// timeouts from firing, and the default reporter then prints nothing until CI's limit kills the run:
// this names the file and the test instead. Runs in vitest's main process, whose timers still tick.
import type { Reporter, TestCase, TestModule } from 'vitest/node';

interface Running {
  since: number;
  test?: string;
  testSince?: number;
}

const after = Number(process.env.WATCHFLOOR_PROGRESS_AFTER_S ?? 120) * 1000;
const every = 30_000;

export default class ProgressReporter implements Reporter {
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | undefined;

  onInit(): void {
    this.timer = setInterval(() => this.sayWhatIsSlow(), every);
    this.timer.unref();
  }

  onTestModuleStart(m: TestModule): void {
    this.running.set(m.moduleId, { since: Date.now() });
  }

  onTestCaseReady(c: TestCase): void {
    const r = this.running.get(c.module.moduleId);
    if (r) {
      r.test = c.fullName;
      r.testSince = Date.now();
    }
  }

  onTestModuleEnd(m: TestModule): void {
    this.running.delete(m.moduleId);
  }

  onTestRunEnd(): void {
    clearInterval(this.timer);
  }

  private sayWhatIsSlow(): void {
    const now = Date.now();
    for (const [file, r] of this.running) {
      if (now - r.since < after) continue;
      const test = r.test === undefined ? 'no test started yet' : `${r.test} (${Math.round((now - (r.testSince ?? now)) / 1000)} s)`;
      process.stdout.write(`[progress] still running after ${Math.round((now - r.since) / 1000)} s, far longer than it should (failing if it hangs): ${file.replace(`${process.cwd()}/`, '')} › ${test}\n`);
    }
  }
}
