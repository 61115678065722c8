/** A run (one Job) of a task: its Pods and trouble below it. */
import * as vscode from 'vscode';
import { applyCommon } from './nodeCommon';
import type { RunTreeNode } from './taskTreeModel';

export class RunNode extends vscode.TreeItem {
  constructor(node: RunTreeNode) {
    const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;
    super(node.label, node.children.length === 0 ? None : node.active ? Expanded : Collapsed);
    applyCommon(this, node);
  }
}
