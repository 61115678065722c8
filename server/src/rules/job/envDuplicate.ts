/**
 * `env-duplicate`: the same variable twice in one container. Kubernetes keeps the later entry.
 * In a task file, a name keruta sets itself (KERUTA_TASK_*) is a duplicate too: the task's
 * entries come after keruta's in the Job.
 */
import * as l10n from '@vscode/l10n';
import { KERUTA_ENV_NAMES } from '../../core/envMapping';
import type { Span } from '../../core/taskModel';
import type { Finding, Rule, RuleContext } from '../ruleTypes';
import { containersOf, envEntriesOf, nonEmptySpan, type Target } from './shared';

export const CODE = 'env-duplicate';

function check(target: Target, context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const container of containersOf(target)) {
    const first = new Map<string, Span>();
    for (const entry of envEntriesOf(target.doc, container)) {
      const span = nonEmptySpan(entry.nameNode);
      if (entry.name === undefined || entry.name === '' || !span) continue;
      const earlier = first.get(entry.name);
      if (earlier) {
        findings.push({
          code: CODE,
          severity: 'warning',
          message: l10n.t('{0} is already set in this container; Kubernetes uses this later entry, so the earlier one has no effect. Remove one of them.', entry.name),
          span,
          related: [{ uri: context.uri, span: earlier, message: l10n.t('{0} is first set here', entry.name) }],
        });
      } else if (container.kind === 'task' && KERUTA_ENV_NAMES.includes(entry.name)) {
        findings.push({
          code: CODE,
          severity: 'warning',
          message: l10n.t('keruta already sets {0} from the task; this entry comes after it in the Job and replaces keruta\'s value. Remove it, or use another name.', entry.name),
          span,
        });
        first.set(entry.name, span);
      } else {
        first.set(entry.name, span);
      }
    }
  }
  return findings;
}

export const envDuplicateRule: Rule = {
  code: CODE,
  description: 'The same env name twice in one container (the later entry wins); in task files also a KERUTA_TASK_* name keruta sets itself.',
  checkTask: (target, context) => check(target, context),
  checkJob: (target, context) => check(target, context),
};
