import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Job } from 'kubernetes-types/batch/v1';
import { DEFAULT_RENDER_OPTIONS, jobToYaml, renderJob, type RenderOptions } from '../../server/src/core/jobRenderer';
import { parseTaskFile } from '../../server/src/core/taskParser';
import type { Task } from '../../server/src/core/taskModel';
import { type SimKubectl, startSimKubectl } from './kubectlHelper';

const examples = join(__dirname, '..', '..', 'examples');
const tasksOf = (file: string): Task[] => parseTaskFile(readFileSync(join(examples, file), 'utf8')).tasks.map((t) => t.task);
const regular: RenderOptions = { ...DEFAULT_RENDER_OPTIONS, collector: { ...DEFAULT_RENDER_OPTIONS.collector, mode: 'regular' } };

describe('rendered Jobs pass the real kubectl (create --dry-run=client, schema validation on)', () => {
  let kubectl: SimKubectl;
  before(async () => {
    kubectl = await startSimKubectl();
  });
  after(async () => {
    await kubectl.close();
  });

  async function dryRun(job: Job): Promise<Job> {
    const result = await kubectl.run(['create', '--dry-run=client', '-f', '-', '-o', 'json'], jobToYaml(job));
    assert.equal(result.code, 0, `kubectl rejected the Job:\n${result.stderr}\n${jobToYaml(job)}`);
    return JSON.parse(result.stdout) as Job;
  }

  test('the seed sample task: seven variables, restartPolicy Never, collection volume and native sidecar', async () => {
    const [sample] = tasksOf('sample.keruta.yaml');
    const accepted = await dryRun(renderJob(sample!).job);
    const spec = accepted.spec!.template.spec!;
    assert.equal(spec.restartPolicy, 'Never');
    const names = spec.containers[0]!.env!.map((e) => e.name);
    for (const name of ['KERUTA_TASK_ID', 'KERUTA_TASK_TITLE', 'KERUTA_TASK_DESCRIPTION', 'KERUTA_TASK_PRIORITY', 'KERUTA_TASK_STATUS', 'KERUTA_TASK_CREATED_AT', 'KERUTA_TASK_UPDATED_AT']) {
      assert.ok(names.includes(name), `${name} missing after kubectl`);
    }
    assert.equal(spec.containers[0]!.env!.find((e) => e.name === 'KERUTA_TASK_ID')!.value, '123');
    assert.ok(spec.volumes!.some((v) => v.name === 'keruta-doc' && v.emptyDir));
    assert.equal(spec.initContainers![0]!.restartPolicy, 'Always');
  });

  test('every example task, with both collector modes', async () => {
    for (const task of [...tasksOf('sample.keruta.yaml'), ...tasksOf(join('tasks', 'reports.keruta.yaml'))]) {
      await dryRun(renderJob(task).job);
      const accepted = await dryRun(renderJob(task, regular).job);
      if (task.job.collect !== false) assert.equal(accepted.spec!.template.spec!.shareProcessNamespace, true);
    }
  });

  test('a hostile-looking task (quotes, YAML 1.1 words, multi-byte, long text) still renders valid YAML', async () => {
    const task: Task = {
      id: 'yes',
      title: `"quoted" 'single' : colon # hash\n改行`,
      description: `${'説明🙂'.repeat(10000)}\n---\n- not: yaml`,
      priority: -5,
      status: 'WAITING_FOR_INPUT',
      createdAt: '2026-01-01 00:00:00',
      documents: [],
      job: { image: 'registry.example.com:5000/team/img@sha256:' + 'a'.repeat(64), env: [{ name: 'ON', value: 'on' }, { name: 'NULL', value: '~' }] },
    };
    const accepted = await dryRun(renderJob(task).job);
    const env = accepted.spec!.template.spec!.containers[0]!.env!;
    assert.equal(env.find((e) => e.name === 'KERUTA_TASK_TITLE')!.value, task.title);
    assert.equal(env.find((e) => e.name === 'ON')!.value, 'on');
    assert.equal(env.find((e) => e.name === 'NULL')!.value, '~');
  });

  test('the check can fail: a Job with a misspelt field is rejected', async () => {
    const [sample] = tasksOf('sample.keruta.yaml');
    const broken = renderJob(sample!).job as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    broken.spec.template.spec.containers[0]!['imagePullPolicyy'] = 'Always';
    const result = await kubectl.run(['create', '--dry-run=client', '-f', '-', '-o', 'json'], jobToYaml(broken as unknown as Job));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /unknown field "imagePullPolicyy"/);
  });
});
