/**
 * The in-memory file systems of simulated containers. Each container instance has its own
 * writable root (a few busybox-like files), with the Pod's volumes mounted over it: `emptyDir`
 * trees are shared by every container of the Pod that mounts them and outlive container restarts;
 * downward API and Secret volumes are read-only files.
 *
 * File content is either bytes or generated on demand (a 100 MiB file is a size and a stream
 * factory, never a buffer). Directories may also hold "crafted" tar entries with hostile paths
 * (`../../evil.txt`, `/tmp/x`) that `walk()` reports verbatim, to test the collector's defences.
 */
import { Readable } from 'node:stream';
import type { ContainerFileSystem, FileEntry } from '../types';

export interface GeneratedContent {
  readonly size: number;
  /** A fresh stream of the whole content, produced chunk by chunk. */
  open(): Readable;
  /** `length` bytes from `offset` (for small reads). */
  read(offset: number, length: number): Buffer;
}

export interface DirNode {
  readonly kind: 'directory';
  readonly children: Map<string, FsNode>;
  mode: number;
  mtime: Date;
  /** Entries reported as-is by `walk()` after this directory's children (hostile images). */
  readonly crafted: FileEntry[];
}

export interface FileNode {
  readonly kind: 'file';
  readonly content: Buffer | GeneratedContent;
  readonly mode: number;
  readonly mtime: Date;
}

export interface LinkNode {
  readonly kind: 'symlink' | 'hardlink';
  readonly target: string;
  readonly mode: number;
  readonly mtime: Date;
}

export interface SpecialNode {
  readonly kind: 'character-device' | 'block-device' | 'fifo';
  readonly mode: number;
  readonly mtime: Date;
}

export type FsNode = DirNode | FileNode | LinkNode | SpecialNode;

/** A Pod volume as the kubelet sets it up: a directory tree, possibly read-only for everyone. */
export interface PodVolume {
  readonly name: string;
  readonly root: DirNode;
  readonly readOnly: boolean;
}

export interface MountSpec {
  readonly mountPath: string;
  readonly volume: PodVolume;
  readonly readOnly?: boolean;
  readonly subPath?: string;
}

/** `readFile` refuses generated content larger than this (stream it through `walk()` instead). */
export const READ_FILE_LIMIT = 16 * 1024 * 1024;

export function newDir(mode = 0o755): DirNode {
  return { kind: 'directory', children: new Map(), mode, mtime: new Date(), crafted: [] };
}

export function isGenerated(content: Buffer | GeneratedContent): content is GeneratedContent {
  return !Buffer.isBuffer(content);
}

/** Absolute path → its components, with `.` and `..` resolved lexically. */
export function pathParts(path: string): string[] {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts;
}

function joinParts(parts: readonly string[]): string {
  return `/${parts.join('/')}`;
}

function fileSize(node: FileNode): number {
  return isGenerated(node.content) ? node.content.size : node.content.length;
}

function entryFor(path: string, node: FsNode): FileEntry {
  switch (node.kind) {
    case 'directory':
      return { path, type: 'directory', size: 0, mode: node.mode, mtime: node.mtime };
    case 'file': {
      const content = node.content;
      return {
        path,
        type: 'file',
        size: fileSize(node),
        mode: node.mode,
        mtime: node.mtime,
        open: () => (isGenerated(content) ? content.open() : Readable.from([content])),
      };
    }
    case 'symlink':
    case 'hardlink':
      return { path, type: node.kind, size: 0, mode: node.mode, mtime: node.mtime, linkname: node.target };
    default:
      return { path, type: node.kind, size: 0, mode: node.mode, mtime: node.mtime };
  }
}

/** Creates `parts` as directories below `dir` (mkdir -p); undefined when a non-directory is in the way. */
function mkdirs(dir: DirNode, parts: readonly string[]): DirNode | undefined {
  let current = dir;
  for (const part of parts) {
    const next = current.children.get(part);
    if (next === undefined) {
      const created = newDir();
      current.children.set(part, created);
      current = created;
    } else if (next.kind === 'directory') {
      current = next;
    } else {
      return undefined;
    }
  }
  return current;
}

