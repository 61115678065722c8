/** A file collected from a run (opens it), or the folder of a large collection (reveals it). */
import * as vscode from 'vscode';
import { applyCommon } from './nodeCommon';
import type { ArtifactTreeNode } from './taskTreeModel';

export class ArtifactNode extends vscode.TreeItem {
  constructor(node: ArtifactTreeNode) {
    super(node.label, vscode.TreeItemCollapsibleState.None);
    const uri = vscode.Uri.file(node.args.path);
    applyCommon(this, node);
    this.command = { command: node.command.command, title: node.label, arguments: [uri] };
  }
}
