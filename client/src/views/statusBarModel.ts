/**
 * What the runs status bar item shows, as one pure function of one state value: the active runs,
 * the last run that finished, the clock, whether Kubernetes may be used and how the watch is doing.
 * No `vscode` import; statusBar.ts turns the result into a StatusBarItem.
 */
import * as l10n from '@vscode/l10n';
import { Commands } from '../identifiers';
import type { TrackedRun } from '../runs/runModel';
import { describeRunState } from '../runs/runState';

/** Whether Kubernetes features may be used in this window, as the composition root knows it. */
export type RunsAvailability = 'ready' | 'disabled' | 'untrusted' | 'error';

export interface LastFinishedRun {
  readonly run: TrackedRun;
  readonly outcome: 'COMPLETED' | 'FAILED';
  /** When this window saw it finish (ms, the caller's clock). */
  readonly at: number;
}

export interface StatusBarInput {
  /** Runs that are not terminal and not gone, newest first (RunStore.activeRuns()). */
  readonly active: readonly TrackedRun[];
  readonly lastFinished?: LastFinishedRun;
  /** The caller's clock (ms): elapsed times and the age of `lastFinished` are measured against it. */
  readonly now: number;
  readonly availability: RunsAvailability;
  /** Why the runs are not watched live (plain text), when a watch is retrying. */
  readonly watchProblem?: string;
}

export type StatusBarBackground = 'statusBarItem.errorBackground' | 'statusBarItem.warningBackground';

export interface StatusBarView {
  readonly visible: boolean;
  /** Status bar text, with `$(codicon)`s. */
  readonly text: string;
  /** Markdown whose links run the commands in TOOLTIP_COMMANDS; theme icons are used. */
  readonly tooltipMarkdown: string;
  readonly backgroundColor?: StatusBarBackground;
  readonly command: string;
}

/** The commands the tooltip links to: the only ones its MarkdownString may run. */
export const TooltipCommands = {
  showLogs: 'keruta.showLogs',
  stopRun: 'keruta.stopRun',
  focusTasks: 'keruta.tasks.focus',
  showOutput: Commands.showOutput,
} as const;

export const TOOLTIP_COMMANDS: readonly string[] = Object.values(TooltipCommands);

/** A finished run stays in the status bar this long. */
export const RECENT_FINISH_MS = 10 * 60 * 1000;
/** Longest task title shown in the status bar, in characters (the ellipsis included). */
export const MAX_TITLE_LENGTH = 30;
/** Active runs listed in the tooltip; the rest are counted. */
export const MAX_TOOLTIP_RUNS = 10;

export function statusBarState(input: StatusBarInput): StatusBarView {
  const command = TooltipCommands.focusTasks;
  // Nothing is watched in these states; the commands say why when they are used.
  if (input.availability === 'disabled' || input.availability === 'untrusted') {
    return { visible: false, text: '$(rocket) Keruta', tooltipMarkdown: '', command };
  }
  const recent = isRecent(input.lastFinished, input.now) ? input.lastFinished : undefined;
  const problem = problemText(input);

  const tooltip: string[] = [];
  if (problem !== undefined) tooltip.push(`$(warning) ${escapeMarkdown(problem)} · ${link(l10n.t('Show Output'), TooltipCommands.showOutput)}`);
  tooltip.push(input.active.length > 0 ? activeRunLines(input.active, input.now) : escapeMarkdown(l10n.t('No task is running.')));
  if (recent) tooltip.push(finishedRunLine(recent, input.now));
  tooltip.push(link(l10n.t('Show Tasks View'), TooltipCommands.focusTasks));
  const tooltipMarkdown = tooltip.join('\n\n');
  const warning = problem !== undefined ? { backgroundColor: 'statusBarItem.warningBackground' as const } : {};

  if (input.active.length === 1) {
    const run = input.active[0]!;
    const elapsed = elapsedMillis(run, input.now);
    const time = elapsed !== undefined ? ` ${formatElapsed(elapsed)}` : '';
    return { visible: true, text: `$(sync~spin) ${statusBarTitle(run)}${time}`, tooltipMarkdown, command, ...warning };
  }
  if (input.active.length > 1) {
    return { visible: true, text: `$(sync~spin) ${l10n.t('{0} tasks running', input.active.length)}`, tooltipMarkdown, command, ...warning };
  }
  if (problem !== undefined) return { visible: true, text: '$(warning) Keruta', tooltipMarkdown, command, ...warning };
  if (recent) {
    const failed = recent.outcome === 'FAILED';
    const title = statusBarTitle(recent.run);
    const reason = recent.run.state.reason;
    // A failure says so, with its Kubernetes reason (the whole description is in the tooltip).
    const failure = reason ? l10n.t('{0}: FAILED ({1})', title, reason) : l10n.t('{0}: FAILED', title);
    return {
      visible: true,
      text: failed ? `$(error) ${failure}` : `$(pass) ${title}`,
      tooltipMarkdown,
      command,
      ...(failed ? { backgroundColor: 'statusBarItem.errorBackground' as const } : {}),
    };
  }
  return { visible: false, text: '$(rocket) Keruta', tooltipMarkdown, command };
}

