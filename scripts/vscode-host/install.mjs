// Installs the VS Code host the extension-host suite and the end-to-end scenarios run in:
// code-server 4.100.3 (VS Code 1.100.3 on Node 20) into .cache/vscode-host/, and Debian's
// Chromium to drive it. Follows /work/shared/notes/vscode-host-testing.md step by step, because
// a plain `npm install code-server` fails offline (postinstall downloads ripgrep from GitHub and
// needs root flags). Idempotent: a marker file records a finished install and the next run only
// checks it. `node scripts/vscode-host/install.mjs [--force]`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheDir = join(repoRoot, '.cache', 'vscode-host');
const codeServerDir = join(cacheDir, 'node_modules', 'code-server');
const vscodeDir = join(codeServerDir, 'lib', 'vscode');
const marker = join(cacheDir, `installed-code-server-${CODE_SERVER_VERSION}.json`);
// The recipe's packages, plus a Japanese font so that screenshots show task titles, not boxes.
const APT_PACKAGES = ['libkrb5-dev', 'pkg-config', 'ripgrep', 'chromium', 'fonts-ipafont-gothic'];
const NATIVE_MODULES = ['kerberos', 'node-pty', '@vscode/spdlog', '@vscode/deviceid', 'native-watchdog'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();

function elapsed(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function step(label, action) {
  const since = Date.now();
  console.log(`\n> ${label}`);
  action();
  console.log(`  done in ${elapsed(since)}`);
}

function run(command, args, cwd, { allowFailure = false, env } = {}) {
  console.log(`  $ ${[command, ...args].join(' ')}${cwd ? `   (in ${cwd})` : ''}`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0 && !allowFailure) {
    console.error(`\nvscode-host install: \`${[command, ...args].join(' ')}\` failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
  return result.status === 0;
}

function dpkgInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

/** Replaces whatever is at `path` with a symlink to `target` (relative to the link's folder). */
function link(path, target) {
  if (existsSync(path) || isSymlink(path)) rmSync(path, { recursive: true, force: true });
  symlinkSync(target, path);
  console.log(`  ${path} -> ${target}`);
}

function isSymlink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

const force = process.argv.includes('--force');
const missing = APT_PACKAGES.filter((name) => !dpkgInstalled(name));
if (missing.length > 0) {
  step(`apt packages: ${missing.join(', ')}`, () => {
    if (process.getuid?.() !== 0) {
      console.error(`  Not root: install them first with \`sudo apt-get install -y ${missing.join(' ')}\`, then run this again.`);
      process.exit(1);
    }
    run('apt-get', ['update'], undefined, { env: { DEBIAN_FRONTEND: 'noninteractive' } });
    run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], undefined, { env: { DEBIAN_FRONTEND: 'noninteractive' } });
  });
} else {
  console.log(`apt packages present: ${APT_PACKAGES.join(', ')}`);
}

if (!force && existsSync(marker) && existsSync(join(codeServerDir, 'out', 'node', 'entry.js'))) {
  console.log(`code-server ${CODE_SERVER_VERSION} is installed in ${cacheDir} (marker ${marker}); nothing to do (--force reinstalls).`);
  process.exit(0);
}

step(`code-server@${CODE_SERVER_VERSION} into ${cacheDir} (no install scripts)`, () => {
  mkdirSync(cacheDir, { recursive: true });
  // Its own package.json, so that npm installs here and not into the repository's node_modules.
  writeFileSync(join(cacheDir, 'package.json'), `${JSON.stringify({ name: 'keruta-vscode-host', private: true }, null, 2)}\n`);
  run(npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], cacheDir);
});

step('VS Code server dependencies (lib/vscode), native modules rebuilt for this Node', () => {
  run(npm, ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], vscodeDir);
  // node-pty's own post-install fetches node-gyp through npx and fails harmlessly; pty.node is built.
  run(npm, ['rebuild', ...NATIVE_MODULES], vscodeDir, { allowFailure: true });
  for (const built of ['node_modules/node-pty/build/Release/pty.node', 'node_modules/kerberos/build/Release/kerberos.node', 'node_modules/@vscode/spdlog/build/Release/spdlog.node']) {
    if (!existsSync(join(vscodeDir, built))) {
      console.error(`  ${built} was not built; see the output above.`);
      process.exit(1);
    }
  }
});

step('ripgrep from Debian instead of the GitHub download', () => {
  const rg = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  mkdirSync(dirname(rg), { recursive: true });
  copyFileSync('/usr/bin/rg', rg);
  chmodSync(rg, 0o755);
  console.log(`  /usr/bin/rg -> ${rg}`);
});

step('links code-server expects from its release build', () => {
  link(join(vscodeDir, 'node_modules.asar'), 'node_modules');
  link(join(vscodeDir, 'bin', 'remote-cli', 'code-server'), 'code-linux.sh');
  link(join(vscodeDir, 'bin', 'helpers', 'browser.sh'), 'browser-linux.sh');
});

step('built-in extensions\' dependencies (lib/vscode/extensions)', () => {
  run(npm, ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], join(vscodeDir, 'extensions'));
});

step('argon2 (code-server\'s password hashing) rebuilt', () => {
  run(npm, ['rebuild', 'argon2'], cacheDir);
});

writeFileSync(marker, `${JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: process.version, installedAt: new Date().toISOString() }, null, 2)}\n`);
console.log(`\nvscode-host: code-server ${CODE_SERVER_VERSION} installed in ${cacheDir} in ${elapsed(started)}.`);
