// Mapping from @kubernetes/client-node model class names to the definition names of the real
// Kubernetes OpenAPI document (`io.k8s.api.batch.v1.Job`, ...).
//
// client-node's generator strips the Go package from each definition name and prefixes the API
// version (`io.k8s.api.batch.v1.Job` → `V1Job`); only where two packages share a type name does it
// keep the group (`io.k8s.api.core.v1.ResourceClaim` → `CoreV1ResourceClaim`). So the group is
// not recoverable from the class name alone, and we decide it with this table:
//
//   | package                                   | class names (without the `V1` prefix)                |
//   |-------------------------------------------|------------------------------------------------------|
//   | io.k8s.apimachinery.pkg.apis.meta.v1      | META_V1 below (ObjectMeta, ListMeta, Status, ...)    |
//   | io.k8s.api.batch.v1                       | BATCH_V1 below (Job, JobSpec, PodFailurePolicy, ...) |
//   | io.k8s.api.authorization.v1               | AUTHORIZATION_V1 below (SelfSubjectAccessReview, ...)|
//   | io.k8s.api.core.v1                        | every other `V1*` class, and every `CoreV1*` class   |
//
// Any other prefix (`V1beta1`, `AppsV1`, `StorageV1`, ...) is rejected: the walk from the served
// kinds never reaches one, and a silent guess would produce a wrong definition name.
//
// Types that are not model classes in client-node (it maps them to TS primitives) are synthetic
// definitions: IntOrString, Quantity, Time, MicroTime, FieldsV1, RawExtension and Patch; which
// fields use Quantity / FieldsV1 / RawExtension is not visible in client-node's type map (they are
// just `string` / `any` there), hence the field tables at the end of this file.

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const CORE = 'io.k8s.api.core.v1';
export const BATCH = 'io.k8s.api.batch.v1';
export const AUTHORIZATION = 'io.k8s.api.authorization.v1';

export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const TIME = `${META}.Time`;
export const MICRO_TIME = `${META}.MicroTime`;
export const FIELDS_V1 = `${META}.FieldsV1`;
export const PATCH = `${META}.Patch`;
export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

const META_V1: ReadonlySet<string> = new Set([
  'APIGroup', 'APIGroupList', 'APIResource', 'APIResourceList', 'APIVersions', 'Condition', 'DeleteOptions',
  'FieldSelectorRequirement', 'GroupVersionForDiscovery', 'LabelSelector', 'LabelSelectorRequirement', 'ListMeta',
  'ManagedFieldsEntry', 'ObjectMeta', 'OwnerReference', 'Preconditions', 'ServerAddressByClientCIDR', 'ShardInfo',
  'Status', 'StatusCause', 'StatusDetails', 'WatchEvent',
]);

const BATCH_V1: ReadonlySet<string> = new Set([
  'CronJob', 'CronJobList', 'CronJobSpec', 'CronJobStatus', 'Job', 'JobCondition', 'JobList', 'JobSpec', 'JobStatus',
  'JobTemplateSpec', 'PodFailurePolicy', 'PodFailurePolicyOnExitCodesRequirement', 'PodFailurePolicyOnPodConditionsPattern',
  'PodFailurePolicyRule', 'SuccessPolicy', 'SuccessPolicyRule', 'UncountedTerminatedPods',
]);

const AUTHORIZATION_V1: ReadonlySet<string> = new Set([
  'FieldSelectorAttributes', 'LabelSelectorAttributes', 'LocalSubjectAccessReview', 'NonResourceAttributes',
  'NonResourceRule', 'ResourceAttributes', 'ResourceRule', 'SelfSubjectAccessReview', 'SelfSubjectAccessReviewSpec',
  'SelfSubjectRulesReview', 'SelfSubjectRulesReviewSpec', 'SubjectAccessReview', 'SubjectAccessReviewSpec',
  'SubjectAccessReviewStatus', 'SubjectRulesReviewStatus',
]);

/** Definition name of a client-node model class; throws for classes outside the table above. */
export function definitionName(className: string): string {
  const core = /^CoreV1([A-Z]\w*)$/.exec(className);
  if (core?.[1] !== undefined) return `${CORE}.${core[1]}`;
  const v1 = /^V1([A-Z]\w*)$/.exec(className);
  const bare = v1?.[1];
  if (bare === undefined) {
    throw new Error(`no OpenAPI definition name known for client-node class ${className} (extend test/sim/modelNames.ts)`);
  }
  if (META_V1.has(bare)) return `${META}.${bare}`;
  if (BATCH_V1.has(bare)) return `${BATCH}.${bare}`;
  if (AUTHORIZATION_V1.has(bare)) return `${AUTHORIZATION}.${bare}`;
  return `${CORE}.${bare}`;
}

/**
 * Fields whose values are resource.Quantity (client-node types them as plain `string`, or as
 * string maps). Key: `<class>.<json name>`. Only the classes reachable from the served kinds.
 */
export const QUANTITY_FIELDS: ReadonlySet<string> = new Set([
  'V1ContainerStatus.allocatedResources',
  'V1EmptyDirVolumeSource.sizeLimit',
  'V1NodeAllocatableResourceClaimStatus.resources',
  'V1PodSpec.overhead',
  'V1PodStatus.allocatedResources',
  'V1ResourceFieldSelector.divisor',
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
]);

/** Fields typed `any` in client-node that reference a known definition. Key: `<class>.<json name>`. */
export const ANY_FIELDS: ReadonlyMap<string, string> = new Map([
  ['V1ManagedFieldsEntry.fieldsV1', FIELDS_V1],
  ['V1WatchEvent.object', RAW_EXTENSION],
]);

/** `Date` fields that are metav1.MicroTime rather than metav1.Time (none reachable today). */
export const MICRO_TIME_FIELDS: ReadonlySet<string> = new Set<string>([]);
