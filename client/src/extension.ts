/**
 * Composition root: builds one context that owns every lifetime. Activation starts the language
 * client, the task catalog, the views and the commands; the Kubernetes client and the cluster
 * session are loaded afterwards, in the background or when a command first needs them.
 */
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, type LanguageClient } from 'vscode-languageclient/node';
import { ClusterVersionNotification, type ClusterVersionParams, SettingKeys } from '../../server/src/protocol';
import { checkClusterAccess } from './commands/checkClusterAccess';
import { cleanUpJobs } from './commands/cleanUpJobs';
import { collectArtifacts } from './commands/collectArtifacts';
import { requireSession } from './commands/clusterGate';
import type { CommandDeps } from './commands/commandDeps';
import { createTaskFile } from './commands/createTaskFile';
import { openKubernetesSettings } from './commands/openKubernetesSettings';
import { openTaskFile } from './commands/openTaskFile';
import { runJobYaml } from './commands/runJobYaml';
import { runTask } from './commands/runTask';
import { showJobYaml } from './commands/showJobYaml';
import { showRunLogs } from './commands/showRunLogs';
import { stopRun } from './commands/stopRun';
import type { K8s } from './cluster/kubeConfig';
import { SettingsService } from './config/settings';
import { Commands, ContextKeys, Views } from './identifiers';
import { createLanguageClient } from './language/languageClient';
import { createLogger, type Logger } from './log';
import type { ArtifactSettings } from './runs/artifactService';
import { disposeSession, openSession, sameSessionSettings, SessionArtifactStore, SessionRunStore, type SessionSettings, type SessionState } from './runs/clusterSession';
import type { TrackedRun } from './runs/runModel';
import { DEFAULT_CRASH_LOOP_FAIL_SECONDS } from './runs/runState';
import { LogRegistry } from './runs/logFollower';
import { findTaskInCatalog, TaskCatalog } from './tasks/taskCatalog';
import { WorkspaceTaskFiles } from './tasks/workspaceTaskFiles';
import { WorkspaceTasks } from './tasks/workspaceTasks';
import { ArtifactTabs } from './views/artifactTabs';
import { registerLogDocuments } from './views/logDocuments';
import { RunNotifications } from './views/runNotifications';
import { RunStatusBar } from './views/statusBar';
import type { RunsAvailability } from './views/statusBarModel';
import type { ClusterAvailability } from './views/tree/taskTreeModel';
import { TaskTreeProvider } from './views/tree/taskTreeProvider';
import { Emitter } from './util/events';

