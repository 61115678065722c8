import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Job } from 'kubernetes-types/batch/v1';
import type { Container, EnvVar } from 'kubernetes-types/core/v1';
import { parse } from 'yaml';
import {
  COLLECTOR_CONTAINER,
  DOC_DIR,
  MAIN_CONTAINER,
  NATIVE_KEEPALIVE_SCRIPT,
  REGULAR_KEEPALIVE_SCRIPT,
} from '../../server/src/core/collectorPod';
import { KERUTA_ENV_NAMES } from '../../server/src/core/envMapping';
import {
  DEFAULT_RENDER_OPTIONS,
  jobToYaml,
  renderJob,
  type RenderOptions,
  taskSelector,
} from '../../server/src/core/jobRenderer';
import { isDns1123Label } from '../../server/src/core/names';
import type { Task } from '../../server/src/core/taskModel';
import { parseTaskFile } from '../../server/src/core/taskParser';
import { utf8Length } from '../../server/src/core/truncate';

const examples = join(__dirname, '..', '..', 'examples');

function sampleTask(): Task {
  const parsed = parseTaskFile(readFileSync(join(examples, 'sample.keruta.yaml'), 'utf8'));
  return parsed.tasks[0]!.task;
}

function task(overrides: Omit<Partial<Task>, 'job'> & { job?: Partial<Task['job']> } = {}): Task {
  const base: Task = {
    id: 'demo',
    title: 'Demo',
    description: 'A demo task',
    priority: 3,
    status: 'PENDING',
    createdAt: '2026-01-02T03:04:05Z',
    updatedAt: '2026-01-02T03:04:06.789+09:00',
    documents: [],
    job: { image: 'alpine:3.20', env: [] },
  };
  return { ...base, ...overrides, job: { ...base.job, ...overrides.job } };
}

const mainOf = (job: Job): Container => job.spec!.template.spec!.containers.find((c) => c.name === MAIN_CONTAINER)!;
const envOf = (job: Job): EnvVar[] => mainOf(job).env ?? [];
const envValue = (job: Job, name: string): string | undefined => envOf(job).find((e) => e.name === name)?.value;

