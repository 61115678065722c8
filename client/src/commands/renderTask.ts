/**
 * Asks the language server for the Job a task becomes (`keruta/renderJob`), with the settings
 * and application.properties defaults of the task's folder and the cluster's collector mode.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { collectorModeFor, renderOptionsFromSettings } from '../../../server/src/core/renderOptions';
import { RenderJobRequest, type RenderJobParams, type RenderJobResult } from '../../../server/src/protocol';
import type { SettingsService } from '../config/settings';
import type { Logger } from '../log';
import type { TaskTarget } from './taskTarget';

export interface RenderDeps {
  readonly languageClient: () => LanguageClient | undefined;
  readonly settings: SettingsService;
  readonly log: Logger;
}

/**
 * The rendered Job, or undefined after telling the user why there is none. `startedAt`: rendered
 * for a run starting then (the task as IN_PROGRESS, updated then).
 */
export async function renderTask(deps: RenderDeps, target: TaskTarget, serverVersion?: { major: string; minor: string }, startedAt?: string): Promise<RenderJobResult | undefined> {
  const client = deps.languageClient();
  if (!client?.isRunning()) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The Keruta language server is not running; see the Keruta output.'));
    return undefined;
  }
  const settings = await deps.settings.get(target.uri);
  const folder = vscode.workspace.getWorkspaceFolder(target.uri);
  const taskFile = folder ? vscode.workspace.asRelativePath(target.uri, false) : undefined;
  // The server knows only open documents: send the text of a file that is not open.
  const open = vscode.workspace.textDocuments.some((document) => document.uri.toString() === target.uri.toString());
  let text: string | undefined;
  if (!open) {
    try {
      text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(target.uri));
    } catch (error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not read {0}: {1}', vscode.workspace.asRelativePath(target.uri), error instanceof Error ? error.message : String(error)));
      return undefined;
    }
  }
  const params: RenderJobParams = {
    ...(text !== undefined ? { text } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
    uri: target.uri.toString(),
    taskId: target.taskId,
    options: renderOptionsFromSettings(settings, { collectorMode: collectorModeFor(settings.collector.mode, serverVersion), ...(taskFile ? { taskFile } : {}) }),
  };
  let result: RenderJobResult;
  try {
    result = await client.sendRequest<RenderJobResult>(RenderJobRequest, params);
  } catch (error) {
    deps.log.error(`Rendering the Job of ${target.taskId} failed: ${String(error)}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not render the Job of task {0}; see the Keruta output.', target.taskId));
    return undefined;
  }
  if (!result.found) {
    void vscode.window.showWarningMessage(vscode.l10n.t('There is no task {0} in {1} any more.', target.taskId, vscode.workspace.asRelativePath(target.uri)));
    return undefined;
  }
  return result;
}
