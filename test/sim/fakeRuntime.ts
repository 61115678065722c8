// A small in-memory WorkloadRuntime for the log and exec tests: containers with a scripted state,
// an appendable log, and an in-memory file system (files, generated files, directories, symlinks,
// read-only areas, and crafted walk entries as hostile images report them).

import path from 'node:path';
import { Readable } from 'node:stream';
import type { ContainerFileSystem, ContainerRuntimeState, FileEntry, LogSource, WorkloadRuntime } from './types';

const posix = path.posix;

type Node =
  | { readonly type: 'directory'; readonly mode: number; readonly mtime: Date }
  | { readonly type: 'file'; content: Buffer; readonly mode: number; mtime: Date }
  | { readonly type: 'generated'; readonly size: number; readonly generate: () => Readable; readonly mode: number; readonly mtime: Date }
  | { readonly type: 'symlink'; readonly target: string; readonly mtime: Date };

const MTIME = new Date('2025-01-02T03:04:05Z');

function components(p: string): string[] {
  return p.split('/').filter((part) => part !== '');
}

function compareComponents(a: string, b: string): number {
  const ca = components(a);
  const cb = components(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i] as string;
    const y = cb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return ca.length - cb.length;
}

export class MemoryFileSystem implements ContainerFileSystem {
  private readonly nodes = new Map<string, Node>([['/', { type: 'directory', mode: 0o755, mtime: MTIME }]]);
  private readonly crafted = new Map<string, FileEntry[]>();
  private readonly readOnly: string[] = [];
  /** Number of walk() calls (tests check the tar path does not walk needlessly). */
  walks = 0;

  constructor(private readonly environment: Record<string, string> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' }) {}

  private norm(p: string): string {
    return posix.resolve('/', p);
  }

  private ensureParents(p: string): void {
    let current = '';
    for (const part of components(posix.dirname(p))) {
      current += `/${part}`;
      if (!this.nodes.has(current)) this.nodes.set(current, { type: 'directory', mode: 0o755, mtime: MTIME });
    }
  }

  addDir(p: string): this {
    const at = this.norm(p);
    this.ensureParents(at);
    this.nodes.set(at, { type: 'directory', mode: 0o755, mtime: MTIME });
    return this;
  }

  addFile(p: string, content: string | Buffer, mode = 0o644): this {
    const at = this.norm(p);
    this.ensureParents(at);
    this.nodes.set(at, { type: 'file', content: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), mode, mtime: MTIME });
    return this;
  }

  /** A file whose content is produced on demand (never held in memory). */
  addGeneratedFile(p: string, size: number, generate: () => Readable): this {
    const at = this.norm(p);
    this.ensureParents(at);
    this.nodes.set(at, { type: 'generated', size, generate, mode: 0o644, mtime: MTIME });
    return this;
  }

  addSymlink(p: string, target: string): this {
    const at = this.norm(p);
    this.ensureParents(at);
    this.nodes.set(at, { type: 'symlink', target, mtime: MTIME });
    return this;
  }

  /** An extra entry that walk(dir) reports as-is (e.g. path `../../etc/passwd`). */
  addCraftedEntry(dir: string, entry: FileEntry): this {
    const at = this.norm(dir);
    this.crafted.set(at, [...(this.crafted.get(at) ?? []), entry]);
    return this;
  }

  /** Writes below `dir` fail as on a read-only mount. */
  markReadOnly(dir: string): this {
    this.readOnly.push(this.norm(dir));
    return this;
  }

  private resolveLink(p: string, depth = 0): string {
    const node = this.nodes.get(p);
    if (node?.type !== 'symlink' || depth > 8) return p;
    return this.resolveLink(posix.resolve(posix.dirname(p), node.target), depth + 1);
  }

  exists(p: string): boolean {
    return this.nodes.has(this.norm(p));
  }

  isDirectory(p: string): boolean {
    return this.nodes.get(this.resolveLink(this.norm(p)))?.type === 'directory';
  }

