import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { KERUTA_ENV_NAMES } from '../../server/src/core/envMapping';
import { DEFAULT_RENDER_OPTIONS, type RenderOptions } from '../../server/src/core/jobRenderer';
import type { RenderJobDiagnostic, RenderJobResult } from '../../server/src/protocol';
import { EMPTY_WORKSPACE } from '../../server/src/rules/ruleTypes';
import { renderJobForTask } from '../../server/src/services/features';
import { withoutRepeats } from '../../server/src/services/features/renderJob';
import { normalizeSettings, type NormalizedSettings } from '../../server/src/services/serverSettings';

const uri = 'file:///w/t.keruta.yaml';
const sample = readFileSync(join(__dirname, '..', '..', 'examples', 'sample.keruta.yaml'), 'utf8');

function render(text: string, taskId: string, options: RenderOptions = DEFAULT_RENDER_OPTIONS, settings: NormalizedSettings = normalizeSettings(undefined, undefined)): RenderJobResult {
  return renderJobForTask(
    { uri, taskId, options },
    { uri, text, kind: 'task' },
    { uri, text, settings: settings.rules, workspace: EMPTY_WORKSPACE },
    settings,
  );
}

const codes = (result: RenderJobResult): string[] => result.diagnostics.map((diagnostic) => diagnostic.code);

describe('keruta/renderJob', () => {
  test('renders the seed sample into a Job YAML with the seven variables and restartPolicy Never, no errors', () => {
    const result = render(sample, '123');
    assert.equal(result.found, true);
    assert.equal(result.errors, 0, JSON.stringify(result.diagnostics));
    assert.equal(result.namespace, 'default');
    for (const name of KERUTA_ENV_NAMES) assert.ok(result.yaml.includes(`name: ${name}`), name);
    assert.match(result.yaml, /^ {6}restartPolicy: Never$/m);
    const job = parse(result.yaml) as { kind: string; metadata: { generateName: string } };
    assert.equal(job.kind, 'Job');
    assert.equal(job.metadata.generateName, 'keruta-123-');
  });

  test('uses the client\'s options: namespace and default image', () => {
    const text = 'id: b\ntitle: B\n';
    const result = render(text, 'b', { ...DEFAULT_RENDER_OPTIONS, defaultNamespace: 'batch', defaultImage: 'alpine:3.20' });
    assert.equal(result.namespace, 'batch');
    assert.match(result.yaml, /image: alpine:3\.20/);
    assert.equal(codes(result).includes('render-missing-image'), false);
  });

  test('a task without an image and no default image: an error at the task\'s `job` line', () => {
    const text = 'id: a\ntitle: A\n---\nid: b\ntitle: B\njob:\n  command: [ls]\n';
    const result = render(text, 'b');
    assert.equal(result.found, true);
    assert.ok(result.errors > 0);
    // The rule reports the cause once, on the task; the renderer's own report of it is dropped.
    const missing = result.diagnostics.find((diagnostic) => diagnostic.code === 'image-missing');
    assert.deepEqual(missing && { severity: missing.severity, source: missing.source, line: missing.line }, { severity: 'error', source: 'task', line: 5 });
    assert.equal(result.diagnostics.some((diagnostic) => diagnostic.code === 'render-missing-image'), false);
    assert.equal(result.errors, result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length);
  });

  test('keeps only the findings of the task\'s own document, at their line in the task file', () => {
    const text = 'id: a\ntitle: A\npriority: high\n---\nid: b\ntitle: B\npriority: low\njob:\n  image: alpine:3.20\n';
    const result = render(text, 'b');
    const priority = result.diagnostics.filter((diagnostic) => diagnostic.code === 'task-invalid-priority');
    assert.deepEqual(priority.map((diagnostic) => [diagnostic.source, diagnostic.line]), [['task', 6]]);
    assert.ok(result.errors >= 1);
    assert.equal(render(text, 'a').diagnostics.find((diagnostic) => diagnostic.code === 'task-invalid-priority')?.line, 2);
  });

  test('applies the severity settings to findings', () => {
    const text = 'id: b\ntitle: B\npriority: low\njob:\n  image: alpine:3.20\n';
    const off = normalizeSettings({ diagnostics: { severity: { 'task-invalid-priority': 'off' } } }, undefined);
    assert.equal(codes(render(text, 'b', DEFAULT_RENDER_OPTIONS, off)).includes('task-invalid-priority'), false);
    const hint = normalizeSettings({ diagnostics: { severity: { 'task-invalid-priority': 'hint' } } }, undefined);
    assert.equal(render(text, 'b', DEFAULT_RENDER_OPTIONS, hint).diagnostics.find((d) => d.code === 'task-invalid-priority')?.severity, 'hint');
  });

  test('reports a description over the budget as information, at the description', () => {
    const text = `id: long\ntitle: Long\ndescription: ${'x'.repeat(400)}\njob:\n  image: alpine:3.20\n`;
    const result = render(text, 'long', { ...DEFAULT_RENDER_OPTIONS, descriptionBudgetBytes: 256 });
    const truncated = result.diagnostics.find((diagnostic) => diagnostic.code === 'render-description-truncated');
    assert.deepEqual(truncated && [truncated.severity, truncated.line], ['information', 2]);
  });

  test('found: false for an unknown id, a task in a broken document, or bad input; never throws', () => {
    const notFound = { found: false, yaml: '', namespace: '', diagnostics: [], errors: 0 };
    assert.deepEqual(render(sample, 'nope'), notFound);
    assert.deepEqual(render('id: a\ntitle: [\n', 'a'), notFound);
    assert.deepEqual(render('', 'a'), notFound);
    const settings = normalizeSettings(undefined, undefined);
    const context = { uri, text: sample, settings: settings.rules, workspace: EMPTY_WORKSPACE };
    assert.deepEqual(renderJobForTask(null as never, { uri, text: sample, kind: 'task' }, context, settings), notFound);
    assert.deepEqual(renderJobForTask({ uri, taskId: 42 } as never, { uri, text: sample, kind: 'task' }, context, settings), notFound);
  });

  test('fills in missing render options instead of failing', () => {
    const result = render(sample, '123', { defaultImage: 'x:1' } as unknown as RenderOptions);
    assert.equal(result.found, true);
    assert.equal(result.namespace, 'default');
    assert.equal(result.errors, 0, JSON.stringify(result.diagnostics));
  });

  test('a rendered Job\'s finding with a code the task already reports is left out', () => {
    const diagnostic = (code: string, source: 'task' | 'job'): RenderJobDiagnostic => ({ code, severity: 'error', message: code, source, line: 0 });
    assert.deepEqual(withoutRepeats([diagnostic('image-missing', 'task')], [diagnostic('image-missing', 'job'), diagnostic('ttl-zero', 'job')]), [diagnostic('ttl-zero', 'job')]);
  });
});
