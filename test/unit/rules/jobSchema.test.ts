import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { pickErrors } from '../../../server/src/rules/job/jobSchema';
import type { JobSchemaValidator } from '../../../server/src/rules/ruleTypes';
import { loadJobSchemaValidator } from '../../../server/src/services/jobSchema';
import { findingsOf, textUnder } from './jobRuleKit';

const valid = `apiVersion: batch/v1
kind: Job
metadata:
  name: demo
spec:
  backoffLimit: 0
  ttlSecondsAfterFinished: 3600
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:1.36.1
        resources:
          limits: {cpu: 500m, memory: 64Mi}
`;

describe('job-schema', () => {
  let validateJobSchema: JobSchemaValidator;
  before(async () => {
    validateJobSchema = await loadJobSchemaValidator();
  });
  const schemaFindings = (text: string) => findingsOf('yaml', text, 'job-schema', { validateJobSchema });

  test('a valid Job has none; without the validator nothing is reported', () => {
    assert.deepEqual(schemaFindings(valid), []);
    assert.deepEqual(findingsOf('yaml', valid.replace('backoffLimit: 0', 'backoffLimit: "0"'), 'job-schema'), []);
  });

  test('a wrong type is an error on the value', () => {
    const text = valid.replace('backoffLimit: 0', 'backoffLimit: "three"');
    const [finding, ...rest] = schemaFindings(text);
    assert.deepEqual(rest, []);
    assert.equal(finding!.severity, 'error');
    assert.equal(textUnder(text, finding!), '"three"');
    assert.match(finding!.message, /^spec\.backoffLimit must be of type integer/);
  });

  test('a mapping where a list belongs: on the whole value', () => {
    const text = valid.replace('        image: busybox:1.36.1\n', '        image: busybox:1.36.1\n        env:\n          A: b\n');
    const [finding] = schemaFindings(text);
    assert.equal(textUnder(text, finding!), 'A: b');
    assert.match(finding!.message, /containers\[0\]\.env must be of type array/);
  });

  test('a missing required field: on the key of the incomplete object, or the first key of a list item', () => {
    const noContainers = valid.replace(/ {6}containers:\n[\s\S]*$/, '      volumes: []\n');
    const [missing] = schemaFindings(noContainers);
    assert.equal(textUnder(noContainers, missing!), 'spec');
    assert.equal(missing!.span[0], noContainers.indexOf('    spec:') + 4);
    assert.match(missing!.message, /^spec\.template\.spec lacks the required field containers/);
    const noName = valid.replace('      - name: main\n        image: busybox:1.36.1', '      - image: busybox:1.36.1');
    const [unnamed] = schemaFindings(noName);
    assert.equal(textUnder(noName, unnamed!), 'image');
    assert.match(unnamed!.message, /containers\[0\] lacks the required field name/);
  });

  test('enums and quantities: one finding per path, the telling one', () => {
    const text = valid.replace('restartPolicy: Never', 'restartPolicy: Sometimes').replace('cpu: 500m', 'cpu: lots');
    const findings = schemaFindings(text);
    assert.deepEqual(findings.map((finding) => textUnder(text, finding)), ['Sometimes', 'lots']);
    assert.match(findings[0]!.message, /must be one of "Always", "Never", "OnFailure"/);
    assert.match(findings[1]!.message, /^spec\.template\.spec\.containers\[0\]\.resources\.limits\.cpu is not a valid quantity/);
  });

  test('kubernetes-models reports no unknown fields, so neither does the rule', () => {
    assert.deepEqual(schemaFindings(valid.replace('  backoffLimit: 0', '  backofLimit: 0')), []);
  });

  test('pickErrors keeps one error per path and property', () => {
    const picked = pickErrors([
      { pointer: '/a', keyword: 'type', message: 'must be number', params: { type: 'number' } },
      { pointer: '/a', keyword: 'format', message: 'must match format "quantity"', params: { format: 'quantity' } },
      { pointer: '/a', keyword: 'oneOf', message: 'must match exactly one schema in "oneOf"', params: {} },
      { pointer: '/b', keyword: 'required', message: '', params: { missingProperty: 'x' } },
      { pointer: '/b', keyword: 'required', message: '', params: { missingProperty: 'y' } },
      { pointer: '/c', keyword: 'type', message: 'must be integer', params: { type: 'integer' } },
      { pointer: '/c', keyword: 'format', message: 'must match format "int32"', params: { format: 'int32' } },
    ]);
    assert.deepEqual(picked.map((error) => `${error.pointer} ${error.keyword}`), ['/a format', '/b required', '/b required', '/c type']);
  });
});
