import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findingsOf, single, textUnder } from './jobRuleKit';

const pod = ['spec:', '  ttlSecondsAfterFinished: 3600', '  template:', '    spec:', '      restartPolicy: Never', '      containers:'].join('\n');
const jobWith = (metadata: string, containers = '      - name: main\n        image: busybox:1.36.1'): string =>
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n${metadata}\n${pod}\n${containers}\n`;

describe('name-invalid', () => {
  test('metadata.name that is not a DNS-1123 subdomain: the API server\'s message on the value', () => {
    const text = jobWith('  name: My_Job');
    const finding = single('yaml', text, 'name-invalid');
    assert.equal(finding.severity, 'error');
    assert.equal(textUnder(text, finding), 'My_Job');
    assert.match(finding.message, /metadata\.name: Invalid value: "My_Job": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '\.'/);
  });

  test('names over 253, and valid names over 63 (the job-name label)', () => {
    const long = jobWith(`  name: ${'a'.repeat(254)}`);
    assert.match(single('yaml', long, 'name-invalid').message, /must be no more than 253 characters/);
    const label = jobWith(`  name: ${'a'.repeat(64)}`);
    assert.match(single('yaml', label, 'name-invalid').message, /job-name label/);
    assert.deepEqual(findingsOf('yaml', jobWith(`  name: ${'a'.repeat(63)}`), 'name-invalid'), []);
    assert.deepEqual(findingsOf('yaml', jobWith('  name: a.b-c'), 'name-invalid'), []);
  });

  test('generateName: checked with its trailing dash; over 58 characters a warning (cut by the API server)', () => {
    assert.deepEqual(findingsOf('yaml', jobWith('  generateName: keruta-task-'), 'name-invalid'), []);
    const bad = jobWith('  generateName: Keruta-');
    const finding = single('yaml', bad, 'name-invalid');
    assert.equal(textUnder(bad, finding), 'Keruta-');
    assert.match(finding.message, /metadata\.generateName: Invalid value: "Keruta-"/);
    const long = jobWith(`  generateName: ${'a'.repeat(58)}-`);
    const warning = single('yaml', long, 'name-invalid');
    assert.equal(warning.severity, 'warning');
    assert.match(warning.message, /cuts it to its first 58/);
    const dotDash = jobWith('  generateName: ab.-');
    assert.match(single('yaml', dotDash, 'name-invalid').message, /metadata\.name: Invalid value: "ab\.-xxxxx"/);
  });

  test('neither name nor generateName: an error on the metadata key', () => {
    const text = jobWith('  labels: {a: b}');
    const finding = single('yaml', text, 'name-invalid');
    assert.equal(textUnder(text, finding), 'metadata');
    assert.match(finding.message, /name or generateName is required/);
  });

  test('container names: DNS-1123 labels, unique across init containers and containers', () => {
    const text = jobWith('  name: demo', [
      '      - name: Main',
      '        image: busybox:1.36.1',
      '      - name: side',
      '        image: busybox:1.36.1',
      '      initContainers:',
      '      - name: side',
      '        image: busybox:1.36.1',
    ].join('\n'));
    const findings = findingsOf('yaml', text, 'name-invalid');
    assert.deepEqual(findings.map((finding) => textUnder(text, finding)), ['Main', 'side']);
    assert.match(findings[0]!.message, /containers\[0\]\.name: Invalid value: "Main": a lowercase RFC 1123 label/);
    assert.match(findings[1]!.message, /initContainers\[0\]\.name: Duplicate value: "side"/);
    assert.equal(findings[1]!.related![0]!.span[0], text.indexOf('side'));
  });

  test('task files are not checked (keruta makes the names)', () => {
    assert.deepEqual(findingsOf('task', 'id: My_Task\ntitle: T\njob: {image: "busybox:1.36.1"}\n', 'name-invalid'), []);
  });
});
