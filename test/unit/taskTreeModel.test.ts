/**
 * The Tasks view's model (client/src/views/tree/taskTreeModel.ts): what each task, run, Pod,
 * collected-file and message node shows, from a real catalog and small fake run and artifact stores.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { TaskStatus } from '../../server/src/core/taskModel';
import { isActive, newestFirst, type RunChange, type RunFinished, type RunStore, type TrackedRun, type WatchHealth } from '../../client/src/runs/runModel';
import type { PodSummary, RunState } from '../../client/src/runs/runState';
import { TaskCatalog } from '../../client/src/tasks/taskCatalog';
import { Emitter } from '../../client/src/util/events';
import {
  type ArtifactRecords,
  type ArtifactTreeNode,
  buildTaskTree,
  type ClusterAvailability,
  escapeMarkdown,
  formatDuration,
  type MessageTreeNode,
  type PodTreeNode,
  type RunTreeNode,
  type TaskTree,
  type TaskTreeNode,
  type TreeNode,
} from '../../client/src/views/tree/taskTreeModel';

const A = 'file:///ws/a.keruta.yaml';
const B = 'file:///ws/b.keruta.yaml';
const NOW = Date.parse('2026-01-01T10:00:00Z');
const at = (secondsBeforeNow: number): string => new Date(NOW - secondsBeforeNow * 1000).toISOString();

class FakeRunStore implements RunStore {
  private readonly all: TrackedRun[] = [];
  private readonly watches = new Map<string, WatchHealth>();
  readonly onDidChange = new Emitter<RunChange>().event;
  readonly onDidChangeHealth = new Emitter<void>().event;
  readonly onDidFinish = new Emitter<RunFinished>().event;

  add(...runs: TrackedRun[]): this {
    this.all.push(...runs);
    return this;
  }
  setHealth(namespace: string, health: WatchHealth): this {
    this.watches.set(namespace, health);
    return this;
  }
  runs(): readonly TrackedRun[] {
    return [...this.all].sort(newestFirst);
  }
  runsOfTask(taskId: string): readonly TrackedRun[] {
    return this.runs().filter((run) => run.taskId === taskId);
  }
  activeRuns(): readonly TrackedRun[] {
    return this.runs().filter(isActive);
  }
  run(uid: string): TrackedRun | undefined {
    return this.all.find((run) => run.uid === uid);
  }
  health(): ReadonlyMap<string, WatchHealth> {
    return this.watches;
  }
}

interface RunSpec extends Partial<Omit<TrackedRun, 'state'>> {
  readonly state?: Partial<RunState>;
}

let runCounter = 0;
function run(spec: RunSpec = {}): TrackedRun {
  runCounter++;
  const { state, ...rest } = spec;
  return {
    uid: `uid-${runCounter}`,
    namespace: 'default',
    name: `keruta-x-${runCounter}`,
    taskId: 'x',
    createdAt: at(600 - runCounter),
    gone: false,
    stopped: false,
    pods: [],
    ...rest,
    state: { phase: 'running', taskStatus: undefined, podSummaries: [], ...state },
  };
}

function taskYaml(fields: Record<string, string | number>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? JSON.stringify(value) : value}`)
    .join('\n');
}

function catalogOf(files: Record<string, Record<string, string | number>[]>): TaskCatalog {
  const catalog = new TaskCatalog();
  for (const [uri, tasks] of Object.entries(files)) catalog.update(uri, uri.slice('file:///ws/'.length), tasks.map(taskYaml).join('\n---\n'));
  return catalog;
}

function build(catalog: TaskCatalog, runs: RunStore = new FakeRunStore(), availability: ClusterAvailability = { kind: 'ready' }, artifacts?: ArtifactRecords): TaskTree {
  return buildTaskTree({ catalog, runs, availability, now: NOW, ...(artifacts ? { artifacts } : {}) });
}

type Collection = ReturnType<ArtifactRecords['records']>[number];

/** Collections by run uid, oldest first, as the artifact service keeps them. */
function artifactsOf(byUid: Record<string, Collection[]>): ArtifactRecords {
  return { records: (uid) => byUid[uid] ?? [] };
}

