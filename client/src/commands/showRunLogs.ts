/**
 * "Keruta: Show Logs": follows the main container of a run's newest Pod (or the Pod chosen in the
 * tree) live in a read-only document, from the start; the log stays readable after the Pod is gone.
 */
import * as vscode from 'vscode';
import { MAIN_CONTAINER } from '../../../server/src/core/collectorPod';
import { LogFollower } from '../runs/logFollower';
import { showLogs } from '../views/logDocuments';
import type { CommandDeps } from './commandDeps';
import { pickRun, runFromArgs } from './runTarget';

export async function showRunLogs(deps: CommandDeps, first?: unknown): Promise<void> {
  const target = runFromArgs(deps.runs, first) ?? (await pickRun(deps.runs.runs(), vscode.l10n.t('Show the logs of which run?'), vscode.l10n.t('There are no runs to show logs of.')));
  if (!target) return;
  const { run } = target;
  const pod = target.pod ?? run.state.podSummaries.at(-1)?.name;
  if (!pod) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The run {0} has no Pod yet: its log starts when the Pod is created.', run.name));
    return;
  }
  const session = await deps.requireSession();
  if (!session) return;
  const { k8s, kc } = session.client;
  await showLogs(deps.logs, { namespace: run.namespace, pod, container: MAIN_CONTAINER, title: run.taskTitle ?? run.taskId }, (logTarget) => new LogFollower(k8s, kc, logTarget));
}
