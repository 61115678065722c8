/**
 * The seed's mapping of task fields to environment variables, exactly as the seed names them.
 */
import type { Task } from './taskModel';

export interface EnvMappingEntry {
  readonly field: 'id' | 'title' | 'description' | 'priority' | 'status' | 'createdAt' | 'updatedAt';
  readonly name: string;
  readonly meaning: string;
}

export const KERUTA_ENV_MAPPING: readonly EnvMappingEntry[] = [
  { field: 'id', name: 'KERUTA_TASK_ID', meaning: 'unique id of the task' },
  { field: 'title', name: 'KERUTA_TASK_TITLE', meaning: 'title' },
  { field: 'description', name: 'KERUTA_TASK_DESCRIPTION', meaning: 'detailed description' },
  { field: 'priority', name: 'KERUTA_TASK_PRIORITY', meaning: 'priority' },
  { field: 'status', name: 'KERUTA_TASK_STATUS', meaning: 'status' },
  { field: 'createdAt', name: 'KERUTA_TASK_CREATED_AT', meaning: 'creation time' },
  { field: 'updatedAt', name: 'KERUTA_TASK_UPDATED_AT', meaning: 'last update time' },
];

export const KERUTA_ENV_NAMES: readonly string[] = KERUTA_ENV_MAPPING.map((entry) => entry.name);

/** The string value a task field takes in the Pod's environment (timestamps as ISO 8601). */
export function envValueOf(task: Task, field: EnvMappingEntry['field']): string {
  switch (field) {
    case 'priority':
      return String(task.priority);
    case 'createdAt':
    case 'updatedAt':
      return normalizeTimestamp(task[field] ?? '');
    default:
      return task[field];
  }
}

const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Whether a string is an ISO 8601 date or date-time as keruta accepts it. */
export function isIso8601(value: string): boolean {
  return ISO_8601.test(value) && !Number.isNaN(Date.parse(value.replace(' ', 'T')));
}

/**
 * ISO 8601 text stays exactly as written (the user's offset and precision are kept); a date-time
 * written with a space instead of `T` gets the `T`; anything else is passed through unchanged
 * (the language server reports it).
 */
export function normalizeTimestamp(value: string): string {
  const trimmed = value.trim();
  if (!isIso8601(trimmed)) return value;
  return trimmed.replace(' ', 'T');
}
