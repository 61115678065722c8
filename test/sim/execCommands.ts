// The programs a simulated container can exec, run against its ContainerFileSystem: `tar` (create,
// list, extract; the forms `kubectl cp` and client-node's Cp send), a small `sh` (simple commands,
// `&&`, `||`, `;`, pipes, redirections, variables), and busybox-like `touch`, `test`/`[`, `cat`,
// `ls`, `echo`, `mkdir`, `env`, `printenv`, `pwd`, `tail`, `true`, `false`, `sleep`.
//
// Messages follow busybox (the collector image is busybox) where a test may look at them, GNU tar's
// where busybox has none. What is not implemented says so on stderr with exit code 2, instead of
// pretending to succeed.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { type TarMember, tarMember, writeTar } from './tarStream';
import type { ContainerFileSystem, FileEntry } from './types';

const posix = path.posix;

/** What a program sees while it runs. */
export interface ExecContext {
  readonly fs: ContainerFileSystem;
  /** Absolute working directory. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Standard input; undefined when the exec has none (stdin=false). */
  readonly stdin: AsyncIterable<Buffer> | undefined;
  /** Resolves when more output may be written (backpressure). */
  readonly stdout: (chunk: Buffer | string) => Promise<void>;
  readonly stderr: (chunk: Buffer | string) => Promise<void>;
  /** Aborted when the client went away: stop. */
  readonly signal: AbortSignal;
  /** The programs on $PATH (for `sh`). */
  readonly commands: CommandTable;
}

/** A program: its arguments (without argv[0]) → exit code. */
export type Program = (args: readonly string[], ctx: ExecContext) => Promise<number>;
export type CommandTable = Readonly<Record<string, Program>>;

export type ExecOutcome =
  | { readonly kind: 'exited'; readonly exitCode: number }
  /** The runtime could not start the command (InternalError on the status channel). */
  | { readonly kind: 'failed'; readonly message: string };

class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof Error && error.name === 'AbortError');
}

export function lookupProgram(table: CommandTable, name: string): Program | undefined {
  const base = name.includes('/') ? posix.basename(name) : name;
  return Object.prototype.hasOwnProperty.call(table, base) ? table[base] : undefined;
}

/** containerd's message when argv[0] cannot be started. */
export function execNotFoundMessage(program: string): string {
  const id = randomBytes(32).toString('hex');
  const why = program.includes('/') ? `exec: "${program}": stat ${program}: no such file or directory` : `exec: "${program}": executable file not found in $PATH`;
  return `error executing command in container: failed to exec in container: failed to start exec "${id}": OCI runtime exec failed: exec failed: unable to start container process: ${why}: unknown`;
}

