/** A run (one Job) of a task: its Pods and trouble below it. */
import * as vscode from 'vscode';
import type { RunTreeNode } from './taskTreeModel';

export class RunNode extends vscode.TreeItem {
  constructor(node: RunTreeNode) {
    const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;
    super(node.label, node.children.length === 0 ? None : node.active ? Expanded : Collapsed);
    this.id = node.id;
    this.description = node.description;
    this.contextValue = node.contextValue;
    this.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    if (node.tooltip) {
      const tooltip = new vscode.MarkdownString(node.tooltip);
      tooltip.isTrusted = false; // shows Kubernetes messages
      this.tooltip = tooltip;
    }
  }
}
