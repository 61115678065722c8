/** `image-untagged`: an image with neither a tag nor a digest, which means `:latest`. */
import * as l10n from '@vscode/l10n';
import type { Finding, Rule } from '../ruleTypes';
import { imagesOf, isPlaceholder, parseImage, pinnedImage, type Target, replaceValueFix } from './shared';

export const CODE = 'image-untagged';

function check(target: Target): Finding[] {
  return imagesOf(target).flatMap(({ image, span }): Finding[] => {
    const ref = parseImage(image);
    if (isPlaceholder(image) || ref.tag !== undefined || ref.digest !== undefined) return [];
    const pinned = pinnedImage(image);
    return [{
      code: CODE,
      severity: 'warning',
      message: l10n.t('{0} has no tag or digest, so it means {0}:latest: every node pulls whatever that points to when the Pod starts (imagePullPolicy defaults to Always), so runs are not reproducible. Pin a version tag or a digest.', image),
      span,
      ...(pinned !== undefined ? { data: { pinned } } : {}),
    }];
  });
}

export const imageUntaggedRule: Rule = {
  code: CODE,
  description: 'An image with neither a tag nor a digest (so `:latest`): runs are not reproducible.',
  fix: 'For busybox, alpine, ubuntu, debian, python and node: pin a version tag (e.g. busybox:1.36.1).',
  checkTask: (target) => check(target),
  checkJob: (target) => check(target),
  fixes: replaceValueFix('pinned', (pinned) => l10n.t('Pin {0}', pinned)),
};
