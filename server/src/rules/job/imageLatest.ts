/** `image-latest`: an image pinned to nothing but `:latest`. */
import * as l10n from '@vscode/l10n';
import type { Finding, Rule } from '../ruleTypes';
import { imagesOf, isPlaceholder, parseImage, pinnedImage, type Target, replaceValueFix } from './shared';

export const CODE = 'image-latest';

function check(target: Target): Finding[] {
  return imagesOf(target).flatMap(({ image, span }): Finding[] => {
    const ref = parseImage(image);
    if (isPlaceholder(image) || ref.tag !== 'latest' || ref.digest !== undefined) return [];
    const pinned = pinnedImage(image);
    return [{
      code: CODE,
      severity: 'warning',
      message: l10n.t('{0} uses the latest tag: every node pulls whatever it points to when the Pod starts (imagePullPolicy defaults to Always), so runs are not reproducible. Pin a version tag or a digest.', image),
      span,
      ...(pinned !== undefined ? { data: { pinned } } : {}),
    }];
  });
}

export const imageLatestRule: Rule = {
  code: CODE,
  description: 'An image tagged `:latest`: runs are not reproducible.',
  fix: 'For busybox, alpine, ubuntu, debian, python and node: pin a version tag (e.g. busybox:1.36.1).',
  checkTask: (target) => check(target),
  checkJob: (target) => check(target),
  fixes: replaceValueFix('pinned', (pinned) => l10n.t('Pin {0}', pinned)),
};