/** Runs argv in the container as the kubelet would: argv[0] must be a program of the table. */
export async function runExec(argv: readonly string[], ctx: ExecContext): Promise<ExecOutcome> {
  const [name, ...args] = argv;
  if (name === undefined || name === '') return { kind: 'failed', message: execNotFoundMessage('') };
  const program = lookupProgram(ctx.commands, name);
  if (program === undefined) return { kind: 'failed', message: execNotFoundMessage(name) };
  try {
    return { kind: 'exited', exitCode: await program(args, ctx) };
  } catch (error) {
    if (error instanceof ExitSignal) return { kind: 'exited', exitCode: error.code };
    if (isAbort(error, ctx.signal)) return { kind: 'exited', exitCode: 137 };
    return { kind: 'failed', message: `simulator: ${name} crashed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function resolve(ctx: { cwd: string }, p: string): string {
  return posix.resolve(ctx.cwd, p);
}

async function readAll(source: AsyncIterable<Buffer> | undefined, limit = 64 * 1024 * 1024): Promise<Buffer> {
  if (source === undefined) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > limit) throw new Error(`input larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The FileEntry of `p` itself, from a walk of its parent; undefined when the walk does not list it. */
export function lookupEntry(fs: ContainerFileSystem, p: string): FileEntry | undefined {
  if (p === '/') return undefined;
  const parent = posix.dirname(p);
  const base = posix.basename(p);
  return fs.walk(parent).find((entry) => entry.path === `./${base}` || entry.path === base);
}

/** The direct children of a directory, by name (crafted entries that are not plain children are left out). */
function children(fs: ContainerFileSystem, dir: string): FileEntry[] {
  const result: FileEntry[] = [];
  for (const entry of fs.walk(dir)) {
    const rel = entry.path.startsWith('./') ? entry.path.slice(2) : entry.path;
    if (rel === '' || rel.includes('/') || rel === '..' || rel === '.') continue;
    result.push(entry);
  }
  return result;
}

function entryName(entry: FileEntry): string {
  return entry.path.startsWith('./') ? entry.path.slice(2) : entry.path;
}

function fsErrorText(fs: ContainerFileSystem, target: string, error: unknown): string {
  if (!fs.isDirectory(posix.dirname(target))) return 'No such file or directory';
  const message = error instanceof Error ? error.message : String(error);
  if (/read-only/i.test(message)) return 'Read-only file system';
  if (/is a directory/i.test(message)) return 'Is a directory';
  if (/permission/i.test(message)) return 'Permission denied';
  return message;
}

/** Splits leading `-abc` flags (until `--` or the first operand). */
function flags(args: readonly string[], known: string): { set: Set<string>; operands: string[]; bad?: string } {
  const set = new Set<string>();
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    for (const letter of arg.slice(1)) {
      if (!known.includes(letter)) return { set, operands: [], bad: letter };
      set.add(letter);
    }
  }
  return { set, operands: args.slice(i) };
}

// ---------------------------------------------------------------------------------------------
// Simple programs

const echo: Program = async (args, ctx) => {
  let rest = args;
  let newline = true;
  while (rest[0] === '-n' || rest[0] === '-e' || rest[0] === '-E') {
    if (rest[0] === '-n') newline = false;
    rest = rest.slice(1);
  }
  await ctx.stdout(rest.join(' ') + (newline ? '\n' : ''));
  return 0;
};

const touch: Program = async (args, ctx) => {
  const { operands, bad } = flags(args, 'cam');
  if (bad !== undefined) {
    await ctx.stderr(`touch: invalid option -- '${bad}'\n`);
    return 1;
  }
  if (operands.length === 0) {
    await ctx.stderr('touch: missing operand\n');
    return 1;
  }
  let code = 0;
  for (const operand of operands) {
    const target = resolve(ctx, operand);
    if (ctx.fs.exists(target)) continue; // the FS keeps no times to update
    try {
      ctx.fs.writeFile(target, Buffer.alloc(0));
    } catch (error) {
      await ctx.stderr(`touch: ${operand}: ${fsErrorText(ctx.fs, target, error)}\n`);
      code = 1;
    }
  }
  return code;
};

const mkdir: Program = async (args, ctx) => {
  const { set, operands, bad } = flags(args, 'pv');
  if (bad !== undefined) {
    await ctx.stderr(`mkdir: invalid option -- '${bad}'\n`);
    return 1;
  }
  if (operands.length === 0) {
    await ctx.stderr('mkdir: missing operand\n');
    return 1;
  }
  let code = 0;
  for (const operand of operands) {
    const target = resolve(ctx, operand);
    try {
      if (set.has('p')) {
        const parts = target.split('/').filter((part) => part !== '');
        let current = '';
        for (const part of parts) {
          current += `/${part}`;
          if (ctx.fs.isDirectory(current)) continue;
          if (ctx.fs.exists(current)) throw new Error('File exists');
          ctx.fs.mkdir(current);
        }
      } else {
        if (ctx.fs.exists(target)) throw new Error('File exists');
        ctx.fs.mkdir(target);
      }
    } catch (error) {
      const text = error instanceof Error && error.message === 'File exists' ? 'File exists' : fsErrorText(ctx.fs, target, error);
      await ctx.stderr(`mkdir: can't create directory '${operand}': ${text}\n`);
      code = 1;
    }
  }
  return code;
};

const cat: Program = async (args, ctx) => {
  const { operands, bad } = flags(args, 'u');
  if (bad !== undefined) {
    await ctx.stderr(`cat: invalid option -- '${bad}'\n`);
    return 1;
  }
  if (operands.length === 0) operands.push('-');
  let code = 0;
  for (const operand of operands) {
    if (operand === '-') {
      if (ctx.stdin) for await (const chunk of ctx.stdin) await ctx.stdout(chunk);
      continue;
    }
    const target = resolve(ctx, operand);
    if (ctx.fs.isDirectory(target)) {
      await ctx.stderr(`cat: read error: Is a directory\n`);
      code = 1;
      continue;
    }
    const content = ctx.fs.exists(target) ? ctx.fs.readFile(target) : undefined;
    if (content === undefined) {
      await ctx.stderr(`cat: can't open '${operand}': No such file or directory\n`);
      code = 1;
      continue;
    }
    for (let offset = 0; offset < content.length; offset += 64 * 1024) await ctx.stdout(content.subarray(offset, offset + 64 * 1024));
  }
  return code;
};

function modeString(entry: FileEntry): string {
  const kind = { file: '-', directory: 'd', symlink: 'l', hardlink: '-', 'character-device': 'c', 'block-device': 'b', fifo: 'p' }[entry.type];
  let bits = '';
  for (let shift = 6; shift >= 0; shift -= 3) {
    const part = (entry.mode >> shift) & 7;
    bits += (part & 4 ? 'r' : '-') + (part & 2 ? 'w' : '-') + (part & 1 ? 'x' : '-');
  }
  return kind + bits;
}

function longLine(entry: FileEntry, name: string): string {
  const date = entry.mtime.toUTCString().split(' '); // Thu, 01 Jan 1970 00:00:00 GMT
  const when = `${date[2] ?? ''} ${(date[1] ?? '').padStart(2)} ${(date[4] ?? '').slice(0, 5)}`;
  const link = entry.type === 'symlink' ? ` -> ${entry.linkname ?? ''}` : '';
  return `${modeString(entry)}    1 root     root     ${String(entry.size).padStart(9)} ${when} ${name}${link}\n`;
}

const ls: Program = async (args, ctx) => {
  const { set, operands, bad } = flags(args, 'alA1dh');
  if (bad !== undefined) {
    await ctx.stderr(`ls: invalid option -- '${bad}'\n`);
    return 1;
  }
  if (operands.length === 0) operands.push('.');
  let code = 0;
  const many = operands.length > 1;
  for (const [index, operand] of operands.entries()) {
    const target = resolve(ctx, operand);
    if (!ctx.fs.exists(target)) {
      await ctx.stderr(`ls: ${operand}: No such file or directory\n`);
      code = 1;
      continue;
    }
    if (!ctx.fs.isDirectory(target) || set.has('d')) {
      const entry = set.has('l') ? lookupEntry(ctx.fs, target) : undefined;
      await ctx.stdout(entry ? longLine(entry, operand) : `${operand}\n`);
      continue;
    }
    if (many) await ctx.stdout(`${index > 0 ? '\n' : ''}${operand}:\n`);
    const names = children(ctx.fs, target)
      .filter((entry) => set.has('a') || set.has('A') || !entryName(entry).startsWith('.'))
      .sort((a, b) => (entryName(a) < entryName(b) ? -1 : entryName(a) > entryName(b) ? 1 : 0));
    let out = '';
    if (set.has('a')) out += set.has('l') ? '' : '.\n..\n';
    for (const entry of names) out += set.has('l') ? longLine(entry, entryName(entry)) : `${entryName(entry)}\n`;
    await ctx.stdout(out);
  }
  return code;
};

const env: Program = async (args, ctx) => {
  if (args.length > 0) {
    await ctx.stderr('env: the simulator only supports env without arguments\n');
    return 2;
  }
  await ctx.stdout(Object.entries(ctx.env).map(([key, value]) => `${key}=${value}\n`).join(''));
  return 0;
};

const printenv: Program = async (args, ctx) => {
  if (args.length === 0) return env([], ctx);
  let code = 0;
  for (const name of args) {
    const value = ctx.env[name];
    if (value === undefined) code = 1;
    else await ctx.stdout(`${value}\n`);
  }
  return code;
};

const pwd: Program = async (_args, ctx) => {
  await ctx.stdout(`${ctx.cwd}\n`);
  return 0;
};

const sleep: Program = async (args, ctx) => {
  const seconds = Number(args[0]?.replace(/s$/, ''));
  if (args.length !== 1 || !Number.isFinite(seconds) || seconds < 0) {
    await ctx.stderr(`sleep: invalid number '${args[0] ?? ''}'\n`);
    return 1;
  }
  if (ctx.signal.aborted) return 137;
  await new Promise<void>((done) => {
    const timer = setTimeout(finish, seconds * 1000);
    function finish(): void {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', finish);
      done();
    }
    ctx.signal.addEventListener('abort', finish, { once: true });
  });
  return ctx.signal.aborted ? 137 : 0;
};

/** `tail -c +N`, `tail -c N`, `tail -n N` (what `kubectl cp --retries` pipes tar into). */
const tail: Program = async (args, ctx) => {
  let mode: 'c' | 'n' = 'n';
  let spec = '10';
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const match = /^-([cn])(.*)$/.exec(arg);
    if (match) {
      mode = match[1] as 'c' | 'n';
      spec = match[2] !== '' ? (match[2] as string) : (args[++i] ?? '');
    } else operands.push(arg);
  }
  const fromStart = spec.startsWith('+');
  const count = Number(fromStart ? spec.slice(1) : spec);
  if (!Number.isInteger(count) || count < 0) {
    await ctx.stderr(`tail: invalid number '${spec}'\n`);
    return 1;
  }
  let input: Buffer;
  if (operands.length === 0 || operands[0] === '-') {
    if (mode === 'c' && fromStart) {
      let skip = Math.max(0, count - 1);
      if (ctx.stdin) {
        for await (const chunk of ctx.stdin) {
          if (skip >= chunk.length) {
            skip -= chunk.length;
            continue;
          }
          await ctx.stdout(chunk.subarray(skip));
          skip = 0;
        }
      }
      return 0;
    }
    input = await readAll(ctx.stdin);
  } else {
    const content = ctx.fs.readFile(resolve(ctx, operands[0] as string));
    if (content === undefined) {
      await ctx.stderr(`tail: can't open '${operands[0] ?? ''}': No such file or directory\n`);
      return 1;
    }
    input = content;
  }
  if (mode === 'c') {
    await ctx.stdout(fromStart ? input.subarray(Math.max(0, count - 1)) : input.subarray(Math.max(0, input.length - count)));
    return 0;
  }
  const lines = input.toString('utf8').split(/(?<=\n)/);
  await ctx.stdout((fromStart ? lines.slice(Math.max(0, count - 1)) : lines.slice(Math.max(0, lines.length - count))).join(''));
  return 0;
};

// ---------------------------------------------------------------------------------------------
// test / [

function evaluateTest(args: readonly string[], ctx: ExecContext): boolean | string {
  if (args.length === 0) return false;
  if (args[0] === '!') {
    const inner = evaluateTest(args.slice(1), ctx);
    return typeof inner === 'string' ? inner : !inner;
  }
  if (args.length === 1) return (args[0] as string) !== '';
  if (args.length === 2) {
    const [op, operand = ''] = args as [string, string];
    const target = resolve(ctx, operand);
    switch (op) {
      case '-e':
        return ctx.fs.exists(target);
      case '-d':
        return ctx.fs.isDirectory(target);
      case '-f':
        return ctx.fs.exists(target) && !ctx.fs.isDirectory(target) && lookupEntry(ctx.fs, target)?.type !== 'symlink';
      case '-s':
        return ctx.fs.isDirectory(target) || (ctx.fs.readFile(target)?.length ?? 0) > 0;
      case '-r':
      case '-w':
      case '-x':
        return ctx.fs.exists(target);
      case '-L':
      case '-h':
        return lookupEntry(ctx.fs, target)?.type === 'symlink';
      case '-n':
        return operand !== '';
      case '-z':
        return operand === '';
      default:
        return `${op}: unary operator expected`;
    }
  }
  if (args.length === 3) {
    const [left, op, right] = args as [string, string, string];
    const numbers = (): [number, number] | string => {
      const a = Number(left);
      const b = Number(right);
      return Number.isInteger(a) && Number.isInteger(b) ? [a, b] : `invalid number '${Number.isInteger(a) ? right : left}'`;
    };
    switch (op) {
      case '=':
      case '==':
        return left === right;
      case '!=':
        return left !== right;
      case '-eq':
      case '-ne':
      case '-lt':
      case '-le':
      case '-gt':
      case '-ge': {
        const pair = numbers();
        if (typeof pair === 'string') return pair;
        const [a, b] = pair;
        return { '-eq': a === b, '-ne': a !== b, '-lt': a < b, '-le': a <= b, '-gt': a > b, '-ge': a >= b }[op];
      }
      default:
        return `${op}: binary operator expected`;
    }
  }
  return 'the simulator supports only simple test expressions';
}

function testProgram(name: 'test' | '['): Program {
  return async (args, ctx) => {
    let operands = args;
    if (name === '[') {
      if (operands[operands.length - 1] !== ']') {
        await ctx.stderr('[: missing ]\n');
        return 2;
      }
      operands = operands.slice(0, -1);
    }
    const result = evaluateTest(operands, ctx);
    if (typeof result === 'string') {
      await ctx.stderr(`sh: ${result}\n`);
      return 2;
    }
    return result ? 0 : 1;
  };
}

// ---------------------------------------------------------------------------------------------
// tar

interface TarOptions {
  mode?: 'c' | 'x' | 't';
  file?: string;
  gzip: boolean;
  verbose: boolean;
  /** Path operands with the -C directory in effect where they appeared (GNU semantics). */
  operands: { path: string; dir: string }[];
  /** The last -C (extraction target). */
  dir: string;
}

const TAR_LONG: Readonly<Record<string, string>> = {
  create: 'c', extract: 'x', get: 'x', list: 't', file: 'f', directory: 'C', gzip: 'z', gunzip: 'z', ungzip: 'z', verbose: 'v', touch: 'm',
};
const TAR_IGNORED_LONG = new Set([
  'no-same-owner', 'no-same-permissions', 'same-owner', 'same-permissions', 'preserve-permissions', 'numeric-owner', 'overwrite',
  'no-overwrite-dir', 'warning', 'totals', 'no-recursion',
]);
const TAR_IGNORED_SHORT = 'mopP';
const TAR_WITH_ARG = 'fCb';

function parseTar(args: readonly string[], cwd: string): TarOptions | string {
  const options: TarOptions = { gzip: false, verbose: false, operands: [], dir: cwd };
  let current = cwd;
  const apply = (letter: string, value: () => string | undefined): string | undefined => {
    switch (letter) {
      case 'c':
      case 'x':
      case 't':
        if (options.mode !== undefined && options.mode !== letter) return 'You may not specify more than one \'-Acdtrux\' option';
        options.mode = letter;
        return undefined;
      case 'z':
        options.gzip = true;
        return undefined;
      case 'v':
        options.verbose = true;
        return undefined;
      case 'f':
      case 'C':
      case 'b': {
        const arg = value();
        if (arg === undefined) return `option requires an argument -- '${letter}'`;
        if (letter === 'f') options.file = arg;
        if (letter === 'C') {
          current = posix.resolve(current, arg);
          options.dir = current;
        }
        return undefined;
      }
      default:
        return TAR_IGNORED_SHORT.includes(letter) ? undefined : `invalid option -- '${letter}'`;
    }
  };
  let i = 0;
  const next = (): string | undefined => args[i++];
  // Old style: a first argument without '-' is a bundle of letters whose arguments follow in order.
  if (args[0] !== undefined && !args[0].startsWith('-')) {
    const bundle = next() as string;
    for (const letter of bundle) {
      const error = apply(letter, next);
      if (error !== undefined) return error;
    }
  }
  while (i < args.length) {
    const arg = next() as string;
    if (arg === '--') {
      while (i < args.length) options.operands.push({ path: next() as string, dir: current });
      break;
    }
    if (arg.startsWith('--')) {
      const [name = '', inline] = arg.slice(2).split(/=(.*)/s, 2);
      const letter = TAR_LONG[name];
      if (letter !== undefined) {
        const error = apply(letter, () => inline ?? next());
        if (error !== undefined) return error;
      } else if (!TAR_IGNORED_LONG.has(name) && !name.startsWith('exclude')) {
        return `unrecognized option '--${name}'`;
      } else if (name === 'exclude' && inline === undefined) {
        next();
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j] as string;
        if (TAR_WITH_ARG.includes(letter)) {
          const rest = arg.slice(j + 1);
          const error = apply(letter, () => (rest !== '' ? rest : next()));
          if (error !== undefined) return error;
          break;
        }
        const error = apply(letter, next);
        if (error !== undefined) return error;
      }
      continue;
    }
    options.operands.push({ path: arg, dir: current });
  }
  return options;
}

