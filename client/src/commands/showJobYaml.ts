/**
 * "Keruta: Show Job YAML": the Job a task becomes, as an untitled YAML document named after the
 * task (`<task id>.job.yaml`) that the language server checks (and "Run Job YAML" can run after
 * edits). From a code lens (uri, task id), the tree (a task or run node) or the command palette
 * (the task under the cursor, else a pick).
 */
import * as vscode from 'vscode';
import type { TaskCatalog } from '../tasks/taskCatalog';
import { findTaskInCatalog } from '../tasks/taskCatalog';
import type { RunStore } from '../runs/runModel';
import { type RenderDeps, renderTask } from './renderTask';
import { pickTask, type TaskTarget, targetFromArgs } from './taskTarget';

export interface ShowJobYamlDeps extends RenderDeps {
  readonly catalog: TaskCatalog;
  readonly runs: RunStore;
}

function targetOfRunNode(deps: ShowJobYamlDeps, first: unknown): TaskTarget | undefined {
  const uid = (first as { args?: { uid?: unknown } } | undefined)?.args?.uid;
  if (typeof uid !== 'string') return undefined;
  const run = deps.runs.run(uid);
  const task = run ? findTaskInCatalog(deps.catalog, run.taskId, run.taskFile) : undefined;
  return task ? { uri: vscode.Uri.parse(task.fileUri), taskId: task.parsed.task.id } : undefined;
}

export async function showJobYaml(deps: ShowJobYamlDeps, first?: unknown, second?: unknown): Promise<void> {
  const target = targetFromArgs(first, second) ?? targetOfRunNode(deps, first) ?? (await pickTask(deps.catalog, vscode.l10n.t('Show the Job of which task?'), true));
  if (!target) return;
  const result = await renderTask(deps, target);
  if (!result) return;
  const uri = await jobDocumentUri(target, result.yaml);
  let document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== 'yaml') document = await vscode.languages.setTextDocumentLanguage(document, 'yaml');
  if (document.getText() === '') {
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(0, 0), result.yaml);
    await vscode.workspace.applyEdit(edit);
  }
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
}

/**
 * An untitled document named after the task, beside its task file (`<task id>.job.yaml`): the tab
 * says which Job it is, and Save proposes that place. The name is reused when that document shows
 * this very Job already; a name taken by a file on disk, or by an open document with other text
 * (edits of an earlier Show Job YAML), gets `-2`, `-3`…: nothing is written over.
 */
async function jobDocumentUri(target: TaskTarget, yaml: string): Promise<vscode.Uri> {
  const folder = vscode.Uri.joinPath(target.uri, '..');
  const base = target.taskId.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'task';
  for (let n = 1; n < 100; n++) {
    const file = vscode.Uri.joinPath(folder, n === 1 ? `${base}.job.yaml` : `${base}-${n}.job.yaml`);
    const untitled = file.with({ scheme: 'untitled' });
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === untitled.toString());
    if (open) {
      if (open.getText() === yaml) return untitled;
      continue;
    }
    const onDisk = await vscode.workspace.fs.stat(file).then(
      () => true,
      () => false,
    );
    if (!onDisk) return untitled;
  }
  return vscode.Uri.joinPath(folder, `${base}-${Date.now()}.job.yaml`).with({ scheme: 'untitled' });
}
