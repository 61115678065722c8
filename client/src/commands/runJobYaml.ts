/**
 * "Keruta: Run Job YAML": creates a Job from the YAML document in the editor (typically one that
 * "Show Job YAML" opened and the user edited). It refuses while the language server reports
 * errors in it; the Job keeps Keruta's labels so that it is tracked like any run of its task.
 */
import * as vscode from 'vscode';
import type { Job } from 'kubernetes-types/batch/v1';
import { parseAllDocuments } from 'yaml';
import { ANNOTATION_TASK_FILE, LABEL_MANAGED_BY, LABEL_TASK_ID, MANAGED_BY_VALUE } from '../../../server/src/core/jobRenderer';
import { clusterErrorOf } from '../cluster/clusterClient';
import { findTaskInCatalog } from '../tasks/taskCatalog';
import { showClusterError } from './clusterGate';
import type { CommandDeps } from './commandDeps';

function jobsIn(text: string): Job[] {
  return parseAllDocuments(text)
    .filter((document) => document.errors.length === 0)
    .map((document) => document.toJS() as unknown)
    .filter((value): value is Job => typeof value === 'object' && value !== null && (value as Job).kind === 'Job' && (value as Job).apiVersion === 'batch/v1');
}

export async function runJobYaml(deps: CommandDeps): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'yaml') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a Job YAML document (for example with "Keruta: Show Job YAML") to run it.'));
    return;
  }
  const errors = vscode.languages.getDiagnostics(editor.document.uri).filter((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error);
  if (errors.length > 0) {
    const show = vscode.l10n.t('Show Problems');
    const choice = await vscode.window.showErrorMessage(vscode.l10n.t('The Job was not created: the document has {0} error(s). {1}', errors.length, errors[0]!.message), show);
    if (choice === show) await vscode.commands.executeCommand('workbench.actions.view.problems');
    return;
  }
  let jobs: Job[];
  try {
    jobs = jobsIn(editor.document.getText());
  } catch {
    jobs = [];
  }
  if (jobs.length !== 1) {
    void vscode.window.showErrorMessage(
      jobs.length === 0 ? vscode.l10n.t('The document holds no batch/v1 Job.') : vscode.l10n.t('The document holds {0} Jobs; run one at a time.', jobs.length),
    );
    return;
  }
  const session = await deps.requireSession();
  if (!session) return;
  const job = jobs[0]!;
  const labels: Record<string, string> = { ...job.metadata?.labels, [LABEL_MANAGED_BY]: MANAGED_BY_VALUE };
  const taskId = labels[LABEL_TASK_ID] ?? '';
  const task = taskId ? findTaskInCatalog(deps.catalog, taskId, job.metadata?.annotations?.[ANNOTATION_TASK_FILE]) : undefined;
  const namespace = job.metadata?.namespace ?? (await deps.settings.get()).kubernetes.defaultNamespace;
  try {
    const started = await session.service.start({
      taskId,
      ...(task ? { file: task.fileUri } : {}),
      namespace,
      job: { ...job, metadata: { ...job.metadata, labels } },
    });
    void vscode.window.showInformationMessage(
      task
        ? vscode.l10n.t('Job {0} created for task {1}.', started.job.metadata?.name ?? '', taskId)
        : vscode.l10n.t('Job {0} created. It names no task of this workspace, so no task file is updated.', started.job.metadata?.name ?? ''),
    );
  } catch (error) {
    await showClusterError(clusterErrorOf(error, { verb: 'create', resource: 'jobs', group: 'batch', namespace }), vscode.l10n.t('The Job was not created.'));
  }
}