/** The name tar writes for a walked entry below an operand written as `prefix` (leading '/' removed). */
export function tarMemberName(prefix: string, walkedPath: string): string {
  // Crafted entries (hostile images) are written exactly as the walk reports them.
  if (walkedPath.startsWith('/') || walkedPath === '..' || walkedPath.startsWith('../')) return walkedPath;
  const rel = walkedPath.startsWith('./') ? walkedPath.slice(2) : walkedPath === '.' ? '' : walkedPath;
  const base = prefix.replace(/\/+$/, '');
  if (base === '') return rel;
  return rel === '' ? `${base}/` : `${base}/${rel}`;
}

function* createMembers(ctx: ExecContext, options: TarOptions, problems: string[]): Generator<TarMember> {
  for (const operand of options.operands) {
    const full = posix.resolve(operand.dir, operand.path);
    const prefix = operand.path.replace(/^\/+/, '');
    if (!ctx.fs.exists(full)) {
      problems.push(`tar: ${operand.path}: Cannot stat: No such file or directory`);
      continue;
    }
    if (ctx.fs.isDirectory(full)) {
      const entries = ctx.fs.walk(full);
      if (prefix.replace(/\/+$/, '') !== '') {
        const newest = entries.reduce((latest, entry) => Math.max(latest, entry.mtime.getTime()), 0);
        yield { name: `${prefix.replace(/\/+$/, '')}/`, type: 'directory', size: 0, mode: 0o755, mtime: new Date(newest || Date.now()) };
      }
      for (const entry of entries) yield tarMember(entry, tarMemberName(prefix, entry.path));
      continue;
    }
    const entry = lookupEntry(ctx.fs, full);
    if (entry !== undefined) {
      yield tarMember(entry, prefix);
      continue;
    }
    const content = ctx.fs.readFile(full);
    if (content === undefined) {
      problems.push(`tar: ${operand.path}: Cannot open: Permission denied`);
      continue;
    }
    yield { name: prefix, type: 'file', size: content.length, mode: 0o644, mtime: new Date(), open: () => Readable.from([content]) };
  }
}

