/** A line of text: why the cluster is unavailable, or what keeps a run from going on. */
import * as vscode from 'vscode';
import type { MessageTreeNode } from './taskTreeModel';

export class MessageNode extends vscode.TreeItem {
  constructor(node: MessageTreeNode) {
    super(node.label, vscode.TreeItemCollapsibleState.None);
    this.id = node.id;
    this.description = node.description;
    this.contextValue = node.contextValue;
    this.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    if (node.tooltip) {
      const tooltip = new vscode.MarkdownString(node.tooltip);
      tooltip.isTrusted = false; // may quote the cluster
      this.tooltip = tooltip;
    }
    if (node.command) this.command = { command: node.command.command, title: node.label, arguments: [...(node.command.arguments ?? [])] };
  }
}
