/**
 * The runs status bar as a function of its state (client/src/views/statusBarModel.ts): when it
 * shows, what it says, its colours, and the tooltip's escaping and command links. Hand-built runs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrackedRun } from '../../client/src/runs/runModel';
import type { RunState } from '../../client/src/runs/runState';
import {
  formatElapsed,
  type LastFinishedRun,
  MAX_TOOLTIP_RUNS,
  RECENT_FINISH_MS,
  statusBarState,
  type StatusBarInput,
} from '../../client/src/views/statusBarModel';

const T0 = Date.parse('2025-03-01T10:00:00Z');
const iso = (millis: number): string => new Date(millis).toISOString();

const RUNNING: RunState = { phase: 'running', taskStatus: undefined, startedAt: iso(T0), podSummaries: [] };
const PENDING: RunState = { phase: 'pending', taskStatus: undefined, reason: 'ImagePullBackOff', podSummaries: [] };
const SUCCEEDED: RunState = { phase: 'succeeded', taskStatus: 'COMPLETED', startedAt: iso(T0), finishedAt: iso(T0 + 60_000), podSummaries: [] };
const FAILED: RunState = {
  phase: 'failed',
  taskStatus: 'FAILED',
  reason: 'BackoffLimitExceeded',
  mainExitCode: 3,
  startedAt: iso(T0),
  finishedAt: iso(T0 + 60_000),
  podSummaries: [],
};

let serial = 0;
function run(overrides: Partial<TrackedRun> = {}): TrackedRun {
  serial += 1;
  return {
    uid: `0000-uid-${serial}`,
    namespace: 'default',
    name: `keruta-t-${serial}`,
    taskId: `T-${serial}`,
    taskTitle: `Task number ${serial}`,
    createdAt: iso(T0 - 5000),
    state: RUNNING,
    gone: false,
    stopped: false,
    pods: [],
    ...overrides,
  };
}

function input(overrides: Partial<StatusBarInput> = {}): StatusBarInput {
  return { active: [], now: T0, availability: 'ready', ...overrides };
}

function finished(outcome: 'COMPLETED' | 'FAILED', at: number, overrides: Partial<TrackedRun> = {}): LastFinishedRun {
  return { run: run({ state: outcome === 'COMPLETED' ? SUCCEEDED : FAILED, ...overrides }), outcome, at };
}

/** Every Markdown link in the tooltip: its label and command URI. */
function links(markdown: string): { label: string; uri: string }[] {
  return [...markdown.matchAll(/(?<!\\)\[((?:\\.|[^[\]\\])*)\]\(([^)\s]*)\)/g)].map((match) => ({ label: match[1]!, uri: match[2]! }));
}

/** A `command:` URI's command id and decoded JSON arguments. */
function decodeCommandUri(uri: string): { command: string; args: unknown } {
  const match = /^command:([^?]+)(?:\?(.*))?$/.exec(uri);
  assert.ok(match, `not a command URI: ${uri}`);
  return { command: match[1]!, args: match[2] === undefined ? undefined : JSON.parse(decodeURIComponent(match[2])) };
}

