/** A task in the Tasks view: opens its file at the task when clicked; expanded while a run is active. */
import * as vscode from 'vscode';
import { applyCommon } from './nodeCommon';
import { TreeCommands, type TaskTreeNode } from './taskTreeModel';

export class TaskNode extends vscode.TreeItem {
  constructor(node: TaskTreeNode) {
    const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;
    super(node.label, node.children.length === 0 ? None : node.hasActiveRun ? Expanded : Collapsed);
    applyCommon(this, node);
    this.command = {
      command: TreeCommands.openTaskFile,
      title: vscode.l10n.t('Open Task File'),
      arguments: [node.args.fileUri, node.args.taskId],
    };
  }
}
