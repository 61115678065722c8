import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findingsOf, fixed, single, textUnder } from './jobRuleKit';

const containers = ['      containers:', '      - name: main', '        image: busybox:1.36.1'].join('\n');

describe('job-restart-policy', () => {
  test('a missing restartPolicy is reported on the pod spec key and fixed as its first key', () => {
    const text = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata: {name: demo}',
      'spec:',
      '  ttlSecondsAfterFinished: 600',
      '  template:',
      '    spec:   # the pod',
      '      # containers first',
      '      containers:',
      '      - name: main',
      '        image: busybox:1.36.1',
      '',
    ].join('\n');
    const finding = single('yaml', text, 'job-restart-policy');
    assert.equal(finding.severity, 'error');
    assert.equal(textUnder(text, finding), 'spec');
    assert.equal(text.indexOf('    spec:'), finding.span[0] - 4, 'the template spec key, not the Job spec key');
    assert.match(finding.message, /spec\.template\.spec\.restartPolicy: Required value: valid values: "OnFailure", "Never"/);
    assert.match(finding.message, /Unsupported value: "Always": supported values: "OnFailure", "Never"/);
    const result = fixed(text, finding);
    assert.equal(result.title, 'Set restartPolicy: Never');
    assert.equal(
      result.text,
      text.replace('      # containers first\n', '      # containers first\n      restartPolicy: Never\n'),
    );
    assert.deepEqual(findingsOf('yaml', result.text, 'job-restart-policy'), []);
  });

  test('CRLF files: the inserted line ends with CRLF', () => {
    const text = `apiVersion: batch/v1\r\nkind: Job\r\nmetadata: {name: demo}\r\nspec:\r\n  template:\r\n    spec:\r\n${containers.replace(/\n/g, '\r\n')}\r\n`;
    const finding = single('yaml', text, 'job-restart-policy');
    assert.equal(fixed(text, finding).text, text.replace('    spec:\r\n', '    spec:\r\n      restartPolicy: Never\r\n'));
  });

  test('Always is reported on the value and replaced, keeping the quotes', () => {
    const text = `apiVersion: batch/v1\nkind: Job\nmetadata: {name: demo}\nspec:\n  template:\n    spec:\n      restartPolicy: "Always" # oops\n${containers}\n`;
    const finding = single('yaml', text, 'job-restart-policy');
    assert.equal(finding.severity, 'error');
    assert.equal(textUnder(text, finding), '"Always"');
    assert.equal(fixed(text, finding).text, text.replace('"Always" # oops', '"Never" # oops'));
  });

  test('an empty restartPolicy: is reported on its key and filled in', () => {
    const text = `apiVersion: batch/v1\nkind: Job\nmetadata: {name: demo}\nspec:\n  template:\n    spec:\n      restartPolicy:\n${containers}\n`;
    const finding = single('yaml', text, 'job-restart-policy');
    assert.equal(textUnder(text, finding), 'restartPolicy');
    assert.equal(fixed(text, finding).text, text.replace('restartPolicy:\n', 'restartPolicy: Never\n'));
  });

  test('a flow pod spec gets the key inside the braces', () => {
    const text = 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: demo}\nspec:\n  template:\n    spec: {containers: [{name: main, image: "busybox:1.36.1"}]}\n';
    const finding = single('yaml', text, 'job-restart-policy');
    assert.equal(fixed(text, finding).text, text.replace('spec: {containers', 'spec: {restartPolicy: Never, containers'));
  });

  test('Never and OnFailure pass; other documents and non-Jobs are not checked', () => {
    for (const policy of ['Never', 'OnFailure']) {
      const text = `apiVersion: batch/v1\nkind: Job\nmetadata: {name: demo}\nspec:\n  template:\n    spec:\n      restartPolicy: ${policy}\n${containers}\n`;
      assert.deepEqual(findingsOf('yaml', text, 'job-restart-policy'), []);
    }
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: demo}\nspec:\n${containers.replace(/^ {4}/gm, '')}\n`;
    assert.deepEqual(findingsOf('yaml', pod, 'job-restart-policy'), []);
  });

  test('in a multi-document file each Job is checked and fixed in its own document', () => {
    const first = `apiVersion: batch/v1\nkind: Job\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n${containers}\n`;
    const second = `apiVersion: batch/v1\nkind: Job\nmetadata: {name: b}\nspec:\n  template:\n    spec:\n${containers}\n`;
    const text = `${first}---\n${second}`;
    const finding = single('yaml', text, 'job-restart-policy');
    assert.ok(finding.span[0] > first.length);
    assert.equal(fixed(text, finding).text, `${first}---\n${second.replace('    spec:\n      containers', '    spec:\n      restartPolicy: Never\n      containers')}`);
  });
});

describe('job-onfailure-pod-failure-policy', () => {
  const withPolicy = (policy: string): string =>
    `apiVersion: batch/v1\nkind: Job\nmetadata: {name: demo}\nspec:\n  podFailurePolicy:\n    rules:\n    - action: FailJob\n      onExitCodes: {operator: In, values: [42]}\n  template:\n    spec:\n      restartPolicy: ${policy}\n${containers}\n`;

  test('OnFailure with a podFailurePolicy is an error on the value, pointing at the policy', () => {
    const text = withPolicy('OnFailure');
    const finding = single('yaml', text, 'job-onfailure-pod-failure-policy');
    assert.equal(finding.severity, 'error');
    assert.equal(textUnder(text, finding), 'OnFailure');
    assert.match(finding.message, /only "Never" is supported when podFailurePolicy is specified/);
    assert.equal(textUnder(text, finding.related![0]!), 'podFailurePolicy');
    assert.equal(fixed(text, finding).text, withPolicy('Never'));
  });

  test('Never with a policy, or OnFailure without one, passes', () => {
    assert.deepEqual(findingsOf('yaml', withPolicy('Never'), 'job-onfailure-pod-failure-policy'), []);
    const text = `apiVersion: batch/v1\nkind: Job\nmetadata: {name: demo}\nspec:\n  template:\n    spec:\n      restartPolicy: OnFailure\n${containers}\n`;
    assert.deepEqual(findingsOf('yaml', text, 'job-onfailure-pod-failure-policy'), []);
  });
});
