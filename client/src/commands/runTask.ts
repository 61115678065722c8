/**
 * "Keruta: Run Task": renders the task's Job, refuses while it has errors (offering to show
 * them), asks before starting a second run of a task that is still running, creates the Job and
 * writes IN_PROGRESS into the task file. From the palette, the tree, the code lens and the editor.
 */
import * as vscode from 'vscode';
import type { Job } from 'kubernetes-types/batch/v1';
import { parse } from 'yaml';
import { ClusterRequestError, clusterErrorOf } from '../cluster/clusterClient';
import type { ClusterSession } from '../runs/clusterSession';
import { showClusterError } from './clusterGate';
import type { CommandDeps } from './commandDeps';
import { renderTask } from './renderTask';
import { pickTask, type TaskTarget, targetFromArgs } from './taskTarget';

/** Error diagnostics VS Code shows for the task's part of the file. */
function errorDiagnostics(deps: CommandDeps, target: TaskTarget): vscode.Diagnostic[] {
  const task = deps.catalog.tasksOf(target.uri.toString()).find((candidate) => candidate.parsed.task.id === target.taskId);
  const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === target.uri.toString());
  return vscode.languages.getDiagnostics(target.uri).filter((diagnostic) => {
    if (diagnostic.severity !== vscode.DiagnosticSeverity.Error) return false;
    if (!task || !document) return true;
    const offset = document.offsetAt(diagnostic.range.start);
    return offset >= task.parsed.locations.documentSpan[0] && offset <= task.parsed.locations.documentSpan[1];
  });
}

async function refuseWithErrors(target: TaskTarget, count: number, firstMessage: string | undefined): Promise<void> {
  const show = vscode.l10n.t('Show Problems');
  const choice = await vscode.window.showErrorMessage(
    vscode.l10n.t('Task {0} was not run: its Job has {1} error(s). {2}', target.taskId, count, firstMessage ?? ''),
    show,
  );
  if (choice === show) {
    await vscode.window.showTextDocument(target.uri);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  }
}

async function confirmSecondRun(session: ClusterSession, target: TaskTarget): Promise<boolean> {
  const active = session.service.activeRunOf(target.taskId);
  if (!active) return true;
  const runAgain = vscode.l10n.t('Run Again');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Task {0} already has a run in progress (Job {1}). Start another one?', target.taskId, active.name),
    { modal: true },
    runAgain,
  );
  return choice === runAgain;
}

export async function runTask(deps: CommandDeps, first?: unknown, second?: unknown): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Keruta does not run tasks in an untrusted workspace. Trust the workspace to run tasks.'));
    return;
  }
  const target = targetFromArgs(first, second) ?? (await pickTask(deps.catalog, vscode.l10n.t('Run which task?'), true));
  if (!target) return;
  const session = await deps.requireSession();
  if (!session) return;
  const version = await session.client.version().catch(() => undefined);
  // The Pod gets the task as the run makes it: IN_PROGRESS, updated now (written to the file below).
  const startedAt = new Date().toISOString();
  const rendered = await renderTask(deps, target, version, startedAt);
  if (!rendered) return;
  const fileErrors = errorDiagnostics(deps, target);
  const renderErrors = rendered.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (renderErrors.length > 0 || fileErrors.length > 0) {
    await refuseWithErrors(target, renderErrors.length + fileErrors.length, renderErrors[0]?.message ?? fileErrors[0]?.message);
    return;
  }
  if (!(await confirmSecondRun(session, target))) return;
  const job = parse(rendered.yaml) as Job;
  const title = deps.catalog.find(target.taskId)[0]?.parsed.task.title ?? target.taskId;
  try {
    const started = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting task "{0}" on {1}…', title, session.client.contextName) },
      () => session.service.start({ taskId: target.taskId, file: target.uri.toString(), namespace: rendered.namespace, job, startedAt }),
    );
    deps.log.info(`Started ${target.taskId} as Job ${rendered.namespace}/${started.job.metadata?.name ?? '?'}`);
    if (!started.write.written) {
      void vscode.window.showWarningMessage(vscode.l10n.t('The Job was created, but the task file was not updated: {0}', started.write.reason));
    }
    vscode.window.setStatusBarMessage(vscode.l10n.t('$(play) Job {0} created', started.job.metadata?.name ?? ''), 4000);
  } catch (error) {
    const explained = error instanceof ClusterRequestError ? error.cluster : clusterErrorOf(error, { verb: 'create', resource: 'jobs', group: 'batch', namespace: rendered.namespace });
    deps.log.error(`Run Task ${target.taskId}: ${explained.message}${explained.causes ? ` ${JSON.stringify(explained.causes)}` : ''}`);
    await showClusterError(explained, vscode.l10n.t('Task "{0}" was not run.', title));
  }
}
