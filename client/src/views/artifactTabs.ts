/**
 * Shows what a collection brought into the workspace. After every successful collection (automatic
 * or on demand) and while `keruta.collector.openAfterCollect` is on, up to
 * `keruta.collector.maxTabs` files open in tabs that stay (README/index first, then Markdown);
 * when not every file fits, the folder is revealed in the Explorer. A failed automatic collection
 * is a warning with the fix; the Collect Artifacts command reports its own collections.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { SettingKeys } from '../../../server/src/protocol';
import { Commands } from '../identifiers';
import type { Logger } from '../log';
import type { CollectedArtifacts } from '../runs/artifactCollector';
import type { CollectionRecord } from '../runs/artifactService';
import type { ArtifactStore } from '../runs/clusterSession';
import { isMarkdown, tabOrder } from './artifactTabsModel';

/** A NUL in the first 8 KiB: a binary file, not opened as text. */
const BINARY_SNIFF_BYTES = 8192;
const DEFAULT_MAX_TABS = 10;

export interface ArtifactTabSettings {
  readonly openAfterCollect: boolean;
  readonly maxTabs: number;
  readonly markdownPreview: boolean;
}

/** The settings of the workspace folder the files were collected into. */
export function artifactTabSettings(folder: string): ArtifactTabSettings {
  const folderUri = vscode.Uri.file(folder);
  const scope = vscode.workspace.getWorkspaceFolder(folderUri)?.uri ?? folderUri;
  const config = vscode.workspace.getConfiguration(undefined, scope);
  const maxTabs = config.get<number>(SettingKeys.collectorMaxTabs);
  return {
    openAfterCollect: config.get<boolean>(SettingKeys.collectorOpenAfterCollect) !== false,
    maxTabs: typeof maxTabs === 'number' && Number.isFinite(maxTabs) && maxTabs >= 0 ? Math.floor(maxTabs) : DEFAULT_MAX_TABS,
    markdownPreview: config.get<boolean>(SettingKeys.collectorMarkdownPreview) !== false,
  };
}

function fileUri(folder: string, file: string): vscode.Uri {
  return vscode.Uri.file(path.join(folder, ...file.split('/')));
}

async function isBinary(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(BINARY_SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, BINARY_SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead).includes(0);
  } finally {
    await handle.close();
  }
}

async function openTab(uri: vscode.Uri, preview: boolean): Promise<void> {
  if (preview) await vscode.commands.executeCommand('markdown.showPreview', uri);
  else await vscode.window.showTextDocument(uri, { preview: false });
}

export async function folderExists(folder: string): Promise<boolean> {
  try {
    return (await stat(folder)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Opens up to maxTabs of the collected files (binary files are skipped), focuses the first, and
 * reveals the folder when some are not shown. Never rejects: failures go to the log.
 */
export async function openCollectedFiles(result: CollectedArtifacts, jobName: string, log: Logger): Promise<void> {
  if (result.files.length === 0) return;
  const settings = artifactTabSettings(result.folder);
  const opened: { uri: vscode.Uri; preview: boolean }[] = [];
  for (const file of tabOrder(result.files)) {
    if (opened.length >= settings.maxTabs) break;
    const uri = fileUri(result.folder, file);
    try {
      if (await isBinary(uri.fsPath)) continue;
      const tab = { uri, preview: settings.markdownPreview && isMarkdown(file) };
      await openTab(tab.uri, tab.preview);
      opened.push(tab);
    } catch (error) {
      log.warn(`${jobName}: could not open ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    // Each tab opened after the one before; the first (the README) is the one to read.
    const first = opened[0];
    if (first && opened.length > 1) await openTab(first.uri, first.preview);
    if (opened.length < result.files.length) await revealFolder(result, opened.length, jobName);
  } catch (error) {
    log.warn(`${jobName}: could not show the collected files: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function revealFolder(result: CollectedArtifacts, openedCount: number, jobName: string): Promise<void> {
  const folder = vscode.Uri.file(result.folder);
  await vscode.commands.executeCommand('revealInExplorer', folder);
  const reveal = vscode.l10n.t('Reveal');
  const text =
    openedCount === 0
      ? vscode.l10n.t('{0} files were collected from {1}: their folder is shown in the Explorer.', result.files.length, jobName)
      : vscode.l10n.t('{0} of the {1} files collected from {2} are open: their folder is shown in the Explorer.', openedCount, result.files.length, jobName);
  // Not awaited: the message stays while the user reads the tabs.
  void vscode.window.showInformationMessage(text, reveal).then((choice) => (choice === reveal ? vscode.commands.executeCommand('revealInExplorer', folder) : undefined));
}

export class ArtifactTabs implements vscode.Disposable {
  private readonly subscriptions: { dispose(): void }[];
  /** Collections that end together open one after the other, not interleaved. */
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    store: Pick<ArtifactStore, 'onDidCollect' | 'onDidStartCollect'>,
    private readonly log: Logger,
  ) {
    this.subscriptions = [
      store.onDidCollect((record) => this.onDidCollect(record)),
      // An automatic collection shows in the status bar while it lasts (on demand, Collect Artifacts shows its own).
      store.onDidStartCollect(({ run, trigger, done }) => {
        if (trigger !== 'automatic') return;
        void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Collecting /.keruta/doc of {0}…', run.name) }, () => done);
      }),
    ];
  }

  private onDidCollect(record: CollectionRecord): void {
    const { run } = record;
    if (record.releaseWarning) this.log.warn(`${run.namespace}/${run.name}: the collector was not released: ${record.releaseWarning}`);
    if (record.error) {
      // On demand, the Collect Artifacts command reports the failure itself.
      if (record.trigger === 'automatic') this.warnFailure(record, record.error);
      return;
    }
    const result = record.result;
    if (!result || result.empty || !artifactTabSettings(result.folder).openAfterCollect) return;
    this.queue = this.queue
      .then(() => (this.disposed ? undefined : openCollectedFiles(result, run.name, this.log)))
      .then(undefined, (error: unknown) => this.log.error(`Opening the files of ${run.name}: ${error instanceof Error ? error.message : String(error)}`));
  }

  private warnFailure(record: CollectionRecord, error: { message: string; fix: string }): void {
    const output = vscode.l10n.t('Show Output');
    void vscode.window
      .showWarningMessage(`${vscode.l10n.t('The files of {0} were not collected:', record.run.name)} ${error.message} ${error.fix}`, output)
      .then((choice) => (choice === output ? vscode.commands.executeCommand(Commands.showOutput) : undefined));
  }

  dispose(): void {
    this.disposed = true;
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
