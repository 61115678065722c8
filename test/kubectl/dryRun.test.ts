// The real kubectl, with its default client-side validation, against the API-server simulator:
//   node --import tsx --test test/kubectl/dryRun.test.ts
// Needs `kubectl` on PATH (fails with an install hint otherwise); no cluster, no network.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import YAML from 'yaml';
import { type SimKubectl, kubectlDryRun, startSimKubectl } from './kubectlHelper';

const VALID_JOB = `apiVersion: batch/v1
kind: Job
metadata:
  generateName: keruta-run-
  labels:
    app.kubernetes.io/managed-by: keruta
spec:
  backoffLimit: 0
  ttlSecondsAfterFinished: 600
  template:
    spec:
      restartPolicy: Never
      initContainers:
        - name: sidecar
          image: busybox:1.36
          restartPolicy: Always
          command: [sh, -c, "sleep 3600"]
      containers:
        - name: main
          image: alpine:3.20
          command: [sh, -c, "echo \\"$GREETING\\" > /work/out"]
          env:
            - name: GREETING
              value: hello
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
            limits:
              cpu: 1
              memory: 128Mi
          volumeMounts:
            - name: work
              mountPath: /work
      volumes:
        - name: work
          emptyDir:
            sizeLimit: 1Gi
`;

function dryRun(session: SimKubectl, manifest: string): ReturnType<SimKubectl['run']> {
  return session.run(['create', '--dry-run=client', '-f', '-', '-o', 'json'], manifest);
}

void test('kubectl create --dry-run=client validates Jobs against the simulator', async (t) => {
  const session = await startSimKubectl();
  t.after(() => session.close());

  await t.test('accepts a valid Job and prints it', async () => {
    const result = await dryRun(session, VALID_JOB);
    assert.equal(result.code, 0, `kubectl failed:\n${result.stderr}`);
    const printed: unknown = JSON.parse(result.stdout);
    // kubectl fills in the namespace of the kubeconfig context (`default`) and changes nothing else.
    const expected = YAML.parse(VALID_JOB) as { metadata: Record<string, unknown> };
    expected.metadata['namespace'] = 'default';
    assert.deepEqual(printed, expected);
  });

  await t.test('rejects an unknown field', async () => {
    const manifest = VALID_JOB.replace('image: alpine:3.20', 'imag: alpine:3.20');
    assert.notEqual(manifest, VALID_JOB);
    const result = await dryRun(session, manifest);
    assert.notEqual(result.code, 0, `kubectl accepted the manifest:\n${result.stdout}`);
    assert.match(result.stderr, /unknown field "imag" in io\.k8s\.api\.core\.v1\.Container/);
    assert.match(result.stderr, /ValidationError\(Job\.spec\.template\.spec\.containers\[0\]\)/);
  });

  await t.test('rejects a wrong type', async () => {
    const manifest = VALID_JOB.replace('backoffLimit: 0', 'backoffLimit: "x"');
    assert.notEqual(manifest, VALID_JOB);
    const result = await dryRun(session, manifest);
    assert.notEqual(result.code, 0, `kubectl accepted the manifest:\n${result.stdout}`);
    assert.match(result.stderr, /invalid type for io\.k8s\.api\.batch\.v1\.JobSpec\.backoffLimit: got "string", expected "integer"/);
  });

  await t.test('rejects a missing required field', async () => {
    const manifest = `apiVersion: batch/v1
kind: Job
metadata:
  name: no-containers
spec:
  template:
    spec:
      restartPolicy: Never
`;
    const result = await dryRun(session, manifest);
    assert.notEqual(result.code, 0, `kubectl accepted the manifest:\n${result.stdout}`);
    assert.match(result.stderr, /missing required field "containers" in io\.k8s\.api\.core\.v1\.PodSpec/);
  });

  await t.test('every request kubectl made was answered successfully', () => {
    const paths = session.sim.requests.map((r) => r.url.split('?')[0]);
    for (const expected of ['/version', '/api', '/apis', '/api/v1', '/apis/batch/v1', '/openapi/v2', '/openapi/v3', '/openapi/v3/apis/batch/v1']) {
      assert.ok(paths.includes(expected), `kubectl never asked for ${expected}; it asked for ${paths.join(', ')}`);
    }
    const failed = session.sim.requests.filter((r) => r.status >= 400);
    assert.deepEqual(failed, [], 'requests the simulator did not answer');
  });

  await t.test('unknown paths get the real NotFound Status', async () => {
    const response = await fetch(`${session.sim.url}/apis/apps/v1`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await response.json(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404,
    });
  });
});

void test('kubectlDryRun() runs against its own simulator', async () => {
  const result = await kubectlDryRun(VALID_JOB);
  assert.equal(result.code, 0, `kubectl failed:\n${result.stderr}`);
  const printed = JSON.parse(result.stdout) as { kind?: unknown; metadata?: { generateName?: unknown } };
  assert.equal(printed.kind, 'Job');
  assert.equal(printed.metadata?.generateName, 'keruta-run-');
});
