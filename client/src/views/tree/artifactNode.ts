/** A file collected from a run (opens it), or the folder of a large collection (reveals it). */
import * as vscode from 'vscode';
import type { ArtifactTreeNode } from './taskTreeModel';

export class ArtifactNode extends vscode.TreeItem {
  constructor(node: ArtifactTreeNode) {
    super(node.label, vscode.TreeItemCollapsibleState.None);
    const uri = vscode.Uri.file(node.args.path);
    this.id = node.id;
    this.description = node.description;
    this.contextValue = node.contextValue;
    this.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    if (node.tooltip) {
      const tooltip = new vscode.MarkdownString(node.tooltip);
      tooltip.isTrusted = false; // names come from the Job's files
      this.tooltip = tooltip;
    }
    this.command = { command: node.command.command, title: node.label, arguments: [uri] };
  }
}