async function tarCreate(ctx: ExecContext, options: TarOptions): Promise<number> {
  if (options.operands.length === 0) {
    await ctx.stderr('tar: Cowardly refusing to create an empty archive\nTry \'tar --help\' or \'tar --usage\' for more information.\n');
    return 2;
  }
  if (options.operands.some((operand) => operand.path.startsWith('/'))) await ctx.stderr("tar: removing leading '/' from member names\n");
  const problems: string[] = [];
  let failures = 0;
  const report = async (): Promise<void> => {
    for (let problem = problems.shift(); problem !== undefined; problem = problems.shift()) {
      failures++;
      await ctx.stderr(`${problem}\n`);
    }
  };
  // A missing operand is reported when tar reaches it, as tar does.
  const members = (async function* (): AsyncGenerator<TarMember> {
    for (const member of createMembers(ctx, options, problems)) {
      await report();
      yield member;
    }
  })();
  const { warnings } = await writeTar(members, (chunk) => ctx.stdout(chunk), {
    gzip: options.gzip,
    signal: ctx.signal,
    ...(options.verbose ? { onMember: (member: TarMember) => ctx.stderr(`${member.name}\n`) } : {}),
  });
  await report();
  for (const warning of warnings) await ctx.stderr(`${warning}\n`);
  if (failures > 0) {
    await ctx.stderr('tar: Exiting with failure status due to previous errors\n');
    return 2;
  }
  return warnings.length > 0 ? 1 : 0;
}

