/**
 * What a simulated container does, chosen by its image (and, for the keruta collector, by its
 * command). The table is the reference; `SIM_IMAGES` holds the same rows and
 * `renderSimImageTable()` prints them, so a test keeps this comment and the README honest.
 *
 * | Image | Behaviour | Exit code | Settings (env) |
 * |---|---|---|---|
 * | any other image | Logs one `NAME=value` line per `KERUTA_TASK_*` variable it received (sorted by name), writes the same lines to `/.keruta/doc/README.md` (creating `/.keruta/doc`), then exits. | 0 | `KERUTA_SIM_RUN_SECONDS` (run time, default 1) |
 * | `keruta-sim/fail[:N]` | Like any other image (log lines, README.md), then logs `error: keruta-sim/fail: exiting with code N`. | N (default 1) | `KERUTA_SIM_RUN_SECONDS` |
 * | `keruta-sim/crash` | Runs briefly, logs `error: keruta-sim/crash: crashed`, fails every time (a CrashLoopBackOff under restartPolicy OnFailure). | 1 | `KERUTA_SIM_RUN_SECONDS` (default 0.5) |
 * | `keruta-sim/image-pull-error` | Never starts: `ErrImagePull` (`rpc error: code = NotFound …`) and `ImagePullBackOff` (`Back-off pulling image …`) alternate, back-off 10 s doubling to 300 s. | none | none |
 * | `keruta-sim/sleep` | Logs `keruta-sim/sleep: sleeping until the pod is deleted` and runs until the Pod is deleted (or the Job's deadline kills it). | 137 when killed | none |
 * | `keruta-sim/large-doc` | Logs the `KERUTA_TASK_*` lines, writes one generated file `/.keruta/doc/large.bin` (deterministic bytes, streamed in 64 KiB chunks, never held in memory). | 0 | `KERUTA_SIM_DOC_BYTES` (default 104857600), `KERUTA_SIM_RUN_SECONDS` |
 * | `keruta-sim/many-files` | Logs the `KERUTA_TASK_*` lines, writes that many small files as `/.keruta/doc/set-NN/group-NN/file-NNNNN.txt` (nothing else). | 0 | `KERUTA_SIM_DOC_FILES` (default 2000), `KERUTA_SIM_RUN_SECONDS` |
 * | `keruta-sim/rich-doc` | README.md with the `KERUTA_TASK_*` lines, nested folders, Japanese, emoji and space file names, `data/binary.bin` (all 256 byte values), `data/empty.txt` (0 bytes), an empty folder `empty-folder/`. | 0 | `KERUTA_SIM_RUN_SECONDS` |
 * | `keruta-sim/empty-doc` | Creates `/.keruta/doc` and leaves it empty. | 0 | `KERUTA_SIM_RUN_SECONDS` |
 * | `keruta-sim/hostile:KIND` | README.md plus entries that `walk()` (so `tar cf - -C /.keruta/doc .`) reports as-is. `traversal`: `../../evil.txt`; `absolute`: `/tmp/keruta-evil.txt`; `symlink`: `./escape` → `/etc`, `./escape/passwd`, `./outside` → `../../outside`; `hardlink`: `./hard-passwd` ⇒ `/etc/passwd`, `./hard-outside` ⇒ `../../outside`; `device`: `./null` (character device); `all` or no KIND: every one. | 0 (unknown KIND: 2) | `KERUTA_SIM_RUN_SECONDS` |
 * | `keruta-sim/unschedulable` | The Pod stays Pending: `PodScheduled=False`, reason `Unschedulable`, `0/1 nodes are available: 1 Insufficient cpu. preemption: …`. | none | none |
 * | `keruta-sim/distroless` | Like any other image, but its root file system has no `/bin` (no `sh`, no `tar`). | 0 | `KERUTA_SIM_RUN_SECONDS` |
 * | keruta collector (command `sh -c SCRIPT`, SCRIPT mentioning `/.keruta/ctl/release`) | As a native sidecar: runs from Pod start, exits 0 as soon as `/.keruta/ctl/release` exists; after SIGTERM (all regular containers ended) it waits for the release at most the window; killed (137) if `terminationGracePeriodSeconds` (default 30) passes first. As a regular container: counts the window down while no other regular container runs, exits 0 on release or when the window ran out. | 0 (137 when killed) | `KERUTA_COLLECT_WINDOW_SECONDS` (default 300) |
 * | any other native sidecar | Runs until SIGTERM (sent when all regular containers ended), then exits. | 0 | none |
 */
