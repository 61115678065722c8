import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseTaskFile } from '../../server/src/core/taskParser';

const examples = join(__dirname, '..', '..', 'examples');
const sliceOf = (text: string, span: readonly [number, number]): string => text.slice(span[0], span[1]);

describe('task file parser', () => {
  test('reads the seed sample task with every field', () => {
    const text = readFileSync(join(examples, 'sample.keruta.yaml'), 'utf8');
    const { tasks, problems } = parseTaskFile(text);
    assert.deepEqual(problems, []);
    assert.equal(tasks.length, 1);
    const { task, complete } = tasks[0]!;
    assert.equal(complete, true);
    assert.equal(task.id, '123');
    assert.equal(task.title, 'サンプルタスク');
    assert.match(task.description, /シードのサンプル Job/);
    assert.equal(task.priority, 10);
    assert.equal(task.status, 'PENDING');
    assert.equal(task.createdAt, '2026-11-01T09:00:00Z');
    assert.equal(task.job.image, 'busybox:1.36.1');
    assert.equal(task.job.command?.[0], '/bin/sh');
    assert.equal(task.job.ttlSecondsAfterFinished, 3600);
  });

  test('reads several tasks from one file, with env, secret refs and resources', () => {
    const text = readFileSync(join(examples, 'tasks', 'reports.keruta.yaml'), 'utf8');
    const { tasks, problems } = parseTaskFile(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(tasks.map((t) => [t.documentIndex, t.task.id]), [[0, 'nightly-report'], [1, 'cleanup-cache']]);
    const report = tasks[0]!.task;
    assert.deepEqual(report.job.env, [
      { name: 'REPORT_FORMAT', value: 'markdown' },
      { name: 'API_TOKEN', secretKeyRef: { name: 'report-credentials', key: 'token' } },
    ]);
    assert.deepEqual(report.job.resources, { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } });
    assert.equal(report.job.backoffLimit, 1);
    assert.equal(report.job.activeDeadlineSeconds, 600);
    assert.equal(tasks[1]!.task.status, 'COMPLETED');
    assert.equal(tasks[1]!.task.job.collect, false);
  });

  test('applies defaults: priority 0, status PENDING, no job settings', () => {
    const { tasks } = parseTaskFile('id: a\ntitle: A\n');
    assert.equal(tasks[0]!.task.priority, 0);
    assert.equal(tasks[0]!.task.status, 'PENDING');
    assert.equal(tasks[0]!.task.description, '');
    assert.deepEqual(tasks[0]!.task.job.env, []);
  });

  test('keeps exact source spans for keys and values', () => {
    const text = '# c\nid: "abc"\ntitle: T\npriority: 3\njob:\n  image: alpine:3.20\n';
    const { tasks } = parseTaskFile(text);
    const located = tasks[0]!.locations;
    assert.equal(sliceOf(text, located.fields.get('id')!.keySpan), 'id');
    assert.equal(sliceOf(text, located.fields.get('id')!.valueSpan), '"abc"');
    assert.equal(sliceOf(text, located.fields.get('priority')!.valueSpan), '3');
    assert.equal(sliceOf(text, located.jobFields.get('image')!.valueSpan), 'alpine:3.20');
    assert.equal(located.jobFields.get('image')!.value, 'alpine:3.20');
  });

  test('spans of later documents point into their own document', () => {
    const text = 'id: one\ntitle: One\n---\nid: two\ntitle: Two\n';
    const { tasks } = parseTaskFile(text);
    assert.equal(sliceOf(text, tasks[1]!.locations.fields.get('id')!.valueSpan), 'two');
    assert.ok(tasks[1]!.locations.documentSpan[0] >= text.indexOf('---'));
  });

  test('keeps ids written as numbers as written (no float rounding)', () => {
    const { tasks } = parseTaskFile('id: 1.10\ntitle: 0x1F\n');
    assert.equal(tasks[0]!.task.id, '1.10');
    assert.equal(tasks[0]!.task.title, '0x1F');
  });

  test('reports missing id and title without throwing', () => {
    const { tasks, problems } = parseTaskFile('description: only\n');
    assert.deepEqual(problems.map((p) => p.code).sort(), ['task-missing-id', 'task-missing-title']);
    assert.equal(tasks[0]!.complete, false);
  });

  test('reports wrong types and bad values at the value', () => {
    const text = 'id: x\ntitle: [a]\npriority: high\nstatus: DONE\njob:\n  ttlSecondsAfterFinished: -1\n  collect: maybe\n';
    const { problems } = parseTaskFile(text);
    const byCode = problems.map((p) => [p.code, sliceOf(text, p.span)]);
    assert.deepEqual(byCode, [
      ['task-invalid-type', '[a]'],
      ['task-invalid-priority', 'high'],
      ['task-invalid-status', 'DONE'],
      ['task-invalid-type', '-1'],
      ['task-invalid-type', 'maybe'],
    ]);
  });

  test('reports YAML syntax errors with a position, and duplicate keys', () => {
    const bad = parseTaskFile('id: a\ntitle: "unterminated\n');
    assert.equal(bad.problems[0]?.code, 'yaml-syntax');
    const dup = parseTaskFile('id: a\nid: b\ntitle: t\n');
    assert.equal(dup.problems[0]?.code, 'yaml-syntax');
    assert.match(dup.problems[0].message, /unique/i);
  });

  test('a document that is not a mapping is reported, others still parse', () => {
    const { tasks, problems } = parseTaskFile('- a\n- b\n---\nid: ok\ntitle: OK\n');
    assert.deepEqual(problems.map((p) => p.code), ['task-not-a-mapping']);
    assert.deepEqual(tasks.map((t) => t.task.id), ['ok']);
  });

  test('empty files and empty documents give no tasks and no problems', () => {
    assert.deepEqual(parseTaskFile(''), { tasks: [], problems: [] });
    assert.deepEqual(parseTaskFile('---\n---\n# only a comment\n'), { tasks: [], problems: [] });
  });

  test('resolves aliases and survives an alias bomb', () => {
    const ok = parseTaskFile('x: &img alpine:3.20\nid: a\ntitle: A\njob:\n  image: *img\n');
    assert.equal(ok.tasks[0]!.task.job.image, 'alpine:3.20');
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    bomb.push('id: boom', 'title: Boom');
    const started = Date.now();
    const result = parseTaskFile(bomb.join('\n'));
    assert.ok(Date.now() - started < 2000, 'alias bomb must not explode');
    assert.equal(result.tasks[0]?.task.id, 'boom');
  });

  test('accepts the Kubernetes spelling valueFrom.secretKeyRef', () => {
    const { tasks, problems } = parseTaskFile(
      'id: a\ntitle: A\njob:\n  env:\n    - name: T\n      valueFrom:\n        secretKeyRef: { name: s, key: k, optional: true }\n',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(tasks[0]!.task.job.env, [{ name: 'T', secretKeyRef: { name: 's', key: 'k', optional: true } }]);
  });

  test('never throws and keeps every problem inside the text, for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }), yamlish()), (text) => {
        const { problems, tasks } = parseTaskFile(text);
        for (const problem of problems) {
          assert.ok(problem.span[0] >= 0 && problem.span[0] <= problem.span[1] && problem.span[1] <= text.length);
        }
        for (const parsed of tasks) {
          for (const field of parsed.locations.fields.values()) assert.ok(field.valueSpan[1] <= text.length);
        }
      }),
      { numRuns: 400 },
    );
  });
});

/** Text that looks like task files, mutated. */
function yamlish(): fc.Arbitrary<string> {
  const key = fc.constantFrom('id', 'title', 'description', 'priority', 'status', 'job', 'image', 'env', '- name', 'value', '&a', '*a', '---', '"', "'", '{', '[', ':', '#');
  const line = fc.tuple(fc.constantFrom('', '  ', '    '), key, fc.constantFrom(': ', ':', ' '), fc.string({ maxLength: 12 }));
  return fc.array(line, { maxLength: 20 }).map((lines) => lines.map((parts) => parts.join('')).join('\n'));
}