function splitMemberName(name: string): { path: string; stripped: boolean; unsafe: boolean } {
  const stripped = name.startsWith('/');
  const clean = name.replace(/^\/+/, '');
  const unsafe = clean.split('/').includes('..');
  return { path: clean, stripped, unsafe };
}

async function tarRead(ctx: ExecContext, options: TarOptions): Promise<number> {
  if (options.file !== undefined && options.file !== '-') {
    await ctx.stderr(`tar: ${options.file}: the simulator only reads archives from stdin (-f -)\n`);
    return 2;
  }
  if (ctx.stdin === undefined) {
    await ctx.stderr('tar: Refusing to read archive contents from terminal (missing -f option?)\ntar: Error is not recoverable: exiting now\n');
    return 2;
  }
  const extracting = options.mode === 'x';
  if (extracting && !ctx.fs.isDirectory(options.dir)) {
    await ctx.stderr(`tar: ${options.dir}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n`);
    return 2;
  }
  const extract = tar.extract();
  const input = Readable.from(ctx.stdin);
  const source = options.gzip ? input.pipe(createGunzip()) : input;
  source.on('error', (error: Error) => extract.destroy(error));
  source.pipe(extract);
  let failed = false;
  let warnedSlash = false;
  try {
    for await (const entry of extract) {
      const { header } = entry;
      if (!extracting) {
        await ctx.stdout(`${header.name}\n`);
        entry.resume();
        continue;
      }
      const { path: rel, stripped, unsafe } = splitMemberName(header.name);
      if (stripped && !warnedSlash) {
        warnedSlash = true;
        await ctx.stderr("tar: Removing leading `/' from member names\n");
      }
      if (options.verbose) await ctx.stdout(`${header.name}\n`);
      if (unsafe) {
        await ctx.stderr(`tar: ${header.name}: Member name contains '..'\n`);
        failed = true;
        entry.resume();
        continue;
      }
      const target = posix.resolve(options.dir, rel);
      try {
        if (header.type === 'directory') {
          mkdirs(ctx.fs, target);
        } else if (header.type === 'file' || header.type === 'contiguous-file') {
          const chunks: Buffer[] = [];
          for await (const chunk of entry) chunks.push(chunk as Buffer);
          mkdirs(ctx.fs, posix.dirname(target));
          ctx.fs.writeFile(target, Buffer.concat(chunks));
          continue;
        } else {
          await ctx.stderr(`tar: ${header.name}: Cannot create ${header.type}: not supported by the simulated file system\n`);
          failed = true;
        }
      } catch (error) {
        await ctx.stderr(`tar: ${header.name}: Cannot open: ${fsErrorText(ctx.fs, target, error)}\n`);
        failed = true;
      }
      entry.resume();
    }
  } catch (error) {
    if (isAbort(error, ctx.signal)) throw error;
    await ctx.stderr(`tar: ${error instanceof Error ? error.message : String(error)}\ntar: Error is not recoverable: exiting now\n`);
    return 2;
  }
  if (failed) {
    await ctx.stderr('tar: Exiting with failure status due to previous errors\n');
    return 2;
  }
  return 0;
}

function mkdirs(fs: ContainerFileSystem, dir: string): void {
  let current = '';
  for (const part of dir.split('/').filter((p) => p !== '')) {
    current += `/${part}`;
    if (!fs.isDirectory(current)) fs.mkdir(current);
  }
}