describe('statusBarState: visibility', () => {
  test('is hidden with no active run, no recent finish and no problem', () => {
    const view = statusBarState(input());
    assert.equal(view.visible, false);
    assert.equal(view.backgroundColor, undefined);
    assert.equal(view.command, 'keruta.tasks.focus');
  });

  test('is hidden when Kubernetes is disabled or the workspace untrusted, whatever the runs', () => {
    for (const availability of ['disabled', 'untrusted'] as const) {
      const view = statusBarState(input({ availability, active: [run()], watchProblem: 'default: unreachable' }));
      assert.equal(view.visible, false, availability);
      assert.equal(view.backgroundColor, undefined, availability);
    }
  });

  test('shows a warning with the problem in the tooltip when a watch is retrying', () => {
    const view = statusBarState(input({ watchProblem: 'default: the API server cannot be reached' }));
    assert.equal(view.visible, true);
    assert.equal(view.text, '$(warning) Keruta');
    assert.equal(view.backgroundColor, 'statusBarItem.warningBackground');
    assert.match(view.tooltipMarkdown, /the API server cannot be reached/);
    assert.ok(links(view.tooltipMarkdown).some((l) => l.uri === 'command:keruta.showOutput'));
  });

  test('shows a warning when the cluster cannot be used, with or without a watch problem', () => {
    const bare = statusBarState(input({ availability: 'error' }));
    assert.equal(bare.visible, true);
    assert.equal(bare.backgroundColor, 'statusBarItem.warningBackground');
    assert.match(bare.tooltipMarkdown, /Keruta cannot use the cluster\\\./);
    const detailed = statusBarState(input({ availability: 'error', watchProblem: 'kubeconfig not found' }));
    assert.match(detailed.tooltipMarkdown, /kubeconfig not found/);
  });

  test('keeps the runs in the text and adds the warning colour when a watch is retrying', () => {
    const view = statusBarState(input({ active: [run({ taskTitle: 'Build' })], now: T0 + 1000, watchProblem: 'default: forbidden' }));
    assert.equal(view.text, '$(sync~spin) Build 0:01');
    assert.equal(view.backgroundColor, 'statusBarItem.warningBackground');
    assert.match(view.tooltipMarkdown, /forbidden/);
  });
});

describe('statusBarState: active runs', () => {
  test('one run: spinner, title and elapsed time since the Job started', () => {
    const view = statusBarState(input({ active: [run({ taskTitle: 'Write the docs' })], now: T0 + 83_000 }));
    assert.equal(view.visible, true);
    assert.equal(view.text, '$(sync~spin) Write the docs 1:23');
    assert.equal(view.backgroundColor, undefined);
    assert.equal(view.command, 'keruta.tasks.focus');
  });

  test('one run not started yet: elapsed since the Job was created', () => {
    const view = statusBarState(input({ active: [run({ taskTitle: 'Wait', state: PENDING, createdAt: iso(T0) })], now: T0 + 7000 }));
    assert.equal(view.text, '$(sync~spin) Wait 0:07');
  });

  test('one run: a long title is cut to 30 characters, the ellipsis included', () => {
    const title = 'Migrate every customer database to the new cluster';
    const view = statusBarState(input({ active: [run({ taskTitle: title })], now: T0 }));
    const shown = view.text.replace(/^\$\(sync~spin\) /, '').replace(/ 0:00$/, '');
    assert.equal([...shown].length, 30);
    assert.equal(shown, `${title.slice(0, 29)}…`);
    const exact = 'x'.repeat(30);
    assert.equal(statusBarState(input({ active: [run({ taskTitle: exact })], now: T0 })).text, `$(sync~spin) ${exact} 0:00`);
  });

  test('one run without a title shows the task id; icon syntax in a title is not an icon', () => {
    assert.equal(statusBarState(input({ active: [run({ taskTitle: undefined, taskId: 'T-42' })], now: T0 })).text, '$(sync~spin) T-42 0:00');
    assert.equal(statusBarState(input({ active: [run({ taskTitle: 'Deploy $(zap)' })], now: T0 })).text, '$(sync~spin) Deploy \\$(zap) 0:00');
  });

  test('several runs: their number', () => {
    const view = statusBarState(input({ active: [run(), run(), run()], now: T0 }));
    assert.equal(view.visible, true);
    assert.equal(view.text, '$(sync~spin) 3 tasks running');
  });

  test('an active run takes the text over from a recent failure, without the error colour', () => {
    const view = statusBarState(input({ active: [run({ taskTitle: 'Next' })], lastFinished: finished('FAILED', T0), now: T0 }));
    assert.equal(view.text, '$(sync~spin) Next 0:00');
    assert.equal(view.backgroundColor, undefined);
    assert.match(view.tooltipMarkdown, /\$\(error\)/);
  });
});

