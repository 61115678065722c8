/**
 * What the Tasks view shows, as plain nodes: tasks (highest priority first), their runs (newest
 * first), and each run's Pods, trouble and collected files. Pure: built from the catalog, the run
 * store, the collections and the cluster's availability; the provider and node classes only turn
 * it into TreeItems.
 */
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import type { TaskStatus } from '../../../../server/src/core/taskModel';
import { isActive, type RunStore, type TrackedRun, type WatchHealth } from '../../runs/runModel';
import { describeRunState, type PodSummary, type RunPhase, type RunState } from '../../runs/runState';
import { findTaskInCatalog, type CatalogTask, type TaskCatalog } from '../../tasks/taskCatalog';

/** Whether tasks can run here, as the cluster side last judged it. */
export type ClusterAvailability =
  | { readonly kind: 'ready' }
  | { readonly kind: 'disabled' }
  | { readonly kind: 'untrusted' }
  | { readonly kind: 'error'; readonly message: string };

/** Commands the view's nodes run; contributed and registered elsewhere. */
export const TreeCommands = {
  openTaskFile: 'keruta.openTaskFile',
  openKubernetesSettings: 'keruta.openKubernetesSettings',
  checkClusterAccess: 'keruta.checkClusterAccess',
  manageWorkspaceTrust: 'workbench.trust.manage',
  /** Built-in: opens a file (the node class passes its Uri). */
  openFile: 'vscode.open',
  /** Built-in: shows a folder in the Explorer (the node class passes its Uri). */
  revealInExplorer: 'revealInExplorer',
} as const;

/** `viewItem` values; package.json's `view/item/context` menus match on these. */
export const ContextValues = {
  task: 'keruta.task',
  taskRunnable: 'keruta.task.runnable',
  taskRunnableActive: 'keruta.task.runnable.active',
  runActive: 'keruta.run.active',
  runFinished: 'keruta.run.finished',
  runSucceeded: 'keruta.run.succeeded',
  runGone: 'keruta.run.gone',
  pod: 'keruta.pod',
  artifact: 'keruta.artifact',
  artifacts: 'keruta.artifacts',
  message: 'keruta.message',
} as const;

/** A codicon id (`sync~spin`) and an optional theme colour id (`charts.blue`). */
export interface TreeIcon {
  readonly id: string;
  readonly color?: string;
}

export interface TreeCommand {
  readonly command: string;
  readonly arguments?: readonly unknown[];
}

export interface NodeCommon {
  /** Stable across rebuilds: keeps selection and expansion, and lets the view reveal a node. */
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  /** Markdown source; rendered untrusted. */
  readonly tooltip?: string;
  readonly icon: TreeIcon;
  readonly contextValue: string;
}

/** Menu commands receive this node: `args` is what they need. */
export interface TaskTreeNode extends NodeCommon {
  readonly kind: 'task';
  readonly args: { readonly fileUri: string; readonly taskId: string };
  /** The task has id and title and can be run. */
  readonly runnable: boolean;
  readonly hasActiveRun: boolean;
  readonly children: readonly RunTreeNode[];
}

export interface RunTreeNode extends NodeCommon {
  readonly kind: 'run';
  readonly args: { readonly uid: string; readonly namespace: string; readonly name: string };
  readonly taskId: string;
  readonly active: boolean;
  readonly children: readonly (MessageTreeNode | PodTreeNode | ArtifactTreeNode)[];
}

export interface PodTreeNode extends NodeCommon {
  readonly kind: 'pod';
  readonly args: { readonly runUid: string; readonly namespace: string; readonly name: string };
}

/** A collected file, or the folder of a collection too large to list file by file. */
export interface ArtifactTreeNode extends NodeCommon {
  readonly kind: 'artifact';
  /** `path` is absolute (a file, or the folder when `folder`); the node class makes it a Uri. */
  readonly args: { readonly runUid: string; readonly path: string; readonly folder: boolean };
  readonly command: TreeCommand;
}

