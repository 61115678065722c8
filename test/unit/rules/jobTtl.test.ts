import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findingsOf, fixed, single, textUnder } from './jobRuleKit';

const pod = ['  template:', '    spec:', '      restartPolicy: Never', '      containers:', '      - name: main', '        image: busybox:1.36.1'].join('\n');
const kerutaMeta = 'metadata:\n  name: demo\n  labels:\n    app.kubernetes.io/managed-by: keruta\n';
const plainMeta = 'metadata:\n  name: demo\n';
const jobText = (meta: string, specLines: string): string => `apiVersion: batch/v1\nkind: Job\n${meta}spec:\n${specLines}${pod}\n`;

describe('ttl-missing', () => {
  test('Job YAML: a warning on spec for keruta Jobs, information for others; the fix adds the TTL first under spec', () => {
    const keruta = jobText(kerutaMeta, '  backoffLimit: 0\n');
    const finding = single('yaml', keruta, 'ttl-missing');
    assert.equal(finding.severity, 'warning');
    assert.equal(textUnder(keruta, finding), 'spec');
    assert.equal(finding.span[0], keruta.indexOf('spec:'));
    const result = fixed(keruta, finding);
    assert.equal(result.title, 'Add ttlSecondsAfterFinished: 3600');
    assert.equal(result.text, keruta.replace('spec:\n  backoffLimit', 'spec:\n  ttlSecondsAfterFinished: 3600\n  backoffLimit'));
    assert.equal(single('yaml', jobText(plainMeta, ''), 'ttl-missing').severity, 'information');
  });

  test('an empty ttlSecondsAfterFinished: is reported on its key and filled in', () => {
    const text = jobText(plainMeta, '  ttlSecondsAfterFinished:\n');
    const finding = single('yaml', text, 'ttl-missing');
    assert.equal(textUnder(text, finding), 'ttlSecondsAfterFinished');
    assert.equal(fixed(text, finding).text, text.replace('ttlSecondsAfterFinished:\n', 'ttlSecondsAfterFinished: 3600\n'));
  });

  test('tasks: information only when the setting is null too, on the job key; the fix adds it under job', () => {
    const text = 'id: t\ntitle: T\njob:\n  image: busybox:1.36.1\n';
    assert.deepEqual(findingsOf('task', text, 'ttl-missing'), [], 'the setting (3600 by default) applies');
    const finding = single('task', text, 'ttl-missing', { settings: { defaultTtlSeconds: null } });
    assert.equal(finding.severity, 'information');
    assert.equal(textUnder(text, finding), 'job');
    assert.equal(fixed(text, finding).text, 'id: t\ntitle: T\njob:\n  ttlSecondsAfterFinished: 3600\n  image: busybox:1.36.1\n');
  });

  test('tasks without a job section: reported on id, the fix adds a job section', () => {
    const text = 'id: t\ntitle: T\n';
    const options = { settings: { defaultTtlSeconds: null, defaultImage: 'busybox:1.36.1' } };
    const finding = single('task', text, 'ttl-missing', options);
    assert.equal(textUnder(text, finding), 'id');
    assert.equal(fixed(text, finding, options).text, 'id: t\ntitle: T\njob:\n  ttlSecondsAfterFinished: 3600\n');
  });

  test('the proposed TTL is at least the collection window', () => {
    const text = jobText(plainMeta, '');
    const finding = single('yaml', text, 'ttl-missing', { settings: { collectWindowSeconds: 7200 } });
    assert.equal(finding.data?.['ttl'], 7200);
  });
});

describe('ttl-zero', () => {
  test('0 is a warning on the value, fixed to 3600; the message says what is lost', () => {
    const text = jobText(kerutaMeta, '  ttlSecondsAfterFinished: 0   # clean up\n');
    const finding = single('yaml', text, 'ttl-zero');
    assert.equal(finding.severity, 'warning');
    assert.equal(textUnder(text, finding), '0');
    assert.match(finding.message, /\/\.keruta\/doc/);
    assert.equal(fixed(text, finding).text, text.replace('ttlSecondsAfterFinished: 0 ', 'ttlSecondsAfterFinished: 3600 '));
    assert.doesNotMatch(single('yaml', jobText(plainMeta, '  ttlSecondsAfterFinished: 0\n'), 'ttl-zero').message, /keruta\/doc/);
  });

  test('tasks: job.ttlSecondsAfterFinished: 0', () => {
    const text = 'id: t\ntitle: T\njob:\n  ttlSecondsAfterFinished: 0\n';
    const finding = single('task', text, 'ttl-zero');
    assert.equal(fixed(text, finding).text, text.replace(': 0', ': 3600'));
    assert.deepEqual(findingsOf('task', text, 'ttl-too-short'), []);
  });
});

describe('ttl-too-short', () => {
  test('keruta Jobs: shorter than the window is a warning, fixed to the window', () => {
    const text = jobText(kerutaMeta, '  ttlSecondsAfterFinished: 60\n');
    const finding = single('yaml', text, 'ttl-too-short');
    assert.equal(finding.severity, 'warning');
    assert.equal(textUnder(text, finding), '60');
    assert.match(finding.message, /300-second collection window/);
    const result = fixed(text, finding);
    assert.equal(result.title, 'Set ttlSecondsAfterFinished: 300');
    assert.equal(result.text, text.replace(': 60', ': 300'));
  });

  test('only where keruta collects: not plain Jobs, not collector none, not tasks with collect: false', () => {
    assert.deepEqual(findingsOf('yaml', jobText(plainMeta, '  ttlSecondsAfterFinished: 60\n'), 'ttl-too-short'), []);
    const noCollector = jobText(`${kerutaMeta}  annotations:\n    keruta.io/collector: none\n`, '  ttlSecondsAfterFinished: 60\n');
    assert.deepEqual(findingsOf('yaml', noCollector, 'ttl-too-short'), []);
    assert.deepEqual(findingsOf('task', 'id: t\ntitle: T\njob:\n  collect: false\n  ttlSecondsAfterFinished: 60\n', 'ttl-too-short'), []);
    const task = 'id: t\ntitle: T\njob:\n  ttlSecondsAfterFinished: 60\n';
    assert.equal(textUnder(task, single('task', task, 'ttl-too-short')), '60');
    assert.deepEqual(findingsOf('task', task, 'ttl-too-short', { settings: { collectWindowSeconds: 60 } }), []);
  });
});