  walk(dir: string): FileEntry[] {
    this.walks++;
    const base = this.resolveLink(this.norm(dir));
    const prefix = base === '/' ? '/' : `${base}/`;
    const paths = [...this.nodes.keys()].filter((p) => p !== base && p.startsWith(prefix)).sort(compareComponents);
    const entries = paths.map((p): FileEntry => {
      const node = this.nodes.get(p) as Node;
      const rel = `./${p.slice(prefix.length)}`;
      switch (node.type) {
        case 'directory':
          return { path: rel, type: 'directory', size: 4096, mode: node.mode, mtime: node.mtime };
        case 'symlink':
          return { path: rel, type: 'symlink', size: 0, mode: 0o777, mtime: node.mtime, linkname: node.target };
        case 'file': {
          const content = node.content;
          return { path: rel, type: 'file', size: content.length, mode: node.mode, mtime: node.mtime, open: () => Readable.from([content]) };
        }
        case 'generated':
          return { path: rel, type: 'file', size: node.size, mode: node.mode, mtime: node.mtime, open: node.generate };
      }
    });
    return [...entries, ...(this.crafted.get(base) ?? [])];
  }

  readFile(p: string): Buffer | undefined {
    const node = this.nodes.get(this.resolveLink(this.norm(p)));
    if (node?.type === 'file') return Buffer.from(node.content);
    return undefined;
  }

  private checkWritable(at: string): void {
    if (this.readOnly.some((dir) => at === dir || at.startsWith(`${dir}/`))) throw new Error(`EROFS: read-only file system, open '${at}'`);
    if (this.nodes.get(posix.dirname(at))?.type !== 'directory') throw new Error(`ENOENT: no such file or directory, open '${at}'`);
  }

  writeFile(p: string, content: Buffer): void {
    const at = this.norm(p);
    this.checkWritable(at);
    if (this.nodes.get(at)?.type === 'directory') throw new Error(`EISDIR: illegal operation on a directory, open '${at}'`);
    this.nodes.set(at, { type: 'file', content: Buffer.from(content), mode: 0o644, mtime: new Date() });
  }

  mkdir(p: string): void {
    const at = this.norm(p);
    this.checkWritable(at);
    if (this.nodes.has(at)) throw new Error(`EEXIST: file already exists, mkdir '${at}'`);
    this.nodes.set(at, { type: 'directory', mode: 0o755, mtime: new Date() });
  }

  env(): Readonly<Record<string, string>> {
    return this.environment;
  }
}

export class MemoryLog implements LogSource {
  private content = '';
  private finished = false;
  private readonly dataListeners = new Set<(chunk: string) => void>();
  private readonly endListeners = new Set<() => void>();

  constructor(initial = '') {
    this.content = initial;
  }

  append(chunk: string): void {
    if (this.finished) throw new Error('log already ended');
    this.content += chunk;
    for (const listener of [...this.dataListeners]) listener(chunk);
  }

  end(): void {
    if (this.finished) return;
    this.finished = true;
    for (const listener of [...this.endListeners]) listener();
  }

  /** Subscribed listeners (tests check that handlers clean up). */
  get listeners(): number {
    return this.dataListeners.size + this.endListeners.size;
  }

  text(): string {
    return this.content;
  }

  ended(): boolean {
    return this.finished;
  }

  onData(listener: (chunk: string) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onEnd(listener: () => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }
}

export interface FakeContainer {
  state: ContainerRuntimeState;
  fs?: ContainerFileSystem;
  log?: MemoryLog;
  previousLog?: MemoryLog;
}

export class FakeRuntime implements WorkloadRuntime {
  private readonly containers = new Map<string, FakeContainer>();

  set(namespace: string, pod: string, container: string, value: FakeContainer): this {
    this.containers.set(`${namespace}/${pod}/${container}`, value);
    return this;
  }

  get(namespace: string, pod: string, container: string): FakeContainer | undefined {
    return this.containers.get(`${namespace}/${pod}/${container}`);
  }

  containerState(namespace: string, pod: string, container: string): ContainerRuntimeState | undefined {
    return this.get(namespace, pod, container)?.state;
  }

  logs(namespace: string, pod: string, container: string, previous: boolean): LogSource | undefined {
    const entry = this.get(namespace, pod, container);
    if (entry === undefined) return undefined;
    if (previous) return entry.previousLog;
    return entry.state.state === 'waiting' ? undefined : entry.log;
  }

  fileSystem(namespace: string, pod: string, container: string): ContainerFileSystem | undefined {
    const entry = this.get(namespace, pod, container);
    return entry?.state.state === 'running' ? entry.fs : undefined;
  }
}
