/**
 * "Keruta: Check Cluster Access": context, server, namespace and version, and a
 * SelfSubjectAccessReview for each permission Keruta needs, as a readable report with the Role
 * rules to add for the denied ones. The version also tells the language server the env-name rule.
 */
import * as vscode from 'vscode';
import { checkAccess, renderAccessReport } from '../cluster/accessCheck';
import { showClusterError } from './clusterGate';
import type { CommandDeps } from './commandDeps';

export async function checkClusterAccess(deps: CommandDeps): Promise<void> {
  const session = await deps.requireSession();
  if (!session) return;
  const namespace = (await deps.settings.get()).kubernetes.defaultNamespace;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking access to {0}…', session.client.contextName) },
    () => checkAccess(session.client.kc, namespace, session.client.k8s),
  );
  if ('error' in result) {
    deps.log.error(`Check Cluster Access: ${result.error.message}`);
    await showClusterError(result.error, vscode.l10n.t('The cluster access check did not complete.'));
    return;
  }
  await deps.reportServerVersion({ major: String(result.version.major), minor: String(result.version.minor), gitVersion: result.version.gitVersion });
  const denied = result.results.filter((permission) => !permission.allowed).length;
  deps.log.info(`Check Cluster Access: ${result.results.length - denied}/${result.results.length} permissions granted in ${namespace} on ${result.server}`);
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: renderAccessReport(result) });
  await vscode.window.showTextDocument(document, { preview: false });
  if (denied > 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} of the permissions Keruta needs are denied in {1}; the report says what to add.', denied, namespace));
  }
}
