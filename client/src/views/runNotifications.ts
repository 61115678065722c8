/**
 * A notification when a run finishes (setting `keruta.runs.notifyOnFinish`). Runs that finish
 * together (more than MAX_SINGLE_NOTIFICATIONS within COALESCE_MS) get one summary instead of a
 * notification each. Notifications never block: their thenables are not awaited.
 */
import * as vscode from 'vscode';
import { SettingKeys } from '../../../server/src/protocol';
import type { Logger } from '../log';
import type { RunFinished, RunStore, TrackedRun } from '../runs/runModel';
import { runTitle } from './statusBarModel';

/** Read from the `keruta` section. */
const NotificationCommands = {
  showLogs: 'keruta.showLogs',
  collectArtifacts: 'keruta.collectArtifacts',
  focusTasks: 'keruta.tasks.focus',
} as const;
/** Finishes this close together are notified together. */
export const COALESCE_MS = 2000;
/** Up to this many finishes in one window get a notification each; more get one summary. */
export const MAX_SINGLE_NOTIFICATIONS = 3;

export class RunNotifications implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  private pending: RunFinished[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    store: Pick<RunStore, 'onDidFinish'>,
    private readonly log: Logger,
  ) {
    this.subscription = store.onDidFinish((finished) => this.onDidFinish(finished));
  }

  private onDidFinish(finished: RunFinished): void {
    this.log.info(`${finished.run.namespace}/${finished.run.name} (task ${finished.run.taskId}) finished: ${finished.outcome}`);
    // The user stopped it from this window: they know.
    if (finished.run.stopped) return;
    // Finished while no window watched (seen on the first list after a reload): written back, not news.
    if (!finished.observedLive) return;
    if (!vscode.workspace.getConfiguration().get<boolean>(SettingKeys.runsNotifyOnFinish, true)) return;
    this.pending.push(finished);
    // The window opens with the first finish, so a single finish waits at most COALESCE_MS.
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.timer = undefined;
    if (batch.length > MAX_SINGLE_NOTIFICATIONS) this.notifySummary(batch);
    else for (const finished of batch) this.notify(finished);
  }

  private notify({ run, outcome }: RunFinished): void {
    const title = runTitle(run);
    const showLogs = vscode.l10n.t('Show Logs');
    if (outcome === 'COMPLETED') {
      const openArtifacts = vscode.l10n.t('Open Artifacts');
      this.offer(vscode.window.showInformationMessage(vscode.l10n.t('Task "{0}" completed.', title), showLogs, openArtifacts), {
        [showLogs]: () => vscode.commands.executeCommand(NotificationCommands.showLogs, run.uid),
        [openArtifacts]: () => vscode.commands.executeCommand(NotificationCommands.collectArtifacts, run.uid),
      });
    } else {
      this.offer(vscode.window.showErrorMessage(vscode.l10n.t('Task "{0}" failed: {1}', title, failureReason(run)), showLogs), {
        [showLogs]: () => vscode.commands.executeCommand(NotificationCommands.showLogs, run.uid),
      });
    }
  }

  private notifySummary(batch: readonly RunFinished[]): void {
    const failed = batch.filter((finished) => finished.outcome === 'FAILED').length;
    const message = vscode.l10n.t('{0} tasks finished: {1} completed, {2} failed', batch.length, batch.length - failed, failed);
    const showTasks = vscode.l10n.t('Show Tasks View');
    const shown = failed > 0 ? vscode.window.showWarningMessage(message, showTasks) : vscode.window.showInformationMessage(message, showTasks);
    this.offer(shown, { [showTasks]: () => vscode.commands.executeCommand(NotificationCommands.focusTasks) });
  }

  /** Runs the action of the button the user picks, if any; never awaited. */
  private offer(shown: Thenable<string | undefined>, actions: Record<string, () => Thenable<unknown>>): void {
    void Promise.resolve(shown)
      .then((choice) => (choice !== undefined ? actions[choice]?.() : undefined))
      .then(undefined, (error: unknown) => this.log.error(`A run notification's action failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.subscription.dispose();
  }
}

/** "BackoffLimitExceeded (exit code 3)", "DeadlineExceeded", the message alone, or "unknown reason". */
function failureReason(run: TrackedRun): string {
  const { reason, message, mainExitCode } = run.state;
  const exitCode = mainExitCode !== undefined && mainExitCode !== 0 ? vscode.l10n.t('exit code {0}', mainExitCode) : undefined;
  const what = reason ?? message;
  if (what !== undefined && exitCode !== undefined) return `${what} (${exitCode})`;
  return what ?? exitCode ?? vscode.l10n.t('unknown reason');
}