describe('job renderer', () => {
  test('the seed sample becomes a batch/v1 Job with the seven variables first, as strings', () => {
    const { job, problems } = renderJob(sampleTask());
    assert.deepEqual(problems, []);
    assert.equal(job.apiVersion, 'batch/v1');
    assert.equal(job.kind, 'Job');
    assert.deepEqual(envOf(job).slice(0, 7).map((e) => e.name), [
      'KERUTA_TASK_ID',
      'KERUTA_TASK_TITLE',
      'KERUTA_TASK_DESCRIPTION',
      'KERUTA_TASK_PRIORITY',
      'KERUTA_TASK_STATUS',
      'KERUTA_TASK_CREATED_AT',
      'KERUTA_TASK_UPDATED_AT',
    ]);
    assert.deepEqual(KERUTA_ENV_NAMES, envOf(job).slice(0, 7).map((e) => e.name));
    for (const env of envOf(job)) assert.equal(typeof env.value, 'string', env.name);
    assert.equal(envValue(job, 'KERUTA_TASK_ID'), '123');
    assert.equal(envValue(job, 'KERUTA_TASK_TITLE'), 'サンプルタスク');
    assert.equal(envValue(job, 'KERUTA_TASK_PRIORITY'), '10');
    assert.equal(envValue(job, 'KERUTA_TASK_STATUS'), 'PENDING');
    assert.equal(envValue(job, 'KERUTA_TASK_CREATED_AT'), '2026-11-01T09:00:00Z');
    assert.equal(job.spec!.template.spec!.restartPolicy, 'Never');
    assert.equal(job.spec!.backoffLimit, 0);
  });

  test('timestamps are ISO 8601: kept as written, a space separator becomes T', () => {
    const { job } = renderJob(task({ createdAt: '2026-01-02 03:04:05', updatedAt: '2026-01-02T03:04:06.789+09:00' }));
    assert.equal(envValue(job, 'KERUTA_TASK_CREATED_AT'), '2026-01-02T03:04:05');
    assert.equal(envValue(job, 'KERUTA_TASK_UPDATED_AT'), '2026-01-02T03:04:06.789+09:00');
  });

  test('extra env follows the seven; secrets become secretKeyRef and never literal values', () => {
    const { job } = renderJob(
      task({ job: { env: [{ name: 'MODE', value: 'fast' }, { name: 'API_TOKEN', secretKeyRef: { name: 'creds', key: 'token' } }] } }),
    );
    const env = envOf(job);
    assert.deepEqual(env.slice(7), [
      { name: 'MODE', value: 'fast' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
    ]);
    assert.equal(env.find((e) => e.name === 'API_TOKEN')?.value, undefined);
    assert.doesNotMatch(jobToYaml(job), /value: creds|value: token/);
  });

  test('a long multi-byte description is cut on a character boundary with a marker, under the budget', () => {
    const description = '日本語の説明🙂'.repeat(5000); // far over the budget; 4-byte emoji on the edges
    const budget = 1000;
    const rendered = renderJob(task({ description }), { ...DEFAULT_RENDER_OPTIONS, descriptionBudgetBytes: budget });
    const value = envValue(rendered.job, 'KERUTA_TASK_DESCRIPTION')!;
    assert.ok(utf8Length(value) <= budget, `${utf8Length(value)} > ${budget}`);
    assert.ok(!value.includes('\uFFFD'));
    assert.ok(Buffer.from(value, 'utf8').toString('utf8') === value, 'valid UTF-8 round trip');
    assert.match(value, /truncated by keruta/);
    assert.ok(description.startsWith(value.slice(0, value.indexOf('\n…'))));
    assert.equal(rendered.descriptionTruncated, true);
    assert.deepEqual(rendered.problems.map((p) => p.code), ['render-description-truncated']);
    // The full text reaches the Pod through the task annotation (a downward-API file).
    const annotation = rendered.job.spec!.template.metadata!.annotations!['keruta.io/task']!;
    assert.equal((JSON.parse(annotation) as { description: string }).description, description);
  });

  test('a description within the budget is delivered unchanged', () => {
    const { job, descriptionTruncated } = renderJob(task({ description: 'ç'.repeat(100) }));
    assert.equal(envValue(job, 'KERUTA_TASK_DESCRIPTION'), 'ç'.repeat(100));
    assert.equal(descriptionTruncated, false);
  });

  test('the whole task is mounted as /.keruta/task/task.json through the downward API', () => {
    const { job } = renderJob(task());
    const spec = job.spec!.template.spec!;
    const volume = spec.volumes!.find((v) => v.name === 'keruta-task')!;
    assert.equal(volume.downwardAPI!.items![0]!.path, 'task.json');
    assert.equal(volume.downwardAPI!.items![0]!.fieldRef!.fieldPath, "metadata.annotations['keruta.io/task']");
    assert.deepEqual(mainOf(job).volumeMounts!.find((m) => m.name === 'keruta-task'), {
      name: 'keruta-task',
      mountPath: '/.keruta/task',
      readOnly: true,
    });
  });

  test('names: a DNS-1123 generateName that leaves room for the random suffix', () => {
    for (const id of ['123', 'nightly-report', 'Task_With UPPER & symbols!', 'x'.repeat(200), 'タスク', '---', '']) {
      const name = renderJob(task({ id })).job.metadata!.generateName!;
      assert.ok(name.endsWith('-'), name);
      assert.ok(name.length <= 58, `${name} is ${name.length} long`);
      assert.ok(isDns1123Label(`${name}abcde`), `${name}abcde is not a DNS-1123 label`);
    }
    assert.equal(renderJob(task({ id: 'nightly-report' })).job.metadata!.generateName, 'keruta-nightly-report-');
    assert.notEqual(
      renderJob(task({ id: 'A' })).job.metadata!.generateName,
      renderJob(task({ id: 'a' })).job.metadata!.generateName,
    );
  });

  test('labels find every Job and Pod of a task; title and id in annotations', () => {
    const { job } = renderJob(task({ id: 'Weird id/with:chars', title: 'タイトル' }));
    const labels = job.metadata!.labels!;
    assert.equal(labels['app.kubernetes.io/managed-by'], 'keruta');
    assert.match(labels['keruta.io/task-id']!, /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/);
    assert.deepEqual(job.spec!.template.metadata!.labels, labels);
    assert.equal(job.metadata!.annotations!['keruta.io/task-id'], 'Weird id/with:chars');
    assert.equal(job.metadata!.annotations!['keruta.io/task-title'], 'タイトル');
    assert.equal(taskSelector('Weird id/with:chars'), `app.kubernetes.io/managed-by=keruta,keruta.io/task-id=${labels['keruta.io/task-id']}`);
  });

  test('TTL, backoff and deadline: the task wins over settings, settings over built-in defaults', () => {
    const options: RenderOptions = { ...DEFAULT_RENDER_OPTIONS, ttlSecondsAfterFinished: 120, backoffLimit: 2, activeDeadlineSeconds: 900 };
    const fromSettings = renderJob(task(), options).job.spec!;
    assert.equal(fromSettings.ttlSecondsAfterFinished, 120);
    assert.equal(fromSettings.backoffLimit, 2);
    assert.equal(fromSettings.activeDeadlineSeconds, 900);
    const fromTask = renderJob(task({ job: { ttlSecondsAfterFinished: 0, backoffLimit: 0, activeDeadlineSeconds: 60 } }), options).job.spec!;
    assert.equal(fromTask.ttlSecondsAfterFinished, 0);
    assert.equal(fromTask.backoffLimit, 0);
    assert.equal(fromTask.activeDeadlineSeconds, 60);
    const noTtl = renderJob(task(), { ...DEFAULT_RENDER_OPTIONS, ttlSecondsAfterFinished: undefined }).job.spec!;
    assert.equal('ttlSecondsAfterFinished' in noTtl, false);
  });

  test('namespace: the task wins over the default namespace', () => {
    assert.equal(renderJob(task(), { ...DEFAULT_RENDER_OPTIONS, defaultNamespace: 'team' }).namespace, 'team');
    assert.equal(renderJob(task({ job: { namespace: 'other' } }), DEFAULT_RENDER_OPTIONS).job.metadata!.namespace, 'other');
  });

  test('native collector: an always-restarting init container sharing /.keruta/doc, grace above the window', () => {
    const { job } = renderJob(task());
    const spec = job.spec!.template.spec!;
    const collector = spec.initContainers!.find((c) => c.name === COLLECTOR_CONTAINER)!;
    assert.equal(collector.restartPolicy, 'Always');
    assert.equal(collector.image, 'busybox:1.36.1');
    assert.deepEqual(collector.command, ['sh', '-c', NATIVE_KEEPALIVE_SCRIPT]);
    assert.ok(collector.volumeMounts!.some((m) => m.name === 'keruta-doc' && m.mountPath === DOC_DIR));
    assert.ok(mainOf(job).volumeMounts!.some((m) => m.name === 'keruta-doc' && m.mountPath === DOC_DIR));
    assert.ok(spec.volumes!.some((v) => v.name === 'keruta-doc' && v.emptyDir));
    assert.ok(spec.terminationGracePeriodSeconds! > 300);
    assert.equal(spec.containers.length, 1);
    assert.equal(spec.shareProcessNamespace, undefined);
    assert.deepEqual(collector.resources?.requests, { cpu: '10m', memory: '16Mi' });
  });

  test('regular collector: a second container in a shared process namespace', () => {
    const options: RenderOptions = { ...DEFAULT_RENDER_OPTIONS, collector: { ...DEFAULT_RENDER_OPTIONS.collector, mode: 'regular', windowSeconds: 60 } };
    const spec = renderJob(task(), options).job.spec!.template.spec!;
    assert.equal(spec.initContainers, undefined);
    assert.deepEqual(spec.containers.map((c) => c.name), [MAIN_CONTAINER, COLLECTOR_CONTAINER]);
    assert.equal(spec.shareProcessNamespace, true);
    const collector = spec.containers[1]!;
    assert.equal(collector.restartPolicy, undefined);
    assert.deepEqual(collector.command, ['sh', '-c', REGULAR_KEEPALIVE_SCRIPT]);
    assert.deepEqual(collector.env, [{ name: 'KERUTA_COLLECT_WINDOW_SECONDS', value: '60' }]);
  });

  test('no collector when the task or the settings turn collection off', () => {
    for (const rendered of [
      renderJob(task({ job: { collect: false } })),
      renderJob(task(), { ...DEFAULT_RENDER_OPTIONS, collector: { ...DEFAULT_RENDER_OPTIONS.collector, enabled: false } }),
    ]) {
      const spec = rendered.job.spec!.template.spec!;
      assert.equal(spec.initContainers, undefined);
      assert.equal(spec.containers.length, 1);
      assert.ok(!spec.volumes!.some((v) => v.name === 'keruta-doc'));
      assert.equal(rendered.job.metadata!.annotations!['keruta.io/collector'], 'none');
    }
  });

  test('a missing image is a problem, with the settings default as fallback', () => {
    const noImage = task({ job: { image: undefined } });
    assert.deepEqual(renderJob(noImage).problems.map((p) => p.code), ['render-missing-image']);
    const withDefault = renderJob(noImage, { ...DEFAULT_RENDER_OPTIONS, defaultImage: 'alpine:3.20' });
    assert.deepEqual(withDefault.problems, []);
    assert.equal(mainOf(withDefault.job).image, 'alpine:3.20');
  });

  test('a task too large for an annotation is an error', () => {
    const huge = renderJob(task({ description: 'x'.repeat(300 * 1024) }));
    assert.ok(huge.problems.some((p) => p.code === 'render-task-too-large' && p.severity === 'error'));
  });

  test('rendering is deterministic and its YAML reads back to the same object', () => {
    const first = jobToYaml(renderJob(sampleTask()).job);
    const second = jobToYaml(renderJob(sampleTask()).job);
    assert.equal(first, second);
    assert.deepEqual(parse(first, { version: '1.1' }), renderJob(sampleTask()).job);
  });

  test('YAML output quotes values that YAML 1.1 readers (kubectl) would not read as strings', () => {
    const yaml = jobToYaml(renderJob(task({ title: 'yes', id: 'on', job: { env: [{ name: 'N', value: '0x1F' }] } })).job);
    const reread = parse(yaml, { version: '1.1' }) as Job;
    assert.equal(envValue(reread, 'KERUTA_TASK_TITLE'), 'yes');
    assert.equal(envValue(reread, 'KERUTA_TASK_ID'), 'on');
    assert.equal(envValue(reread, 'N'), '0x1F');
  });
});
