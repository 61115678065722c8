/**
 * The one place that tells the user why a cluster command cannot run (Kubernetes turned off,
 * untrusted workspace, kubeconfig trouble), with a button that leads to the fix.
 */
import * as vscode from 'vscode';
import type { ClusterError } from '../cluster/errors';
import { Commands } from '../identifiers';
import type { ClusterSession, SessionState } from '../runs/clusterSession';

export async function explainNoSession(state: Exclude<SessionState, { kind: 'ready' }>): Promise<void> {
  if (state.kind === 'untrusted') {
    const manage = vscode.l10n.t('Manage Workspace Trust');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Keruta does not run tasks in an untrusted workspace. Trust the workspace to run tasks.'), manage);
    if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  if (state.kind === 'disabled') {
    const open = vscode.l10n.t('Open Settings');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Kubernetes is turned off for Keruta. Turn on keruta.kubernetes.enabled to run tasks on a cluster.'),
      open,
    );
    if (choice === open) await vscode.commands.executeCommand(Commands.openKubernetesSettings);
    return;
  }
  await showClusterError(state.error);
}

/** A cluster failure: what happened, what to do, and the buttons for it. */
export async function showClusterError(error: ClusterError, prefix?: string): Promise<void> {
  const settings = vscode.l10n.t('Open Settings');
  const access = vscode.l10n.t('Check Cluster Access');
  const output = vscode.l10n.t('Show Output');
  const actions = error.kind === 'config' ? [settings, output] : error.kind === 'forbidden' || error.kind === 'unauthorized' ? [access, output] : [output];
  const text = `${prefix ? `${prefix} ` : ''}${error.message} ${error.fix}`;
  const choice = await vscode.window.showErrorMessage(text, ...actions);
  if (choice === settings) await vscode.commands.executeCommand(Commands.openKubernetesSettings);
  else if (choice === access) await vscode.commands.executeCommand(Commands.checkClusterAccess);
  else if (choice === output) await vscode.commands.executeCommand(Commands.showOutput);
}

export async function requireSession(state: SessionState): Promise<ClusterSession | undefined> {
  if (state.kind === 'ready') return state.session;
  await explainNoSession(state);
  return undefined;
}
