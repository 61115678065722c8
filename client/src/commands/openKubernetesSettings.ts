/** "Keruta: Open Kubernetes Settings": the Settings UI filtered to keruta's Kubernetes settings. */
import * as vscode from 'vscode';

export async function openKubernetesSettings(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openSettings', 'keruta.kubernetes');
}