const tasksOf = (tree: TaskTree): TaskTreeNode[] => tree.roots.filter((node): node is TaskTreeNode => node.kind === 'task');
const only = <T>(items: readonly T[]): T => {
  assert.equal(items.length, 1, `expected one, got ${items.length}`);
  return items[0]!;
};

/** The one task `x` with the given runs. */
function treeWithRuns(...runs: TrackedRun[]): TaskTreeNode {
  return only(tasksOf(build(catalogOf({ [A]: [{ id: 'x', title: 'X', priority: 2 }] }), new FakeRunStore().add(...runs))));
}

describe('tasks view model: tasks', () => {
  test('no tasks: no nodes at all (the welcome view shows), whatever the cluster', () => {
    const catalog = catalogOf({ [A]: [] });
    assert.deepEqual(build(catalog).roots, []);
    assert.deepEqual(build(catalog, new FakeRunStore(), { kind: 'disabled' }).roots, []);
  });

  test('tasks are flat, highest priority first, labelled by title', () => {
    const tree = build(catalogOf({ [A]: [{ id: 'low', title: 'Low', priority: 1 }], [B]: [{ id: 'high', title: 'High', priority: 9 }, { id: 'mid', title: 'Mid', priority: 5 }] }));
    assert.deepEqual(tree.roots.map((node) => [node.kind, node.label]), [['task', 'High'], ['task', 'Mid'], ['task', 'Low']]);
  });

  test('description: status and priority, plus the active run; the file only when titles clash', () => {
    const tree = build(
      catalogOf({ [A]: [{ id: 'x', title: 'Same', priority: 3, status: 'IN_PROGRESS' }, { id: 'u', title: 'Unique' }], [B]: [{ id: 'y', title: 'Same', priority: 3 }] }),
      new FakeRunStore().add(run({ taskId: 'x', state: { phase: 'running' } })),
    );
    assert.deepEqual(tasksOf(tree).map((node) => node.description), ['IN_PROGRESS · P3 · Running · a.keruta.yaml', 'PENDING · P3 · b.keruta.yaml', 'PENDING · P0']);
  });

  test('icons and colours follow the status', () => {
    const expected: Record<TaskStatus, [string, string | undefined]> = {
      PENDING: ['circle-outline', undefined],
      IN_PROGRESS: ['sync~spin', 'charts.blue'],
      COMPLETED: ['pass', 'testing.iconPassed'],
      FAILED: ['error', 'testing.iconFailed'],
      CANCELLED: ['circle-slash', undefined],
      WAITING_FOR_INPUT: ['question', undefined],
    };
    for (const [status, [icon, color]] of Object.entries(expected)) {
      const node = only(tasksOf(build(catalogOf({ [A]: [{ id: 'x', title: 'X', status }] }))));
      assert.deepEqual([node.icon.id, node.icon.color], [icon, color], status);
    }
  });

  test('contextValue: runnable only when complete, .active while a run is active', () => {
    const tree = build(
      catalogOf({ [A]: [{ id: 'idle', title: 'Idle', priority: 3 }, { id: 'busy', title: 'Busy', priority: 2 }, { id: 'done', title: 'Done', priority: 1 }, { id: 'draft' }] }),
      new FakeRunStore().add(run({ taskId: 'busy', state: { phase: 'pending' } }), run({ taskId: 'done', state: { phase: 'succeeded' } })),
    );
    assert.deepEqual(
      tasksOf(tree).map((node) => [node.args.taskId, node.contextValue, node.runnable, node.hasActiveRun]),
      [
        ['idle', 'keruta.task.runnable', true, false],
        ['busy', 'keruta.task.runnable.active', true, true],
        ['done', 'keruta.task.runnable', true, false],
        ['draft', 'keruta.task', false, false],
      ],
    );
    assert.equal(tree.hasActiveRun, true);
  });

  test('incomplete tasks show, marked, under their id or as untitled', () => {
    const tree = build(catalogOf({ [A]: [{ id: 'no-title', priority: 1 }, { title: 'No id' }, { description: 'neither' }] }));
    assert.deepEqual(
      tasksOf(tree).map((node) => [node.label, node.description]),
      [
        ['no-title', 'PENDING · P1 · incomplete'],
        ['Untitled task', 'PENDING · P0 · incomplete'],
        ['No id', 'PENDING · P0 · incomplete'],
      ],
    );
    assert.match(tasksOf(tree)[0]!.tooltip ?? '', /needs an id and a title/);
  });

  test('commands get the file and the task id', () => {
    const node = only(tasksOf(build(catalogOf({ [A]: [{ id: 'x', title: 'X' }] }))));
    assert.deepEqual(node.args, { fileUri: A, taskId: 'x' });
  });

  test('node ids are unique even for a duplicated id, and stable when other tasks change', () => {
    const first = build(catalogOf({ [A]: [{ id: 'dup', title: 'One' }, { id: 'dup', title: 'Two' }, { title: 'No id' }] }));
    const ids = tasksOf(first).map((node) => node.id);
    assert.equal(new Set(ids).size, 3);
    const edited = build(catalogOf({ [A]: [{ id: 'new', title: 'Inserted above' }, { id: 'dup', title: 'One' }] }));
    assert.ok(tasksOf(edited).some((node) => node.id === `task:${A}#dup`));
    assert.ok(ids.includes(`task:${A}#dup`));
  });

  test('the tooltip escapes Markdown and cuts a long description', () => {
    const long = `*bold* [link](command:evil) ${'x'.repeat(600)}`;
    const node = only(tasksOf(build(catalogOf({ [A]: [{ id: 'x_1', title: 'A **title**', priority: 4, description: long }] }))));
    const tooltip = node.tooltip ?? '';
    assert.match(tooltip, /^\*\*A \\\*\\\*title\\\*\\\*\*\*/);
    assert.ok(tooltip.includes('ID: x\\_1'));
    assert.ok(tooltip.includes('File: a\\.keruta\\.yaml'));
    assert.ok(tooltip.includes('Priority: 4'));
    assert.ok(tooltip.includes('Status: PENDING'));
    assert.ok(tooltip.includes('\\[link\\]\\(command:evil\\)'));
    assert.ok(!tooltip.includes('[link](command'));
    assert.ok(tooltip.endsWith('x…'));
    assert.ok(tooltip.length < 700, `tooltip has ${tooltip.length} chars`);
  });
});

