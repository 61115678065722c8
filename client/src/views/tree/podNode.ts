/** A Pod of a run: phase, readiness, restarts and trouble. */
import * as vscode from 'vscode';
import { applyCommon } from './nodeCommon';
import type { PodTreeNode } from './taskTreeModel';

export class PodNode extends vscode.TreeItem {
  constructor(node: PodTreeNode) {
    super(node.label, vscode.TreeItemCollapsibleState.None);
    applyCommon(this, node);
  }
}
