/**
 * "Keruta: Show Job YAML": the Job a task becomes, as an untitled YAML document that the language
 * server checks. From a code lens (uri, task id) or the command palette (the active task file).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { collectorModeFor, renderOptionsFromSettings } from '../../../server/src/core/renderOptions';
import { isTaskFileName } from '../../../server/src/core/taskModel';
import { parseTaskFile } from '../../../server/src/core/taskParser';
import { RenderJobRequest, type RenderJobParams, type RenderJobResult } from '../../../server/src/protocol';
import type { SettingsService } from '../config/settings';
import type { Logger } from '../log';

export interface ShowJobYamlDeps {
  readonly client: () => LanguageClient | undefined;
  readonly settings: SettingsService;
  readonly log: Logger;
}

async function pickTask(): Promise<{ uri: vscode.Uri; taskId: string } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isTaskFileName(editor.document.uri.path)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a task file (*.keruta.yaml) to show the Job of one of its tasks.'));
    return undefined;
  }
  const tasks = parseTaskFile(editor.document.getText()).tasks.filter((task) => task.complete);
  if (tasks.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This file has no complete task (with `id` and `title`).'));
    return undefined;
  }
  const offset = editor.document.offsetAt(editor.selection.active);
  const here = tasks.find((task) => offset >= task.locations.documentSpan[0] && offset <= task.locations.documentSpan[1]);
  if (here && tasks.length > 1) return { uri: editor.document.uri, taskId: here.task.id };
  if (tasks.length === 1) return { uri: editor.document.uri, taskId: tasks[0]!.task.id };
  const picked = await vscode.window.showQuickPick(
    tasks.map((task) => ({ label: task.task.title, description: task.task.id, taskId: task.task.id })),
    { placeHolder: vscode.l10n.t('Which task?') },
  );
  return picked ? { uri: editor.document.uri, taskId: picked.taskId } : undefined;
}

export async function showJobYaml(deps: ShowJobYamlDeps, uriArgument?: string, taskIdArgument?: string): Promise<void> {
  const target = uriArgument && taskIdArgument ? { uri: vscode.Uri.parse(uriArgument), taskId: taskIdArgument } : await pickTask();
  if (!target) return;
  const client = deps.client();
  if (!client?.isRunning()) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The Keruta language server is not running; see the Keruta output.'));
    return;
  }
  const settings = await deps.settings.get(target.uri);
  const folder = vscode.workspace.getWorkspaceFolder(target.uri);
  const taskFile = folder ? vscode.workspace.asRelativePath(target.uri, false) : undefined;
  const params: RenderJobParams = {
    uri: target.uri.toString(),
    taskId: target.taskId,
    options: renderOptionsFromSettings(settings, { collectorMode: collectorModeFor(settings.collector.mode), ...(taskFile ? { taskFile } : {}) }),
  };
  let result: RenderJobResult;
  try {
    result = await client.sendRequest<RenderJobResult>(RenderJobRequest, params);
  } catch (error) {
    deps.log.error(`Rendering the Job of ${target.taskId} failed: ${String(error)}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not render the Job of task {0}; see the Keruta output.', target.taskId));
    return;
  }
  if (!result.found) {
    void vscode.window.showWarningMessage(vscode.l10n.t('There is no task {0} in {1} any more.', target.taskId, vscode.workspace.asRelativePath(target.uri)));
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: result.yaml });
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
}