import type { Container } from 'kubernetes-types/core/v1';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DOC_DIR, RELEASE_FILE } from '../../../server/src/core/collectorPod';
import { largeDocContent } from './largeDoc';
import type { RootFsFlavour, SimContainerFs } from './podFileSystem';

export interface SimImage {
  /** How the image is written (or which containers the row is about). */
  readonly image: string;
  readonly behaviour: string;
  readonly exitCode: string;
  readonly env: string;
}

export const SIM_IMAGES: readonly SimImage[] = [
  {
    image: 'any other image',
    behaviour:
      'Logs one `NAME=value` line per `KERUTA_TASK_*` variable it received (sorted by name), writes the same lines to `/.keruta/doc/README.md` (creating `/.keruta/doc`), then exits.',
    exitCode: '0',
    env: '`KERUTA_SIM_RUN_SECONDS` (run time, default 1)',
  },
  {
    image: '`keruta-sim/fail[:N]`',
    behaviour: 'Like any other image (log lines, README.md), then logs `error: keruta-sim/fail: exiting with code N`.',
    exitCode: 'N (default 1)',
    env: '`KERUTA_SIM_RUN_SECONDS`',
  },
  {
    image: '`keruta-sim/crash`',
    behaviour: 'Runs briefly, logs `error: keruta-sim/crash: crashed`, fails every time (a CrashLoopBackOff under restartPolicy OnFailure).',
    exitCode: '1',
    env: '`KERUTA_SIM_RUN_SECONDS` (default 0.5)',
  },
  {
    image: '`keruta-sim/image-pull-error`',
    behaviour:
      'Never starts: `ErrImagePull` (`rpc error: code = NotFound …`) and `ImagePullBackOff` (`Back-off pulling image …`) alternate, back-off 10 s doubling to 300 s.',
    exitCode: 'none',
    env: 'none',
  },
  {
    image: '`keruta-sim/sleep`',
    behaviour: "Logs `keruta-sim/sleep: sleeping until the pod is deleted` and runs until the Pod is deleted (or the Job's deadline kills it).",
    exitCode: '137 when killed',
    env: 'none',
  },
  {
    image: '`keruta-sim/large-doc`',
    behaviour:
      'Logs the `KERUTA_TASK_*` lines, writes one generated file `/.keruta/doc/large.bin` (deterministic bytes, streamed in 64 KiB chunks, never held in memory).',
    exitCode: '0',
    env: '`KERUTA_SIM_DOC_BYTES` (default 104857600), `KERUTA_SIM_RUN_SECONDS`',
  },
  {
    image: '`keruta-sim/many-files`',
    behaviour: 'Logs the `KERUTA_TASK_*` lines, writes that many small files as `/.keruta/doc/set-NN/group-NN/file-NNNNN.txt` (nothing else).',
    exitCode: '0',
    env: '`KERUTA_SIM_DOC_FILES` (default 2000), `KERUTA_SIM_RUN_SECONDS`',
  },
  {
    image: '`keruta-sim/rich-doc`',
    behaviour:
      'README.md with the `KERUTA_TASK_*` lines, nested folders, Japanese, emoji and space file names, `data/binary.bin` (all 256 byte values), `data/empty.txt` (0 bytes), an empty folder `empty-folder/`.',
    exitCode: '0',
    env: '`KERUTA_SIM_RUN_SECONDS`',
  },
  {
    image: '`keruta-sim/empty-doc`',
    behaviour: 'Creates `/.keruta/doc` and leaves it empty.',
    exitCode: '0',
    env: '`KERUTA_SIM_RUN_SECONDS`',
  },
  {
    image: '`keruta-sim/hostile:KIND`',
    behaviour:
      'README.md plus entries that `walk()` (so `tar cf - -C /.keruta/doc .`) reports as-is. `traversal`: `../../evil.txt`; `absolute`: `/tmp/keruta-evil.txt`; `symlink`: `./escape` → `/etc`, `./escape/passwd`, `./outside` → `../../outside`; `hardlink`: `./hard-passwd` ⇒ `/etc/passwd`, `./hard-outside` ⇒ `../../outside`; `device`: `./null` (character device); `all` or no KIND: every one.',
    exitCode: '0 (unknown KIND: 2)',
    env: '`KERUTA_SIM_RUN_SECONDS`',
  },
  {
    image: '`keruta-sim/unschedulable`',
    behaviour: 'The Pod stays Pending: `PodScheduled=False`, reason `Unschedulable`, `0/1 nodes are available: 1 Insufficient cpu. preemption: …`.',
    exitCode: 'none',
    env: 'none',
  },
  {
    image: '`keruta-sim/distroless`',
    behaviour: 'Like any other image, but its root file system has no `/bin` (no `sh`, no `tar`).',
    exitCode: '0',
    env: '`KERUTA_SIM_RUN_SECONDS`',
  },
  {
    image: 'keruta collector (command `sh -c SCRIPT`, SCRIPT mentioning `/.keruta/ctl/release`)',
    behaviour:
      'As a native sidecar: runs from Pod start, exits 0 as soon as `/.keruta/ctl/release` exists; after SIGTERM (all regular containers ended) it waits for the release at most the window; killed (137) if `terminationGracePeriodSeconds` (default 30) passes first. As a regular container: counts the window down while no other regular container runs, exits 0 on release or when the window ran out.',
    exitCode: '0 (137 when killed)',
    env: '`KERUTA_COLLECT_WINDOW_SECONDS` (default 300)',
  },
  {
    image: 'any other native sidecar',
    behaviour: 'Runs until SIGTERM (sent when all regular containers ended), then exits.',
    exitCode: '0',
    env: 'none',
  },
];