describe('formatElapsed', () => {
  test('m:ss below an hour, h:mm:ss from then on', () => {
    assert.equal(formatElapsed(0), '0:00');
    assert.equal(formatElapsed(999), '0:00');
    assert.equal(formatElapsed(59_000), '0:59');
    assert.equal(formatElapsed(60_000), '1:00');
    assert.equal(formatElapsed(605_000), '10:05');
    assert.equal(formatElapsed(3_599_000), '59:59');
    assert.equal(formatElapsed(3_600_000), '1:00:00');
    assert.equal(formatElapsed(3_600_000 + 65_000), '1:01:05');
    assert.equal(formatElapsed(26 * 3_600_000), '26:00:00');
  });

  test('a start in the future (clock skew) counts as zero', () => {
    assert.equal(formatElapsed(-5000), '0:00');
    const view = statusBarState(input({ active: [run({ taskTitle: 'Skew', state: { ...RUNNING, startedAt: iso(T0 + 60_000) } })], now: T0 }));
    assert.equal(view.text, '$(sync~spin) Skew 0:00');
  });
});

describe('statusBarState: the last finished run', () => {
  test('a success shows for ten minutes, then the item hides', () => {
    const last = finished('COMPLETED', T0, { taskTitle: 'Ship it' });
    const fresh = statusBarState(input({ lastFinished: last, now: T0 }));
    assert.equal(fresh.visible, true);
    assert.equal(fresh.text, '$(pass) Ship it');
    assert.equal(fresh.backgroundColor, undefined);
    assert.match(fresh.tooltipMarkdown, /just now/);

    const late = statusBarState(input({ lastFinished: last, now: T0 + RECENT_FINISH_MS - 1 }));
    assert.equal(late.visible, true);
    assert.match(late.tooltipMarkdown, /9 min ago/);

    const expired = statusBarState(input({ lastFinished: last, now: T0 + RECENT_FINISH_MS }));
    assert.equal(expired.visible, false);
    assert.doesNotMatch(expired.tooltipMarkdown, /Ship it/);
  });

  test('a failure shows with the error colour and its reason, the whole description in the tooltip', () => {
    const view = statusBarState(input({ lastFinished: finished('FAILED', T0, { taskTitle: 'Nightly build' }), now: T0 + 120_000 }));
    assert.equal(view.visible, true);
    assert.equal(view.text, '$(error) Nightly build: FAILED (BackoffLimitExceeded)');
    assert.equal(view.backgroundColor, 'statusBarItem.errorBackground');
    assert.match(view.tooltipMarkdown, /BackoffLimitExceeded \\\(exit code 3\\\)/);
    assert.match(view.tooltipMarkdown, /2 min ago/);
  });

  test('a failure without a reason says FAILED', () => {
    const last = finished('FAILED', T0, { taskTitle: 'Quiet', state: { phase: 'failed', taskStatus: 'FAILED', podSummaries: [] } });
    assert.equal(statusBarState(input({ lastFinished: last, now: T0 })).text, '$(error) Quiet: FAILED');
  });

  test('a watch problem outranks a recent failure', () => {
    const view = statusBarState(input({ lastFinished: finished('FAILED', T0), now: T0, watchProblem: 'default: timeout' }));
    assert.equal(view.text, '$(warning) Keruta');
    assert.equal(view.backgroundColor, 'statusBarItem.warningBackground');
  });
});

