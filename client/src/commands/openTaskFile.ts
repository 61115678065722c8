/** "Open Task File": opens a task file with the cursor on the task's `id`. */
import * as vscode from 'vscode';
import type { TaskCatalog } from '../tasks/taskCatalog';
import { targetFromArgs } from './taskTarget';

export async function openTaskFile(catalog: TaskCatalog, first?: unknown, second?: unknown): Promise<void> {
  const target = targetFromArgs(first, second);
  if (!target) return;
  const task = catalog.tasksOf(target.uri.toString()).find((candidate) => candidate.parsed.task.id === target.taskId);
  const editor = await vscode.window.showTextDocument(target.uri, { preview: true });
  const idSpan = task?.parsed.locations.fields.get('id')?.keySpan ?? task?.parsed.locations.documentSpan;
  if (idSpan) {
    const position = editor.document.positionAt(idSpan[0]);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}
