/** Rules for Jobs: Job YAML documents and the `job` section of task files. */
import { envDuplicateRule } from './job/envDuplicate';
import { envKerutaMissingRule } from './job/envKerutaMissing';
import { envKerutaUnknownRule } from './job/envKerutaUnknown';
import { envNameClassicRule } from './job/envNameClassic';
import { envNameInvalidRule } from './job/envNameInvalid';
import { envSecretLiteralRule } from './job/envSecretLiteral';
import { envValueSizeRule } from './job/envValueSize';
import { imageLatestRule } from './job/imageLatest';
import { imageMissingRule } from './job/imageMissing';
import { imagePlaceholderRule } from './job/imagePlaceholder';
import { imageUntaggedRule } from './job/imageUntagged';
import { jobSchemaRule } from './job/jobSchema';
import { nameInvalidRule } from './job/nameInvalid';
import { onFailurePodFailurePolicyRule } from './job/onFailurePodFailurePolicy';
import { restartPolicyRule } from './job/restartPolicy';
import { ttlMissingRule } from './job/ttlMissing';
import { ttlTooShortRule } from './job/ttlTooShort';
import { ttlZeroRule } from './job/ttlZero';
import type { Rule } from './ruleTypes';

export const JOB_RULES: readonly Rule[] = [
  jobSchemaRule,
  restartPolicyRule,
  onFailurePodFailurePolicyRule,
  nameInvalidRule,
  imageMissingRule,
  imagePlaceholderRule,
  imageLatestRule,
  imageUntaggedRule,
  envNameInvalidRule,
  envNameClassicRule,
  envDuplicateRule,
  envKerutaUnknownRule,
  envKerutaMissingRule,
  envValueSizeRule,
  envSecretLiteralRule,
  ttlMissingRule,
  ttlZeroRule,
  ttlTooShortRule,
];