const tarProgram: Program = async (args, ctx) => {
  const options = parseTar(args, ctx.cwd);
  if (typeof options === 'string') {
    await ctx.stderr(`tar: ${options}\nTry 'tar --help' or 'tar --usage' for more information.\n`);
    return 2;
  }
  if (options.mode === undefined) {
    await ctx.stderr("tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n");
    return 2;
  }
  if (options.mode === 'c') {
    if (options.file !== undefined && options.file !== '-') {
      await ctx.stderr(`tar: ${options.file}: the simulator only writes archives to stdout (-f -)\n`);
      return 2;
    }
    for (const operand of options.operands) {
      if (!ctx.fs.isDirectory(operand.dir)) {
        await ctx.stderr(`tar: ${operand.dir}: Cannot chdir: No such file or directory\ntar: Error is not recoverable: exiting now\n`);
        return 2;
      }
    }
    return tarCreate(ctx, options);
  }
  return tarRead(ctx, options);
};

// ---------------------------------------------------------------------------------------------
// sh: a small POSIX-shell subset

type WordPart = { readonly text: string } | { readonly variable: string };
interface Word {
  readonly parts: readonly WordPart[];
  readonly quoted: boolean;
}
interface Redirect {
  readonly fd: number;
  readonly op: '>' | '>>' | '<' | '>&';
  readonly target: Word;
}
interface SimpleCommand {
  readonly words: Word[];
  readonly redirects: Redirect[];
}
type Pipeline = SimpleCommand[];
interface ListItem {
  readonly pipeline: Pipeline;
  /** How this item is joined to the previous one. */
  readonly join: ';' | '&&' | '||';
}

class ShellSyntaxError extends Error {}

const UNSUPPORTED_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', '{', '}']);

