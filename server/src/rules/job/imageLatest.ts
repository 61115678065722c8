/** `image-latest`: an image pinned to nothing but `:latest`. */
import * as l10n from '@vscode/l10n';
import { unpinnedImageRule } from './shared';

export const CODE = 'image-latest';

export const imageLatestRule = unpinnedImageRule({
  code: CODE,
  description: 'An image tagged `:latest`: runs are not reproducible.',
  reports: (ref) => ref.tag === 'latest' && ref.digest === undefined,
  message: (image) => l10n.t('{0} uses the latest tag: every node pulls whatever it points to when the Pod starts (imagePullPolicy defaults to Always), so runs are not reproducible. Pin a version tag or a digest.', image),
});
