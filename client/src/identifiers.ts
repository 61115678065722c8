/** Command ids, context keys and other identifiers that package.json refers to, in one place. */
export const Commands = {
  openKubernetesSettings: 'keruta.openKubernetesSettings',
  showOutput: 'keruta.showOutput',
  showJobYaml: 'keruta.showJobYaml',
  runTask: 'keruta.runTask',
  stopRun: 'keruta.stopRun',
  showLogs: 'keruta.showLogs',
  collectArtifacts: 'keruta.collectArtifacts',
  runJobYaml: 'keruta.runJobYaml',
  checkClusterAccess: 'keruta.checkClusterAccess',
  cleanUpJobs: 'keruta.cleanUpJobs',
  openTaskFile: 'keruta.openTaskFile',
  createTaskFile: 'keruta.createTaskFile',
  refresh: 'keruta.refresh',
} as const;

export const ContextKeys = {
  kubernetesEnabled: 'keruta.kubernetesEnabled',
  noTaskFiles: 'keruta.noTaskFiles',
} as const;

export const Views = {
  tasks: 'keruta.tasks',
} as const;

export const LANGUAGE_ID = 'keruta-task';
export const EXTENSION_ID = 'keruta.keruta';
