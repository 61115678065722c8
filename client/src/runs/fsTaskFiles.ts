/**
 * Task file access on the file system (files named by path or `file:` URI): for task files that
 * are not open in an editor, for the benchmark and for tests. Writes go to a temporary file that
 * replaces the original, so a crash never leaves half a task file.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { applyEdits, type TaskTextEdit } from '../../../server/src/core/taskEdits';
import type { TaskFileAccess } from './statusWriter';

function pathOf(file: string): string {
  return file.startsWith('file:') ? fileURLToPath(file) : file;
}

export class FsTaskFiles implements TaskFileAccess {
  async read(file: string): Promise<string | undefined> {
    try {
      return await readFile(pathOf(file), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async applyEdits(file: string, basedOn: string, edits: readonly TaskTextEdit[]): Promise<boolean> {
    const path = pathOf(file);
    const current = await this.read(file);
    if (current !== basedOn) return false;
    if (edits.length === 0) return true;
    const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, applyEdits(basedOn, edits), 'utf8');
    await rename(temporary, path);
    return true;
  }
}
