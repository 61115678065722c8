/**
 * `env-secret-literal`: a literal `value` for a variable whose name says it holds a secret.
 *
 * The name is split into words at `_`, `-`, `.` and lower-to-upper case changes. It looks secret
 * when a word is TOKEN(S), PASSWORD(S), PASSWD, PASS, PASSPHRASE, SECRET(S), KEY(S), APIKEY,
 * CREDENTIAL(S), CREDS or PRIVATE, or ends with TOKEN, PASSWORD, PASSWD, SECRET, APIKEY or
 * CREDENTIAL(S) (`GITHUBTOKEN`, `CLIENTSECRET`), unless a word is PUBLIC or the last word says the
 * value refers to the secret instead of holding it (ID, NAME, FILE, PATH, DIR, URL, …):
 * `AWS_ACCESS_KEY_ID`, `SECRET_NAME`, `TOKEN_FILE` and `KEYBOARD` are not reported. Empty values,
 * `$(VAR)` references and placeholders are not reported either.
 */
import * as l10n from '@vscode/l10n';
import { isMap } from 'yaml';
import type { Span } from '../../core/taskModel';
import { nodeAt, pairOf, pathFromPointer, scalarText } from '../../core/yamlDocuments';
import type { Finding, QuickFix, Rule } from '../ruleTypes';
import { allEnvEntries, contentEnd, documentAt, hasSpan, isPlaceholder, lineBreakOf, nonEmptySpan, pointerOf, type Target, yamlFlow, yamlLines } from './shared';

export const CODE = 'env-secret-literal';

const SECRET_WORDS = new Set([
  'TOKEN', 'TOKENS', 'PASSWORD', 'PASSWORDS', 'PASSWD', 'PASS', 'PASSPHRASE', 'SECRET', 'SECRETS',
  'KEY', 'KEYS', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'CREDS', 'PRIVATE',
]);
const SECRET_ENDINGS = /(TOKEN|PASSWORD|PASSWD|SECRET|APIKEY|CREDENTIALS?)$/;
const REFERENCE_WORDS = new Set([
  'ID', 'NAME', 'FILE', 'PATH', 'DIR', 'URL', 'URI', 'REF', 'ARN', 'LENGTH', 'LEN', 'SIZE', 'TYPE',
  'ALG', 'ALGORITHM', 'HEADER', 'ENDPOINT', 'EXPIRY', 'EXPIRES', 'TTL', 'FORMAT', 'COUNT', 'MODE', 'ENABLED', 'VERSION',
]);

export function nameLooksSecret(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().split(/[^A-Z0-9]+/).filter((word) => word !== '');
  if (words.length === 0 || words[0] === 'KERUTA' || words.includes('PUBLIC')) return false;
  if (words.length > 1 && REFERENCE_WORDS.has(words[words.length - 1]!)) return false;
  return words.some((word) => SECRET_WORDS.has(word) || SECRET_ENDINGS.test(word));
}

/** The Secret the fix refers to: the variable's name in lower case with dashes (a DNS-1123 subdomain). */
export function secretNameFor(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 253).replace(/-+$/, '');
  return slug === '' ? 'secret' : slug;
}

/** The key inside the Secret: the variable's name in lower case (a valid Secret key). */
export function secretKeyFor(name: string): string {
  const key = name.toLowerCase().replace(/[^-._a-z0-9]+/g, '_');
  return key === '' || key === '.' || key === '..' ? 'value' : key;
}

function check(target: Target): Finding[] {
  return allEnvEntries(target).flatMap((entry): Finding[] => {
    const span = nonEmptySpan(entry.valueNode);
    const { name, value } = entry;
    if (name === undefined || value === undefined || !span || value.trim() === '') return [];
    if (/^(\$\([^)]*\))+$/.test(value.trim()) || isPlaceholder(value) || !nameLooksSecret(name)) return [];
    const task = target.kind === 'task';
    return [{
      code: CODE,
      severity: 'warning',
      message: task
        ? l10n.t('{0} looks like a secret, but its value is written here: it ends up in the Job, where anyone who can read Jobs or Pods in the namespace can read it, and in this file. Put it in a Secret and refer to it with secretKeyRef.', name)
        : l10n.t('{0} looks like a secret, but its value is written here: anyone who can read Jobs or Pods in the namespace can read it, and so can anyone with this file. Put it in a Secret and refer to it with valueFrom.secretKeyRef.', name),
      span,
      data: { path: pointerOf(entry.path), secretName: secretNameFor(name), secretKey: secretKeyFor(name), task },
    }];
  });
}

export const envSecretLiteralRule: Rule = {
  code: CODE,
  description: 'A literal `value` for an env name that looks secret (TOKEN, PASSWORD, SECRET, KEY, CREDENTIAL, PRIVATE … as a word of the name).',
  fix: 'Replace `value:` with a `valueFrom.secretKeyRef` (task files: `secretKeyRef`) naming a Secret after the variable.',
  checkTask: (target) => check(target),
  checkJob: (target) => check(target),
  fixes(finding, context): QuickFix[] {
    const { path, secretName, secretKey, task } = finding.data ?? {};
    if (typeof path !== 'string' || typeof secretName !== 'string' || typeof secretKey !== 'string') return [];
    const doc = documentAt(context.text, finding.span[0]);
    const entry = doc ? nodeAt(doc, pathFromPointer(path)) : undefined;
    const pair = pairOf(entry, 'value');
    if (!isMap(entry) || !pair?.key.range || !hasSpan(pair.value, finding.span)) return [];
    const ref = { secretKeyRef: { name: secretName, key: secretKey } };
    const replacement = task === true ? ref : { valueFrom: ref };
    const span: Span = [pair.key.range[0], contentEnd(context.text, pair.value!)];
    let newText: string;
    if (entry.flow) {
      newText = yamlFlow(replacement).replace(/^\{ ?/, '').replace(/ ?\}$/, '');
    } else {
      const lineStart = context.text.lastIndexOf('\n', span[0] - 1) + 1;
      const indent = ' '.repeat(span[0] - lineStart);
      newText = yamlLines(replacement).join(lineBreakOf(context.text) + indent);
    }
    const name = scalarText(nodeAt(doc!, ['name'], entry)) ?? '';
    return [{ title: l10n.t('Take {0} from the Secret {1} (key {2})', name, secretName, secretKey), edits: [{ span, newText }], preferred: true }];
  },
};
