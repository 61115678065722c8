/**
 * `name-invalid`: names the API server rejects: `metadata.name` (a DNS-1123 subdomain of at most
 * 253 characters, and at most 63 because it is copied into the Pods' `job-name` label),
 * `metadata.generateName` (checked the same way with its trailing `-`; the API server cuts it to
 * 58 characters before appending 5 random ones, which is a warning), neither of them set, and
 * container names (DNS-1123 labels, unique in the Pod).
 */
import * as l10n from '@vscode/l10n';
import { GENERATED_SUFFIX_LENGTH, MAX_DNS1123_LABEL } from '../../core/limits';
import type { Span } from '../../core/taskModel';
import { keySpanAt, nodeAt, scalarText } from '../../core/yamlDocuments';
import type { Finding, JobTarget, Rule, RuleContext } from '../ruleTypes';
import { firstKeySpan, jobContainers, nonEmptySpan } from './shared';

export const CODE = 'name-invalid';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_SUBDOMAIN = 253;
const MAX_GENERATE_NAME = MAX_DNS1123_LABEL - GENERATED_SUFFIX_LENGTH;

const SUBDOMAIN_ERROR = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_ERROR = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** What the API server says about a subdomain name, or undefined when it accepts it. */
function subdomainError(name: string): string | undefined {
  if (name.length > MAX_SUBDOMAIN) return `must be no more than ${MAX_SUBDOMAIN} characters`;
  return SUBDOMAIN.test(name) ? undefined : SUBDOMAIN_ERROR;
}

/**
 * The API server checks a generateName as a name with its trailing '-' replaced; like it, this
 * drops the character before the '-' too (an upstream quirk).
 */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

function rejected(span: Span, field: string, value: string, error: string): Finding {
  return {
    code: CODE,
    severity: 'error',
    message: l10n.t('The API server rejects the Job: "{0}: Invalid value: {1}: {2}".', field, JSON.stringify(value), error),
    span,
  };
}

function checkNames(target: JobTarget): Finding[] {
  const { doc } = target;
  const findings: Finding[] = [];
  const nameNode = nodeAt(doc, ['metadata', 'name']);
  const name = scalarText(nameNode);
  const nameSpan = nonEmptySpan(nameNode);
  if (name !== undefined && name !== '' && nameSpan) {
    const error = subdomainError(name);
    if (error !== undefined) {
      findings.push(rejected(nameSpan, 'metadata.name', name, error));
    } else if (name.length > MAX_DNS1123_LABEL) {
      findings.push({
        code: CODE,
        severity: 'error',
        message: l10n.t(
          'The name has {0} characters: Kubernetes copies a Job\'s name into its Pods\' job-name label, and label values have at most 63, so the API server rejects the Job ("spec.template.labels: Invalid value: …: must be no more than 63 characters"). Shorten it to 63 characters.',
          name.length,
        ),
        span: nameSpan,
      });
    }
  }
  const generateNode = nodeAt(doc, ['metadata', 'generateName']);
  const generateName = scalarText(generateNode);
  const generateSpan = nonEmptySpan(generateNode);
  if (generateName !== undefined && generateName !== '' && generateSpan) {
    const error = subdomainError(maskTrailingDash(generateName));
    const generated = `${generateName.slice(0, MAX_GENERATE_NAME)}${'x'.repeat(GENERATED_SUFFIX_LENGTH)}`;
    const generatedError = name === undefined || name === '' ? subdomainError(generated) : undefined;
    if (error !== undefined) {
      findings.push(rejected(generateSpan, 'metadata.generateName', generateName, error));
    } else if (generatedError !== undefined) {
      // The prefix passes, but the name made from it (prefix + 5 random characters) does not.
      findings.push(rejected(generateSpan, 'metadata.name', generated, generatedError));
    } else if (generateName.length > MAX_GENERATE_NAME && (name === undefined || name === '')) {
      findings.push({
        code: CODE,
        severity: 'warning',
        message: l10n.t(
          'generateName has {0} characters: the API server cuts it to its first {1} ("{2}") before appending {3} random characters, so the Job\'s name does not show the whole prefix. Shorten it to {1} characters.',
          generateName.length,
          MAX_GENERATE_NAME,
          generateName.slice(0, MAX_GENERATE_NAME),
          GENERATED_SUFFIX_LENGTH,
        ),
        span: generateSpan,
      });
    }
  }
  if ((name === undefined || name === '') && (generateName === undefined || generateName === '')) {
    const span = keySpanAt(doc, ['metadata', 'name']) ?? keySpanAt(doc, ['metadata']) ?? keySpanAt(doc, ['kind']);
    if (span) {
      findings.push({
        code: CODE,
        severity: 'error',
        message: l10n.t('The Job has neither metadata.name nor metadata.generateName: the API server rejects it ("metadata.name: Required value: name or generateName is required"). Set one of them.'),
        span,
      });
    }
  }
  return findings;
}

function checkContainers(target: JobTarget, context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, Span>();
  const containers = jobContainers(target.doc)
    .map((container) => ({ container, node: nodeAt(target.doc, ['name'], container.node) }))
    .sort((a, b) => (a.node?.range?.[0] ?? 0) - (b.node?.range?.[0] ?? 0));
  for (const { container, node } of containers) {
    const name = scalarText(node);
    const span = nonEmptySpan(node) ?? firstKeySpan(container.node);
    if (name === undefined || !span) continue;
    const field = `${container.field}.name`;
    if (name.length > MAX_DNS1123_LABEL) {
      findings.push(rejected(span, field, name, `must be no more than ${MAX_DNS1123_LABEL} characters`));
    } else if (!LABEL.test(name)) {
      findings.push(rejected(span, field, name, LABEL_ERROR));
    }
    const first = seen.get(name);
    if (first) {
      findings.push({
        code: CODE,
        severity: 'error',
        message: l10n.t('Another container of this Pod is already named {0}: the API server rejects the Job ("{1}: Duplicate value: {2}"). Rename one of them.', name, field, JSON.stringify(name)),
        span,
        related: [{ uri: context.uri, span: first, message: l10n.t('{0} is first used here', name) }],
      });
    } else {
      seen.set(name, span);
    }
  }
  return findings;
}

export const nameInvalidRule: Rule = {
  code: CODE,
  description: 'A Job or container name the API server rejects: not a DNS-1123 subdomain/label, too long (a Job name over 63 breaks the job-name label), missing, or a duplicate container name.',
  checkJob: (target, context) => [...checkNames(target), ...checkContainers(target, context)],
};