/** The table above as Markdown, for the README (and the test that keeps the comment in sync). */
export function renderSimImageTable(): string {
  const rows = SIM_IMAGES.map((row) => `| ${row.image} | ${row.behaviour} | ${row.exitCode} | ${row.env} |`);
  return ['| Image | Behaviour | Exit code | Settings (env) |', '|---|---|---|---|', ...rows].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Image names

export interface ImageRef {
  /** As the kubelet reports it in `containerStatuses[].image`, e.g. `docker.io/library/busybox:1.36.1`. */
  readonly normalized: string;
  /** The repository path without registry, e.g. `library/busybox`, `keruta-sim/fail`. */
  readonly path: string;
  readonly tag?: string;
  /** `docker.io/library/busybox@sha256:…`, stable per image. */
  readonly imageID: string;
}

export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  const at = rest.indexOf('@');
  const digest = at >= 0 ? rest.slice(at + 1) : undefined;
  if (at >= 0) rest = rest.slice(0, at);
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  const tag = colon > slash ? rest.slice(colon + 1) : undefined;
  if (colon > slash) rest = rest.slice(0, colon);
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')) registry = parts.shift()!;
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  const path = parts.join('/');
  const repository = `${registry}/${path}`;
  const normalized = digest ? `${repository}@${digest}` : `${repository}:${tag ?? 'latest'}`;
  const imageID = `${repository}@${digest ?? `sha256:${createHash('sha256').update(normalized).digest('hex')}`}`;
  return { normalized, path, ...(tag !== undefined ? { tag } : {}), imageID };
}

/** `keruta-sim/<name>` → name (with registry and `library/` ignored), else undefined. */
function simImageName(ref: ImageRef): string | undefined {
  const match = /(?:^|\/)keruta-sim\/([a-z0-9-]+)$/.exec(ref.path);
  return match?.[1];
}

