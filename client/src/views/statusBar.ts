/**
 * The runs status bar item: gathers one StatusBarInput from the store, the last finish, the watch
 * health and the availability, and renders statusBarState() of it. Nothing else sets the item.
 */
import * as vscode from 'vscode';
import type { RunStore } from '../runs/runModel';
import type { Event } from '../util/events';
import { type LastFinishedRun, RECENT_FINISH_MS, type RunsAvailability, statusBarState, TOOLTIP_COMMANDS } from './statusBarModel';

const TICK_MS = 1000;

export class RunStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private lastFinished: LastFinishedRun | undefined;
  /** Runs every second while a run is active, to count its elapsed time. */
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** Updates the last finish's age in the tooltip, then hides it when it is no longer recent. */
  private finishTimer: ReturnType<typeof setTimeout> | undefined;
  private shownTooltip: string | undefined;
  private disposed = false;

  constructor(
    private readonly store: RunStore,
    private readonly availability: () => RunsAvailability,
    onDidChangeAvailability: Event<void>,
  ) {
    this.item = vscode.window.createStatusBarItem('keruta.runs', vscode.StatusBarAlignment.Left, 100);
    this.item.name = vscode.l10n.t('Keruta Runs');
    this.disposables.push(
      this.item,
      store.onDidChange(() => this.render()),
      store.onDidChangeHealth(() => this.render()),
      store.onDidFinish(({ run, outcome, observedLive }) => {
        if (!observedLive) return;
        this.lastFinished = { run, outcome, at: Date.now() };
        this.render();
      }),
      onDidChangeAvailability(() => this.render()),
    );
    this.render();
  }

  private render(): void {
    if (this.disposed) return;
    const now = Date.now();
    const active = this.store.activeRuns();
    if (this.lastFinished && now - this.lastFinished.at >= RECENT_FINISH_MS) this.lastFinished = undefined;
    const watchProblem = this.watchProblem();
    const view = statusBarState({
      active,
      now,
      availability: this.availability(),
      ...(this.lastFinished ? { lastFinished: this.lastFinished } : {}),
      ...(watchProblem !== undefined ? { watchProblem } : {}),
    });

    this.item.text = view.text;
    this.item.command = view.command;
    this.item.backgroundColor = view.backgroundColor ? new vscode.ThemeColor(view.backgroundColor) : undefined;
    // A new MarkdownString only when the text changed, so an open hover is not rebuilt needlessly.
    if (view.tooltipMarkdown !== this.shownTooltip) {
      this.shownTooltip = view.tooltipMarkdown;
      if (view.tooltipMarkdown === '') this.item.tooltip = undefined;
      else {
        const tooltip = new vscode.MarkdownString(view.tooltipMarkdown, true);
        tooltip.isTrusted = { enabledCommands: TOOLTIP_COMMANDS };
        this.item.tooltip = tooltip;
      }
    }
    if (view.visible) this.item.show();
    else this.item.hide();

    this.schedule(view.visible && active.length > 0, now);
  }

  private schedule(ticking: boolean, now: number): void {
    if (ticking && !this.ticker) this.ticker = setInterval(() => this.render(), TICK_MS);
    if (!ticking && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    if (this.finishTimer) clearTimeout(this.finishTimer);
    this.finishTimer = undefined;
    // While ticking, every render refreshes the age too.
    if (!ticking && this.lastFinished) {
      const age = now - this.lastFinished.at;
      const nextMinute = 60_000 - (age % 60_000);
      this.finishTimer = setTimeout(() => this.render(), Math.max(0, Math.min(nextMinute, RECENT_FINISH_MS - age)));
    }
  }

  /** The namespaces whose watch is retrying, with why (plain text). */
  private watchProblem(): string | undefined {
    const problems: string[] = [];
    for (const [namespace, health] of this.store.health()) {
      if (health.state === 'retrying') problems.push(`${namespace}: ${health.error.message}`);
    }
    return problems.length > 0 ? problems.join(' ') : undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.ticker) clearInterval(this.ticker);
    if (this.finishTimer) clearTimeout(this.finishTimer);
    this.ticker = undefined;
    this.finishTimer = undefined;
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }
}