export interface MessageTreeNode extends NodeCommon {
  readonly kind: 'message';
  readonly command?: TreeCommand;
}

export type TreeNode = TaskTreeNode | RunTreeNode | PodTreeNode | ArtifactTreeNode | MessageTreeNode;

/** The collections of a run, oldest first (an `ArtifactStore`). */
export interface ArtifactRecords {
  records(uid: string): readonly { readonly result?: { readonly folder: string; readonly files: readonly string[] } }[];
}

export interface TaskTreeInput {
  readonly catalog: TaskCatalog;
  readonly runs: RunStore;
  /** Collected files show under their run; without it, none do. */
  readonly artifacts?: ArtifactRecords;
  readonly availability: ClusterAvailability;
  /** Clock for the durations of runs that have not finished (ms). */
  readonly now: number;
}

export interface TaskTree {
  readonly roots: readonly TreeNode[];
  /** Some shown run is not finished: durations change every second. */
  readonly hasActiveRun: boolean;
  node(id: string): TreeNode | undefined;
  parent(id: string): TreeNode | undefined;
}

export function buildTaskTree(input: TaskTreeInput): TaskTree {
  const tasks = input.catalog.tasks();
  // Without tasks the view stays empty, so that its welcome content (create a task file) shows.
  const roots: TreeNode[] = tasks.length === 0 ? [] : [...clusterMessages(input), ...taskNodes(input, tasks)];
  const nodes = new Map<string, TreeNode>();
  const parents = new Map<string, TreeNode>();
  const index = (node: TreeNode, parent: TreeNode | undefined): void => {
    nodes.set(node.id, node);
    if (parent) parents.set(node.id, parent);
    if (node.kind === 'task' || node.kind === 'run') for (const child of node.children) index(child, node);
  };
  for (const root of roots) index(root, undefined);
  const hasActiveRun = roots.some((node) => node.kind === 'task' && node.hasActiveRun);
  return { roots, hasActiveRun, node: (id) => nodes.get(id), parent: (id) => parents.get(id) };
}

// --- cluster ---------------------------------------------------------------------------------

function clusterMessages(input: TaskTreeInput): MessageTreeNode[] {
  const availability = input.availability;
  switch (availability.kind) {
    case 'disabled':
      return [message('message:availability', l10n.t('Kubernetes is turned off (keruta.kubernetes.enabled).'), { id: 'info' }, TreeCommands.openKubernetesSettings)];
    case 'untrusted':
      return [
        message('message:availability', l10n.t('This workspace is not trusted: Keruta does not run tasks or read a kubeconfig here.'), { id: 'workspace-untrusted' }, TreeCommands.manageWorkspaceTrust),
      ];
    case 'error':
      return [message('message:availability', availability.message, { id: 'error', color: 'list.errorForeground' }, TreeCommands.checkClusterAccess)];
    case 'ready':
      return [...input.runs.health()].flatMap(([namespace, health]) => watchMessage(namespace, health));
  }
}

function watchMessage(namespace: string, health: WatchHealth): MessageTreeNode[] {
  if (health.state !== 'retrying') return [];
  const label = l10n.t('Watching namespace {0} failed: {1}', namespace, health.error.message);
  const tooltip = `${escapeMarkdown(label)}\n\n${escapeMarkdown(health.error.fix)}`;
  return [{ ...message(`message:watch:${namespace}`, label, { id: 'warning', color: 'list.warningForeground' }, TreeCommands.checkClusterAccess), tooltip }];
}

function message(id: string, label: string, icon: TreeIcon, command?: string): MessageTreeNode {
  return {
    kind: 'message',
    id,
    label,
    tooltip: escapeMarkdown(label),
    icon,
    contextValue: ContextValues.message,
    ...(command ? { command: { command } } : {}),
  };
}

// --- tasks -----------------------------------------------------------------------------------

