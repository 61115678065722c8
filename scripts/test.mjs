// The README's test command (`npm test`): static checks, the build, then every test suite with
// node's test runner, whose closing summary (`# pass N`, `# fail N`) is the verdict.
// `node scripts/test.mjs unit` runs one layer (a folder under test/) without the static checks;
// `node scripts/test.mjs e2e` the end-to-end layer alone (code-server, installed on first use).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LAYERS = ['unit', 'server', 'sim', 'runs', 'kubectl', 'package'];
const only = process.argv.slice(2);
const layers = only.length > 0 ? only.filter((layer) => layer !== 'e2e') : LAYERS;
// The last layer: the packaged extension inside a real VS Code (code-server), driven through its UI.
const e2e = only.length === 0 || only.includes('e2e');

function run(label, command, args) {
  console.log(`\n> ${label}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

function testFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
if (only.length === 0) {
  run('typecheck (tsc --noEmit)', npx, ['tsc', '-p', '.']);
  run('lint (eslint)', npx, ['eslint', '.', '--max-warnings', '0']);
}
if (layers.includes('package') || e2e) {
  // The .vsix the package tests inspect: production bundles, then vsce.
  run('package (npm run package)', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'package']);
}
// The server tests start the built server bundle, so build first.
run('build (esbuild)', process.execPath, ['esbuild.mjs']);

const files = layers.flatMap((layer) => testFiles(join('test', layer))).sort();
if (files.length === 0 && !e2e) {
  console.error(`No test files found in ${layers.map((layer) => `test/${layer}`).join(', ')}.`);
  process.exit(1);
}
if (files.length > 0) run(`tests (${files.length} files)`, process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files]);
if (e2e) {
  // Installs code-server 4.100.3 and Debian's Chromium once (apt needs root), into .cache/vscode-host.
  run('VS Code host (node scripts/vscode-host/install.mjs)', process.execPath, ['scripts/vscode-host/install.mjs']);
  run('end to end in a real VS Code (node --import tsx test/e2e/run.ts)', process.execPath, ['--import', 'tsx', 'test/e2e/run.ts']);
}
