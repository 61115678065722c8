/**
 * "Keruta: Show Job YAML": the Job a task becomes, as an untitled YAML document that the language
 * server checks (and "Run Job YAML" can run after edits). From a code lens (uri, task id), the
 * tree (a task or run node) or the command palette (the task under the cursor, else a pick).
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
  const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: result.yaml });
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
}
