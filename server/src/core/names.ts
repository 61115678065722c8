/** Kubernetes names and label values derived from task ids. */
import { createHash } from 'node:crypto';
import { GENERATED_SUFFIX_LENGTH, MAX_DNS1123_LABEL, MAX_LABEL_VALUE } from './limits';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const JOB_NAME_PREFIX = 'keruta-';

export function isDns1123Label(name: string): boolean {
  return name.length <= MAX_DNS1123_LABEL && DNS1123_LABEL.test(name);
}

export function isValidLabelValue(value: string): boolean {
  return value.length <= MAX_LABEL_VALUE && LABEL_VALUE.test(value);
}

function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, length);
}

/**
 * `generateName` for a task's Job: `keruta-<slug>-`, a DNS-1123 label prefix such that the name
 * the API server generates (five more characters) is at most 63 characters. When the id had to
 * be changed to fit (case, characters, length), a short hash of the id keeps distinct ids distinct.
 */
export function jobGenerateName(taskId: string): string {
  const budget = MAX_DNS1123_LABEL - GENERATED_SUFFIX_LENGTH - JOB_NAME_PREFIX.length - 1; // trailing '-'
  const slug = slugify(taskId);
  let body: string;
  if (slug !== '' && slug === taskId && slug.length <= budget) {
    body = slug;
  } else {
    const hash = shortHash(taskId);
    const room = budget - hash.length - 1;
    const head = slug.slice(0, room).replace(/-+$/, '');
    body = head === '' ? hash : `${head}-${hash}`;
  }
  return `${JOB_NAME_PREFIX}${body}-`;
}

/**
 * A label value that identifies the task: the id itself when it is a valid label value,
 * otherwise a readable slug plus a hash of the id (the full id is kept in an annotation).
 */
export function taskIdLabelValue(taskId: string): string {
  if (isValidLabelValue(taskId) && taskId !== '') return taskId;
  const hash = shortHash(taskId, 10);
  const room = MAX_LABEL_VALUE - hash.length - 1;
  const head = taskId.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, room).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return head === '' ? hash : `${head}-${hash}`;
}

/** Lower-case, runs of anything outside [a-z0-9] folded to '-', no leading/trailing '-'. */
function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
