/** "Keruta: Stop Run": deletes the run's Job (Pods go in the background) and marks the task CANCELLED. */
import * as vscode from 'vscode';
import { clusterErrorOf } from '../cluster/clusterClient';
import { showClusterError } from './clusterGate';
import type { CommandDeps } from './commandDeps';
import { pickRun, runFromArgs } from './runTarget';

export async function stopRun(deps: CommandDeps, first?: unknown): Promise<void> {
  const target = runFromArgs(deps.runs, first) ?? (await pickRun(deps.runs.activeRuns(), vscode.l10n.t('Stop which run?'), vscode.l10n.t('No run is in progress.')));
  if (!target) return;
  const session = await deps.requireSession();
  if (!session) return;
  const { run } = target;
  const stop = vscode.l10n.t('Stop');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Stop the run of "{0}"? Its Job {1} and its Pods are deleted.', run.taskTitle ?? run.taskId, run.name),
    { modal: true },
    stop,
  );
  if (choice !== stop) return;
  try {
    const write = await session.service.stop(run.uid);
    deps.log.info(`Stopped ${run.namespace}/${run.name}${write.written ? '' : ` (task file not updated: ${write.reason})`}`);
  } catch (error) {
    await showClusterError(clusterErrorOf(error, { verb: 'delete', resource: 'jobs', group: 'batch', namespace: run.namespace, name: run.name }), vscode.l10n.t('The run was not stopped.'));
  }
}
