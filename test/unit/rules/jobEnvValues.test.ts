import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nameLooksSecret, secretKeyFor, secretNameFor } from '../../../server/src/rules/job/envSecretLiteral';
import { findingsOf, fixed, job, single, textUnder } from './jobRuleKit';

function withEnv(...entries: string[]): string {
  return job(['      restartPolicy: Never', '      containers:', '      - name: main', '        image: busybox:1.36.1', '        env:', ...entries].join('\n'));
}

describe('env-value-size', () => {
  // NAME=value: "BIG=" is 4 bytes.
  const sized = (valueBytes: number): string => withEnv('        - name: BIG', `          value: ${'x'.repeat(valueBytes)}`);

  test('over the limit (with the NUL) is an error on the value key', () => {
    const text = sized(131_072 - 4);
    const finding = single('yaml', text, 'env-value-size');
    assert.equal(finding.severity, 'error');
    assert.equal(textUnder(text, finding), 'value');
    assert.match(finding.message, /131072 bytes; Linux allows at most 131071 bytes/);
    assert.match(finding.message, /argument list too long/);
  });

  test('just under the limit is a warning; over 75% is a warning; up to 75% is fine', () => {
    assert.equal(single('yaml', sized(131_071 - 4), 'env-value-size').severity, 'warning');
    assert.equal(single('yaml', sized(98_305 - 4), 'env-value-size').severity, 'warning');
    assert.deepEqual(findingsOf('yaml', sized(98_304 - 4), 'env-value-size'), []);
  });

  test('bytes are UTF-8 bytes; task files are checked too', () => {
    const text = `id: t\ntitle: T\njob:\n  image: busybox:1.36.1\n  env:\n    - name: BIG\n      value: ${'é'.repeat(50_000)}\n`;
    const finding = single('task', text, 'env-value-size');
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /100004 bytes, 76%/);
  });
});

describe('env-secret-literal', () => {
  test('which names look secret', () => {
    for (const name of ['GITHUB_TOKEN', 'DB_PASSWORD', 'db-passwd', 'API_KEY', 'apiKey', 'AWS_SECRET_ACCESS_KEY', 'CLIENTSECRET', 'GOOGLE_CREDENTIALS', 'PRIVATE_KEY', 'SSH_KEY', 'DB_PASS']) {
      assert.ok(nameLooksSecret(name), name);
    }
    for (const name of ['KEYBOARD_LAYOUT', 'TOKENIZER_PATH', 'AWS_ACCESS_KEY_ID', 'SECRET_NAME', 'TOKEN_FILE', 'PUBLIC_KEY', 'MONKEY', 'KERUTA_TASK_DESCRIPTION', 'PWD', 'SECRETARY']) {
      assert.ok(!nameLooksSecret(name), name);
    }
    assert.equal(secretNameFor('GITHUB_TOKEN'), 'github-token');
    assert.equal(secretKeyFor('GITHUB_TOKEN'), 'github_token');
    assert.equal(secretNameFor('apiKey.v2'), 'apikey-v2');
  });

  test('a literal secret in a Job: warning on the value, fixed with valueFrom.secretKeyRef', () => {
    const text = withEnv('        - name: GITHUB_TOKEN', '          value: "ghp_123" # do not commit', '        - name: MODE', '          value: fast');
    const finding = single('yaml', text, 'env-secret-literal');
    assert.equal(finding.severity, 'warning');
    assert.equal(textUnder(text, finding), '"ghp_123"');
    assert.match(finding.message, /valueFrom\.secretKeyRef/);
    const result = fixed(text, finding);
    assert.equal(result.title, 'Take GITHUB_TOKEN from the Secret github-token (key github_token)');
    assert.equal(
      result.text,
      text.replace(
        '          value: "ghp_123" # do not commit\n',
        '          valueFrom:\n            secretKeyRef:\n              name: github-token\n              key: github_token # do not commit\n',
      ),
    );
    assert.deepEqual(findingsOf('yaml', result.text, 'env-secret-literal'), []);
  });

  test('a flow entry gets a flow valueFrom', () => {
    const text = withEnv('        - {name: API_KEY, value: abc}');
    const finding = single('yaml', text, 'env-secret-literal');
    assert.equal(fixed(text, finding).text, text.replace('value: abc', 'valueFrom: { secretKeyRef: { name: api-key, key: api_key } }'));
  });

  test('task files: fixed with the task format\'s secretKeyRef directly under the entry', () => {
    const text = 'id: t\ntitle: T\njob:\n  image: busybox:1.36.1\n  env:\n    - name: DB_PASSWORD\n      value: hunter2\n';
    const finding = single('task', text, 'env-secret-literal');
    assert.match(finding.message, /refer to it with secretKeyRef/);
    assert.equal(fixed(text, finding).text, text.replace('      value: hunter2\n', '      secretKeyRef:\n        name: db-password\n        key: db_password\n'));
  });

  test('empty values, references, placeholders and secretKeyRefs are not reported', () => {
    const text = withEnv(
      '        - name: TOKEN',
      '          value: ""',
      '        - name: PASSWORD',
      '          value: $(OTHER)',
      '        - name: API_KEY',
      '          value: <your key>',
      '        - name: SECRET',
      '          valueFrom: {secretKeyRef: {name: s, key: k}}',
    );
    assert.deepEqual(findingsOf('yaml', text, 'env-secret-literal'), []);
  });
});
