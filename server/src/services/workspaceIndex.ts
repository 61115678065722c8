/**
 * Task ids across the workspace, for duplicate-id diagnostics: task files on disk (scanned once,
 * then kept current by file events) overlaid by the open documents' unsaved text.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Span } from '../core/taskModel';
import { isTaskFileName } from '../core/taskModel';
import { parseTaskFile } from '../core/taskParser';
import type { WorkspaceTasks } from '../rules/ruleTypes';

interface IndexedFile {
  readonly text: string;
  readonly ids: readonly { id: string; span: Span }[];
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test']);
/** Task files larger than this are not indexed (they are still checked when opened). */
const MAX_INDEXED_BYTES = 2 * 1024 * 1024;
const MAX_SCANNED_FILES = 20_000;

export class WorkspaceIndex implements WorkspaceTasks {
  private readonly files = new Map<string, IndexedFile>();

  set(uri: string, text: string): void {
    const ids = parseTaskFile(text).tasks
      .filter((task) => task.task.id !== '')
      .map((task) => ({ id: task.task.id, span: task.locations.fields.get('id')?.valueSpan ?? task.locations.documentSpan }));
    this.files.set(uri, { text, ids });
  }

  delete(uri: string): void {
    this.files.delete(uri);
  }

  tasksWithId(id: string, exceptUri: string): readonly { uri: string; span: Span; text: string }[] {
    const out: { uri: string; span: Span; text: string }[] = [];
    for (const [uri, file] of this.files) {
      for (const entry of file.ids) {
        if (entry.id === id && uri !== exceptUri) out.push({ uri, span: entry.span, text: file.text });
      }
    }
    return out;
  }

  /** Every indexed task file and its ids, in the same file counted too (for duplicates within a file). */
  idsIn(uri: string): readonly { id: string; span: Span }[] {
    return this.files.get(uri)?.ids ?? [];
  }

  /** Reads every task file below the folders (bounded), without following links. */
  async scan(folders: readonly string[]): Promise<number> {
    let count = 0;
    const walk = async (dir: string): Promise<void> => {
      if (count >= MAX_SCANNED_FILES) return;
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) await walk(path);
        } else if (entry.isFile() && isTaskFileName(entry.name)) {
          try {
            const stat = await fs.stat(path);
            if (stat.size > MAX_INDEXED_BYTES) continue;
            const uri = pathToFileURL(path).toString();
            if (!this.files.has(uri)) this.set(uri, await fs.readFile(path, 'utf8'));
            count++;
          } catch {
            // unreadable: skipped
          }
        }
      }
    };
    for (const folder of folders) await walk(folder);
    return count;
  }
}
