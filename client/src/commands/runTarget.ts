/** Which run a command is about: a uid (status bar links), a tree node, or the user's pick. */
import * as vscode from 'vscode';
import { describeRunState } from '../runs/runState';
import type { RunStore, TrackedRun } from '../runs/runModel';

export interface RunTarget {
  readonly run: TrackedRun;
  /** A Pod the user chose (a Pod node), if any. */
  readonly pod?: string;
}

export function runFromArgs(runs: RunStore, first: unknown): RunTarget | undefined {
  if (typeof first === 'string') {
    const run = runs.run(first);
    return run ? { run } : undefined;
  }
  const args = (first as { args?: { uid?: unknown; runUid?: unknown; name?: unknown } } | undefined)?.args;
  if (typeof args?.uid === 'string') {
    const run = runs.run(args.uid);
    return run ? { run } : undefined;
  }
  if (typeof args?.runUid === 'string') {
    const run = runs.run(args.runUid);
    return run ? { run, ...(typeof args.name === 'string' ? { pod: args.name } : {}) } : undefined;
  }
  return undefined;
}

export async function pickRun(candidates: readonly TrackedRun[], placeHolder: string, none: string): Promise<RunTarget | undefined> {
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(none);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((run) => ({
      label: run.taskTitle ?? run.taskId,
      description: `${describeRunState(run.state)}${run.gone ? ` · ${vscode.l10n.t('gone')}` : ''}`,
      detail: `${run.namespace}/${run.name} · ${new Date(run.createdAt).toLocaleString()}`,
      run,
    })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked ? { run: picked.run } : undefined;
}
