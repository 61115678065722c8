/** Command ids, context keys and other identifiers that package.json refers to, in one place. */
export const Commands = {
  openKubernetesSettings: 'keruta.openKubernetesSettings',
  showOutput: 'keruta.showOutput',
  showJobYaml: 'keruta.showJobYaml',
} as const;

export const ContextKeys = {
  kubernetesEnabled: 'keruta.kubernetesEnabled',
} as const;

export const LANGUAGE_ID = 'keruta-task';
export const EXTENSION_ID = 'keruta.keruta';
