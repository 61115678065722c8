import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { pickErrors } from '../../../server/src/rules/job/jobSchema';
import type { JobSchemaValidator } from '../../../server/src/rules/ruleTypes';
import { loadJobSchemaValidator } from '../../../server/src/services/jobSchema';
import { findingsOf, fixed, fixesOf, textUnder } from './jobRuleKit';

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

  test('the validator reports unknown fields by the pointer of their object, with the allowed fields', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'demo' }, spec: { backofLimit: 0, template: { spec: { containers: [{ name: 'main', image: 'busybox:1.36.1', imagePullPolicyy: 'Always' }] } } } };
    const unknown = validateJobSchema(job).filter((error) => error.keyword === 'additionalProperties');
    assert.deepEqual(unknown.map((error) => [error.pointer, error.params['additionalProperty'], error.params['definition']]), [
      ['/spec', 'backofLimit', 'io.k8s.api.batch.v1.JobSpec'],
      ['/spec/template/spec/containers/0', 'imagePullPolicyy', 'io.k8s.api.core.v1.Container'],
    ]);
    assert.ok((unknown[1]!.params['allowedProperties'] as string[]).includes('imagePullPolicy'));
    // Types, required fields and enums still come from kubernetes-models alongside.
    const mixed = validateJobSchema({ ...job, spec: { ...job.spec, parallelism: 'two' } });
    assert.deepEqual(mixed.map((error) => `${error.pointer} ${error.keyword}`).sort(), [
      '/spec additionalProperties',
      '/spec/parallelism type',
      '/spec/template/spec/containers/0 additionalProperties',
    ]);
  });

  test('an unknown field: an error on the key itself, with the field it misspells and a rename', () => {
    const text = valid.replace('        image: busybox:1.36.1\n', '        image: busybox:1.36.1\n        imagePullPolicyy: Always\n');
    const [finding, ...rest] = schemaFindings(text);
    assert.deepEqual(rest, []);
    assert.equal(finding!.severity, 'error');
    assert.deepEqual(finding!.span, [text.indexOf('imagePullPolicyy'), text.indexOf('imagePullPolicyy') + 'imagePullPolicyy'.length]);
    assert.equal(
      finding!.message,
      '`imagePullPolicyy` is not a field of io.k8s.api.core.v1.Container: kubectl rejects the Job (strict field validation, its default); other clients get a warning and the API server drops the field. Did you mean `imagePullPolicy`?',
    );
    assert.deepEqual(finding!.data, { property: 'imagePullPolicyy', suggestion: 'imagePullPolicy' });
    const result = fixed(text, finding!);
    assert.equal(result.title, 'Rename to `imagePullPolicy`');
    assert.equal(result.text, valid.replace('        image: busybox:1.36.1\n', '        image: busybox:1.36.1\n        imagePullPolicy: Always\n'));
    assert.deepEqual(schemaFindings(result.text), []);
  });

  test('unknown fields at every depth: each on its key, named by its type as kubectl names it', () => {
    const text = valid
      .replace('  name: demo\n', '  name: demo\n  labelz: {app: demo}\n')
      .replace('  backoffLimit: 0\n', '  backofLimit: 0\n')
      .replace('        image: busybox:1.36.1\n', '        image: busybox:1.36.1\n        env:\n        - name: TOKEN\n          valueFrom:\n            secretKeyRef: {name: api, key: token, optinal: true}\n')
      .concat('      volumes:\n      - name: scratch\n        emptyDir:\n          sizeLimt: 1Gi\n');
    const findings = schemaFindings(text);
    assert.deepEqual(findings.map((finding) => textUnder(text, finding)), ['labelz', 'backofLimit', 'optinal', 'sizeLimt']);
    assert.deepEqual(findings.map((finding) => /is not a field of (\S+):/.exec(finding.message)?.[1]), [
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      'io.k8s.api.batch.v1.JobSpec',
      'io.k8s.api.core.v1.SecretKeySelector',
      'io.k8s.api.core.v1.EmptyDirVolumeSource',
    ]);
    assert.deepEqual(findings.map((finding) => finding.data?.['suggestion']), ['labels', 'backoffLimit', 'optional', 'sizeLimit']);
    // The flow-mapping key is renamed in place.
    const optinal = fixed(text, findings[2]!);
    assert.match(optinal.text, /secretKeyRef: \{name: api, key: token, optional: true\}/);
  });

  test('no guess when nothing is close, or the close field is already there; quotes are kept', () => {
    const far = valid.replace('        image: busybox:1.36.1\n', '        image: busybox:1.36.1\n        colour: blue\n');
    const [noGuess] = schemaFindings(far);
    assert.equal(textUnder(far, noGuess!), 'colour');
    assert.equal(noGuess!.data, undefined);
    assert.doesNotMatch(noGuess!.message, /Did you mean/);
    assert.deepEqual(fixesOf(far, noGuess!), []);

    const present = valid.replace('        image: busybox:1.36.1\n', '        image: busybox:1.36.1\n        imagee: busybox\n');
    const [taken] = schemaFindings(present);
    assert.equal(textUnder(present, taken!), 'imagee');
    assert.equal(taken!.data, undefined);

    const quoted = valid.replace('  ttlSecondsAfterFinished: 3600\n', '  "ttlSecondsAfterFinishd": 3600\n');
    const [finding] = schemaFindings(quoted);
    assert.equal(textUnder(quoted, finding!), '"ttlSecondsAfterFinishd"');
    assert.equal(fixed(quoted, finding!).text, valid.replace('  ttlSecondsAfterFinished: 3600\n', '  "ttlSecondsAfterFinished": 3600\n'));
    // A fix for a key that has changed since is dropped.
    assert.deepEqual(fixesOf(quoted.replace('"ttlSecondsAfterFinishd"', '"ttlSecondsAfterFinishX"'), finding!), []);
  });

  test('maps and free-form objects stay open; merge keys are no fields', () => {
    const text = valid
      .replace('  name: demo\n', '  name: demo\n  labels: {team: data, any.domain/key: x}\n  annotations:\n    note: anything\n')
      .replace('limits: {cpu: 500m, memory: 64Mi}', 'limits: {cpu: 500m, memory: 64Mi, nvidia.com/gpu: 1}')
      .concat('      nodeSelector: {disktype: ssd}\n');
    assert.deepEqual(schemaFindings(text), []);
    const merged = valid.replace('  ttlSecondsAfterFinished: 3600\n', '  <<: {parallelism: 1}\n  ttlSecondsAfterFinished: 3600\n');
    assert.deepEqual(schemaFindings(merged), []);
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
