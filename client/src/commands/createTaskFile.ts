/** "Keruta: Create Task File": a new task file from the seed's shape, with a fresh id and timestamps. */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';

export function taskFileTemplate(id: string, now: string): string {
  return [
    '# A keruta task: run it with "Keruta: Run Task" (the code lens above `id`, or the Keruta view).',
    `id: ${id}`,
    'title: "New task"',
    'description: |',
    '  What the task should do.',
    'priority: 1',
    'status: PENDING',
    `createdAt: "${now}"`,
    `updatedAt: "${now}"`,
    'job:',
    '  image: busybox:1.36.1',
    '  command: ["sh", "-c", "echo $KERUTA_TASK_TITLE > /.keruta/doc/README.md"]',
    '',
  ].join('\n');
}

export async function createTaskFile(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a folder first: task files live in the workspace.'));
    return;
  }
  const name = await vscode.window.showInputBox({
    prompt: vscode.l10n.t('Name of the new task file'),
    value: 'tasks/new-task.keruta.yaml',
    validateInput: (value) => (/\.keruta\.ya?ml$/.test(value) && !value.split(/[\\/]/).includes('..') ? undefined : vscode.l10n.t('The name must end in .keruta.yaml and stay inside the workspace.')),
  });
  if (!name) return;
  const uri = vscode.Uri.joinPath(folder.uri, ...name.split(/[\\/]/).filter(Boolean));
  try {
    await vscode.workspace.fs.stat(uri);
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} already exists; it was not changed.', name));
    await vscode.window.showTextDocument(uri);
    return;
  } catch {
    // Does not exist yet: create it.
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(taskFileTemplate(randomUUID(), new Date().toISOString())));
  await vscode.window.showTextDocument(uri);
}
