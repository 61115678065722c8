/** `task-duplicate-id`: two tasks (in this file or another task file) share an id. */
import * as l10n from '@vscode/l10n';
import { pairOf, resolveNode } from '../../core/yamlDocuments';
import type { Finding, FindingData, QuickFix, RelatedLocation, Rule } from '../ruleTypes';
import { firstFree, isReplaceableScalar, scalarSourceValue, yamlScalarLike } from './shared';

export const CODE = 'task-duplicate-id';

export const duplicateIdRule: Rule = {
  code: CODE,
  description: 'Another task in this file or in another task file of the workspace has the same `id`.',
  fix: 'Rename the id to the first free `<id>-N`.',
  checkTask(target, context) {
    const { task, file, doc } = target;
    const id = task.task.id;
    const idField = task.locations.fields.get('id');
    if (id.trim() === '' || !idField) return [];
    const sameFile = file.tasks.filter((other) => other !== task && other.task.id === id);
    const otherFiles = context.workspace.tasksWithId(id, context.uri);
    if (sameFile.length === 0 && otherFiles.length === 0) return [];

    const related: RelatedLocation[] = [
      ...sameFile.map((other) => ({
        uri: context.uri,
        span: other.locations.fields.get('id')?.valueSpan ?? other.locations.documentSpan,
        message: l10n.t('Another task with the id `{0}`', id),
      })),
      ...otherFiles.map((other) => ({ uri: other.uri, span: other.span, text: other.text, message: l10n.t('Another task with the id `{0}`', id) })),
    ];
    const count = related.length;
    const message = count === 1
      ? l10n.t('Another task also has the id `{0}`. keruta labels Jobs and tracks runs by id, so the two tasks\' runs and results would be mixed up: give each task its own id.', id)
      : l10n.t('{0} other tasks also have the id `{1}`. keruta labels Jobs and tracks runs by id, so their runs and results would be mixed up: give each task its own id.', count, id);

    // A distinct suggestion per same-file occurrence, so that fixing each leaves no duplicate behind.
    const idsInFile = new Set(file.tasks.map((other) => other.task.id));
    const occurrence = file.tasks.filter((other) => other.task.id === id).indexOf(task);
    const taken = (candidate: string): boolean => candidate === id || idsInFile.has(candidate) || context.workspace.tasksWithId(candidate, context.uri).length > 0;
    const valueNode = pairOf(resolveNode(doc, doc.contents), 'id')?.value;
    const data: FindingData = isReplaceableScalar(valueNode, context.text)
      ? { id, suggestion: firstFree(id, taken, Math.max(0, occurrence)) }
      : { id };
    const finding: Finding = { code: CODE, severity: 'error', message, span: idField.valueSpan, data, related };
    return [finding];
  },
  fixes(finding, context): QuickFix[] {
    const suggestion = finding.data?.['suggestion'];
    if (typeof suggestion !== 'string' || suggestion === '') return [];
    const original = context.text.slice(finding.span[0], finding.span[1]);
    // The diagnostic may be stale: only rename the id it was about.
    if (scalarSourceValue(original) !== finding.data?.['id']) return [];
    return [{
      title: l10n.t('Rename the id to `{0}`', suggestion),
      edits: [{ span: finding.span, newText: yamlScalarLike(suggestion, original) }],
    }];
  },
};
