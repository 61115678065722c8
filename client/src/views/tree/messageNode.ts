/** A line of text: why the cluster is unavailable, or what keeps a run from going on. */
import * as vscode from 'vscode';
import { applyCommon } from './nodeCommon';
import type { MessageTreeNode } from './taskTreeModel';

export class MessageNode extends vscode.TreeItem {
  constructor(node: MessageTreeNode) {
    super(node.label, vscode.TreeItemCollapsibleState.None);
    applyCommon(this, node);
    if (node.command) this.command = { command: node.command.command, title: node.label, arguments: [...(node.command.arguments ?? [])] };
  }
}