function isRecent(finished: LastFinishedRun | undefined, now: number): boolean {
  return finished !== undefined && now - finished.at < RECENT_FINISH_MS;
}

function problemText(input: StatusBarInput): string | undefined {
  const watchProblem = input.watchProblem?.trim() || undefined;
  if (input.availability !== 'error') return watchProblem;
  const unavailable = l10n.t('Keruta cannot use the cluster.');
  return watchProblem !== undefined ? `${unavailable} ${watchProblem}` : unavailable;
}

function activeRunLines(active: readonly TrackedRun[], now: number): string {
  const lines = active.slice(0, MAX_TOOLTIP_RUNS).map((run) => {
    const parts = [`**${escapeMarkdown(runTitle(run))}**`, escapeMarkdown(run.stopped ? l10n.t('Stopping') : describeRunState(run.state))];
    const elapsed = elapsedMillis(run, now);
    if (elapsed !== undefined) parts.push(formatElapsed(elapsed));
    parts.push(link(l10n.t('Logs'), TooltipCommands.showLogs, [run.uid]));
    if (!run.stopped) parts.push(link(l10n.t('Stop'), TooltipCommands.stopRun, [run.uid]));
    return `- $(sync~spin) ${parts.join(' · ')}`;
  });
  if (active.length > MAX_TOOLTIP_RUNS) lines.push(`- ${escapeMarkdown(l10n.t('…and {0} more', active.length - MAX_TOOLTIP_RUNS))}`);
  return lines.join('\n');
}

function finishedRunLine(finished: LastFinishedRun, now: number): string {
  const minutes = Math.floor(Math.max(0, now - finished.at) / 60_000);
  const ago = minutes < 1 ? l10n.t('just now') : l10n.t('{0} min ago', minutes);
  const icon = finished.outcome === 'FAILED' ? '$(error)' : '$(pass)';
  const parts = [
    `**${escapeMarkdown(runTitle(finished.run))}**`,
    escapeMarkdown(describeRunState(finished.run.state)),
    escapeMarkdown(ago),
    link(l10n.t('Logs'), TooltipCommands.showLogs, [finished.run.uid]),
  ];
  return `${icon} ${parts.join(' · ')}`;
}

/** The task's title, else its id, else the Job's name: on one line. */
export function runTitle(run: TrackedRun): string {
  const title = (run.taskTitle ?? '').replace(/\s+/g, ' ').trim();
  return title || run.taskId || run.name;
}

function statusBarTitle(run: TrackedRun): string {
  return escapeIcons(truncate(runTitle(run), MAX_TITLE_LENGTH));
}

/** At most `max` characters (code points), the last one an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** How long the run has run: since the Job started, or since it was created when it has not. */
export function elapsedMillis(run: TrackedRun, now: number): number | undefined {
  const start = Date.parse(run.state.startedAt ?? run.createdAt);
  return Number.isNaN(start) ? undefined : Math.max(0, now - start);
}

/** `m:ss` below an hour, `h:mm:ss` from then on. */
export function formatElapsed(millis: number): string {
  const total = Math.floor(Math.max(0, millis) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/**
 * Text that renders as itself in Markdown: every ASCII punctuation character that means something
 * there is backslash-escaped (which also stops `$(icon)` syntax), and line breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\\`*_{}[\]()<>#+\-.!|~&$"']/g, '\\$&');
}

/** Keeps `$(name)` in a title from rendering as an icon in the status bar. */
function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}

/** A Markdown link that runs `command` with `args` (a JSON array in the query, as VS Code expects). */
export function commandUri(command: string, args?: readonly unknown[]): string {
  if (args === undefined) return `command:${command}`;
  // Parentheses would end the Markdown link destination: encode them too.
  const query = encodeURIComponent(JSON.stringify(args)).replace(/\(/g, '%28').replace(/\)/g, '%29');
  return `command:${command}?${query}`;
}

function link(label: string, command: string, args?: readonly unknown[]): string {
  return `[${escapeMarkdown(label)}](${commandUri(command, args)})`;
}
