/**
 * `task-missing-title`: reported by the task parser; this module adds the quick fix: a title
 * from the id, or `Untitled`.
 */
import * as l10n from '@vscode/l10n';
import type { QuickFix, Rule } from '../ruleTypes';
import { insertAfterId } from './insertKey';
import { parseTasks, taskWithMappingAt, yamlScalar } from './shared';

export const CODE = 'task-missing-title';

export const missingTitleRule: Rule = {
  code: CODE,
  description: 'The task has no `title`.',
  fix: 'Add `title:` with the task\'s id (or `Untitled`), after the `id` line.',
  fixes(finding, context): QuickFix[] {
    const { file, documents } = parseTasks(context.text);
    const task = taskWithMappingAt(file, finding.span[0]);
    const doc = task ? documents[task.documentIndex] : undefined;
    if (!task || !doc || task.locations.fields.has('title')) return [];
    const title = task.task.id.trim() !== '' ? task.task.id : 'Untitled';
    const entry = `title: ${yamlScalar(title)}`;
    const edit = insertAfterId(context.text, task, doc, entry);
    return edit ? [{ title: l10n.t('Add `{0}`', entry), edits: [edit], preferred: true }] : [];
  },
};
