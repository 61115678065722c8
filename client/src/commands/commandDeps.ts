/** What commands are given by the composition root: services, never singletons. */
import type { LanguageClient } from 'vscode-languageclient/node';
import type { SettingsService } from '../config/settings';
import type { Logger } from '../log';
import type { ArtifactStore, ClusterSession, SessionState } from '../runs/clusterSession';
import type { LogRegistry } from '../runs/logFollower';
import type { RunStore } from '../runs/runModel';
import type { TaskCatalog } from '../tasks/taskCatalog';

export interface CommandDeps {
  readonly catalog: TaskCatalog;
  readonly settings: SettingsService;
  readonly log: Logger;
  readonly languageClient: () => LanguageClient | undefined;
  /** The current cluster state, opening the session on first use. */
  readonly cluster: () => Promise<SessionState>;
  /** Opens a session or explains to the user why there is none. */
  readonly requireSession: () => Promise<ClusterSession | undefined>;
  readonly runs: RunStore;
  /** Collections of the current session (the files of runs collected when they ended). */
  readonly artifacts: ArtifactStore;
  readonly logs: LogRegistry;
  /** Tells the language server which Kubernetes version the cluster runs (env-name rule). */
  readonly reportServerVersion: (version: { major: string; minor: string; gitVersion: string }) => Promise<void>;
}