/** Whether the scheduler must leave a Pod with this image unbound (`keruta-sim/unschedulable`). */
export function isUnschedulableImage(image: string): boolean {
  return simImageName(parseImage(image)) === 'unschedulable';
}

// ---------------------------------------------------------------------------------------------
// Behaviours

export type ContainerRole = 'init' | 'sidecar' | 'regular';

/** A running container instance as an image program sees it. */
export interface ContainerProcess {
  readonly role: ContainerRole;
  readonly containerName: string;
  readonly restartCount: number;
  readonly env: Readonly<Record<string, string>>;
  readonly fs: SimContainerFs;
  /** Writes `line` and a newline to the container log. */
  log(line: string): void;
  /** Ends the process with `code` (later calls are ignored). */
  exit(code: number): void;
  /** Runs `action` after simulated `seconds`, unless the process ended; returns a cancel function. */
  after(seconds: number, action: () => void): () => void;
  /** SIGTERM handler. Without one, SIGTERM kills the process (137). */
  onTerm(listener: () => void): void;
  /** Called (asynchronously) after any write to any file system of the Pod. */
  onFileSystemChange(listener: () => void): void;
  /** Whether another regular container of the Pod is running (what `shareProcessNamespace` shows). */
  othersRunning(): boolean;
  /** Called (asynchronously) when another container starts or stops. */
  onOthersChange(listener: () => void): void;
}

export interface ImageBehaviour {
  /** A short name for the behaviour (`ordinary`, `fail`, `collector`, …). */
  readonly kind: string;
  readonly ref: ImageRef;
  /** The pull never succeeds (`keruta-sim/image-pull-error`). */
  readonly pullError: boolean;
  /** The scheduler never places the Pod (`keruta-sim/unschedulable`). */
  readonly unschedulable: boolean;
  readonly rootFs: RootFsFlavour;
  run(process: ContainerProcess): void;
}

function numberEnv(env: Readonly<Record<string, string>>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** `NAME=value` for every `KERUTA_TASK_*` variable, sorted by name. */
export function kerutaLines(env: Readonly<Record<string, string>>): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('KERUTA_TASK_'))
    .sort()
    .map((name) => `${name}=${env[name]}`);
}

function readmeText(env: Readonly<Record<string, string>>): string {
  return kerutaLines(env)
    .map((line) => `${line}\n`)
    .join('');
}

