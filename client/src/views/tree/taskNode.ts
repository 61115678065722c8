/** A task in the Tasks view: opens its file at the task when clicked; expanded while a run is active. */
import * as vscode from 'vscode';
import { TreeCommands, type TaskTreeNode } from './taskTreeModel';

export class TaskNode extends vscode.TreeItem {
  constructor(node: TaskTreeNode) {
    const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;
    super(node.label, node.children.length === 0 ? None : node.hasActiveRun ? Expanded : Collapsed);
    this.id = node.id;
    this.description = node.description;
    this.contextValue = node.contextValue;
    this.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    if (node.tooltip) {
      const tooltip = new vscode.MarkdownString(node.tooltip);
      tooltip.isTrusted = false; // task files are input
      this.tooltip = tooltip;
    }
    this.command = {
      command: TreeCommands.openTaskFile,
      title: vscode.l10n.t('Open Task File'),
      arguments: [node.args.fileUri, node.args.taskId],
    };
  }
}
