/**
 * `image-missing`: a container without an image (the API server rejects the Job), or a task with
 * no `job.image` while the `keruta.job.defaultImage` setting is empty too.
 */
import * as l10n from '@vscode/l10n';
import { isScalar } from 'yaml';
import { keySpanAt, nodeAt, pairOf, scalarText, spanOf } from '../../core/yamlDocuments';
import type { Finding, JobTarget, Rule, RuleContext, TaskTarget } from '../ruleTypes';
import { firstKeySpan, jobContainers, nonEmptySpan } from './shared';

export const CODE = 'image-missing';

function checkJob(target: JobTarget): Finding[] {
  return jobContainers(target.doc).flatMap((container): Finding[] => {
    const pair = pairOf(container.node, 'image');
    const value = pair?.value;
    const image = scalarText(value);
    if (pair && (image === undefined ? !(isScalar(value) && value.value === null) : image.trim() !== '')) return [];
    const nameNode = nodeAt(target.doc, ['name'], container.node);
    const span = (pair ? nonEmptySpan(value) ?? spanOf(pair.key) : undefined) ?? nonEmptySpan(nameNode) ?? firstKeySpan(container.node);
    if (!span) return [];
    return [{
      code: CODE,
      severity: 'error',
      message: l10n.t(
        'Container {0} has no image: the API server rejects the Job with "{1}.image: Required value". Set image, pinned to a version.',
        scalarText(nameNode) ?? container.field,
        container.field,
      ),
      span,
    }];
  });
}

function checkTask(target: TaskTarget, context: RuleContext): Finding[] {
  const { doc } = target;
  const value = nodeAt(doc, ['job', 'image']);
  const image = scalarText(value);
  if (image !== undefined) {
    if (image.trim() !== '') return [];
    const span = nonEmptySpan(value) ?? keySpanAt(doc, ['job', 'image']);
    if (!span) return [];
    return [{
      code: CODE,
      severity: 'error',
      message: l10n.t('job.image is empty, so the Job\'s container has no image and the API server rejects it ("spec.template.spec.containers[0].image: Required value"). Set the image, or remove the key to use the keruta.job.defaultImage setting.'),
      span,
    }];
  }
  if (context.settings.defaultImage.trim() !== '') return [];
  const span = keySpanAt(doc, ['job', 'image']) ?? keySpanAt(doc, ['job']) ?? keySpanAt(doc, ['id']) ?? firstKeySpan(doc.contents);
  if (!span) return [];
  return [{
    code: CODE,
    severity: 'error',
    message: l10n.t('The task sets no job.image and the keruta.job.defaultImage setting is empty: keruta cannot create its Job (the container would have no image). Set job.image, or the setting.'),
    span,
  }];
}

export const imageMissingRule: Rule = {
  code: CODE,
  description: 'A container without an image; a task without `job.image` while `keruta.job.defaultImage` is empty.',
  checkTask: (target, context) => checkTask(target, context),
  checkJob: (target) => checkJob(target),
};
