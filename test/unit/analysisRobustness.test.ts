/**
 * Every rule together on hostile input: random and mutated YAML, deep nesting, huge scalars,
 * alias bombs, invalid UTF-8. Nothing throws, nothing takes long, every finding lies inside the text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_RENDER_OPTIONS, jobToYaml, renderJob } from '../../server/src/core/jobRenderer';
import { parseTaskFile } from '../../server/src/core/taskParser';
import { analyze, type DocumentKind, spanInside } from '../../server/src/services/analysis';
import { loadJobSchemaValidator } from '../../server/src/services/jobSchema';
import { DEFAULT_RULE_SETTINGS, EMPTY_WORKSPACE, type JobSchemaValidator } from '../../server/src/rules/ruleTypes';

const root = join(__dirname, '..', '..');
const sampleTask = readFileSync(join(root, 'examples', 'sample.keruta.yaml'), 'utf8');
const sampleJob = jobToYaml(renderJob(parseTaskFile(sampleTask).tasks[0]!.task, DEFAULT_RENDER_OPTIONS).job);
/** Per-document time limit: far above the typical (about a millisecond), far below a hang. */
const LIMIT_MS = 1500;

describe('rules on hostile input', () => {
  let validateJobSchema: JobSchemaValidator;
  before(async () => {
    validateJobSchema = await loadJobSchemaValidator();
  });

  function check(kind: DocumentKind, text: string): void {
    const started = performance.now();
    const { findings } = analyze(kind, { uri: kind === 'task' ? 'file:///w/x.keruta.yaml' : 'file:///w/job.yaml', text, settings: DEFAULT_RULE_SETTINGS, workspace: EMPTY_WORKSPACE, validateJobSchema });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < LIMIT_MS, `${kind} analysis took ${elapsed.toFixed(0)} ms for ${text.length} characters`);
    for (const finding of findings) {
      assert.ok(spanInside(finding.span, text), `${finding.code} span ${JSON.stringify(finding.span)} outside a ${text.length}-character text`);
      assert.notEqual(finding.code, 'internal-error', finding.message);
      for (const related of finding.related ?? []) assert.ok(spanInside(related.span, related.text ?? text), `${finding.code} related span outside`);
    }
  }

  /** Mutations of a real document: delete, duplicate or replace a slice, insert YAML syntax. */
  const mutated = (base: string): fc.Arbitrary<string> =>
    fc
      .array(
        fc.tuple(fc.nat(base.length), fc.nat(40), fc.constantFrom('', ':', '- ', '  ', '\n', '"', "'", '{', '[', '&a ', '*a', '---\n', '#', '\t', 'KERUTA_', 'restartPolicy: Always\n', '\u0000', '\uFFFD', '🙂')),
        { maxLength: 8 },
      )
      .map((edits) => edits.reduce((text, [at, length, insert]) => text.slice(0, at % (text.length + 1)) + insert + text.slice((at % (text.length + 1)) + length), base));

  test('mutated task files and Job YAML', () => {
    fc.assert(fc.property(mutated(sampleTask), (text) => check('task', text)), { numRuns: 300 });
    fc.assert(fc.property(mutated(sampleJob), (text) => check('yaml', text)), { numRuns: 300 });
  });

  test('random text, including binary', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 500 }), fc.string({ unit: 'binary', maxLength: 500 })), fc.constantFrom<DocumentKind>('task', 'yaml'), (text, kind) => check(kind, text)),
      { numRuns: 300 },
    );
  });

  test('deep nesting, huge scalars, alias bombs, invalid UTF-8', () => {
    check('yaml', `apiVersion: batch/v1\nkind: Job\nspec:\n${'  '.repeat(1)}${Array.from({ length: 400 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')}\n`);
    check('task', `id: a\ntitle: b\njob: ${'['.repeat(2000)}${']'.repeat(2000)}\n`);
    check('task', `id: a\ntitle: b\ndescription: "${'x'.repeat(2_000_000)}"\n`);
    const bomb = ['apiVersion: batch/v1', 'kind: Job', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 20; i++) bomb.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]`);
    bomb.push('spec: *a19');
    check('yaml', bomb.join('\n'));
    check('task', [...bomb.slice(2), 'id: x', 'title: *a19', 'job: *a19'].join('\n'));
    check('task', Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x3a, 0x20, 0xed, 0xa0, 0x80]).toString('utf8'));
  });
});
