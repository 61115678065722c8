import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze, DocumentCache, splitYamlDocuments } from '../../server/src/services/analysis';
import { DEFAULT_RULE_SETTINGS, EMPTY_WORKSPACE } from '../../server/src/rules/ruleTypes';

const job = (name: string, policy: string): string =>
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      restartPolicy: ${policy}\n      containers:\n        - name: main\n          image: alpine:3.20\n`;

describe('per-document cache for multi-document YAML', () => {
  test('splits at document markers only at line starts', () => {
    const text = `${job('a', 'Never')}---\n${job('b', 'Always')}--- # comment\n${job('c', 'Never')}`;
    const parts = splitYamlDocuments(text);
    assert.equal(parts.length, 3);
    assert.equal(parts.map((p) => p.text).join(''), text);
    assert.ok(parts[1]!.text.startsWith('---\n'));
    assert.deepEqual(splitYamlDocuments('a: "x\n --- y"\n').length, 1);
  });

  test('cached and uncached analysis agree, with spans in the whole text', () => {
    const text = `${job('a', 'Never')}---\n${job('b', 'Always')}---\n${job('c', 'Always')}`;
    const context = { uri: 'file:///w/jobs.yaml', text, settings: DEFAULT_RULE_SETTINGS, workspace: EMPTY_WORKSPACE };
    const plain = analyze('yaml', context).findings;
    const cache = new DocumentCache();
    const cached = analyze('yaml', context, { documentCache: cache }).findings;
    assert.deepEqual(cached, plain);
    assert.ok(plain.length >= 2, 'both Always policies are reported');
    for (const finding of cached.filter((f) => f.code === 'job-restart-policy')) assert.equal(text.slice(...finding.span), 'Always');
    // An edit to the last Job: the first two come from the cache, and the result is still right.
    const edited = text.replace(/Always\n(\s+containers:\n\s+- name: main\n\s+image: alpine:3.20\n)$/, 'Never\n$1');
    const again = analyze('yaml', { ...context, text: edited }, { documentCache: cache }).findings;
    assert.deepEqual(again, analyze('yaml', { ...context, text: edited }).findings);
    assert.equal(again.filter((f) => f.code === 'job-restart-policy').length, 1);
  });
});