/** Runs `body` against the doc directory; a write error ends the process like `sh` would (exit 1). */
function writeDocs(process: ContainerProcess, body: (fs: SimContainerFs) => void): boolean {
  try {
    process.fs.mkdir(DOC_DIR);
    body(process.fs);
    return true;
  } catch (error) {
    process.log(`sh: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
    return false;
  }
}

function logKerutaLines(process: ContainerProcess): void {
  for (const line of kerutaLines(process.env)) process.log(line);
}

/** The common shape: log the KERUTA lines, run for a while, write docs, exit. */
function docWriter(defaultSeconds: number, write: (process: ContainerProcess, fs: SimContainerFs) => void, exitCode = 0, lastWords?: string) {
  return (process: ContainerProcess): void => {
    logKerutaLines(process);
    process.after(numberEnv(process.env, 'KERUTA_SIM_RUN_SECONDS', defaultSeconds), () => {
      if (!writeDocs(process, (fs) => write(process, fs))) return;
      if (lastWords) process.log(lastWords);
      process.exit(exitCode);
    });
  };
}

const writeReadme = (process: ContainerProcess, fs: SimContainerFs): void => fs.writeText(`${DOC_DIR}/README.md`, readmeText(process.env));

function manyFiles(process: ContainerProcess, fs: SimContainerFs): void {
  const count = Math.floor(numberEnv(process.env, 'KERUTA_SIM_DOC_FILES', 2000));
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  for (let i = 0; i < count; i++) {
    const dir = `${DOC_DIR}/set-${pad(Math.floor(i / 400), 2)}/group-${pad(Math.floor(i / 20) % 20, 2)}`;
    fs.mkdir(dir);
    fs.writeText(`${dir}/file-${pad(i, 5)}.txt`, `file ${i}\n`);
  }
}

function richDoc(process: ContainerProcess, fs: SimContainerFs): void {
  writeReadme(process, fs);
  const put = (path: string, content: string | Buffer): void => {
    const full = `${DOC_DIR}/${path}`;
    fs.mkdir(full.slice(0, full.lastIndexOf('/')));
    fs.writeFile(full, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  };
  put('notes/日本語のメモ.md', '# メモ\n日本語のテキストです。\n');
  put('notes/emoji 🎉/party 🎈.txt', 'party 🎈\n');
  put('folder with spaces/file with spaces.txt', 'spaces in names\n');
  put('nested/a/b/c/d/deep.txt', 'deep\n');
  put('data/binary.bin', Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
  put('data/empty.txt', Buffer.alloc(0));
  fs.mkdir(`${DOC_DIR}/empty-folder`);
}

export const HOSTILE_KINDS = ['traversal', 'absolute', 'symlink', 'hardlink', 'device'] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

function craftedFile(path: string, text: string): { path: string; type: 'file'; size: number; mode: number; mtime: Date; open: () => Readable } {
  const data = Buffer.from(text, 'utf8');
  return { path, type: 'file', size: data.length, mode: 0o644, mtime: new Date(), open: () => Readable.from([data]) };
}

function hostile(kinds: readonly HostileKind[]) {
  return (process: ContainerProcess, fs: SimContainerFs): void => {
    writeReadme(process, fs);
    for (const kind of kinds) {
      switch (kind) {
        case 'traversal':
          fs.addCrafted(DOC_DIR, craftedFile('../../evil.txt', 'evil\n'));
          break;
        case 'absolute':
          fs.addCrafted(DOC_DIR, craftedFile('/tmp/keruta-evil.txt', 'evil\n'));
          break;
        case 'symlink':
          fs.link(`${DOC_DIR}/escape`, 'symlink', '/etc');
          fs.link(`${DOC_DIR}/outside`, 'symlink', '../../outside');
          fs.addCrafted(DOC_DIR, craftedFile('./escape/passwd', 'pwned::0:0::/:/bin/sh\n'));
          break;
        case 'hardlink':
          fs.link(`${DOC_DIR}/hard-passwd`, 'hardlink', '/etc/passwd');
          fs.link(`${DOC_DIR}/hard-outside`, 'hardlink', '../../outside');
          break;
        case 'device':
          fs.special(`${DOC_DIR}/null`, 'character-device');
          break;
      }
    }
  };
}

/** `sh -c SCRIPT` (or `sh` with args `-c SCRIPT`) where SCRIPT mentions the release file. */
export function isCollectorCommand(container: Container): boolean {
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  const shell = argv[0]?.split('/').pop();
  return (shell === 'sh' || shell === 'ash' || shell === 'bash') && argv[1] === '-c' && (argv[2] ?? '').includes(RELEASE_FILE);
}

function windowSeconds(env: Readonly<Record<string, string>>): number {
  return numberEnv(env, 'KERUTA_COLLECT_WINDOW_SECONDS', 300);
}

/** The native-sidecar keep-alive: see NATIVE_KEEPALIVE_SCRIPT in collectorPod.ts. */
function nativeCollector(process: ContainerProcess): void {
  const released = (): boolean => process.fs.exists(RELEASE_FILE);
  const check = (): void => {
    if (released()) process.exit(0);
  };
  process.onFileSystemChange(check);
  process.onTerm(() => {
    if (released()) return process.exit(0);
    const window = windowSeconds(process.env);
    if (window <= 0) return process.exit(0);
    process.after(window, () => process.exit(0));
  });
  check();
}

/** The regular-container keep-alive: see REGULAR_KEEPALIVE_SCRIPT in collectorPod.ts. */
function regularCollector(process: ContainerProcess): void {
  let cancelCountdown: (() => void) | undefined;
  const evaluate = (): void => {
    if (process.fs.exists(RELEASE_FILE)) return process.exit(0);
    if (process.othersRunning()) {
      cancelCountdown?.();
      cancelCountdown = undefined;
    } else if (!cancelCountdown) {
      cancelCountdown = process.after(windowSeconds(process.env), () => process.exit(0));
    }
  };
  process.onFileSystemChange(evaluate);
  process.onOthersChange(evaluate);
  evaluate();
}

/** Any other native sidecar: runs until SIGTERM, then exits 0. */
function plainSidecar(process: ContainerProcess): void {
  process.onTerm(() => process.exit(0));
}

function behaviour(kind: string, ref: ImageRef, run: (process: ContainerProcess) => void, extra: Partial<Pick<ImageBehaviour, 'pullError' | 'unschedulable' | 'rootFs'>> = {}): ImageBehaviour {
  return { kind, ref, run, pullError: extra.pullError ?? false, unschedulable: extra.unschedulable ?? false, rootFs: extra.rootFs ?? 'busybox' };
}

/** The behaviour of `container` in the role it has in its Pod. */
export function imageBehaviour(container: Container, role: ContainerRole): ImageBehaviour {
  const ref = parseImage(container.image ?? '');
  const name = simImageName(ref);
  if (name === 'image-pull-error') return behaviour('image-pull-error', ref, () => undefined, { pullError: true });
  if (name === 'unschedulable') return behaviour('unschedulable', ref, docWriter(1, writeReadme), { unschedulable: true });
  if (isCollectorCommand(container)) return behaviour('collector', ref, role === 'sidecar' ? nativeCollector : regularCollector);
  if (role === 'sidecar') return behaviour('sidecar', ref, plainSidecar);
  switch (name) {
    case 'fail': {
      const code = ref.tag !== undefined && /^\d+$/.test(ref.tag) ? Math.min(255, Number(ref.tag)) : 1;
      return behaviour('fail', ref, docWriter(1, writeReadme, code, `error: keruta-sim/fail: exiting with code ${code}`));
    }
    case 'crash':
      return behaviour('crash', ref, (process) => {
        process.after(numberEnv(process.env, 'KERUTA_SIM_RUN_SECONDS', 0.5), () => {
          process.log('error: keruta-sim/crash: crashed');
          process.exit(1);
        });
      });
    case 'sleep':
      return behaviour('sleep', ref, (process) => process.log('keruta-sim/sleep: sleeping until the pod is deleted'));
    case 'large-doc':
      return behaviour(
        'large-doc',
        ref,
        docWriter(1, (process, fs) => fs.writeGenerated(`${DOC_DIR}/large.bin`, largeDocContent(Math.floor(numberEnv(process.env, 'KERUTA_SIM_DOC_BYTES', 100 * 1024 * 1024))))),
      );
    case 'many-files':
      return behaviour('many-files', ref, docWriter(1, manyFiles));
    case 'rich-doc':
      return behaviour('rich-doc', ref, docWriter(1, richDoc));
    case 'empty-doc':
      return behaviour('empty-doc', ref, docWriter(1, () => undefined));
    case 'hostile': {
      const tag = ref.tag ?? 'all';
      if (tag !== 'all' && !(HOSTILE_KINDS as readonly string[]).includes(tag)) {
        return behaviour('hostile', ref, (process) => {
          process.log(`error: keruta-sim/hostile: unknown kind ${tag} (one of ${HOSTILE_KINDS.join(', ')}, all)`);
          process.exit(2);
        });
      }
      return behaviour('hostile', ref, docWriter(1, hostile(tag === 'all' ? HOSTILE_KINDS : [tag as HostileKind])));
    }
    case 'distroless':
      return behaviour('ordinary', ref, docWriter(1, writeReadme), { rootFs: 'distroless' });
    default:
      return behaviour('ordinary', ref, docWriter(1, writeReadme));
  }
}
