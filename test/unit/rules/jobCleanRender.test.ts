/**
 * What keruta renders must pass its own Job rules: every rendered Job (native and regular
 * collector, collection off, extra env, the examples) analyzes without a single finding, schema
 * included; and the example task files themselves get no Job-rule findings.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { DEFAULT_RENDER_OPTIONS, jobToYaml, renderJob, type RenderOptions } from '../../../server/src/core/jobRenderer';
import type { Task } from '../../../server/src/core/taskModel';
import { parseTaskFile } from '../../../server/src/core/taskParser';
import { JOB_RULES } from '../../../server/src/rules/jobRules';
import type { JobSchemaValidator } from '../../../server/src/rules/ruleTypes';
import { loadJobSchemaValidator } from '../../../server/src/services/jobSchema';
import { analyzeText } from './jobRuleKit';

const examples = join(__dirname, '..', '..', '..', 'examples');
const taskFiles = [join(examples, 'sample.keruta.yaml'), ...readdirSync(join(examples, 'tasks')).filter((name) => /\.keruta\.ya?ml$/.test(name)).map((name) => join(examples, 'tasks', name))];
const JOB_CODES = new Set(JOB_RULES.map((rule) => rule.code));

const base: Task = {
  id: 'Build & Test #42',
  title: 'Build',
  description: 'Run the build',
  priority: 1,
  status: 'PENDING',
  createdAt: '2026-01-02T03:04:05Z',
  updatedAt: '2026-01-02T03:04:05Z',
  documents: [],
  job: {
    image: 'python:3.12-slim',
    command: ['python', '-c', 'print(1)'],
    env: [{ name: 'MODE', value: 'fast' }, { name: 'API_TOKEN', secretKeyRef: { name: 'api', key: 'token' } }],
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
  },
};

const variants: [string, Task, RenderOptions][] = [
  ['native collector', base, DEFAULT_RENDER_OPTIONS],
  ['regular collector', base, { ...DEFAULT_RENDER_OPTIONS, collector: { ...DEFAULT_RENDER_OPTIONS.collector, mode: 'regular' } }],
  ['collection off', { ...base, job: { ...base.job, collect: false, ttlSecondsAfterFinished: 0 } }, DEFAULT_RENDER_OPTIONS],
  ['long id and a description', { ...base, id: 'x'.repeat(120), description: 'é'.repeat(5000) }, DEFAULT_RENDER_OPTIONS],
];

describe('rendered keruta Jobs pass the Job rules', () => {
  let validateJobSchema: JobSchemaValidator;
  before(async () => {
    validateJobSchema = await loadJobSchemaValidator();
  });

  for (const [name, task, options] of variants) {
    test(name, () => {
      const text = jobToYaml(renderJob(task, options).job);
      const findings = analyzeText('yaml', text, { validateJobSchema }).filter((finding) => JOB_CODES.has(finding.code));
      // collection off with TTL 0 is the one variant with a (deliberate) finding.
      const expected = name === 'collection off' ? ['ttl-zero'] : [];
      assert.deepEqual(findings.map((finding) => finding.code), expected, JSON.stringify(findings, null, 1));
    });
  }

  test('the examples, as task files and rendered', () => {
    for (const file of taskFiles) {
      const text = readFileSync(file, 'utf8');
      const taskFindings = analyzeText('task', text).filter((finding) => JOB_CODES.has(finding.code));
      assert.deepEqual(taskFindings, [], file);
      for (const parsed of parseTaskFile(text).tasks) {
        if (!parsed.complete) continue;
        const rendered = jobToYaml(renderJob(parsed.task, { ...DEFAULT_RENDER_OPTIONS, defaultImage: 'busybox:1.36.1' }).job);
        const findings = analyzeText('yaml', rendered, { validateJobSchema }).filter((finding) => JOB_CODES.has(finding.code));
        assert.deepEqual(findings, [], `${file} rendered`);
      }
    }
  });
});
