/**
 * The Tasks view's data provider: rebuilds the model when the catalog, the runs, the collections
 * or the cluster's availability change (bursts coalesced), and every second while a run is active so that its
 * duration counts up.
 */
import * as vscode from 'vscode';
import type { ArtifactStore } from '../../runs/clusterSession';
import type { RunStore } from '../../runs/runModel';
import type { TaskCatalog } from '../../tasks/taskCatalog';
import { ArtifactNode } from './artifactNode';
import { MessageNode } from './messageNode';
import { PodNode } from './podNode';
import { RunNode } from './runNode';
import { TaskNode } from './taskNode';
import { buildTaskTree, type ClusterAvailability, type RunTreeNode, type TaskTree, type TaskTreeNode, type TreeNode } from './taskTreeModel';

/** Watch events come in bursts (a Job and its Pods); one refresh per burst is enough. */
const REFRESH_DELAY_MS = 100;
const TICK_MS = 1000;

function sameAvailability(a: ClusterAvailability, b: ClusterAvailability): boolean {
  return a.kind === b.kind && (a.kind !== 'error' || (b.kind === 'error' && a.message === b.message));
}

export interface TaskTreeOptions {
  /** Collected files show under their runs; without a store, none do. */
  readonly artifacts?: ArtifactStore;
  readonly availability?: ClusterAvailability;
  /** Clock for durations (ms). */
  readonly now?: () => number;
}

export class TaskTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData: vscode.Event<void> = this.changed.event;
  private readonly disposables: { dispose(): void }[] = [];
  private tree: TaskTree | undefined;
  private pending: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private readonly artifacts: ArtifactStore | undefined;
  private availability: ClusterAvailability;
  private readonly now: () => number;

  constructor(
    private readonly catalog: TaskCatalog,
    private readonly runs: RunStore,
    options: TaskTreeOptions = {},
  ) {
    this.artifacts = options.artifacts;
    this.availability = options.availability ?? { kind: 'ready' };
    this.now = options.now ?? Date.now;
    this.disposables.push(
      this.changed,
      catalog.onDidChange(() => this.refresh()),
      runs.onDidChange(() => this.refresh()),
      runs.onDidChangeHealth(() => this.refresh()),
    );
    if (this.artifacts) this.disposables.push(this.artifacts.onDidCollect(() => this.refresh()));
  }

  setAvailability(availability: ClusterAvailability): void {
    const same = sameAvailability(availability, this.availability);
    this.availability = availability;
    if (!same) this.refresh();
  }

  /** Rebuilds the tree soon, once for every change that arrives meanwhile. */
  refresh(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      // Nobody asked for the last build (the view is hidden): stop ticking until someone does.
      if (!this.tree) this.updateTicker(false);
      this.tree = undefined;
      this.changed.fire();
    }, REFRESH_DELAY_MS);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'task':
        return new TaskNode(node);
      case 'run':
        return new RunNode(node);
      case 'pod':
        return new PodNode(node);
      case 'artifact':
        return new ArtifactNode(node);
      case 'message':
        return new MessageNode(node);
    }
  }

  getChildren(node?: TreeNode): TreeNode[] {
    const tree = this.current();
    if (!node) return [...tree.roots];
    // The view may hand back a node of an older build: answer from the current one.
    const fresh = tree.node(node.id);
    return fresh?.kind === 'task' || fresh?.kind === 'run' ? [...fresh.children] : [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.current().parent(node.id);
  }

  /** The node of a task, for `TreeView.reveal`. */
  taskNode(fileUri: string, taskId: string): TaskTreeNode | undefined {
    return this.current().roots.find((node): node is TaskTreeNode => node.kind === 'task' && node.args.fileUri === fileUri && node.args.taskId === taskId);
  }

  /** The node of a run, for `TreeView.reveal` after Run Task. */
  runNode(uid: string): RunTreeNode | undefined {
    const node = this.current().node(`run:${uid}`);
    return node?.kind === 'run' ? node : undefined;
  }

  private current(): TaskTree {
    if (!this.tree) {
      this.tree = buildTaskTree({ catalog: this.catalog, runs: this.runs, artifacts: this.artifacts, availability: this.availability, now: this.now() });
      this.updateTicker(this.tree.hasActiveRun);
    }
    return this.tree;
  }

  /** Ticks only while a run shown is active; an idle view costs nothing. */
  private updateTicker(active: boolean): void {
    if (active && !this.ticker) this.ticker = setInterval(() => this.refresh(), TICK_MS);
    else if (!active && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  dispose(): void {
    clearTimeout(this.pending);
    clearInterval(this.ticker);
    this.pending = undefined;
    this.ticker = undefined;
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }
}
