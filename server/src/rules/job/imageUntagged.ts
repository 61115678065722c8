/** `image-untagged`: an image with neither a tag nor a digest, which means `:latest`. */
import * as l10n from '@vscode/l10n';
import { unpinnedImageRule } from './shared';

export const CODE = 'image-untagged';

export const imageUntaggedRule = unpinnedImageRule({
  code: CODE,
  description: 'An image with neither a tag nor a digest (so `:latest`): runs are not reproducible.',
  reports: (ref) => ref.tag === undefined && ref.digest === undefined,
  message: (image) => l10n.t('{0} has no tag or digest, so it means {0}:latest: every node pulls whatever that points to when the Pod starts (imagePullPolicy defaults to Always), so runs are not reproducible. Pin a version tag or a digest.', image),
});
