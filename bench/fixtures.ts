/**
 * Benchmark fixtures, generated at run time: keruta Job YAML rendered by the project's own
 * renderer with a few real problems planted, a ~5,000-line multi-document file of such Jobs, and a
 * workspace of task files like examples/sample.keruta.yaml.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_RENDER_OPTIONS, jobToYaml, renderJob } from '../server/src/core/jobRenderer';
import type { Task } from '../server/src/core/taskModel';

/** A problem planted in a Job, the keruta code expected for it and how to find its line. */
export interface PlantedKind {
  readonly key: string;
  readonly label: string;
  /** The keruta diagnostic code that reports it. */
  readonly code: string;
  readonly line: RegExp;
}

export const PLANTED_KINDS: readonly PlantedKind[] = [
  { key: 'restart', label: 'restartPolicy: Always', code: 'job-restart-policy', line: /^\s+restartPolicy: Always\s*$/ },
  { key: 'env', label: 'KERUTA_TASK_CREATEDAT (misspelt)', code: 'env-keruta-unknown', line: /^\s+- name: KERUTA_TASK_CREATEDAT\s*$/ },
  { key: 'ttl', label: 'ttlSecondsAfterFinished: 0', code: 'ttl-zero', line: /^\s+ttlSecondsAfterFinished: 0\s*$/ },
  { key: 'field', label: 'unknown field imagePullPolicyy', code: 'job-schema', line: /^\s+imagePullPolicyy:/ },
  { key: 'type', label: 'backoffLimit: "x" (not an integer)', code: 'job-schema', line: /^\s+backoffLimit: "x"\s*$/ },
];

/** One planted problem in a fixture: its kind, 0-based line, and the YAML document it is in. */
export interface PlantedProblem {
  readonly kind: PlantedKind;
  readonly line: number;
  readonly documentStart: number;
  readonly documentEnd: number;
}

export interface JobFixture {
  readonly text: string;
  readonly lines: number;
  readonly documents: number;
  readonly planted: readonly PlantedProblem[];
}

const STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED', 'WAITING_FOR_INPUT'] as const;

function task(index: number): Task {
  const id = `bench-${String(index).padStart(4, '0')}`;
  return {
    id,
    title: `Nightly report ${index}`,
    description: `Builds nightly report ${index} and writes it to /.keruta/doc.\nRuns on the benchmark cluster.`,
    priority: (index % 10) + 1,
    status: STATUSES[index % STATUSES.length] ?? 'PENDING',
    createdAt: '2026-11-01T09:00:00Z',
    updatedAt: '2026-11-01T09:30:00Z',
    documents: [],
    job: {
      image: 'busybox:1.36.1',
      command: ['/bin/sh', '-c', 'mkdir -p /.keruta/doc && env | grep ^KERUTA_TASK_ | sort > /.keruta/doc/README.md'],
      env: [],
      resources: { requests: { cpu: '100m', memory: '64Mi' } },
      ttlSecondsAfterFinished: 3600,
    },
  };
}

/** One keruta Job document as YAML (~60 lines), with the five problems planted or not. */
export function jobYaml(index: number, planted: boolean): string {
  const options = {
    ...DEFAULT_RENDER_OPTIONS,
    collector: { ...DEFAULT_RENDER_OPTIONS.collector, enabled: false },
    taskFile: `tasks/bench-${index}.keruta.yaml`,
  };
  const { job } = renderJob(task(index), options);
  if (!planted) return jobToYaml(job);
  const spec = job.spec!;
  const podSpec = spec.template.spec!;
  const main = podSpec.containers[0]!;
  podSpec.restartPolicy = 'Always';
  spec.ttlSecondsAfterFinished = 0;
  for (const env of main.env ?? []) if (env.name === 'KERUTA_TASK_CREATED_AT') env.name = 'KERUTA_TASK_CREATEDAT';
  (main as unknown as Record<string, unknown>)['imagePullPolicyy'] = 'IfNotPresent';
  (spec as unknown as Record<string, unknown>)['backoffLimit'] = 'x';
  // Quote the wrong-typed value as a user would write it (the renderer would leave `x` plain).
  return jobToYaml(job).replace(/^(\s+backoffLimit:) x$/m, '$1 "x"');
}

