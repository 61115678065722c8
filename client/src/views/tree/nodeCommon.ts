/** What every node class of the Tasks view sets the same way from its model node. */
import * as vscode from 'vscode';
import type { NodeCommon } from './taskTreeModel';

export function applyCommon(item: vscode.TreeItem, node: NodeCommon): void {
  item.id = node.id;
  item.description = node.description;
  item.contextValue = node.contextValue;
  item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
  if (node.tooltip) {
    const tooltip = new vscode.MarkdownString(node.tooltip);
    // Tooltips quote task files, Kubernetes messages and collected file names: never trusted.
    tooltip.isTrusted = false;
    item.tooltip = tooltip;
  }
}
