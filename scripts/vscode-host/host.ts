/**
 * A real VS Code to run the extension in: code-server (installed by install.mjs into
 * .cache/vscode-host/) on a free 127.0.0.1 port, with fresh user-data and extensions folders,
 * the given .vsix files installed, given user settings, and one folder open. `stop()` ends the
 * server and everything it started (extension host, language server) and removes the folders.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const HOST_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'vscode-host');
export const CODE_SERVER_ENTRY = path.join(HOST_CACHE_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const TEST_RUNNER_DIR = path.join(REPO_ROOT, 'test', 'vscode-runner');

/** Settings that keep a test window quiet: no welcome page, tips, update checks or telemetry. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.editor.enablePreview': false,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
};

export interface CodeServerOptions {
  /** The folder the window opens. */
  readonly folder: string;
  /** .vsix files installed (`--install-extension`) before the server starts. */
  readonly extensions: readonly string[];
  /** User settings (User/settings.json), on top of QUIET_SETTINGS. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Extra environment for the server and so for the extension host. */
  readonly env?: Readonly<Record<string, string>>;
  /** Where the server's own output goes, line by line (default: dropped). */
  readonly onOutput?: (line: string) => void;
  /** Keep the user-data and extensions folders after stop() (to read logs later). */
  readonly keepDirs?: boolean;
  readonly startTimeoutMs?: number;
  /** Port to listen on, on 127.0.0.1 only (there is no password). Default 0: a free port. */
  readonly port?: number;
}

export interface CodeServer {
  readonly port: number;
  /** The workbench URL with the folder open. */
  readonly url: string;
  readonly folder: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** The window's log files whose path matches (extension host, output channels…), newest first. */
  logFiles(match: RegExp): string[];
  /** Resolves when the server process has exited (by stop() or on its own), with how. */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

export function assertHostInstalled(): void {
  if (!existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server is not installed (${CODE_SERVER_ENTRY} is missing). Run \`node scripts/vscode-host/install.mjs\` first.`);
  }
}

/** Packages an extension folder (the test runner) into a .vsix with vsce, without dependencies. */
export function packageExtension(folder: string, outFile: string): string {
  mkdirSync(path.dirname(outFile), { recursive: true });
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', outFile], { cwd: folder, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vsce package in ${folder} failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  return outFile;
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  assertHostInstalled();
  const root = mkdtempSync(path.join(tmpdir(), 'keruta-vscode-host-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const configFile = path.join(root, 'config.yaml');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(configFile, 'auth: none\n');
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), `${JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2)}\n`);
  const env = hostEnv(root, options.env);
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  if (options.extensions.length > 0) {
    const install = spawnSync(process.execPath, [CODE_SERVER_ENTRY, ...common, ...options.extensions.flatMap((vsix) => ['--install-extension', vsix]), '--force'], { env, encoding: 'utf8' });
    const output = `${install.stdout}${install.stderr}`;
    if (install.status !== 0 || /failed|error/i.test(output.replace(/Wrote default config file.*\n/, ''))) {
      throw new Error(`Installing ${options.extensions.join(', ')} failed (exit ${install.status ?? install.signal}):\n${output}`);
    }
  }

  const server = spawn(
    process.execPath,
    [CODE_SERVER_ENTRY, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${options.port ?? 0}`, '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened', options.folder],
    // Its own process group, so that stop() ends the extension host and the language server too.
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<string>((resolve) => server.once('exit', (code, signal) => resolve(signal ?? `exit ${code ?? '?'}`)));
  let port: number;
  try {
    port = await listeningPort(server, options.onOutput, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await endProcessGroup(server);
    if (!options.keepDirs) rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.folder)}`;
  let stopped: Promise<void> | undefined;
  return {
    port,
    url,
    folder: options.folder,
    userDataDir,
    extensionsDir,
    logFiles: (match) => findFiles(path.join(userDataDir, 'logs'), match),
    exited,
    stop: () =>
      (stopped ??= endProcessGroup(server).then(() => {
        if (!options.keepDirs) rmSync(root, { recursive: true, force: true });
      })),
  };
}

/** The parent's environment without what would make code-server act as a VS Code terminal's helper. */
function hostEnv(root: string, extra: Readonly<Record<string, string>> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE' || key === 'PORT' || key === 'PASSWORD' || key === 'HASHED_PASSWORD') continue;
    env[key] = value;
  }
  // code-server keeps state under XDG folders (config, last opened); keep them in the temp root.
  env.XDG_CONFIG_HOME = path.join(root, 'xdg-config');
  env.XDG_DATA_HOME = path.join(root, 'xdg-data');
  return { ...env, ...extra };
}

/** Resolves with the port once code-server prints "HTTP server listening on http://127.0.0.1:PORT/". */
function listeningPort(server: ChildProcess, onOutput: ((line: string) => void) | undefined, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const recent: string[] = [];
    let buffered = '';
    const timer = setTimeout(() => fail(new Error(`code-server did not start listening within ${timeoutMs} ms. Its output:\n${recent.join('\n')}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        onOutput?.(line);
        recent.push(line);
        if (recent.length > 50) recent.shift();
        const match = /HTTP server listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(new Error(`code-server exited (${code ?? signal}) before listening. Its output:\n${recent.join('\n')}`));
    function fail(error: Error): void {
      clearTimeout(timer);
      reject(error);
    }
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', onExit);
  });
}

/** SIGTERM to the server's process group; SIGKILL if it has not exited after 10 s. */
async function endProcessGroup(server: ChildProcess): Promise<void> {
  if (server.pid === undefined || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-server.pid!, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      signalGroup('SIGKILL');
      resolve();
    }, 10_000);
  });
  await Promise.race([exited, killed]);
  clearTimeout(timer);
  // The extension host and language server outlive the server by a moment; end what is left.
  signalGroup('SIGKILL');
}

function findFiles(dir: string, match: RegExp): string[] {
  const found: { file: string; mtime: number }[] = [];
  const walk = (current: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(current);
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(current, entry);
      const stats = statSync(file, { throwIfNoEntry: false });
      if (stats?.isDirectory()) walk(file);
      else if (stats && match.test(file)) found.push({ file, mtime: stats.mtimeMs });
    }
  };
  walk(dir);
  return found.sort((a, b) => b.mtime - a.mtime).map((entry) => entry.file);
}
