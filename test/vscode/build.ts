/**
 * Builds the extension-host suite into out/vscode-test/suite/: index.js with mocha bundled in (so
 * neither code-server's extension host nor @vscode/test-electron has to resolve it) and one
 * bundle per *.test.ts, `vscode` left to the host. `node --import tsx test/vscode/build.ts`.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const repoRoot = resolve(__dirname, '..', '..');
const suiteDir = join(repoRoot, 'test', 'vscode', 'suite');
export const outDir = join(repoRoot, 'out', 'vscode-test', 'suite');

export interface BuiltSuite {
  readonly outDir: string;
  /** The module both hosts load: exports run() and runSuite(options). */
  readonly index: string;
  readonly tests: readonly string[];
}

export async function buildSuite(): Promise<BuiltSuite> {
  rmSync(outDir, { recursive: true, force: true });
  const tests = readdirSync(suiteDir).filter((name) => name.endsWith('.test.ts'));
  await esbuild.build({
    entryPoints: [join(suiteDir, 'index.ts'), ...tests.map((name) => join(suiteDir, name))],
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'warning',
    // mocha's parallel mode (worker pool) is never used in an extension host.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  return { outDir, index: join(outDir, 'index.js'), tests: tests.map((name) => name.replace(/\.ts$/, '.js')) };
}

if (require.main === module) {
  buildSuite().then(
    (built) => console.log(`extension-host suite: ${built.index} + ${built.tests.join(', ')}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
