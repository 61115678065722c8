/**
 * Streaming, defensive tar extraction into a fresh folder: entries are written as they arrive
 * (never the whole archive in memory), only plain files and folders are written, and every
 * entry that could write outside the folder — an absolute path, `..`, a symbolic or hard link, a
 * device — is refused and named. Limits on bytes and files are enforced before anything is
 * written past them. No `vscode` import.
 */
import { createWriteStream, writeFile } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import * as l10n from '@vscode/l10n';
import { extract as tarExtract, type Header } from 'tar-stream';

/** Files up to this size are buffered and written in parallel; larger ones are streamed. */
const SMALL_FILE_BYTES = 64 * 1024;
const PARALLEL_WRITES = 16;
/**
 * How much of a large file may wait for the disk. With the stream default (16 KiB) every 64 KiB
 * piece waited for the previous write; 1 MiB lets writes go out back to back, bounded.
 */
const FILE_WRITE_BUFFER = 1024 * 1024;

export interface ExtractLimits {
  /** Total bytes of file content. */
  readonly maxBytes: number;
  /** Number of files (folders are not counted). */
  readonly maxFiles: number;
}

export interface RefusedEntry {
  readonly name: string;
  readonly reason: string;
}

export interface ExtractResult {
  /** Written files, relative to the folder, with `/` separators, in archive order. */
  readonly files: string[];
  readonly folders: string[];
  bytes: number;
  readonly refused: RefusedEntry[];
}

export class ExtractLimitError extends Error {
  constructor(
    readonly limit: 'maxBytes' | 'maxFiles',
    readonly allowed: number,
    readonly reached: number,
  ) {
    super(limit === 'maxBytes' ? l10n.t('the files are larger than {0} bytes (at least {1})', allowed, reached) : l10n.t('there are more than {0} files', allowed));
    this.name = 'ExtractLimitError';
  }
}

/** Why an entry is not written, or undefined for a safe one; `relative` is its safe relative path. */
export function checkEntry(header: Pick<Header, 'name' | 'type' | 'linkname'>): { relative: string } | { reason: string } {
  const raw = header.name;
  if (raw.includes('\0')) return { reason: l10n.t('its name contains a NUL character') };
  if (header.type === 'symlink') return { reason: l10n.t('a symbolic link (to {0}) is not extracted', header.linkname ?? '?') };
  if (header.type === 'link') return { reason: l10n.t('a hard link (to {0}) is not extracted', header.linkname ?? '?') };
  if (header.type === 'character-device') return { reason: l10n.t('a character-device is not extracted') };
  if (header.type === 'block-device') return { reason: l10n.t('a block-device is not extracted') };
  if (header.type === 'fifo') return { reason: l10n.t('a fifo is not extracted') };
  if (header.type !== 'file' && header.type !== 'contiguous-file' && header.type !== 'directory') return { reason: l10n.t('an entry of type {0} is not extracted', String(header.type)) };
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw) || raw.startsWith('\\')) return { reason: l10n.t('an absolute path leaves the target folder') };
  const parts = raw.replace(/\\/g, '/').split('/').filter((part: string) => part !== '' && part !== '.');
  if (parts.includes('..')) return { reason: l10n.t('a path with ".." leaves the target folder') };
  return { relative: parts.join('/') };
}

/**
 * Writes a new file (never over an existing one). The callback `writeFile`: for thousands of small
 * files it took a third of the time of the promise-based one (one open, write and close each).
 */
function writeNewFile(target: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => writeFile(target, data, { flag: 'wx', mode: 0o644 }, (error) => (error ? reject(error) : resolve())));
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Extracts the tar stream written into `input` into `folder` (which must exist and be empty).
 * `done` resolves when the archive has ended and every file is on disk; it rejects with
 * ExtractLimitError at a limit, or with the stream's error. The caller removes the folder on failure.
 * `files()` counts the files accepted so far (for progress).
 */
