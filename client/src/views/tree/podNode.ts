/** A Pod of a run: phase, readiness, restarts and trouble. */
import * as vscode from 'vscode';
import type { PodTreeNode } from './taskTreeModel';

export class PodNode extends vscode.TreeItem {
  constructor(node: PodTreeNode) {
    super(node.label, vscode.TreeItemCollapsibleState.None);
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
