/**
 * Feeds the task catalog from the workspace: every task file on disk, watched, with the text of
 * open editors taking precedence over the disk (so the tree follows unsaved edits).
 */
import * as vscode from 'vscode';
import { isTaskFileName, TASK_FILE_GLOB } from '../../../server/src/core/taskModel';
import type { Logger } from '../log';
import type { TaskCatalog } from './taskCatalog';

/** Larger files are not task files anyone writes by hand; reading them would only stall the host. */
export const MAX_TASK_FILE_BYTES = 2 * 1024 * 1024;
const EXCLUDE_GLOB = '**/node_modules/**';
const EDIT_DEBOUNCE_MS = 150;
/** Files read at once during a scan. */
const SCAN_CONCURRENCY = 16;

export class WorkspaceTasks implements vscode.Disposable {
  /** Resolves once the first scan has fed the catalog (never rejects). */
  readonly ready: Promise<void>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly editTimers = new Map<string, NodeJS.Timeout>();
  /** Bumped by every event of a file, so that a slow read cannot overwrite a newer state. */
  private readonly generations = new Map<string, number>();
  private scanGeneration = 0;
  private disposed = false;

  constructor(
    private readonly catalog: TaskCatalog,
    private readonly log: Logger,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(TASK_FILE_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.onDiskChange(uri)),
      watcher.onDidChange((uri) => this.onDiskChange(uri)),
      watcher.onDidDelete((uri) => this.onDiskDelete(uri)),
      vscode.workspace.onDidOpenTextDocument((document) => this.onOpen(document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.onEdit(event.document);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.onClose(document)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.scan()),
    );
    this.ready = this.scan();
  }

  /** Finds every task file again: on start and when workspace folders (and so relative paths) change. */
  private async scan(): Promise<void> {
    const generation = ++this.scanGeneration;
    let uris: vscode.Uri[];
    try {
      uris = await vscode.workspace.findFiles(TASK_FILE_GLOB, EXCLUDE_GLOB);
    } catch (error) {
      this.log.error(`Finding task files failed: ${String(error)}`);
      return;
    }
    if (this.disposed || generation !== this.scanGeneration) return;
    const found = new Set(uris.map((uri) => uri.toString()));
    for (const known of this.catalog.files()) {
      const open = this.openDocument(known);
      if (found.has(known) || (open && this.isWatched(open.uri))) continue;
      this.bump(known);
      this.catalog.remove(known);
    }
    const queue = [...uris];
    const worker = async (): Promise<void> => {
      for (let uri = queue.shift(); uri; uri = queue.shift()) await this.load(uri);
    };
    await Promise.all(Array.from({ length: SCAN_CONCURRENCY }, worker));
    this.log.debug(`Found ${uris.length} task file(s).`);
  }

  private onDiskChange(uri: vscode.Uri): void {
    if (!this.isWatched(uri) || this.openDocument(uri.toString())) return; // the editor's text wins
    void this.load(uri);
  }

  private onDiskDelete(uri: vscode.Uri): void {
    if (!this.isWatched(uri)) return;
    this.bump(uri.toString());
    this.catalog.remove(uri.toString());
  }

  private onOpen(document: vscode.TextDocument): void {
    if (this.isWatched(document.uri)) this.fromDocument(document);
  }

  private onEdit(document: vscode.TextDocument): void {
    if (!this.isWatched(document.uri)) return;
    const key = document.uri.toString();
    clearTimeout(this.editTimers.get(key));
    this.editTimers.set(
      key,
      setTimeout(() => {
        this.editTimers.delete(key);
        if (!document.isClosed) this.fromDocument(document);
      }, EDIT_DEBOUNCE_MS),
    );
  }

  private onClose(document: vscode.TextDocument): void {
    if (!this.isWatched(document.uri)) return;
    const key = document.uri.toString();
    clearTimeout(this.editTimers.get(key));
    this.editTimers.delete(key);
    // Unsaved edits are gone with the editor: the disk is the truth again.
    void this.load(document.uri);
  }

  private fromDocument(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    this.bump(key);
    const text = document.getText();
    if (text.length > MAX_TASK_FILE_BYTES) {
      this.tooLarge(document.uri, text.length);
      return;
    }
    this.catalog.update(key, vscode.workspace.asRelativePath(document.uri, false), text);
  }

  /** Reads a file from disk into the catalog, unless an editor holds it or a newer event came meanwhile. */
  private async load(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const generation = this.bump(key);
    const current = (): boolean => !this.disposed && this.generations.get(key) === generation;
    try {
      const open = this.openDocument(key);
      if (open) {
        this.fromDocument(open);
        return;
      }
      const stat = await vscode.workspace.fs.stat(uri);
      if (!current()) return;
      if (stat.size > MAX_TASK_FILE_BYTES) {
        this.tooLarge(uri, stat.size);
        return;
      }
      const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
      if (!current()) return;
      const reopened = this.openDocument(key);
      if (reopened) this.fromDocument(reopened);
      else this.catalog.update(key, vscode.workspace.asRelativePath(uri, false), text);
    } catch (error) {
      if (!current()) return;
      if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
        this.catalog.remove(key);
        return;
      }
      this.log.warn(`Reading ${vscode.workspace.asRelativePath(uri, false)} failed: ${String(error)}`);
    }
  }

  private tooLarge(uri: vscode.Uri, size: number): void {
    this.log.warn(`Skipping ${vscode.workspace.asRelativePath(uri, false)}: ${size} bytes is more than a task file may have (${MAX_TASK_FILE_BYTES}).`);
    this.catalog.remove(uri.toString());
  }

  /** Task files inside a workspace folder and outside node_modules (also skips git: and untitled documents). */
  private isWatched(uri: vscode.Uri): boolean {
    return isTaskFileName(uri.path) && !uri.path.includes('/node_modules/') && vscode.workspace.getWorkspaceFolder(uri) !== undefined;
  }

  private openDocument(key: string): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((document) => !document.isClosed && document.uri.toString() === key);
  }

  private bump(key: string): number {
    const next = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, next);
    return next;
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.editTimers.values()) clearTimeout(timer);
    this.editTimers.clear();
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }
}
