/** `image-placeholder`: an image that is a template placeholder (`<TASK_IMAGE>`, `${IMAGE}`, `{{ image }}`, TODO). */
import * as l10n from '@vscode/l10n';
import type { Finding, Rule } from '../ruleTypes';
import { imagesOf, isPlaceholder, type Target } from './shared';

export const CODE = 'image-placeholder';

function check(target: Target): Finding[] {
  return imagesOf(target).flatMap(({ image, span }): Finding[] => {
    if (!isPlaceholder(image)) return [];
    return [{
      code: CODE,
      severity: 'error',
      message: l10n.t('{0} is a placeholder, not an image: Kubernetes does not substitute it, so the Pod never starts (InvalidImageName or ErrImagePull). Replace it with the real image.', JSON.stringify(image)),
      span,
    }];
  });
}

export const imagePlaceholderRule: Rule = {
  code: CODE,
  description: 'An image that is a placeholder (`<…>`, `${…}`, `{{…}}`, `$(…)`, TODO/FIXME/CHANGEME): Kubernetes substitutes nothing and the Pod never starts.',
  checkTask: (target) => check(target),
  checkJob: (target) => check(target),
};
