/**
 * Entry point of the extension-host suite, in both hosts: `run()` is what @vscode/test-electron
 * calls (extensionTestsPath), `runSuite()` what the test-runner extension calls inside
 * code-server. Bundled with mocha (test/vscode/build.mjs), so neither host needs to resolve it;
 * the `*.test.js` files next to this one are loaded by mocha with the `tdd` globals.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export interface SuiteTestResult {
  readonly title: string;
  readonly fullTitle: string;
  readonly file?: string;
  readonly state: 'passed' | 'failed' | 'pending';
  readonly durationMs?: number;
  readonly error?: string;
}

export interface SuiteResult {
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly durationMs: number;
  readonly tests: readonly SuiteTestResult[];
}

export interface SuiteOptions {
  /** Only tests whose full title contains this text. */
  readonly grep?: string;
  readonly timeoutMs?: number;
  /** One line per test; without it mocha's spec reporter prints to stdout. */
  readonly log?: (line: string) => void;
}

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

export function runSuite(options: SuiteOptions = {}): Promise<SuiteResult> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    timeout: options.timeoutMs ?? 60_000,
    reporter: options.log ? Mocha.reporters.Base : 'spec',
    ...(options.grep ? { grep: options.grep } : {}),
  });
  const files = readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort();
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  const log = options.log;
  const tests: SuiteTestResult[] = [];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(() => {
        const count = (state: SuiteTestResult['state']): number => tests.filter((test) => test.state === state).length;
        resolve({ passes: count('passed'), failures: count('failed'), pending: count('pending'), durationMs: Date.now() - started, tests });
      });
      runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
        tests.push(describeTest(test, 'passed'));
        log?.(`✓ ${test.fullTitle()} (${test.duration ?? 0} ms)`);
      });
      runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, error: unknown) => {
        // A failing hook is reported as a "test" too (its title says which hook).
        tests.push({ ...describeTest(test, 'failed'), error: errorText(error) });
        log?.(`✗ ${test.fullTitle()}: ${errorText(error)}`);
      });
      runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
        tests.push(describeTest(test, 'pending'));
        log?.(`- ${test.fullTitle()} (pending)`);
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** For @vscode/test-electron: resolves when every test passed. */
export async function run(): Promise<void> {
  const result = await runSuite();
  if (result.failures > 0) throw new Error(`${result.failures} of ${result.tests.length} extension-host tests failed.`);
}

function describeTest(test: Mocha.Test, state: SuiteTestResult['state']): SuiteTestResult {
  return {
    title: test.title,
    fullTitle: test.fullTitle(),
    ...(test.file ? { file: path.basename(test.file) } : {}),
    state,
    ...(test.duration !== undefined ? { durationMs: test.duration } : {}),
  };
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