const STATUS_ICONS: Record<TaskStatus, TreeIcon> = {
  PENDING: { id: 'circle-outline' },
  IN_PROGRESS: { id: 'sync~spin', color: 'charts.blue' },
  COMPLETED: { id: 'pass', color: 'testing.iconPassed' },
  FAILED: { id: 'error', color: 'testing.iconFailed' },
  CANCELLED: { id: 'circle-slash' },
  WAITING_FOR_INPUT: { id: 'question' },
};

const DESCRIPTION_TOOLTIP_CHARS = 500;

function taskNodes(input: TaskTreeInput, tasks: readonly CatalogTask[]): TaskTreeNode[] {
  const labelCounts = new Map<string, number>();
  for (const task of tasks) labelCounts.set(taskLabel(task), (labelCounts.get(taskLabel(task)) ?? 0) + 1);
  const ids = new Set<string>();
  return tasks.map((task) => {
    const id = uniqueId(taskNodeId(task), ids);
    return taskNode(input, task, id, (labelCounts.get(taskLabel(task)) ?? 0) > 1);
  });
}

function taskLabel(task: CatalogTask): string {
  const { title, id } = task.parsed.task;
  return title || id || l10n.t('Untitled task');
}

function taskNodeId(task: CatalogTask): string {
  const id = task.parsed.task.id;
  // By id rather than position, so that a task keeps its node when documents above it change.
  return id.trim() === '' ? `task:${task.fileUri}@${task.parsed.documentIndex}` : `task:${task.fileUri}#${id}`;
}

function uniqueId(id: string, taken: Set<string>): string {
  let unique = id;
  for (let n = 2; taken.has(unique); n++) unique = `${id}~${n}`;
  taken.add(unique);
  return unique;
}

function taskNode(input: TaskTreeInput, task: CatalogTask, id: string, sharedLabel: boolean): TaskTreeNode {
  const { task: t, complete } = task.parsed;
  // Runs of a duplicated id go to the task their Job's task-file annotation names.
  const runs = t.id.trim() === '' ? [] : input.runs.runsOfTask(t.id).filter((run) => findTaskInCatalog(input.catalog, run.taskId, run.taskFile) === task);
  const active = runs.find(isActive);
  const parts = [t.status, `P${t.priority}`];
  if (active) parts.push(describeRunState(active.state));
  if (!complete) parts.push(l10n.t('incomplete'));
  if (sharedLabel) parts.push(task.relativePath);
  const contextValue = !complete ? ContextValues.task : active ? ContextValues.taskRunnableActive : ContextValues.taskRunnable;
  return {
    kind: 'task',
    id,
    label: taskLabel(task),
    description: parts.join(' · '),
    tooltip: taskTooltip(task),
    icon: STATUS_ICONS[t.status],
    contextValue,
    args: { fileUri: task.fileUri, taskId: t.id },
    runnable: complete,
    hasActiveRun: active !== undefined,
    children: runs.map((run) => runNode(run, input)),
  };
}

function taskTooltip(task: CatalogTask): string {
  const t = task.parsed.task;
  const facts = [
    l10n.t('ID: {0}', escapeMarkdown(t.id)),
    l10n.t('File: {0}', escapeMarkdown(task.relativePath)),
    l10n.t('Priority: {0}', t.priority),
    l10n.t('Status: {0}', t.status),
  ];
  const sections = [`**${escapeMarkdown(taskLabel(task))}**`, facts.join('  \n')];
  if (!task.parsed.complete) sections.push(l10n.t('This task needs an id and a title before it can run.'));
  if (t.description.trim() !== '') sections.push(escapeMarkdown(truncate(t.description.trim(), DESCRIPTION_TOOLTIP_CHARS)));
  return sections.join('\n\n');
}

// --- runs and pods ---------------------------------------------------------------------------

