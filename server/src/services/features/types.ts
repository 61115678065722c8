/** What every feature reads: one open document and its kind. */
import type { DocumentKind } from '../analysis';

export interface FeatureDocument {
  readonly uri: string;
  readonly text: string;
  readonly kind: DocumentKind;
}