describe('tasks view model: runs', () => {
  test("a task's runs are its children, newest first", () => {
    const older = run({ createdAt: at(300), state: { phase: 'failed' } });
    const newer = run({ createdAt: at(10), state: { phase: 'running' } });
    const other = run({ taskId: 'someone-else' });
    const task = treeWithRuns(older, other, newer);
    assert.deepEqual(task.children.map((node) => node.args.uid), [newer.uid, older.uid]);
  });

  test('runs of a duplicated id go to the task their Job names, else to the first', () => {
    const tree = build(
      catalogOf({ [A]: [{ id: 'dup', title: 'In A' }], [B]: [{ id: 'dup', title: 'In B' }] }),
      new FakeRunStore().add(run({ uid: 'for-b', taskId: 'dup', taskFile: 'b.keruta.yaml' }), run({ uid: 'unnamed', taskId: 'dup' }), run({ uid: 'lost', taskId: 'dup', taskFile: 'gone.keruta.yaml' })),
    );
    const byTitle = Object.fromEntries(tasksOf(tree).map((node) => [node.label, node.children.map((r) => r.args.uid).sort()]));
    assert.deepEqual(byTitle, { 'In A': ['lost', 'unnamed'], 'In B': ['for-b'] });
  });

  test('icon, contextValue and description per phase', () => {
    const started = { startedAt: at(184) };
    const cases: [Partial<RunState>, string, string | undefined, string, string][] = [
      [{ phase: 'pending' }, 'clock', undefined, 'keruta.run.active', 'Pending'],
      [{ phase: 'pending', reason: 'ImagePullBackOff' }, 'clock', 'list.warningForeground', 'keruta.run.active', 'Pending: ImagePullBackOff'],
      [{ phase: 'running', ...started }, 'sync~spin', 'charts.blue', 'keruta.run.active', 'Running · 3m 04s'],
      [{ phase: 'finishing', ...started }, 'loading~spin', undefined, 'keruta.run.active', 'Finishing · 3m 04s'],
      [{ phase: 'failing', ...started }, 'loading~spin', 'testing.iconFailed', 'keruta.run.active', 'Failing · 3m 04s'],
      [{ phase: 'succeeded', startedAt: at(100), finishedAt: at(88), taskStatus: 'COMPLETED' }, 'pass', 'testing.iconPassed', 'keruta.run.succeeded', 'Succeeded · 12s'],
      [{ phase: 'failed', reason: 'BackoffLimitExceeded', mainExitCode: 3, startedAt: at(4000), finishedAt: at(280), taskStatus: 'FAILED' }, 'error', 'testing.iconFailed', 'keruta.run.finished', 'Failed: BackoffLimitExceeded (exit code 3) · 1h 02m'],
    ];
    for (const [state, icon, color, contextValue, description] of cases) {
      const node = only(treeWithRuns(run({ state })).children);
      assert.deepEqual([node.icon.id, node.icon.color, node.contextValue, node.description], [icon, color, contextValue, description], JSON.stringify(state));
      assert.equal(node.active, contextValue === 'keruta.run.active');
    }
  });

  test('a gone run: trash when never finished (no duration), its last state otherwise; always keruta.run.gone', () => {
    const vanished = only(treeWithRuns(run({ gone: true, state: { phase: 'gone', startedAt: at(50) } })).children);
    assert.deepEqual([vanished.icon.id, vanished.contextValue, vanished.description], ['trash', 'keruta.run.gone', 'Gone (gone)']);
    const expired = only(treeWithRuns(run({ gone: true, state: { phase: 'succeeded', startedAt: at(100), finishedAt: at(40) } })).children);
    assert.deepEqual([expired.icon.id, expired.contextValue, expired.description], ['pass', 'keruta.run.gone', 'Succeeded · 1m 00s (gone)']);
    assert.equal(expired.active, false);
  });

  test('an active run marks its task, and its duration counts up to now', () => {
    const task = treeWithRuns(run({ state: { phase: 'running', startedAt: at(5) } }));
    assert.equal(task.hasActiveRun, true);
    assert.equal(task.children[0]!.description, 'Running · 5s');
  });

  test('commands get the uid, namespace and name of the Job', () => {
    const node = only(treeWithRuns(run({ uid: 'u-1', namespace: 'batch', name: 'keruta-x-abc' })).children);
    assert.deepEqual(node.args, { uid: 'u-1', namespace: 'batch', name: 'keruta-x-abc' });
    assert.equal(node.label, 'keruta-x-abc');
    assert.equal(node.id, 'run:u-1');
  });

  test('children: the trouble first, then the Pods', () => {
    const pods: PodSummary[] = [
      { name: 'p-old', phase: 'Failed', ready: '0/2', restarts: 0, mainExitCode: 1 },
      { name: 'p-new', phase: 'Pending', ready: '0/2', restarts: 3, reason: 'CrashLoopBackOff', mainExitCode: 1 },
    ];
    const node = only(treeWithRuns(run({ uid: 'u', state: { phase: 'running', reason: 'CrashLoopBackOff', message: 'back-off 5m0s\nrestarting failed container', podSummaries: pods } })).children);
    assert.deepEqual(node.children.map((child) => [child.kind, child.label]), [['message', 'CrashLoopBackOff: back-off 5m0s'], ['pod', 'p-old'], ['pod', 'p-new']]);
    const detail = node.children[0] as MessageTreeNode;
    assert.deepEqual([detail.icon.id, detail.icon.color], ['warning', 'list.warningForeground']);
    assert.match(detail.tooltip ?? '', /restarting failed container/);
    const [, failedPod, crashing] = node.children as [MessageTreeNode, PodTreeNode, PodTreeNode];
    assert.deepEqual([failedPod.icon.id, failedPod.contextValue, failedPod.description], ['error', 'keruta.pod', 'Failed · 0/2 · exit code 1']);
    assert.deepEqual([crashing.icon.id, crashing.description], ['warning', 'Pending · 0/2 · restarts: 3 · CrashLoopBackOff · exit code 1']);
    assert.deepEqual(crashing.args, { runUid: 'u', namespace: 'default', name: 'p-new' });
  });

  test('the detail line: an error for a failed run, a message-only line, none without text', () => {
    const failed = only(treeWithRuns(run({ state: { phase: 'failed', reason: 'DeadlineExceeded' } })).children);
    const detail = only(failed.children);
    assert.deepEqual([detail.kind, detail.label, detail.icon.id], ['message', 'DeadlineExceeded', 'error']);
    const messageOnly = only(only(treeWithRuns(run({ state: { phase: 'pending', message: 'waiting for quota' } })).children).children);
    assert.equal(messageOnly.label, 'waiting for quota');
    const quiet = only(treeWithRuns(run({ state: { phase: 'running' } })).children);
    assert.deepEqual(quiet.children, []);
  });

  test('Pods: running, terminating and succeeded icons', () => {
    const podSummaries: PodSummary[] = [
      { name: 'a', phase: 'Running', ready: '2/2', restarts: 0, collectorRunning: true },
      { name: 'b', phase: 'Running', ready: '1/2', restarts: 0, reason: 'Terminating' },
      { name: 'c', phase: 'Succeeded', ready: '0/2', restarts: 0, mainExitCode: 0 },
    ];
    const pods = only(treeWithRuns(run({ state: { phase: 'running', podSummaries } })).children).children as PodTreeNode[];
    assert.deepEqual(pods.map((pod) => [pod.icon.id, pod.icon.color]), [['vm-running', 'charts.blue'], ['loading~spin', undefined], ['pass', 'testing.iconPassed']]);
    assert.match(pods[0]!.tooltip ?? '', /collector still runs/);
  });

  test('parents: Pod → run → task → none', () => {
    const r = run({ uid: 'u', state: { phase: 'running', reason: 'Why', podSummaries: [{ name: 'p', phase: 'Running', ready: '1/1', restarts: 0 }] } });
    const tree = build(catalogOf({ [A]: [{ id: 'x', title: 'X' }] }), new FakeRunStore().add(r));
    const task = only(tasksOf(tree));
    assert.equal(tree.parent('pod:u/p')?.id, 'run:u');
    assert.equal(tree.parent('detail:u')?.id, 'run:u');
    assert.equal(tree.parent('run:u')?.id, task.id);
    assert.equal(tree.parent(task.id), undefined);
    assert.equal(tree.node('pod:u/p')?.kind, 'pod');
    assert.equal(tree.node('nothing'), undefined);
  });
});