/** A plain file tree builder, for volumes and image root file systems. */
export function putFile(dir: DirNode, path: string, content: Buffer | string, mode = 0o644): void {
  const parts = pathParts(path);
  const name = parts.pop();
  if (name === undefined) return;
  const parent = mkdirs(dir, parts);
  if (!parent) throw new Error(`not a directory: ${path}`);
  parent.children.set(name, { kind: 'file', content: typeof content === 'string' ? Buffer.from(content, 'utf8') : content, mode, mtime: new Date() });
}

export type RootFsFlavour = 'busybox' | 'distroless';

const BUSYBOX_APPLETS = ['sh', 'ash', 'tar', 'touch', 'cat', 'ls', 'env', 'printenv', 'sleep', 'mkdir', 'rm', 'test', '['];

/** The image's own files: enough for `sh -c`, `tar` and `touch` to make sense, plus /etc/passwd and /tmp. */
export function baseRootFs(flavour: RootFsFlavour, hostname: string): DirNode {
  const root = newDir();
  putFile(root, '/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  putFile(root, '/etc/group', 'root:x:0:\nnobody:x:65534:\n');
  putFile(root, '/etc/hostname', `${hostname}\n`);
  putFile(root, '/etc/hosts', `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
  mkdirs(root, ['tmp'])!.mode = 0o1777;
  mkdirs(root, ['root'])!.mode = 0o700;
  mkdirs(root, ['proc']);
  mkdirs(root, ['var']);
  const dev = mkdirs(root, ['dev'])!;
  dev.children.set('null', { kind: 'character-device', mode: 0o666, mtime: new Date() });
  if (flavour === 'busybox') {
    // In busybox the applets are hard links to one binary; here they are files with its content.
    for (const applet of ['busybox', ...BUSYBOX_APPLETS]) putFile(root, `/bin/${applet}`, '\x7fELF keruta-sim busybox\n', 0o755);
  }
  return root;
}

interface Located {
  readonly node: FsNode;
  readonly writable: boolean;
  /** The absolute path reached, after following symlinks. */
  readonly parts: readonly string[];
}

/** Listener told after every write through any container file system of a Pod. */
export type FsChangeListener = () => void;

/** A container's view: its root with the Pod's volumes mounted; what exec (`tar`, `touch`, `env`) sees. */
export class SimContainerFs implements ContainerFileSystem {
  private readonly mounts = new Map<string, { root: DirNode; writable: boolean }>();

  constructor(
    private readonly root: DirNode,
    mounts: readonly MountSpec[],
    private readonly environment: Readonly<Record<string, string>>,
    private readonly changed: FsChangeListener,
  ) {
    const ordered = [...mounts].sort((a, b) => pathParts(a.mountPath).length - pathParts(b.mountPath).length);
    for (const mount of ordered) {
      const parts = pathParts(mount.mountPath);
      if (parts.length === 0) continue;
      // The mount point exists in whatever it is mounted over (the root or an outer volume).
      this.mkdirAt(parts, true);
      let volumeRoot: DirNode | undefined = mount.volume.root;
      if (mount.subPath) volumeRoot = mkdirs(volumeRoot, pathParts(mount.subPath));
      if (!volumeRoot) continue;
      this.mounts.set(joinParts(parts), { root: volumeRoot, writable: !mount.volume.readOnly && !mount.readOnly });
    }
  }

  exists(path: string): boolean {
    return this.locate(path, true) !== undefined;
  }

  isDirectory(path: string): boolean {
    return this.locate(path, true)?.node.kind === 'directory';
  }

  walk(dir: string): FileEntry[] {
    const start = this.locate(dir, true);
    if (!start || start.node.kind !== 'directory') return [];
    const out: FileEntry[] = [];
    const visit = (parts: readonly string[], node: DirNode, relative: string): void => {
      for (const name of [...node.children.keys()].sort()) {
        const childParts = [...parts, name];
        const child = this.mounts.get(joinParts(childParts))?.root ?? node.children.get(name)!;
        const childPath = `${relative}/${name}`;
        out.push(entryFor(childPath, child));
        if (child.kind === 'directory') visit(childParts, child, childPath);
      }
      out.push(...node.crafted);
    };
    visit(start.parts, start.node, '.');
    return out;
  }

  readFile(path: string): Buffer | undefined {
    const found = this.locate(path, true);
    if (!found || found.node.kind !== 'file') return undefined;
    const content = found.node.content;
    if (!isGenerated(content)) return Buffer.from(content);
    if (content.size > READ_FILE_LIMIT) {
      throw new Error(`${path}: ${content.size} bytes is too large for readFile in the simulator; stream it from walk()`);
    }
    return content.read(0, content.size);
  }

  writeFile(path: string, content: Buffer): void {
    this.put(path, { kind: 'file', content: Buffer.from(content), mode: 0o644, mtime: new Date() });
  }

  mkdir(path: string): void {
    this.mkdirAt(pathParts(path), false);
    this.changed();
  }

  env(): Readonly<Record<string, string>> {
    return this.environment;
  }

  // --- used by the simulated images -------------------------------------------------------

  writeText(path: string, text: string): void {
    this.writeFile(path, Buffer.from(text, 'utf8'));
  }

  writeGenerated(path: string, content: GeneratedContent): void {
    this.put(path, { kind: 'file', content, mode: 0o644, mtime: new Date() });
  }

  link(path: string, kind: 'symlink' | 'hardlink', target: string): void {
    this.put(path, { kind, target, mode: kind === 'symlink' ? 0o777 : 0o644, mtime: new Date() });
  }

  special(path: string, kind: SpecialNode['kind']): void {
    this.put(path, { kind, mode: 0o666, mtime: new Date() });
  }

  /** Adds an entry `walk()` reports verbatim (path as given) after the children of `dir`. */
  addCrafted(dir: string, entry: FileEntry): void {
    const found = this.locate(dir, true);
    if (!found || found.node.kind !== 'directory') throw new Error(`${dir}: no such directory`);
    if (!found.writable) throw new Error(`${dir}: read-only file system`);
    found.node.crafted.push(entry);
    this.changed();
  }

  // --- internals ------------------------------------------------------------------------------

  private put(path: string, node: FsNode): void {
    const parts = pathParts(path);
    const name = parts.pop();
    if (name === undefined) throw new Error(`${path}: is a directory`);
    const parent = this.locate(joinParts(parts), true);
    if (!parent || parent.node.kind !== 'directory') throw new Error(`${path}: no such file or directory`);
    if (!parent.writable) throw new Error(`${path}: read-only file system`);
    const existing = parent.node.children.get(name);
    if (existing?.kind === 'directory' || this.mounts.has(joinParts([...parent.parts, name]))) throw new Error(`${path}: is a directory`);
    parent.node.children.set(name, node);
    parent.node.mtime = new Date();
    this.changed();
  }

  /** mkdir -p through mounts; `force` ignores read-only (the kubelet creating mount points). */
  private mkdirAt(parts: readonly string[], force: boolean): void {
    for (let depth = 1; depth <= parts.length; depth++) {
      const prefix = parts.slice(0, depth);
      const found = this.locate(joinParts(prefix), true);
      if (found) {
        if (found.node.kind !== 'directory') throw new Error(`${joinParts(prefix)}: not a directory`);
        continue;
      }
      const parent = this.locate(joinParts(prefix.slice(0, -1)), true);
      if (!parent || parent.node.kind !== 'directory') throw new Error(`${joinParts(prefix)}: no such file or directory`);
      if (!parent.writable && !force) throw new Error(`${joinParts(prefix)}: read-only file system`);
      parent.node.children.set(prefix[prefix.length - 1]!, newDir());
    }
  }

  private locate(path: string, followFinal: boolean, depth = 0): Located | undefined {
    if (depth > 40) return undefined; // too many levels of symbolic links
    const parts = pathParts(path);
    const rootMount = this.mounts.get('/');
    let node: FsNode = rootMount?.root ?? this.root;
    let writable = rootMount?.writable ?? true;
    for (let i = 0; i < parts.length; i++) {
      if (node.kind !== 'directory') return undefined;
      const mount = this.mounts.get(joinParts(parts.slice(0, i + 1)));
      const next: FsNode | undefined = mount ? mount.root : node.children.get(parts[i]!);
      if (next === undefined) return undefined;
      if (mount) writable = mount.writable;
      if (next.kind === 'symlink' && (i < parts.length - 1 || followFinal)) {
        const rest = parts.slice(i + 1).join('/');
        const base = next.target.startsWith('/') ? next.target : `${joinParts(parts.slice(0, i))}/${next.target}`;
        return this.locate(`${base}/${rest}`, followFinal, depth + 1);
      }
      node = next;
    }
    return { node, writable, parts };
  }
}
