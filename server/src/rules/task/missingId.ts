/**
 * `task-missing-id`: reported by the task parser (no `id`, or an empty one); this module adds
 * the quick fix: an id made from the title, or `task-N`.
 */
import * as l10n from '@vscode/l10n';
import type { ParsedTask, ParsedTaskFile } from '../../core/taskModel';
import type { QuickFix, Rule } from '../ruleTypes';
import { insertFirstEntry } from './insertKey';
import { firstFree, parseTasks, sameSpan, slugify, taskWithMappingAt, yamlScalar, yamlScalarLike } from './shared';

export const CODE = 'task-missing-id';

/** A new id: the title's slug, else `task-N` (N its document number), not used elsewhere in the file. */
function newId(task: ParsedTask, file: ParsedTaskFile): string {
  const taken = new Set(file.tasks.map((other) => other.task.id));
  const slug = slugify(task.task.title);
  return firstFree(slug !== '' ? slug : `task-${task.documentIndex + 1}`, (candidate) => taken.has(candidate));
}

export const missingIdRule: Rule = {
  code: CODE,
  description: 'The task has no `id`, or an empty one: keruta cannot run or track it.',
  fix: 'Add `id:` (or fill the empty one) with a slug of the title, or `task-N` when the title gives none.',
  fixes(finding, context): QuickFix[] {
    const { file } = parseTasks(context.text);
    const withoutId = taskWithMappingAt(file, finding.span[0]);
    if (withoutId && !withoutId.locations.fields.has('id') && withoutId.locations.mappingSpan) {
      const id = newId(withoutId, file);
      const entry = `id: ${yamlScalar(id)}`;
      return [{ title: l10n.t('Add `{0}`', entry), edits: [insertFirstEntry(context.text, withoutId.locations.mappingSpan[0], entry)], preferred: true }];
    }
    const emptyId = file.tasks.find((task) => {
      const field = task.locations.fields.get('id');
      return field !== undefined && task.task.id.trim() === '' && sameSpan(field.valueSpan, finding.span);
    });
    if (emptyId) {
      const id = newId(emptyId, file);
      const original = context.text.slice(finding.span[0], finding.span[1]);
      return [{ title: l10n.t('Set the id to `{0}`', id), edits: [{ span: finding.span, newText: yamlScalarLike(id, original) }], preferred: true }];
    }
    return [];
  },
};