const PHASE_ICONS: Record<RunPhase, TreeIcon> = {
  pending: { id: 'clock' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  finishing: { id: 'loading~spin' },
  failing: { id: 'loading~spin', color: 'testing.iconFailed' },
  succeeded: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  gone: { id: 'trash' },
};

function runIcon(state: RunState): TreeIcon {
  // A pending run with a reason is stuck (image pull, missing Secret, unschedulable).
  if (state.phase === 'pending' && state.reason) return { id: 'clock', color: 'list.warningForeground' };
  return PHASE_ICONS[state.phase];
}

function runContextValue(run: TrackedRun): string {
  if (run.gone) return ContextValues.runGone;
  if (isActive(run)) return ContextValues.runActive;
  return run.state.phase === 'succeeded' ? ContextValues.runSucceeded : ContextValues.runFinished;
}

/** How long the run took, or has taken so far; unknown for a run that never started or vanished unfinished. */
function runDuration(run: TrackedRun, now: number): number | undefined {
  const { startedAt, finishedAt } = run.state;
  if (!startedAt) return undefined;
  const start = Date.parse(startedAt);
  const end = finishedAt ? Date.parse(finishedAt) : run.gone ? Number.NaN : now;
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : undefined;
}

function runNode(run: TrackedRun, input: TaskTreeInput): RunTreeNode {
  const duration = runDuration(run, input.now);
  let description = describeRunState(run.state);
  if (duration !== undefined) description += ` · ${formatDuration(duration)}`;
  if (run.gone) description += ` ${l10n.t('(gone)')}`;
  const detail = runDetail(run);
  return {
    kind: 'run',
    id: `run:${run.uid}`,
    label: run.name,
    description,
    tooltip: runTooltip(run, duration),
    icon: runIcon(run.state),
    contextValue: runContextValue(run),
    args: { uid: run.uid, namespace: run.namespace, name: run.name },
    taskId: run.taskId,
    active: isActive(run),
    children: [...(detail ? [detail] : []), ...run.state.podSummaries.map((pod) => podNode(run, pod)), ...artifactNodes(run, input.artifacts)],
  };
}

function runTooltip(run: TrackedRun, duration: number | undefined): string {
  const { state } = run;
  const facts = [l10n.t('Namespace: {0}', escapeMarkdown(run.namespace)), l10n.t('Created: {0}', escapeMarkdown(run.createdAt))];
  if (state.startedAt) facts.push(l10n.t('Started: {0}', escapeMarkdown(state.startedAt)));
  if (state.finishedAt) facts.push(l10n.t('Finished: {0}', escapeMarkdown(state.finishedAt)));
  if (duration !== undefined) facts.push(l10n.t('Duration: {0}', formatDuration(duration)));
  if (state.mainExitCode !== undefined) facts.push(l10n.t('Exit code: {0}', state.mainExitCode));
  const sections = [`**${escapeMarkdown(run.name)}** · ${escapeMarkdown(describeRunState(state))}`, facts.join('  \n')];
  if (state.message) sections.push(escapeMarkdown(state.message));
  if (run.stopped) sections.push(l10n.t('Stopped from this window.'));
  if (run.gone) sections.push(l10n.t('The Job no longer exists.'));
  return sections.join('\n\n');
}

const DETAIL_LABEL_CHARS = 200;

function runDetail(run: TrackedRun): MessageTreeNode | undefined {
  const { reason, message: text, phase } = run.state;
  if (!reason && !text) return undefined;
  const firstLine = text?.split(/\r?\n/, 1)[0]?.trim();
  const label = reason && firstLine ? `${reason}: ${firstLine}` : (reason ?? firstLine ?? '');
  const icon: TreeIcon =
    phase === 'failed' || phase === 'failing'
      ? { id: 'error', color: 'list.errorForeground' }
      : phase === 'pending' || phase === 'running'
        ? { id: 'warning', color: 'list.warningForeground' }
        : { id: 'info' };
  return {
    kind: 'message',
    id: `detail:${run.uid}`,
    label: truncate(label, DETAIL_LABEL_CHARS),
    tooltip: [reason ? `**${escapeMarkdown(reason)}**` : '', text ? escapeMarkdown(text) : ''].filter(Boolean).join('\n\n'),
    icon,
    contextValue: ContextValues.message,
  };
}

function podIcon(pod: PodSummary): TreeIcon {
  if (pod.phase === 'Succeeded') return { id: 'pass', color: 'testing.iconPassed' };
  if (pod.phase === 'Failed') return { id: 'error', color: 'testing.iconFailed' };
  if (pod.reason === 'Terminating') return { id: 'loading~spin' };
  if (pod.reason) return { id: 'warning', color: 'list.warningForeground' };
  return pod.phase === 'Running' ? { id: 'vm-running', color: 'charts.blue' } : { id: 'vm-outline' };
}

function podNode(run: TrackedRun, pod: PodSummary): PodTreeNode {
  const parts = [pod.phase, pod.ready];
  if (pod.restarts > 0) parts.push(l10n.t('restarts: {0}', pod.restarts));
  if (pod.reason) parts.push(pod.reason);
  if (pod.mainExitCode !== undefined) parts.push(l10n.t('exit code {0}', pod.mainExitCode));
  const facts = [
    l10n.t('Phase: {0}', escapeMarkdown(pod.phase)),
    l10n.t('Ready: {0}', escapeMarkdown(pod.ready)),
    l10n.t('Restarts: {0}', pod.restarts),
  ];
  if (pod.reason) facts.push(l10n.t('Reason: {0}', escapeMarkdown(pod.reason)));
  if (pod.mainExitCode !== undefined) facts.push(l10n.t('Exit code: {0}', pod.mainExitCode));
  if (pod.collectorRunning) facts.push(l10n.t('The collector still runs: /.keruta/doc can be collected.'));
  return {
    kind: 'pod',
    id: `pod:${run.uid}/${pod.name}`,
    label: pod.name,
    description: parts.join(' · '),
    tooltip: `**${escapeMarkdown(pod.name)}**\n\n${facts.join('  \n')}`,
    icon: podIcon(pod),
    contextValue: ContextValues.pod,
    args: { runUid: run.uid, namespace: run.namespace, name: pod.name },
  };
}

// --- collected files -----------------------------------------------------------------------

/** More collected files than this show as one folder node. */
export const MAX_ARTIFACT_NODES = 50;

function artifactNodes(run: TrackedRun, artifacts: ArtifactRecords | undefined): ArtifactTreeNode[] {
  // The latest collection that brought files: an empty one later does not hide them (they stay on disk).
  const result = [...(artifacts?.records(run.uid) ?? [])].reverse().find((record) => record.result && record.result.files.length > 0)?.result;
  if (!result) return [];
  const { folder, files } = result;
  if (files.length > MAX_ARTIFACT_NODES) {
    const label = l10n.t('{0} collected files', files.length);
    return [
      {
        kind: 'artifact',
        id: `artifacts:${run.uid}`,
        label,
        description: path.basename(folder),
        tooltip: `**${escapeMarkdown(label)}**\n\n${escapeMarkdown(folder)}`,
        icon: { id: 'folder' },
        contextValue: ContextValues.artifacts,
        args: { runUid: run.uid, path: folder, folder: true },
        command: { command: TreeCommands.revealInExplorer },
      },
    ];
  }
  return [...files]
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((file) => {
      const absolute = path.join(folder, ...file.split('/'));
      return {
        kind: 'artifact',
        id: `artifact:${run.uid}/${file}`,
        label: file,
        tooltip: escapeMarkdown(absolute),
        icon: { id: 'file' },
        contextValue: ContextValues.artifact,
        args: { runUid: run.uid, path: absolute, folder: false },
        command: { command: TreeCommands.openFile },
      };
    });
}

// --- text ------------------------------------------------------------------------------------

/** "12s", "3m 04s", "1h 02m". */
export function formatDuration(millis: number): string {
  const seconds = Math.max(0, Math.floor(millis / 1000));
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h ${pad(Math.floor(seconds / 60) % 60)}m`;
}

/** Shows text literally in a Markdown tooltip (task files are not trusted input). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, '\\$&');
}

function truncate(text: string, chars: number): string {
  const codePoints = [...text];
  return codePoints.length <= chars ? text : `${codePoints.slice(0, chars).join('')}…`;
}
