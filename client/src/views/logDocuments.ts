/**
 * Container logs as read-only documents: `keruta-log:/<namespace>/<pod>.<container>.log` (the file
 * name names the Pod, so tabs of different runs differ; a container name never has a dot, so the
 * split is unambiguous). The content is a status header and the text its LogFollower keeps; it
 * updates as text arrives (at most 10 times a second), and an editor scrolled to the end stays there.
 */
import * as vscode from 'vscode';
import { type LogFollower, type LogRegistry, type LogTarget, logKey } from '../runs/logFollower';

export const LOG_SCHEME = 'keruta-log';

/** Minimum time between two change events of one document. */
const CHANGE_INTERVAL_MS = 100;

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export type LogDocumentTarget = Pick<LogTarget, 'namespace' | 'pod' | 'container'>;

/** The document of one container's log. */
export function logUri(namespace: string, pod: string, container: string): vscode.Uri {
  return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${namespace}/${pod}.${container}.log` });
}

/** The container a `keruta-log:` URI is about, or undefined for any other URI. */
export function parseLogUri(uri: vscode.Uri): LogDocumentTarget | undefined {
  if (uri.scheme !== LOG_SCHEME) return undefined;
  const match = /^\/([^/]+)\/([^/]+)\.([^./]+)\.log$/.exec(uri.path);
  if (!match) return undefined;
  const [, namespace = '', pod = '', container = ''] = match;
  if (!LABEL.test(namespace) || !SUBDOMAIN.test(pod) || !LABEL.test(container)) return undefined;
  return { namespace, pod, container };
}

function statusLines(follower: LogFollower): string[] {
  const state = follower.state;
  if (follower.isDisposed && (state.status === 'waiting' || state.status === 'following')) return [vscode.l10n.t('Following this log was stopped.')];
  switch (state.status) {
    case 'waiting':
      if (!state.reason) return [vscode.l10n.t('Waiting for the container to start…')];
      return [vscode.l10n.t('Waiting for the container to start ({0})…', state.detail ? `${state.reason}: ${state.detail}` : state.reason)];
    case 'following':
      return [vscode.l10n.t('Following the log live…')];
    case 'ended':
      return [vscode.l10n.t('— log ended —')];
    case 'error':
      return [vscode.l10n.t('Error: {0}', state.error.message), vscode.l10n.t('Fix: {0}', state.error.fix)];
  }
}

/** The document text: what the log is, its status, then the log itself. */
export function renderLog(follower: LogFollower): string {
  const { namespace, pod, container, title } = follower.target;
  const lines = [
    title
      ? vscode.l10n.t('Log of “{0}”: Pod {1}, container {2}, namespace {3}', title, pod, container, namespace)
      : vscode.l10n.t('Log of Pod {0}, container {1}, namespace {2}', pod, container, namespace),
    ...statusLines(follower),
  ];
  if (follower.droppedLength > 0) {
    lines.push(vscode.l10n.t('[… the first {0} characters were dropped to keep this log in memory …]', follower.droppedLength));
  }
  const text = follower.text;
  const footer = follower.status === 'ended' ? `${text === '' || text.endsWith('\n') ? '' : '\n'}${vscode.l10n.t('— log ended —')}\n` : '';
  return `${lines.join('\n')}\n\n${text}${footer}`;
}

function revealEnd(editor: vscode.TextEditor): void {
  const last = Math.max(0, editor.document.lineCount - 1);
  editor.revealRange(new vscode.Range(last, 0, last, 0), vscode.TextEditorRevealType.Default);
}

export interface LogDocumentOptions {
  /**
   * The follower factory, when the cluster is configured: used to follow again a log whose document
   * is open without a follower (an editor restored after a reload).
   */
  readonly factory?: () => ((target: LogTarget) => LogFollower) | undefined;
}

/** The content provider of `keruta-log:` documents, fed by the registry's followers. */
export class LogDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  /** Followers of open documents, kept even if the registry lets them go, so the text stays readable. */
  private readonly shown = new Map<string, { follower: LogFollower; subscriptions: { dispose(): void }[] }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lastChange = new Map<string, number>();
  /** Line counts of open log documents before their latest change, to tell whether an editor was at the end. */
  private readonly lineCounts = new Map<string, number>();
  private readonly disposables: { dispose(): void }[] = [];

  constructor(
    private readonly registry: LogRegistry,
    private readonly options: LogDocumentOptions = {},
  ) {
    this.disposables.push(
      registry.onDidAdd((follower) => {
        // A new follower for a document that may already be open (restarted, or opened again).
        this.watch(follower);
        this.changed(follower);
      }),
      vscode.workspace.onDidChangeTextDocument((event) => this.keepAtEnd(event.document)),
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (document.uri.scheme === LOG_SCHEME) this.lineCounts.set(document.uri.toString(), document.lineCount);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.closed(document.uri)),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const target = parseLogUri(uri);
    if (!target) return vscode.l10n.t('This is not a Keruta log address.');
    const live = this.registry.get(target);
    let follower = live && !live.isDisposed ? live : this.shown.get(logKey(target))?.follower;
    const factory = follower ? undefined : this.options.factory?.();
    if (factory) follower = this.registry.follow(target, factory);
    if (!follower) return vscode.l10n.t('This log is no longer followed. Run “Keruta: Show Logs” on the run to open it again.');
    this.watch(follower);
    return renderLog(follower);
  }

  private watch(follower: LogFollower): void {
    const key = logKey(follower.target);
    const existing = this.shown.get(key);
    if (existing?.follower === follower) return;
    for (const subscription of existing?.subscriptions ?? []) subscription.dispose();
    this.shown.set(key, {
      follower,
      subscriptions: [follower.onDidAppend(() => this.changed(follower)), follower.onDidChangeState(() => this.changed(follower))],
    });
  }

  /** Fires a change for the follower's document, at most every CHANGE_INTERVAL_MS. */
  private changed(follower: LogFollower): void {
    const { namespace, pod, container } = follower.target;
    const uri = logUri(namespace, pod, container);
    const key = logKey(follower.target);
    if (this.timers.has(key)) return;
    const wait = Math.max(0, (this.lastChange.get(key) ?? 0) + CHANGE_INTERVAL_MS - Date.now());
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.lastChange.set(key, Date.now());
        this.changeEmitter.fire(uri);
      }, wait),
    );
  }

  /** After an update, editors that showed the last line show the new last line (best-effort). */
  private keepAtEnd(document: vscode.TextDocument): void {
    if (document.uri.scheme !== LOG_SCHEME) return;
    const key = document.uri.toString();
    const before = this.lineCounts.get(key);
    this.lineCounts.set(key, document.lineCount);
    if (before === undefined || before === document.lineCount) return;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== document) continue;
      const visible = editor.visibleRanges.at(-1);
      if (visible && visible.end.line >= before - 2) revealEnd(editor);
    }
  }

  private closed(uri: vscode.Uri): void {
    const target = parseLogUri(uri);
    if (!target) return;
    this.lineCounts.delete(uri.toString());
    const key = logKey(target);
    for (const subscription of this.shown.get(key)?.subscriptions ?? []) subscription.dispose();
    this.shown.delete(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.lastChange.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const { subscriptions } of this.shown.values()) for (const subscription of subscriptions) subscription.dispose();
    this.shown.clear();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.changeEmitter.dispose();
  }
}

/** Registers the `keruta-log:` provider; dispose the result to unregister it. */
export function registerLogDocuments(registry: LogRegistry, options: LogDocumentOptions = {}): vscode.Disposable {
  const provider = new LogDocumentProvider(registry, options);
  const registration = vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, provider);
  return vscode.Disposable.from(registration, provider);
}

/**
 * Opens the log of a run's container: follows it (or reuses the follower that already keeps it)
 * and shows it in a lasting editor, scrolled to the end. The `keruta-log:` provider must be
 * registered (registerLogDocuments).
 */
export async function showLogs(
  registry: LogRegistry,
  target: LogDocumentTarget & { readonly title: string },
  factory: (target: LogTarget) => LogFollower,
): Promise<vscode.TextEditor> {
  registry.follow(target, factory);
  const document = await vscode.workspace.openTextDocument(logUri(target.namespace, target.pod, target.container));
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  revealEnd(editor);
  return editor;
}
