/**
 * `env-keruta-missing`: the main container of a keruta Job lacks some of the seven
 * KERUTA_TASK_* variables that programs run by keruta read.
 */
import * as l10n from '@vscode/l10n';
import { type Document, isMap, isScalar, isSeq } from 'yaml';
import { MAIN_CONTAINER } from '../../core/collectorPod';
import { KERUTA_ENV_NAMES } from '../../core/envMapping';
import { nodeAt, pairOf, pathFromPointer, scalarText } from '../../core/yamlDocuments';
import type { Finding, QuickFix, Rule } from '../ruleTypes';
import {
  appendToSeq,
  type ContainerRef,
  documentAt,
  envEntriesOf,
  firstKeySpan,
  jobContainers,
  keySpanIn,
  nonEmptySpan,
  pointerOf,
  setKeyEdit,
} from './shared';

export const CODE = 'env-keruta-missing';

/** The container keruta runs the task in: the one named `main`, else the first. */
function mainContainer(doc: Document.Parsed): ContainerRef | undefined {
  const regular = jobContainers(doc).filter((container) => container.kind === 'containers');
  return regular.find((container) => scalarText(nodeAt(doc, ['name'], container.node)) === MAIN_CONTAINER) ?? regular[0];
}

export const envKerutaMissingRule: Rule = {
  code: CODE,
  description: 'The main container of a keruta Job lacks some of the seven KERUTA_TASK_* variables.',
  fix: 'Add the missing variables (with empty values to fill in) at the end of its `env` list, creating `env:` when needed.',
  checkJob(target): Finding[] {
    if (!target.keruta) return [];
    const main = mainContainer(target.doc);
    if (!main) return [];
    const env = nodeAt(target.doc, ['env'], main.node);
    if (env !== undefined && !isSeq(env) && !(isScalar(env) && env.value === null)) return []; // job-schema reports it
    const present = new Set(envEntriesOf(target.doc, main).map((entry) => entry.name));
    const missing = KERUTA_ENV_NAMES.filter((name) => !present.has(name));
    if (missing.length === 0) return [];
    const span = keySpanIn(main.node, 'env') ?? nonEmptySpan(nodeAt(target.doc, ['name'], main.node)) ?? firstKeySpan(main.node);
    if (!span) return [];
    const name = scalarText(nodeAt(target.doc, ['name'], main.node)) ?? main.field;
    return [{
      code: CODE,
      severity: 'warning',
      message: l10n.t(
        'This keruta Job\'s container {0} lacks {1}: programs that read keruta\'s variables find them unset. Add them (keruta fills them from the task when it renders the Job).',
        name,
        missing.join(', '),
      ),
      span,
      data: { path: pointerOf(main.path), missing },
    }];
  },
  fixes(finding, context): QuickFix[] {
    const path = finding.data?.['path'];
    const missing = finding.data?.['missing'];
    if (typeof path !== 'string' || !Array.isArray(missing) || missing.length === 0) return [];
    const doc = documentAt(context.text, finding.span[0]);
    if (!doc) return [];
    const containerPath = pathFromPointer(path);
    const container = nodeAt(doc, containerPath);
    if (!isMap(container)) return [];
    const entries = (missing as readonly string[]).map((name) => ({ name, value: '' }));
    const env = pairOf(container, 'env')?.value;
    const edit = isSeq(env)
      ? appendToSeq(context.text, env, entries)
      : env === null || env === undefined || (isScalar(env) && env.value === null)
        ? setKeyEdit(context.text, doc, containerPath, 'env', entries, 'last')
        : undefined;
    return edit ? [{ title: l10n.t('Add {0}', (missing as readonly string[]).join(', ')), edits: [edit], preferred: true }] : [];
  },
};
