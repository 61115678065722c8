/** Limits of Kubernetes and Linux that shape keruta Jobs. */

/** One `NAME=value` string longer than this (MAX_ARG_STRLEN) makes the container fail to start. */
export const MAX_ENV_VAR_BYTES = 131_072;

/** Default byte budget for `KERUTA_TASK_DESCRIPTION`, far below the per-variable limit. */
export const DEFAULT_DESCRIPTION_BUDGET_BYTES = 16_384;

/** All annotations of an object together must stay below 256 KiB; keruta keeps a margin. */
export const MAX_TASK_ANNOTATION_BYTES = 200 * 1024;

/** DNS-1123 label length: Job names become label values. */
export const MAX_DNS1123_LABEL = 63;

/** `generateName` gets five random characters appended by the API server. */
export const GENERATED_SUFFIX_LENGTH = 5;

/** Label values are at most 63 characters. */
export const MAX_LABEL_VALUE = 63;