/** Finds the planted problems of a (multi-document) text by their lines. */
export function findPlanted(text: string): PlantedProblem[] {
  const lines = text.split('\n');
  const found: PlantedProblem[] = [];
  let documentStart = 0;
  const pending: { kind: PlantedKind; line: number }[] = [];
  const flush = (documentEnd: number): void => {
    for (const p of pending) found.push({ ...p, documentStart, documentEnd });
    pending.length = 0;
  };
  lines.forEach((line, index) => {
    if (line === '---') {
      flush(index - 1);
      documentStart = index + 1;
      return;
    }
    for (const kind of PLANTED_KINDS) if (kind.line.test(line)) pending.push({ kind, line: index });
  });
  flush(lines.length - 1);
  return found;
}

function fixture(text: string): JobFixture {
  return {
    text,
    lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
    documents: text.split(/^---$/m).length,
    planted: findPlanted(text),
  };
}

/** The typical file: one keruta Job with all five problems planted. */
export function typicalJob(): JobFixture {
  const fixtureText = jobYaml(1, true);
  const result = fixture(fixtureText);
  for (const kind of PLANTED_KINDS) {
    if (!result.planted.some((p) => p.kind === kind)) throw new Error(`fixture: planted problem "${kind.label}" not found in the rendered Job`);
  }
  return result;
}

/** A multi-document file of about `targetLines` lines: Jobs alternately with and without the problems. */
export function largeJobFile(targetLines = 5000): JobFixture {
  const parts: string[] = [];
  let lines = 0;
  for (let index = 1; lines < targetLines; index++) {
    const yaml = jobYaml(index, index % 2 === 1);
    parts.push(yaml);
    lines += yaml.split('\n').length;
  }
  return fixture(parts.join('---\n'));
}

/** A task file like examples/sample.keruta.yaml. */
export function taskFileText(index: number, id: string, invalidPriority: boolean): string {
  return [
    `# Benchmark task ${index}: runs once and writes /.keruta/doc/README.md.`,
    `id: "${id}"`,
    `title: Benchmark task ${index}`,
    'description: |',
    `  Runs benchmark task ${index} and leaves README.md in /.keruta/doc.`,
    '  Generated by bench/fixtures.ts.',
    `priority: ${invalidPriority ? 'high' : (index % 10) + 1}`,
    `status: ${STATUSES[index % STATUSES.length] ?? 'PENDING'}`,
    'createdAt: "2026-11-01T09:00:00Z"',
    'updatedAt: "2026-11-01T09:00:00Z"',
    'job:',
    '  image: busybox:1.36.1',
    '  command:',
    '    - /bin/sh',
    '    - -c',
    '    - >-',
    '      mkdir -p /.keruta/doc &&',
    "      { echo 'Job completed successfully.'; env | grep '^KERUTA_TASK_' | sort; }",
    '      > /.keruta/doc/README.md',
    '  ttlSecondsAfterFinished: 3600',
    '',
  ].join('\n');
}

export interface TaskWorkspace {
  readonly folder: string;
  readonly files: readonly { readonly path: string; readonly uri: string; readonly text: string }[];
  /** The file whose id another file repeats (a cross-file duplicate). */
  readonly duplicateUri: string;
  readonly duplicateId: string;
}

/**
 * Writes `count` task files under `folder/tasks/group-NN/` (100 per folder). The last file repeats
 * the first file's id; every 100th file has an invalid priority.
 */
export function writeTaskWorkspace(folder: string, count = 1000): TaskWorkspace {
  const files: { path: string; uri: string; text: string }[] = [];
  const idOf = (index: number): string => `bench-task-${String(index).padStart(4, '0')}`;
  for (let index = 1; index <= count; index++) {
    const dir = join(folder, 'tasks', `group-${String(Math.floor((index - 1) / 100)).padStart(2, '0')}`);
    if ((index - 1) % 100 === 0) mkdirSync(dir, { recursive: true });
    const id = index === count ? idOf(1) : idOf(index);
    const text = taskFileText(index, id, index % 100 === 50);
    const path = join(dir, `task-${String(index).padStart(4, '0')}.keruta.yaml`);
    writeFileSync(path, text);
    files.push({ path, uri: pathToFileURL(path).toString(), text });
  }
  return { folder, files, duplicateUri: files[files.length - 1]!.uri, duplicateId: idOf(1) };
}