describe('tasks view model: collected files', () => {
  const FOLDER = path.join(path.sep, 'ws', '.keruta', 'artifacts', 'x', 'keruta-x-1');
  const pods: PodSummary[] = [{ name: 'p', phase: 'Succeeded', ready: '0/2', restarts: 0, mainExitCode: 0 }];

  function runWith(artifacts: ArtifactRecords | undefined, spec: RunSpec = {}): RunTreeNode {
    const r = run({ uid: 'u', state: { phase: 'succeeded', podSummaries: pods }, ...spec });
    const tree = build(catalogOf({ [A]: [{ id: 'x', title: 'X' }] }), new FakeRunStore().add(r), { kind: 'ready' }, artifacts);
    return only(only(tasksOf(tree)).children);
  }
  const artifactsUnder = (node: RunTreeNode): ArtifactTreeNode[] => node.children.filter((child): child is ArtifactTreeNode => child.kind === 'artifact');

  test('one node per file after the Pods, sorted as the Explorer does, opening the file by its absolute path', () => {
    const node = runWith(artifactsOf({ u: [{ result: { folder: FOLDER, files: ['notes/b.txt', 'README.md', 'a 10.md', 'a 9.md'] } }] }));
    assert.deepEqual(node.children.map((child) => [child.kind, child.label]), [
      ['pod', 'p'],
      ['artifact', 'a 9.md'],
      ['artifact', 'a 10.md'],
      ['artifact', 'notes/b.txt'],
      ['artifact', 'README.md'],
    ]);
    const file = artifactsUnder(node).find((child) => child.label === 'notes/b.txt')!;
    assert.equal(file.id, 'artifact:u/notes/b.txt');
    assert.deepEqual([file.icon.id, file.contextValue, file.command.command], ['file', 'keruta.artifact', 'vscode.open']);
    assert.deepEqual(file.args, { runUid: 'u', path: path.join(FOLDER, 'notes', 'b.txt'), folder: false });
  });

  test('the latest collection with files counts: failures and a later empty collection do not hide it', () => {
    const node = runWith(
      artifactsOf({
        u: [
          { result: { folder: `${FOLDER}-old`, files: ['old.md'] } },
          { result: { folder: FOLDER, files: ['new.md'] } },
          {},
          { result: { folder: `${FOLDER}-2`, files: [] } },
        ],
      }),
    );
    assert.deepEqual(artifactsUnder(node).map((child) => child.args.path), [path.join(FOLDER, 'new.md')]);
  });

  test('no files: no nodes, and a run without Pods or files does not expand', () => {
    assert.deepEqual(artifactsUnder(runWith(undefined)), []);
    assert.deepEqual(artifactsUnder(runWith(artifactsOf({ u: [{}, { result: { folder: FOLDER, files: [] } }] }))), []);
    assert.deepEqual(runWith(artifactsOf({}), { state: { phase: 'succeeded' } }).children, []);
  });

  test('a collection of a finished run without Pods still shows its files', () => {
    const node = runWith(artifactsOf({ u: [{ result: { folder: FOLDER, files: ['a.md'] } }] }), { state: { phase: 'succeeded' } });
    assert.deepEqual(node.children.map((child) => child.kind), ['artifact']);
  });

  test('more than 50 files: one folder node that reveals the folder', () => {
    const files = Array.from({ length: 51 }, (_, n) => `f${n}.txt`);
    const node = runWith(artifactsOf({ u: [{ result: { folder: FOLDER, files } }] }));
    const folder = only(artifactsUnder(node));
    assert.deepEqual(
      [folder.id, folder.label, folder.description, folder.icon.id, folder.contextValue, folder.command.command],
      ['artifacts:u', '51 collected files', 'keruta-x-1', 'folder', 'keruta.artifacts', 'revealInExplorer'],
    );
    assert.deepEqual(folder.args, { runUid: 'u', path: FOLDER, folder: true });
    const fifty = runWith(artifactsOf({ u: [{ result: { folder: FOLDER, files: files.slice(0, 50) } }] }));
    assert.equal(artifactsUnder(fifty).length, 50);
  });

  test('parents and lookups reach the file nodes', () => {
    const r = run({ uid: 'u', state: { phase: 'succeeded' } });
    const tree = build(catalogOf({ [A]: [{ id: 'x', title: 'X' }] }), new FakeRunStore().add(r), { kind: 'ready' }, artifactsOf({ u: [{ result: { folder: FOLDER, files: ['a.md'] } }] }));
    assert.equal(tree.node('artifact:u/a.md')?.kind, 'artifact');
    assert.equal(tree.parent('artifact:u/a.md')?.id, 'run:u');
  });

  test('the tooltip shows the path literally', () => {
    const node = only(artifactsUnder(runWith(artifactsOf({ u: [{ result: { folder: FOLDER, files: ['[x](command:y).md'] } }] }))));
    assert.ok(!(node.tooltip ?? '').includes('[x](command'));
  });
});

