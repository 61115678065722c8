/**
 * "Keruta: Collect Artifacts": copies what a run left in `/.keruta/doc` into the workspace and opens
 * it. A run whose files were collected when it ended gets those files opened instead: its
 * collector was released then, so there is nothing left to collect. Shows how much has arrived, and
 * can be cancelled (nothing is kept; the collector is not released, so it can be collected again).
 */
import * as vscode from 'vscode';
import { Commands } from '../identifiers';
import type { CollectError, CollectedArtifacts, CollectProgress } from '../runs/artifactCollector';
import type { ArtifactStore } from '../runs/clusterSession';
import type { TrackedRun } from '../runs/runModel';
import { artifactTabSettings, folderExists, openCollectedFiles } from '../views/artifactTabs';
import { showClusterError } from './clusterGate';
import type { CommandDeps } from './commandDeps';
import { pickRun, runFromArgs } from './runTarget';

/** Refused entries named in the warning; the rest are counted (all of them are in the log). */
const REFUSED_NAMED = 3;
/** How often the progress notification's text changes while the archive arrives. */
const PROGRESS_EVERY_MS = 250;

/** The files of the latest automatic collection that succeeded (of the Pod, when one is chosen). */
function collectedWhenFinished(artifacts: ArtifactStore, uid: string, pod: string | undefined): CollectedArtifacts | undefined {
  return [...artifacts.records(uid)].reverse().find((record) => record.trigger === 'automatic' && record.result && (pod === undefined || record.pod === pod))?.result;
}

export async function collectArtifacts(deps: CommandDeps, first?: unknown): Promise<void> {
  const target =
    runFromArgs(deps.runs, first) ??
    (await pickRun(
      deps.runs.runs().filter((run) => !run.gone || collectedWhenFinished(deps.artifacts, run.uid, undefined)),
      vscode.l10n.t('Collect the artifacts of which run?'),
      vscode.l10n.t('There are no runs to collect artifacts from.'),
    ));
  if (!target) return;
  const { run, pod } = target;

  const earlier = collectedWhenFinished(deps.artifacts, run.uid, pod);
  if (earlier) {
    if (!earlier.empty && !(await folderExists(earlier.folder))) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('The files collected from {0} are no longer in {1}, and its collector was released: they cannot be collected again.', run.name, earlier.folder),
      );
      return;
    }
    await showCollected(deps, run, earlier, true);
    return;
  }

  const session = await deps.requireSession();
  if (!session) return;
  const record = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Collecting /.keruta/doc of {0}…', run.name), cancellable: true },
    (progress, token) => {
      const cancel = new AbortController();
      const cancelled = token.onCancellationRequested(() => cancel.abort());
      let shown = 0;
      const onProgress = ({ bytes, files }: CollectProgress): void => {
        const now = Date.now();
        if (now - shown < PROGRESS_EVERY_MS) return;
        shown = now;
        progress.report({ message: vscode.l10n.t('{0} files, {1} MB received', files, (bytes / (1024 * 1024)).toFixed(1)) });
      };
      return session.artifacts.collectNow(run, pod, { signal: cancel.signal, onProgress }).finally(() => {
        cancelled.dispose();
      });
    },
  );
  if (record.error?.kind === 'cancelled') void vscode.window.showInformationMessage(`${record.error.message} ${record.error.fix}`);
  else if (record.error) await showCollectError(run, record.error);
  // With openAfterCollect on, the artifact tabs have opened them already (they open every collection).
  else if (record.result) await showCollected(deps, run, record.result, !artifactTabSettings(record.result.folder).openAfterCollect);
}

async function showCollected(deps: CommandDeps, run: TrackedRun, result: CollectedArtifacts, open: boolean): Promise<void> {
  if (open) await openCollectedFiles(result, run.name, deps.log);
  if (result.refused.length > 0) {
    const named = result.refused.slice(0, REFUSED_NAMED).map((entry) => entry.name).join(', ');
    const list = result.refused.length > REFUSED_NAMED ? vscode.l10n.t('{0} and {1} more', named, result.refused.length - REFUSED_NAMED) : named;
    const output = vscode.l10n.t('Show Output');
    const text = vscode.l10n.t('{0} entries of /.keruta/doc of {1} were not collected because they are unsafe (links, devices, absolute or .. paths): {2}', result.refused.length, run.name, list);
    void vscode.window.showWarningMessage(text, output).then((choice) => (choice === output ? vscode.commands.executeCommand(Commands.showOutput) : undefined));
  }
  if (result.empty) void vscode.window.showInformationMessage(vscode.l10n.t('{0} left /.keruta/doc empty.', run.name));
}

async function showCollectError(run: TrackedRun, error: CollectError): Promise<void> {
  const prefix = vscode.l10n.t('The files of {0} were not collected:', run.name);
  // A cluster failure gets the cluster buttons (settings, access check) as well as the output.
  if (error.cluster) {
    await showClusterError(error.cluster, prefix);
    return;
  }
  const output = vscode.l10n.t('Show Output');
  const choice = await vscode.window.showErrorMessage(`${prefix} ${error.message} ${error.fix}`, output);
  if (choice === output) await vscode.commands.executeCommand(Commands.showOutput);
}
