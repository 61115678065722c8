/**
 * Which task a command is about: given by a code lens (file URI and task id), by a tree node
 * (`args`), or picked by the user (highest priority first, with status and file).
 */
import * as vscode from 'vscode';
import type { CatalogTask, TaskCatalog } from '../tasks/taskCatalog';

export interface TaskTarget {
  readonly uri: vscode.Uri;
  readonly taskId: string;
}

const STATUS_ICONS: Record<string, string> = {
  PENDING: '$(circle-outline)',
  IN_PROGRESS: '$(sync)',
  COMPLETED: '$(pass)',
  FAILED: '$(error)',
  CANCELLED: '$(circle-slash)',
  WAITING_FOR_INPUT: '$(question)',
};

/** Reads the target from command arguments, if they name one. */
export function targetFromArgs(first: unknown, second: unknown): TaskTarget | undefined {
  if (typeof first === 'string' && typeof second === 'string') return { uri: vscode.Uri.parse(first), taskId: second };
  const args = (first as { args?: { fileUri?: unknown; taskId?: unknown } } | undefined)?.args;
  if (typeof args?.fileUri === 'string' && typeof args.taskId === 'string') return { uri: vscode.Uri.parse(args.fileUri), taskId: args.taskId };
  return undefined;
}

/** The task under the cursor in the active task file, if any. */
function taskAtCursor(catalog: TaskCatalog): CatalogTask | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const offset = editor.document.offsetAt(editor.selection.active);
  const tasks = catalog.tasksOf(editor.document.uri.toString()).filter((task) => task.parsed.complete);
  const here = tasks.find((task) => offset >= task.parsed.locations.documentSpan[0] && offset <= task.parsed.locations.documentSpan[1]);
  // A file with one task: that task, wherever the cursor is (a leading comment is outside its span).
  return here ?? (tasks.length === 1 ? tasks[0] : undefined);
}

export async function pickTask(catalog: TaskCatalog, placeHolder: string, preferCursor = false): Promise<TaskTarget | undefined> {
  if (preferCursor) {
    const here = taskAtCursor(catalog);
    if (here) return { uri: vscode.Uri.parse(here.fileUri), taskId: here.parsed.task.id };
  }
  const tasks = catalog.tasks().filter((task) => task.parsed.complete);
  if (tasks.length === 0) {
    const create = vscode.l10n.t('Create Task File');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('There are no tasks in this workspace yet (task files are named *.keruta.yaml).'), create);
    if (choice === create) await vscode.commands.executeCommand('keruta.createTaskFile');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    tasks.map((task) => ({
      label: `${STATUS_ICONS[task.parsed.task.status] ?? ''} ${task.parsed.task.title}`,
      description: `${task.parsed.task.status} · P${task.parsed.task.priority} · ${task.parsed.task.id}`,
      detail: task.relativePath,
      target: { uri: vscode.Uri.parse(task.fileUri), taskId: task.parsed.task.id },
    })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.target;
}
