// A real (ustar, with pax headers for long names) tar stream, as `tar cf -` in a container writes
// it, built with tar-stream's pack. File contents are streamed from FileEntry.open() one member at
// a time and handed to an async sink, so a slow consumer (a WebSocket with a full send buffer)
// holds the producer back and memory does not grow with the archive size.

import { Readable, pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import tar, { type Header, type Pack } from 'tar-stream';
import type { FileEntry, FileEntryType } from './types';

/** One member of an archive: a FileEntry under the name tar writes for it. */
export type TarMember = Omit<FileEntry, 'path'> & {
  /** Member name as written; directories get a trailing '/' if they lack one. */
  readonly name: string;
};

export interface TarWriteOptions {
  /** gzip the archive (`tar czf -`). */
  readonly gzip?: boolean;
  /** Stops writing (the client went away); writeTar then rejects. */
  readonly signal?: AbortSignal;
  /** Called as each member is started (for `tar v`). */
  readonly onMember?: (member: TarMember) => void | Promise<void>;
}

export interface TarWriteResult {
  /** GNU-tar-style complaints about members whose content did not match their size. */
  readonly warnings: readonly string[];
}

/** The member for a FileEntry under `name`. */
export function tarMember(entry: FileEntry, name: string): TarMember {
  const member: TarMember = {
    name,
    type: entry.type,
    size: entry.size,
    mode: entry.mode,
    mtime: entry.mtime,
    ...(entry.linkname !== undefined ? { linkname: entry.linkname } : {}),
    ...(entry.open !== undefined ? { open: () => (entry.open as () => Readable)() } : {}),
  };
  return member;
}

type TarType = Header['type'];
/** A tar-stream member sink (a streamx Writable). */
type Sink = ReturnType<Pack['entry']>;

function headerType(type: FileEntryType): TarType {
  return type === 'hardlink' ? 'link' : type;
}

function header(member: TarMember): Partial<Header> & Pick<Header, 'name'> {
  const type = headerType(member.type);
  const isFile = type === 'file';
  const name = type === 'directory' && !member.name.endsWith('/') ? `${member.name}/` : member.name;
  return {
    name,
    type,
    // tar-stream replaces a 0 mode with a default; keep the permission bits only.
    mode: member.mode & 0o7777,
    size: isFile ? member.size : 0,
    mtime: member.mtime,
    uid: 0,
    gid: 0,
    uname: 'root',
    gname: 'root',
    ...(type === 'symlink' || type === 'link' ? { linkname: member.linkname ?? '' } : {}),
  };
}

const ZEROS = Buffer.alloc(64 * 1024);

function abortError(): Error {
  const error = new Error('tar stream aborted');
  error.name = 'AbortError';
  return error;
}

/** Resolves when `stream` can take more data, is gone, or `signal` aborts. */
function writable(stream: Sink, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    // A destroyed stream emits nothing more (write() returned false because of that).
    if (stream.destroyed || stream.destroying || signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** `promise`, or an AbortError as soon as `signal` aborts (a destroyed tar-stream may never call back). */
function unlessStopped<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Writes `members` as a tar archive to `sink`, one chunk at a time; the next chunk is produced only
 * after `sink` resolved. Regular files are read from `open()` and written with exactly their
 * declared size: a shorter stream is padded with zeros and a longer one cut, each with the warning
 * GNU tar prints, so the archive stays well-formed.
 */
export async function writeTar(
  members: Iterable<TarMember> | AsyncIterable<TarMember>,
  sink: (chunk: Buffer) => Promise<void>,
  options: TarWriteOptions = {},
): Promise<TarWriteResult> {
  const { signal: external } = options;
  if (external?.aborted) throw abortError();
  const warnings: string[] = [];
  const pack = tar.pack();
  // Failures reach the caller through the promises below; a destroyed stream must not also throw.
  pack.on('error', () => undefined);
  // Stops both sides: the caller aborted, or one side failed.
  const stop = new AbortController();
  const signal = stop.signal;
  const halt = (error: unknown): void => {
    if (!stop.signal.aborted) stop.abort();
    pack.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  const onAbort = (): void => halt(abortError());
  external?.addEventListener('abort', onAbort, { once: true });

  const produce = async (): Promise<void> => {
    for await (const member of members) {
      if (signal.aborted) throw abortError();
      await options.onMember?.(member);
      const head = header(member);
      let entry!: Sink;
      const finished = new Promise<void>((resolve, reject) => {
        entry = pack.entry(head, (error?: Error | null) => (error ? reject(error) : resolve()));
      });
      entry.on('error', () => undefined);
      finished.catch(() => undefined); // awaited below; a destroyed pack must not be unhandled meanwhile
      if (head.type === 'file' && (head.size ?? 0) > 0) await copyContent(member, head.size ?? 0, entry, warnings, signal);
      entry.end(undefined);
      await unlessStopped(finished, signal);
    }
    pack.finalize();
  };

  const consume = async (): Promise<void> => {
    const source: AsyncIterable<Buffer> = options.gzip
      ? pipeline(Readable.from(pack as AsyncIterable<Buffer>), createGzip(), () => undefined)
      : (pack as AsyncIterable<Buffer>);
    for await (const chunk of source) {
      if (signal.aborted) throw abortError();
      await sink(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    }
  };

  const producing = produce().catch((error: unknown) => {
    halt(error);
    throw error;
  });
  const consuming = consume().catch((error: unknown) => {
    halt(error);
    throw error;
  });
  try {
    const [produced, consumed] = await Promise.allSettled([producing, consuming]);
    if (external?.aborted) throw abortError();
    if (consumed.status === 'rejected') throw consumed.reason;
    if (produced.status === 'rejected') throw produced.reason;
    return { warnings };
  } finally {
    external?.removeEventListener('abort', onAbort);
  }
}

async function copyContent(
  member: TarMember,
  size: number,
  entry: Sink,
  warnings: string[],
  signal: AbortSignal,
): Promise<void> {
  let written = 0;
  const put = async (chunk: Buffer): Promise<void> => {
    if (signal.aborted || entry.destroyed || entry.destroying) throw abortError();
    written += chunk.length;
    if (!entry.write(chunk)) await writable(entry, signal);
    if (signal.aborted) throw abortError();
  };
  let grew = false;
  let readError: unknown;
  try {
    if (member.open === undefined) throw new Error('no content');
    for await (const raw of member.open()) {
      if (signal.aborted) throw abortError();
      let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as string);
      const room = size - written;
      if (chunk.length > room) {
        chunk = chunk.subarray(0, room);
        grew = true;
      }
      if (chunk.length > 0) await put(chunk);
      if (grew) break; // ends (destroys) the source
    }
  } catch (error) {
    if (signal.aborted || (error instanceof Error && error.name === 'AbortError')) throw error;
    readError = error;
  }
  if (written < size) {
    const missing = size - written;
    if (readError !== undefined) {
      warnings.push(`tar: ${member.name}: Read error at byte ${written}, while reading ${missing} bytes: ${readError instanceof Error ? readError.message : 'read failed'}`);
    } else {
      warnings.push(`tar: ${member.name}: File shrank by ${missing} bytes; padding with zeros`);
    }
    while (written < size) await put(ZEROS.subarray(0, Math.min(ZEROS.length, size - written)));
  } else if (grew) {
    warnings.push(`tar: ${member.name}: file changed as we read it`);
  }
}
