/**
 * The extension-host suite in desktop VS Code through @vscode/test-electron, on the minimum VS Code
 * the extension supports (engines.vscode) and on the current stable, as rust-analyzer's
 * tests/runTests.ts does. The extension under test is this repository (extensionDevelopmentPath,
 * so `npm run build` first: package.json's main is dist/client.js); the workspace is a fresh copy
 * of examples/.
 *
 * `node --import tsx test/vscode/runElectron.ts [--vscode 1.100.0,stable]`
 *
 * It downloads VS Code from update.code.visualstudio.com, so it cannot run on machines without
 * internet (use test/e2e/run.ts there: the same suite inside code-server).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { buildSuite } from './build';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { vscode: { type: 'string', default: `${minimumVersion()},stable` } }, strict: true });
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'client.js'))) throw new Error('dist/client.js is missing: run `npm run build` first.');
  const suite = await buildSuite();
  for (const version of values.vscode.split(',').map((entry) => entry.trim()).filter(Boolean)) {
    const scratch = mkdtempSync(path.join(tmpdir(), 'keruta-test-electron-'));
    try {
      const workspace = path.join(scratch, 'workspace');
      cpSync(path.join(REPO_ROOT, 'examples'), workspace, { recursive: true });
      const userDataDir = path.join(scratch, 'user-data');
      mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
      // The suite needs no cluster; keep the window quiet and trusted.
      writeFileSync(
        path.join(userDataDir, 'User', 'settings.json'),
        `${JSON.stringify({ 'keruta.kubernetes.enabled': false, 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'update.mode': 'none', 'telemetry.telemetryLevel': 'off' }, null, 2)}\n`,
      );
      console.log(`\n> extension-host suite on VS Code ${version}`);
      await runTests({
        version,
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: suite.index,
        launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userDataDir}`, '--skip-welcome', '--skip-release-notes'],
      });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

/** The lowest VS Code that package.json's engines.vscode (`^1.100.0`) admits. */
function minimumVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { vscode: string } };
  return manifest.engines.vscode.replace(/^[^\d]*/, '');
}

main().catch((error: unknown) => {
  console.error(`test:electron: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