export function extractTar(folder: string, limits: ExtractLimits): { input: Writable; done: Promise<ExtractResult>; abort: (error: Error) => void; files: () => number } {
  const root = path.resolve(folder);
  const extract = tarExtract();
  const result: ExtractResult = { files: [], folders: [], bytes: 0, refused: [] };
  const written = new Set<string>();
  /** Writes of small files under way. */
  const inFlight = new Set<Promise<void>>();
  /** Folders known to exist: each is created once. */
  const folders = new Map<string, Promise<unknown>>();
  const ensureFolder = (folder: string): Promise<unknown> => {
    let made = folders.get(folder);
    if (!made) {
      made = mkdir(folder, { recursive: true });
      folders.set(folder, made);
    }
    return made;
  };
  /** Refused links: an entry below one (`escape/passwd` after `escape` → /etc) is refused too. */
  const refusedLinks: string[] = [];
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<ExtractResult>((resolve, reject) => {
    let failed = false;
    fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      extract.destroy(error);
      reject(error);
    };
    extract.on('entry', (header, stream, next) => {
      // When extraction fails, tar-stream destroys the entry with the error: it is reported once, by `done`.
      stream.on('error', () => undefined);
      const skip = (reason?: string): void => {
        if (reason) result.refused.push({ name: header.name, reason });
        stream.on('end', () => next());
        stream.resume();
      };
      const checked = checkEntry(header);
      if ('reason' in checked) {
        if (header.type === 'symlink' || header.type === 'link') {
          const linkPath = header.name.replace(/\\/g, '/').split('/').filter((part: string) => part !== '' && part !== '.').join('/');
          if (linkPath !== '') refusedLinks.push(linkPath);
        }
        return skip(checked.reason);
      }
      const under = refusedLinks.find((link) => checked.relative.startsWith(`${link}/`));
      if (under) return skip(l10n.t('it lies below {0}, a link that was refused', under));
      if (checked.relative === '') return skip(); // the archive's root folder itself
      const target = path.resolve(root, ...checked.relative.split('/'));
      if (!isInside(root, target)) return skip(l10n.t('the path leaves the target folder'));
      if (header.type === 'directory') {
        ensureFolder(target).then(
          () => {
            result.folders.push(checked.relative);
            skip();
          },
          (error: Error) => fail(error),
        );
        return;
      }
      if (written.has(checked.relative)) return skip(l10n.t('the archive holds this file twice; the first copy is kept'));
      const size = header.size ?? 0;
      if (result.files.length + 1 > limits.maxFiles) return fail(new ExtractLimitError('maxFiles', limits.maxFiles, result.files.length + 1));
      if (result.bytes + size > limits.maxBytes) return fail(new ExtractLimitError('maxBytes', limits.maxBytes, result.bytes + size));
      written.add(checked.relative);
      result.files.push(checked.relative);
      result.bytes += size;
      if (size <= SMALL_FILE_BYTES) {
        // Small files: read into memory (bounded: at most PARALLEL_WRITES of them), write in parallel.
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
        stream.on('end', () => {
          const write = ensureFolder(path.dirname(target)).then(() => writeNewFile(target, Buffer.concat(chunks)));
          inFlight.add(write);
          write.then(
            () => inFlight.delete(write),
            (error: Error) => fail(error),
          );
          if (inFlight.size < PARALLEL_WRITES) next();
          else void Promise.race(inFlight).then(() => next(), () => undefined);
        });
        return;
      }
      ensureFolder(path.dirname(target))
        .then(() => pipeline(stream, createWriteStream(target, { flags: 'wx', mode: 0o644, highWaterMark: FILE_WRITE_BUFFER })))
        .then(
          () => next(),
          (error: Error) => fail(error),
        );
    });
    extract.on('finish', () => {
      // The archive has ended; the last small files may still be on their way to the disk.
      void Promise.all(inFlight).then(
        () => {
          if (!failed) resolve(result);
        },
        (error: Error) => fail(error),
      );
    });
    extract.on('error', (error) => fail(error));
  });
  return { input: extract as unknown as Writable, done, abort: (error) => fail(error), files: () => result.files.length };
}
