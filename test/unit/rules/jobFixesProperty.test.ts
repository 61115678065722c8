/**
 * Every quick fix of every Job-rule finding, on mutated fixtures: the edits lie inside the text
 * and applying them never adds a YAML error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { JOB_RULES } from '../../../server/src/rules/jobRules';
import { analyzeText, applyEdits, fixesOf } from './jobRuleKit';

const CODES = new Set(JOB_RULES.map((rule) => rule.code));
const fixtures = ['broken-job', 'multi-document', 'clean-keruta-job'].map((name) => readFileSync(join(__dirname, '..', '..', 'fixtures', 'job', `${name}.yaml`), 'utf8'));
const TASK = 'id: t\ntitle: T\njob:\n  image: busybox\n  ttlSecondsAfterFinished: 0\n  env:\n    - name: API_TOKEN\n      value: x\n    - name: KERUTA_TASK_TITEL\n';

const yamlErrors = (text: string): number => parseAllDocuments(text).reduce((count, doc) => count + ('errors' in doc ? doc.errors.length : 0), 0);

describe('Job-rule quick fixes on mutated documents', () => {
  test('edits stay inside the text and never break the YAML', () => {
    let applied = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures, TASK),
        fc.nat(5000),
        fc.nat(40),
        fc.constantFrom('', ':', '- ', '  ', '\n', '"', '{', '[', '\r\n', 'restartPolicy: Always\n', 'ttlSecondsAfterFinished:\n', 'env:\n', 'image: \n'),
        (base, at, length, insert) => {
          const start = at % (base.length + 1);
          const text = base.slice(0, start) + insert + base.slice(Math.min(base.length, start + length));
          const errorsBefore = yamlErrors(text);
          for (const finding of analyzeText(base === TASK ? 'task' : 'yaml', text)) {
            if (!CODES.has(finding.code)) continue;
            for (const fix of fixesOf(text, finding)) {
              for (const edit of fix.edits) assert.ok(edit.span[0] >= 0 && edit.span[0] <= edit.span[1] && edit.span[1] <= text.length);
              const result = applyEdits(text, fix.edits);
              assert.ok(yamlErrors(result) <= errorsBefore, `${finding.code}: ${JSON.stringify(text)} became ${JSON.stringify(result)}`);
              applied++;
            }
          }
        },
      ),
      { numRuns: 300, seed: 4242 },
    );
    assert.ok(applied > 100, `only ${applied} fixes were tried`);
  });
});