/**
 * client-node, from its own bundle (dist/k8s.js, see esbuild.mjs), the first time the cluster is
 * needed. A plain `require` of the CommonJS bundle: the extension host loads extensions as CommonJS.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadK8s = (): Promise<K8s> => Promise.resolve(require('@kubernetes/client-node') as K8s);

export class KerutaContext implements vscode.Disposable {
  readonly log: Logger;
  readonly settings: SettingsService;
  private readonly disposables: vscode.Disposable[] = [];
  private languageClient: LanguageClient | undefined;
  private readonly catalog = new TaskCatalog();
  private readonly runStore = new SessionRunStore();
  private readonly artifactStore = new SessionArtifactStore();
  private readonly logs = new LogRegistry();
  private readonly tree: TaskTreeProvider;
  private readonly availabilityChanged = new Emitter<void>();
  private session: { settings: SessionSettings; state: Promise<SessionState> } | undefined;
  private currentState: SessionState | undefined;
  private disposed = false;

  constructor(extensionContext: vscode.ExtensionContext) {
    const channel = vscode.window.createOutputChannel('Keruta', { log: true });
    this.disposables.push(channel);
    this.log = createLogger(channel);
    // The pure modules (tree and status bar models) translate through @vscode/l10n.
    if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
    this.settings = this.own(new SettingsService(this.log.child('settings')));
    this.own(this.catalog);
    this.own(this.runStore);
    this.own(this.artifactStore);
    this.own(this.logs);
    this.own(this.availabilityChanged);
    const workspaceTasks = this.own(new WorkspaceTasks(this.catalog, this.log.child('tasks')));

    this.tree = this.own(new TaskTreeProvider(this.catalog, this.runStore, { artifacts: this.artifactStore }));
    this.own(vscode.window.createTreeView(Views.tasks, { treeDataProvider: this.tree, showCollapseAll: true }));
    this.own(new RunStatusBar(this.runStore, () => this.runsAvailability(), this.availabilityChanged.event));
    this.own(new RunNotifications(this.runStore, this.log.child('notifications')));
    this.own(new ArtifactTabs(this.artifactStore, this.log.child('artifacts')));
    this.own(registerLogDocuments(this.logs));
    const updateNoTasks = (): Thenable<unknown> => vscode.commands.executeCommand('setContext', ContextKeys.noTaskFiles, this.catalog.tasks().length === 0);
    this.own(this.catalog.onDidChange(() => {
      void updateNoTasks();
      void this.watchTaskNamespaces();
    }));
    void workspaceTasks.ready.then(updateNoTasks);

    this.registerCommands(channel);
    this.own(this.settings.onDidChange(() => void this.refreshSettings()));
    this.languageClient = createLanguageClient(extensionContext, channel, this.settings);
  }

  private registerCommands(channel: vscode.LogOutputChannel): void {
    const deps: CommandDeps = {
      catalog: this.catalog,
      settings: this.settings,
      log: this.log.child('commands'),
      languageClient: () => this.languageClient,
      cluster: () => this.cluster(),
      requireSession: async () => requireSession(await this.cluster()),
      runs: this.runStore,
      artifacts: this.artifactStore,
      logs: this.logs,
      reportServerVersion: (version) => this.reportServerVersion(version),
    };
    const register = (id: string, handler: (...args: unknown[]) => unknown): void => {
      this.own(vscode.commands.registerCommand(id, handler));
    };
    register(Commands.openKubernetesSettings, openKubernetesSettings);
    register(Commands.showOutput, () => channel.show());
    register(Commands.showJobYaml, (first, second) => showJobYaml(deps, first, second));
    register(Commands.runTask, (first, second) => runTask(deps, first, second));
    register(Commands.stopRun, (first) => stopRun(deps, first));
    register(Commands.showLogs, (first) => showRunLogs(deps, first));
    register(Commands.collectArtifacts, (first) => collectArtifacts(deps, first));
    register(Commands.runJobYaml, () => runJobYaml(deps));
    register(Commands.checkClusterAccess, () => checkClusterAccess(deps));
    register(Commands.cleanUpJobs, () => cleanUpJobs(deps));
    register(Commands.openTaskFile, (first, second) => openTaskFile(this.catalog, first, second));
    register(Commands.createTaskFile, () => createTaskFile());
    register(Commands.refresh, () => this.refreshCluster());
  }

  async start(): Promise<void> {
    await this.refreshSettings();
    try {
      await this.languageClient?.start();
    } catch (error) {
      this.log.error(`The Keruta language server did not start: ${String(error)}`);
      const show = vscode.l10n.t('Show Output');
      void vscode.window
        .showWarningMessage(vscode.l10n.t('The Keruta language server did not start; task files are not checked.'), show)
        .then((choice) => (choice === show ? vscode.commands.executeCommand(Commands.showOutput) : undefined));
    }
    // Runs started before this window (a reload, a teammate) are picked up without waiting for a command.
    setTimeout(() => void this.cluster(), 0);
  }

  // --- the cluster session -------------------------------------------------------------------

  private async sessionSettings(): Promise<SessionSettings> {
    const settings = await this.settings.get();
    const crashLoop = vscode.workspace.getConfiguration().get<number>(SettingKeys.runsCrashLoopFailSeconds);
    return {
      enabled: settings.kubernetes.enabled,
      trusted: vscode.workspace.isTrusted,
      configPath: settings.kubernetes.configPath,
      context: settings.kubernetes.context,
      inCluster: settings.kubernetes.inCluster,
      crashLoopFailSeconds: typeof crashLoop === 'number' && crashLoop >= 1 ? crashLoop : DEFAULT_CRASH_LOOP_FAIL_SECONDS,
    };
  }

  /** Calls of cluster(), one after the other: two at once must not open two sessions. */
  private clusterQueue: Promise<unknown> = Promise.resolve();

  /** The current session state, opening (or reopening after a settings change) as needed. */
  private cluster(): Promise<SessionState> {
    const next = this.clusterQueue.then(() => this.clusterNow());
    this.clusterQueue = next.catch(() => undefined);
    return next;
  }

  private async clusterNow(): Promise<SessionState> {
    const settings = await this.sessionSettings();
    if (this.session && sameSessionSettings(this.session.settings, settings)) return this.session.state;
    const previous = this.session;
    const files = new WorkspaceTaskFiles();
    const log = this.log.child('runs');
    const state = (async (): Promise<SessionState> => {
      if (previous) disposeSession(await previous.state);
      return openSession(settings, {
        loadK8s,
        files,
        locate: (taskId, hint) => findTaskInCatalog(this.catalog, taskId, hint)?.fileUri,
        log: (message) => log.info(message),
        artifactSettings: (run) => this.artifactSettings(run),
      });
    })();
    this.session = { settings, state };
    const opened = await state;
    if (this.session?.state !== state || this.disposed) return opened;
    this.currentState = opened;
    this.runStore.follow(opened.kind === 'ready' ? opened.session.tracker : undefined);
    this.artifactStore.follow(opened.kind === 'ready' ? opened.session.artifacts : undefined);
    this.tree.setAvailability(this.treeAvailability());
    this.availabilityChanged.fire();
    if (opened.kind === 'ready') {
      void this.watchTaskNamespaces();
      void opened.session.client.version().then(
        (version) => this.reportServerVersion(version),
        (error: unknown) => this.log.warn(`Could not read the cluster version: ${error instanceof Error ? error.message : String(error)}`),
      );
    } else if (opened.kind === 'error') {
      this.log.warn(`No cluster: ${opened.error.message} ${opened.error.fix}`);
    }
    return opened;
  }

  /** Where a run's files go: the output folder of its task's workspace folder, with the limits. */
  private async artifactSettings(run: TrackedRun): Promise<ArtifactSettings | undefined> {
    const task = findTaskInCatalog(this.catalog, run.taskId, run.taskFile);
    const taskUri = task ? vscode.Uri.parse(task.fileUri) : undefined;
    const folder = (taskUri && vscode.workspace.getWorkspaceFolder(taskUri)) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    const settings = await this.settings.get(taskUri ?? folder.uri);
    const deleteJob = vscode.workspace.getConfiguration(undefined, taskUri ?? folder.uri).get<boolean>(SettingKeys.collectorDeleteJobAfterCollect) === true;
    const outputRoot = path.resolve(folder.uri.fsPath, settings.collector.outputFolder);
    // The output folder must stay inside the workspace folder.
    const relative = path.relative(folder.uri.fsPath, outputRoot);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      this.log.warn(`keruta.collector.outputFolder (${settings.collector.outputFolder}) leaves the workspace folder; nothing is collected.`);
      return undefined;
    }
    return {
      outputRoot,
      workspaceRoot: folder.uri.fsPath,
      limits: { maxBytes: settings.collector.maxBytes, maxFiles: settings.collector.maxFiles },
      collectOnFailure: settings.collector.collectOnFailure,
      deleteJobAfterCollect: deleteJob,
    };
  }

  /** Watches the default namespace and every namespace a task names (none without tasks). */
  private async watchTaskNamespaces(): Promise<void> {
    const state = this.currentState;
    if (state?.kind !== 'ready') return;
    // Without tasks there is nothing to show runs under: watch only where runs are still going.
    const tasks = this.catalog.tasks();
    const namespaces = new Set<string>(tasks.length > 0 ? [(await this.settings.get()).kubernetes.defaultNamespace] : []);
    for (const task of tasks) if (task.parsed.task.job.namespace) namespaces.add(task.parsed.task.job.namespace);
    for (const run of state.session.tracker.activeRuns()) namespaces.add(run.namespace);
    state.session.tracker.retainNamespaces(namespaces);
    await Promise.all([...namespaces].map((namespace) => state.session.tracker.watchNamespace(namespace)));
  }

  /** A fresh session: a new kubeconfig read, new lists, new watches. */
  private refreshCluster(): Promise<SessionState> {
    const next = this.clusterQueue.then(async () => {
      if (this.session) {
        disposeSession(await this.session.state);
        this.session = undefined;
      }
      return this.clusterNow();
    });
    this.clusterQueue = next.catch(() => undefined);
    return next;
  }

  private treeAvailability(): ClusterAvailability {
    const state = this.currentState;
    if (!state || state.kind === 'ready') return { kind: 'ready' };
    if (state.kind === 'error') return { kind: 'error', message: `${state.error.message} ${state.error.fix}` };
    return { kind: state.kind };
  }

  private runsAvailability(): RunsAvailability {
    return this.currentState?.kind === undefined || this.currentState.kind === 'ready' ? 'ready' : this.currentState.kind;
  }

  private async reportServerVersion(version: ClusterVersionParams): Promise<void> {
    if (this.languageClient?.isRunning()) await this.languageClient.sendNotification(ClusterVersionNotification, version);
  }

  private async refreshSettings(): Promise<void> {
    // application.properties and trust changes are not configuration events: tell the server.
    if (this.languageClient?.isRunning()) {
      await this.languageClient.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    }
    const settings = await this.settings.get();
    await vscode.commands.executeCommand('setContext', ContextKeys.kubernetesEnabled, settings.kubernetes.enabled);
    for (const line of await this.settings.describe()) this.log.debug(line);
    // A session opened before follows the new settings (a new one only if the cluster side changed).
    if (this.session) await this.cluster();
  }

  private own<T extends { dispose(): unknown }>(disposable: T): T {
    this.disposables.push({ dispose: () => void disposable.dispose() });
    return disposable;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const client = this.languageClient;
    this.languageClient = undefined;
    if (client) {
      try {
        await client.stop(2000);
      } catch (error) {
        this.log.warn(`Stopping the language server: ${String(error)}`);
      }
    }
    if (this.session) disposeSession(await this.session.state);
    for (const disposable of this.disposables.reverse()) disposable.dispose();
  }
}

let current: KerutaContext | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  current = new KerutaContext(context);
  await current.start();
}

export async function deactivate(): Promise<void> {
  await current?.dispose();
  current = undefined;
}