describe('tasks view model: the cluster', () => {
  const catalog = (): TaskCatalog => catalogOf({ [A]: [{ id: 'x', title: 'X' }] });
  const first = (tree: TaskTree): TreeNode => tree.roots[0]!;

  test('ready: no message, only tasks', () => {
    assert.deepEqual(build(catalog()).roots.map((node) => node.kind), ['task']);
  });

  const cases: [ClusterAvailability, string, string][] = [
    [{ kind: 'disabled' }, 'Kubernetes is turned off (keruta.kubernetes.enabled).', 'keruta.openKubernetesSettings'],
    [{ kind: 'untrusted' }, 'This workspace is not trusted: Keruta does not run tasks or read a kubeconfig here.', 'workbench.trust.manage'],
    [{ kind: 'error', message: 'The cluster at https://k8s:6443 cannot be reached.' }, 'The cluster at https://k8s:6443 cannot be reached.', 'keruta.checkClusterAccess'],
  ];
  for (const [availability, label, command] of cases) {
    test(`${availability.kind}: one message on top, tasks still listed`, () => {
      const tree = build(catalog(), new FakeRunStore(), availability);
      assert.deepEqual(tree.roots.map((node) => node.kind), ['message', 'task']);
      const node = first(tree) as MessageTreeNode;
      assert.equal(node.label, label);
      assert.equal(node.command?.command, command);
      assert.equal(node.contextValue, 'keruta.message');
    });
  }

  test('a watch that keeps failing is shown while the cluster is ready, not otherwise', () => {
    const runs = new FakeRunStore()
      .setHealth('default', { state: 'live' })
      .setHealth('batch', { state: 'retrying', retryAt: NOW + 5000, error: { kind: 'forbidden', message: 'jobs is forbidden', fix: 'Grant watch on jobs.' } });
    const ready = build(catalog(), runs);
    assert.deepEqual(ready.roots.map((node) => node.kind), ['message', 'task']);
    const warning = first(ready) as MessageTreeNode;
    assert.equal(warning.label, 'Watching namespace batch failed: jobs is forbidden');
    assert.equal(warning.icon.id, 'warning');
    assert.match(warning.tooltip ?? '', /Grant watch on jobs\\\./);
    const disabled = build(catalog(), runs, { kind: 'disabled' });
    assert.equal(disabled.roots.filter((node) => node.kind === 'message').length, 1);
  });

  test('a Kubernetes message is escaped in the tooltip', () => {
    const node = first(build(catalog(), new FakeRunStore(), { kind: 'error', message: 'bad <b>html</b>' }));
    assert.equal(node.tooltip, 'bad \\<b\\>html\\</b\\>');
  });

  test('hasActiveRun is false with only finished runs', () => {
    const tree = build(catalog(), new FakeRunStore().add(run({ state: { phase: 'succeeded' } }), run({ gone: true, state: { phase: 'running' } })));
    assert.equal(tree.hasActiveRun, false);
    const runs = only(tasksOf(tree)).children as RunTreeNode[];
    assert.deepEqual(runs.map((r) => r.active), [false, false]);
  });
});

describe('tasks view model: text', () => {
  test('formatDuration', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [999, '0s'],
      [12_000, '12s'],
      [59_999, '59s'],
      [60_000, '1m 00s'],
      [184_000, '3m 04s'],
      [3_599_000, '59m 59s'],
      [3_600_000, '1h 00m'],
      [3_720_000, '1h 02m'],
      [26 * 3_600_000 + 5 * 60_000, '26h 05m'],
      [-5_000, '0s'],
    ];
    for (const [millis, text] of cases) assert.equal(formatDuration(millis), text, String(millis));
  });

  test('escapeMarkdown leaves letters alone and escapes what Markdown reads', () => {
    assert.equal(escapeMarkdown('plain text 123'), 'plain text 123');
    assert.equal(escapeMarkdown('a_b *c* `d` [e](f) <g> #h'), 'a\\_b \\*c\\* \\`d\\` \\[e\\]\\(f\\) \\<g\\> \\#h');
  });
});