describe('statusBarState: tooltip', () => {
  test('a line per active run with its phase, elapsed time, and Logs and Stop links that carry its uid', () => {
    const first = run({ uid: 'a1b2-c3', taskTitle: 'First', state: PENDING, createdAt: iso(T0) });
    const second = run({ uid: 'd4e5-f6', taskTitle: 'Second' });
    const view = statusBarState(input({ active: [first, second], now: T0 + 65_000 }));
    const lines = view.tooltipMarkdown.split('\n').filter((line) => line.startsWith('- '));
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /\*\*First\*\* · Pending: ImagePullBackOff · 1:05 · /);
    assert.match(lines[1]!, /\*\*Second\*\* · Running · 1:05 · /);

    for (const [line, uid] of [[lines[0]!, 'a1b2-c3'], [lines[1]!, 'd4e5-f6']] as const) {
      const commands = links(line).map((l) => ({ label: l.label, ...decodeCommandUri(l.uri) }));
      assert.deepEqual(commands, [
        { label: 'Logs', command: 'keruta.showLogs', args: [uid] },
        { label: 'Stop', command: 'keruta.stopRun', args: [uid] },
      ]);
    }
    const focus = links(view.tooltipMarkdown).map((l) => decodeCommandUri(l.uri)).filter((c) => c.command === 'keruta.tasks.focus');
    assert.deepEqual(focus, [{ command: 'keruta.tasks.focus', args: undefined }]);
  });

  test('a run being stopped offers no Stop link', () => {
    const view = statusBarState(input({ active: [run({ stopped: true })], now: T0 }));
    const commands = links(view.tooltipMarkdown).map((l) => decodeCommandUri(l.uri).command);
    assert.ok(commands.includes('keruta.showLogs'));
    assert.ok(!commands.includes('keruta.stopRun'));
    assert.match(view.tooltipMarkdown, /Stopping/);
  });

  test('command arguments are URI-encoded JSON that survive quotes, spaces and parentheses', () => {
    const uid = 'odd uid "with" (parens) & [brackets]?';
    const view = statusBarState(input({ active: [run({ uid })], now: T0 }));
    const logs = links(view.tooltipMarkdown).find((l) => l.label === 'Logs');
    assert.ok(logs);
    assert.doesNotMatch(logs.uri, /[\s"()[\]]/);
    assert.deepEqual(decodeCommandUri(logs.uri), { command: 'keruta.showLogs', args: [uid] });
  });

  test('titles are escaped: no Markdown, links, HTML or icons get through', () => {
    const title = '*bold* [click](command:evil) <img src=x> `code` $(zap) # _x_\nsecond line';
    const view = statusBarState(input({ active: [run({ taskTitle: title })], now: T0 }));
    const line = view.tooltipMarkdown.split('\n').find((l) => l.startsWith('- '));
    assert.ok(line);
    assert.ok(
      line.startsWith(
        '- $(sync~spin) **\\*bold\\* \\[click\\]\\(command:evil\\) \\<img src=x\\> \\`code\\` \\$\\(zap\\) \\# \\_x\\_ second line** · ',
      ),
      line,
    );
    // The only links are the ones the model made.
    const commands = links(view.tooltipMarkdown).map((l) => decodeCommandUri(l.uri).command);
    assert.deepEqual(commands, ['keruta.showLogs', 'keruta.stopRun', 'keruta.tasks.focus']);
  });

  test('many runs: the first few are listed, the rest counted', () => {
    const active = Array.from({ length: MAX_TOOLTIP_RUNS + 4 }, () => run());
    const view = statusBarState(input({ active, now: T0 }));
    assert.equal(view.tooltipMarkdown.split('\n').filter((line) => line.startsWith('- $(sync~spin)')).length, MAX_TOOLTIP_RUNS);
    assert.match(view.tooltipMarkdown, /…and 4 more/);
  });

  test('with nothing running the tooltip says so', () => {
    const view = statusBarState(input({ lastFinished: finished('COMPLETED', T0), now: T0 }));
    assert.match(view.tooltipMarkdown, /No task is running\\\./);
    const logs = links(view.tooltipMarkdown).map((l) => decodeCommandUri(l.uri)).find((c) => c.command === 'keruta.showLogs');
    assert.ok(logs);
  });
});
