/** "Keruta: Clean Up Finished Jobs": deletes keruta's finished Jobs in the default namespace. */
import * as vscode from 'vscode';
import { clusterErrorOf } from '../cluster/clusterClient';
import { showClusterError } from './clusterGate';
import type { CommandDeps } from './commandDeps';

export async function cleanUpJobs(deps: CommandDeps): Promise<void> {
  const session = await deps.requireSession();
  if (!session) return;
  const namespace = (await deps.settings.get()).kubernetes.defaultNamespace;
  const remove = vscode.l10n.t('Delete');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete every finished Keruta Job in the namespace {0}? Running Jobs are kept.', namespace),
    { modal: true },
    remove,
  );
  if (choice !== remove) return;
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting finished Jobs in {0}…', namespace) }, () =>
      session.service.cleanUp(namespace),
    );
    for (const failure of result.failed) deps.log.warn(`Clean up: ${failure.name}: ${failure.error.message}`);
    if (result.failed.length > 0) {
      await showClusterError(result.failed[0]!.error, vscode.l10n.t('{0} Job(s) deleted, {1} could not be deleted.', result.deleted.length, result.failed.length));
    } else {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} finished Job(s) deleted in {1}.', result.deleted.length, namespace));
    }
  } catch (error) {
    await showClusterError(clusterErrorOf(error, { verb: 'list', resource: 'jobs', group: 'batch', namespace }), vscode.l10n.t('Nothing was deleted.'));
  }
}
