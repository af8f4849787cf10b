// REQUIRE_E2E (set by .ci/run) turns every reason an end-to-end test would skip into a failure:
// a CI run that skipped a test has not proved what the test promises.
import type { Reporter, TestModule, Vitest } from 'vitest/node';

const truthy = new Set(['1', 'true', 'yes']);
const falsy = new Set(['', '0', 'false', 'no']);

// An unrecognised value is an error rather than "off", so a typo cannot quietly let tests skip.
export function parseRequireE2e(value: string | undefined): boolean {
  const normalized = (value ?? '').trim().toLowerCase();
  if (truthy.has(normalized)) return true;
  if (falsy.has(normalized)) return false;
  throw new Error(`REQUIRE_E2E must be one of 1, true, yes (or 0, false, no, unset); got ${JSON.stringify(value)}`);
}

export class RequireE2eReporter implements Reporter {
  private readonly required: boolean;
  private testNamePattern: RegExp | undefined;

  constructor(required: boolean = parseRequireE2e(process.env.REQUIRE_E2E)) {
    this.required = required;
  }

  onInit(vitest: Vitest): void {
    this.testNamePattern = vitest.config.testNamePattern;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (!this.required) return;
    // `-t` skips every test it does not match; that is the person running it choosing, not a gap.
    if (this.testNamePattern !== undefined) {
      console.warn(`REQUIRE_E2E: not checking for skipped tests, a test name filter (${String(this.testNamePattern)}) is set`);
      return;
    }
    const skipped: string[] = [];
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) {
        const result = testCase.result();
        if (result.state !== 'skipped') continue;
        const why = result.note ?? (testCase.options.mode === 'todo' ? 'todo' : testCase.options.mode === 'skip' ? 'skip' : 'skipped');
        skipped.push(`  ${testModule.relativeModuleId} > ${testCase.fullName} (${why})`);
      }
    }
    if (skipped.length === 0) return;
    process.exitCode = 1;
    console.error(`\nREQUIRE_E2E is set, but ${skipped.length} test(s) were skipped:\n${skipped.join('\n')}\n`);
  }
}