function parseScript(script: string): ListItem[] {
  const items: ListItem[] = [];
  let pipeline: Pipeline = [];
  let command: SimpleCommand = { words: [], redirects: [] };
  let join: ListItem['join'] = ';';
  let i = 0;

  const endCommand = (): void => {
    if (command.words.length > 0 || command.redirects.length > 0) pipeline.push(command);
    command = { words: [], redirects: [] };
  };
  const endPipeline = (nextJoin: ListItem['join'], operator: string): void => {
    const emptyCommand = command.words.length === 0 && command.redirects.length === 0;
    if (emptyCommand && pipeline.length > 0) throw new ShellSyntaxError(`syntax error: unexpected "${operator}"`);
    endCommand();
    if (pipeline.length === 0) {
      if (operator === 'newline') return; // a blank line, or a line break after && / ||
      if (join !== ';' || nextJoin !== ';' || items.length === 0) throw new ShellSyntaxError(`syntax error: unexpected "${operator}"`);
      return;
    }
    items.push({ pipeline, join });
    pipeline = [];
    join = nextJoin;
  };

  const readWord = (): Word => {
    const parts: WordPart[] = [];
    let quoted = false;
    let literal = '';
    const flush = (): void => {
      if (literal !== '') parts.push({ text: literal });
      literal = '';
    };
    const readVariable = (): void => {
      // at '$'
      const rest = script.slice(i + 1);
      let match = /^\{([A-Za-z_][A-Za-z0-9_]*|[0-9?#$@*])\}/.exec(rest);
      if (!match) match = /^([A-Za-z_][A-Za-z0-9_]*|[0-9?#$@*])/.exec(rest);
      if (rest.startsWith('(')) throw new ShellSyntaxError("the simulator does not support command substitution '$(...)'");
      if (!match) {
        literal += '$';
        i++;
        return;
      }
      flush();
      parts.push({ variable: match[1] as string });
      i += 1 + match[0].length;
    };
    while (i < script.length) {
      const c = script[i] as string;
      if (/[\s;&|<>()]/.test(c)) break;
      if (c === '`') throw new ShellSyntaxError('the simulator does not support command substitution (`...`)');
      if (c === '\\') {
        if (script[i + 1] === '\n') i += 2;
        else {
          literal += script[i + 1] ?? '';
          i += 2;
        }
        quoted = true;
        continue;
      }
      if (c === "'") {
        const end = script.indexOf("'", i + 1);
        if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string');
        literal += script.slice(i + 1, end);
        i = end + 1;
        quoted = true;
        continue;
      }
      if (c === '"') {
        quoted = true;
        i++;
        for (;;) {
          if (i >= script.length) throw new ShellSyntaxError('syntax error: unterminated quoted string');
          const d = script[i] as string;
          if (d === '"') {
            i++;
            break;
          }
          if (d === '\\' && /["\\$`\n]/.test(script[i + 1] ?? '')) {
            if (script[i + 1] !== '\n') literal += script[i + 1] ?? '';
            i += 2;
            continue;
          }
          if (d === '`') throw new ShellSyntaxError('the simulator does not support command substitution (`...`)');
          if (d === '$') {
            readVariable();
            continue;
          }
          literal += d;
          i++;
        }
        continue;
      }
      if (c === '$') {
        readVariable();
        continue;
      }
      literal += c;
      i++;
    }
    flush();
    return { parts, quoted };
  };

  while (i < script.length) {
    const c = script[i] as string;
    if (c === '\n' || c === ';') {
      i++;
      if (c === ';' && script[i] === ';') throw new ShellSyntaxError('syntax error: unexpected ";;"');
      endPipeline(';', c === ';' ? ';' : 'newline');
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < script.length && script[i] !== '\n') i++;
      continue;
    }
    if (script.startsWith('&&', i) || script.startsWith('||', i)) {
      const op = script.slice(i, i + 2) as '&&' | '||';
      i += 2;
      endPipeline(op, op);
      continue;
    }
    if (c === '|') {
      i++;
      if (command.words.length === 0 && command.redirects.length === 0) throw new ShellSyntaxError('syntax error: unexpected "|"');
      endCommand();
      continue;
    }
    if (c === '&') throw new ShellSyntaxError('the simulator does not support background jobs (&)');
    if (c === '(' || c === ')') throw new ShellSyntaxError('the simulator does not support subshells');
    // Redirections: [n]> [n]>> [n]< [n]>&m
    const redirect = /^(\d?)(>>|>&|>|<)/.exec(script.slice(i));
    if (redirect) {
      const fd = redirect[1] !== '' ? Number(redirect[1]) : redirect[2] === '<' ? 0 : 1;
      i += redirect[0].length;
      while (script[i] === ' ' || script[i] === '\t') i++;
      const target = readWord();
      if (target.parts.length === 0 && !target.quoted) throw new ShellSyntaxError('syntax error: unexpected redirection');
      command.redirects.push({ fd, op: redirect[2] as Redirect['op'], target });
      continue;
    }
    const word = readWord();
    if (command.words.length === 0 && !word.quoted && word.parts.length === 1) {
      const only = word.parts[0];
      if (only !== undefined && 'text' in only && UNSUPPORTED_KEYWORDS.has(only.text)) {
        throw new ShellSyntaxError(`the simulator does not support '${only.text}'`);
      }
    }
    command.words.push(word);
  }
  if (join !== ';' && command.words.length === 0 && command.redirects.length === 0 && pipeline.length === 0) {
    throw new ShellSyntaxError('syntax error: unexpected end of file');
  }
  endCommand();
  if (pipeline.length > 0) items.push({ pipeline, join });
  return items;
}

interface ShellState {
  vars: Record<string, string>;
  cwd: string;
  status: number;
  readonly positional: readonly string[];
  readonly errexit: boolean;
}

function expandWord(word: Word, state: ShellState): string | undefined {
  let out = '';
  for (const part of word.parts) {
    if ('text' in part) out += part.text;
    else if (part.variable === '?') out += String(state.status);
    else if (part.variable === '$') out += String(process.pid);
    else if (part.variable === '#') out += String(Math.max(0, state.positional.length - 1));
    else if (part.variable === '@' || part.variable === '*') out += state.positional.slice(1).join(' ');
    else if (/^\d$/.test(part.variable)) out += state.positional[Number(part.variable)] ?? '';
    else out += state.vars[part.variable] ?? '';
  }
  // An unquoted expansion to nothing is no word at all.
  if (!word.quoted && out === '' && word.parts.some((part) => 'variable' in part)) return undefined;
  return out;
}

/** Output going to a file: collected, written when the command ends. */
class FileSink {
  private readonly chunks: Buffer[] = [];
  constructor(
    readonly path: string,
    readonly append: boolean,
  ) {}
  write(chunk: Buffer | string): Promise<void> {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'utf8'));
    return Promise.resolve();
  }
  flush(fs: ContainerFileSystem): void {
    const before = this.append ? (fs.readFile(this.path) ?? Buffer.alloc(0)) : Buffer.alloc(0);
    fs.writeFile(this.path, Buffer.concat([before, ...this.chunks]));
  }
}

async function runSimpleCommand(command: SimpleCommand, state: ShellState, ctx: ExecContext): Promise<number> {
  const argv: string[] = [];
  const assignments: Record<string, string> = {};
  for (const word of command.words) {
    const value = expandWord(word, state);
    if (value === undefined) continue;
    const first = word.parts[0];
    const assignment = argv.length === 0 && first !== undefined && 'text' in first ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text) : null;
    if (assignment) {
      assignments[assignment[1] as string] = value.slice(assignment[0].length);
      continue;
    }
    argv.push(value);
  }
  // Redirections
  let stdout = ctx.stdout;
  let stderr = ctx.stderr;
  let stdin = ctx.stdin;
  const files: FileSink[] = [];
  const devNull = (): Promise<void> => Promise.resolve();
  for (const redirect of command.redirects) {
    const target = expandWord(redirect.target, state) ?? '';
    if (redirect.op === '>&') {
      const writer = target === '1' ? stdout : target === '2' ? stderr : undefined;
      if (writer === undefined) {
        await ctx.stderr(`sh: ${target}: bad file descriptor\n`);
        return 1;
      }
      if (redirect.fd === 1) stdout = writer;
      else if (redirect.fd === 2) stderr = writer;
      continue;
    }
    const file = resolve(state, target);
    if (redirect.op === '<') {
      const content = target === '/dev/null' ? Buffer.alloc(0) : ctx.fs.readFile(file);
      if (content === undefined) {
        await ctx.stderr(`sh: can't open '${target}': No such file or directory\n`);
        return 1;
      }
      stdin = Readable.from([content]);
      continue;
    }
    let writer: (chunk: Buffer | string) => Promise<void> = devNull;
    if (target !== '/dev/null') {
      if (!ctx.fs.isDirectory(posix.dirname(file)) || ctx.fs.isDirectory(file)) {
        await ctx.stderr(`sh: can't create ${target}: ${ctx.fs.isDirectory(file) ? 'Is a directory' : 'nonexistent directory'}\n`);
        return 1;
      }
      const sink = new FileSink(file, redirect.op === '>>');
      files.push(sink);
      writer = (chunk) => sink.write(chunk);
    }
    if (redirect.fd === 1) stdout = writer;
    else if (redirect.fd === 2) stderr = writer;
  }
  const finish = async (code: number): Promise<number> => {
    for (const file of files) {
      try {
        file.flush(ctx.fs);
      } catch (error) {
        await ctx.stderr(`sh: can't create ${file.path}: ${fsErrorText(ctx.fs, file.path, error)}\n`);
        return 1;
      }
    }
    return code;
  };

  const [name, ...args] = argv;
  if (name === undefined) {
    Object.assign(state.vars, assignments);
    return finish(0);
  }
  const io: ExecContext = { ...ctx, cwd: state.cwd, env: { ...state.vars, ...assignments }, stdin, stdout, stderr };
  switch (name) {
    case 'exit': {
      const code = args[0] === undefined ? state.status : Number(args[0]);
      throw new ExitSignal(Number.isInteger(code) ? code & 255 : 2);
    }
    case 'cd': {
      const target = resolve(state, args[0] ?? state.vars['HOME'] ?? '/');
      if (!ctx.fs.isDirectory(target)) {
        await stderr(`sh: cd: can't cd to ${args[0] ?? ''}: No such file or directory\n`);
        return finish(2);
      }
      state.cwd = target;
      return finish(0);
    }
    case ':':
      return finish(0);
    case 'export':
      for (const arg of args) {
        const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(arg);
        if (match) state.vars[match[1] as string] = match[2] as string;
      }
      Object.assign(state.vars, assignments);
      return finish(0);
    case 'set':
    case 'unset':
      if (name === 'unset') for (const arg of args) delete state.vars[arg];
      return finish(0);
    default:
      break;
  }
  const program = lookupProgram(ctx.commands, name);
  if (program === undefined) {
    await stderr(`sh: ${name}: not found\n`);
    return finish(127);
  }
  return finish(await program(args, io));
}

async function runPipeline(pipeline: Pipeline, state: ShellState, ctx: ExecContext): Promise<number> {
  if (pipeline.length === 1) return runSimpleCommand(pipeline[0] as SimpleCommand, state, ctx);
  // Each stage's stdout feeds the next stage's stdin; stages run concurrently, as in a shell.
  const runs: Promise<number>[] = [];
  let input = ctx.stdin;
  for (const [index, command] of pipeline.entries()) {
    const last = index === pipeline.length - 1;
    const pipe = last ? undefined : new PassThrough();
    const stageCtx: ExecContext = {
      ...ctx,
      stdin: input,
      stdout: pipe
        ? async (chunk) => {
            if (!pipe.destroyed && !pipe.write(chunk)) await new Promise<void>((done) => {
              pipe.once('drain', done);
              pipe.once('close', done);
            });
          }
        : ctx.stdout,
    };
    const stageState: ShellState = { ...state, vars: { ...state.vars } };
    const consumer = input;
    runs.push(
      runSimpleCommand(command, stageState, stageCtx)
        .catch((error: unknown) => {
          if (error instanceof ExitSignal) return error.code;
          throw error;
        })
        .finally(() => {
          pipe?.end();
          // A stage that stops reading must not block the one writing into it.
          if (consumer instanceof PassThrough) consumer.resume();
        }),
    );
    input = pipe;
  }
  const codes = await Promise.all(runs);
  return codes[codes.length - 1] ?? 0;
}

async function runScript(script: string, positional: readonly string[], errexit: boolean, ctx: ExecContext): Promise<number> {
  let items: ListItem[];
  try {
    items = parseScript(script);
  } catch (error) {
    if (!(error instanceof ShellSyntaxError)) throw error;
    await ctx.stderr(`sh: ${error.message}\n`);
    return 2;
  }
  const state: ShellState = { vars: { ...ctx.env }, cwd: ctx.cwd, status: 0, positional, errexit };
  try {
    for (const [index, item] of items.entries()) {
      if (ctx.signal.aborted) return 137;
      if (item.join === '&&' && state.status !== 0) continue;
      if (item.join === '||' && state.status === 0) continue;
      state.status = await runPipeline(item.pipeline, state, ctx);
      // set -e: a failure that no && / || tests ends the script.
      const next = items[index + 1];
      if (state.errexit && state.status !== 0 && (next === undefined || next.join === ';')) return state.status;
    }
  } catch (error) {
    if (error instanceof ExitSignal) return error.code;
    throw error;
  }
  return state.status;
}

const sh: Program = async (args, ctx) => {
  let command: string | undefined;
  let errexit = false;
  let i = 0;
  let fromC = false;
  for (; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (!/^[-+][a-zA-Z]+$/.test(arg)) break;
    for (const letter of arg.slice(1)) {
      if (letter === 'c') fromC = true;
      else if (letter === 'e') errexit = arg.startsWith('-');
      else if (!'xuvfl'.includes(letter)) {
        await ctx.stderr(`sh: -${letter}: invalid option\n`);
        return 2;
      }
    }
  }
  const rest = args.slice(i);
  let positional: string[];
  if (fromC) {
    command = rest[0];
    if (command === undefined) {
      await ctx.stderr('sh: -c requires an argument\n');
      return 2;
    }
    positional = [rest[1] ?? 'sh', ...rest.slice(2)];
  } else if (rest.length > 0) {
    const file = rest[0] as string;
    const content = ctx.fs.readFile(resolve(ctx, file));
    if (content === undefined) {
      await ctx.stderr(`sh: can't open '${file}': No such file or directory\n`);
      return 2;
    }
    command = content.toString('utf8');
    positional = rest;
  } else {
    command = (await readAll(ctx.stdin)).toString('utf8');
    positional = ['sh'];
  }
  return runScript(command, positional, errexit, ctx);
};

// ---------------------------------------------------------------------------------------------

/** The programs of a busybox-like container image. */
export const DEFAULT_COMMANDS: CommandTable = {
  sh,
  ash: sh,
  bash: sh,
  tar: tarProgram,
  touch,
  test: testProgram('test'),
  '[': testProgram('['),
  cat,
  ls,
  echo,
  mkdir,
  env,
  printenv,
  pwd,
  tail,
  sleep,
  true: () => Promise.resolve(0),
  false: () => Promise.resolve(1),
};

/** DEFAULT_COMMANDS without some programs (e.g. an image without `tar`). */
export function commandsWithout(...names: string[]): CommandTable {
  return Object.fromEntries(Object.entries(DEFAULT_COMMANDS).filter(([name]) => !names.includes(name)));
}
