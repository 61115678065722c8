import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CompletionItem, CompletionItemKind, InsertTextFormat, type MarkupContent, type TextEdit } from 'vscode-languageserver';
import { KERUTA_ENV_NAMES } from '../../server/src/core/envMapping';
import { TASK_STATUSES } from '../../server/src/core/taskModel';
import type { DocumentKind } from '../../server/src/services/analysis';
import { provideCompletion } from '../../server/src/services/features';
import { normalizeSettings } from '../../server/src/services/serverSettings';
import { atMarker } from '../fixtures/features/cursor';

const settings = normalizeSettings(undefined, undefined);

function complete(marked: string, kind: DocumentKind = 'task', marker = '|'): CompletionItem[] {
  const { text, position } = atMarker(marked, marker);
  return provideCompletion({ uri: 'file:///w/t.keruta.yaml', text, kind }, position, settings);
}

const labels = (items: readonly CompletionItem[]): string[] => items.map((item) => item.label);
const edit = (item: CompletionItem | undefined): TextEdit => {
  assert.ok(item?.textEdit && 'range' in item.textEdit, 'item has a textEdit with a range');
  return item.textEdit;
};
const doc = (item: CompletionItem | undefined): string => {
  const documentation = item?.documentation as MarkupContent | undefined;
  assert.equal(documentation?.kind, 'markdown');
  return documentation.value;
};
const byLabel = (items: readonly CompletionItem[], label: string): CompletionItem | undefined => items.find((item) => item.label === label);

describe('completion in task files', () => {
  test('offers the top-level keys the task does not have yet, replacing the partial word', () => {
    const items = complete('id: a\ntitle: A\nsta|\n');
    assert.deepEqual(labels(items), ['description', 'priority', 'status', 'createdAt', 'updatedAt', 'documents', 'job']);
    const status = byLabel(items, 'status');
    assert.equal(status?.kind, CompletionItemKind.Property);
    assert.equal(status?.insertTextFormat, InsertTextFormat.Snippet);
    assert.deepEqual(edit(status).range, { start: { line: 2, character: 0 }, end: { line: 2, character: 3 } });
    assert.equal(edit(status).newText, `status: \${1|${TASK_STATUSES.join(',')}|}`);
    assert.match(doc(status), /KERUTA_TASK_STATUS/);
    assert.match(doc(status), /Default: `PENDING`/);
    assert.equal(edit(byLabel(items, 'priority')).newText, 'priority: $0');
    assert.equal(edit(byLabel(items, 'job')).newText, 'job:\n  $0');
  });

  test('only looks at the cursor\'s own YAML document, and keeps a `:` that is already there', () => {
    const items = complete('id: a\ntitle: A\n---\nid: b\nti|tle: B\n');
    assert.ok(labels(items).includes('title'), 'title is on the cursor\'s line, so it is offered');
    assert.ok(!labels(items).includes('id'));
    assert.equal(edit(byLabel(items, 'title')).newText, 'title');
    assert.deepEqual(edit(byLabel(items, 'title')).range, { start: { line: 4, character: 0 }, end: { line: 4, character: 5 } });
  });

  test('works in broken YAML: an unclosed quote above, nothing parses', () => {
    const items = complete('id: "broken\ntitle: A\npri|');
    assert.ok(labels(items).includes('priority'));
    assert.ok(!labels(items).includes('title'));
    assert.deepEqual(labels(complete('id: a\r\ntitle: A\r\njob:\r\n  image: x\r\n  col|')), ['command', 'args', 'env', 'resources', 'namespace', 'serviceAccountName', 'ttlSecondsAfterFinished', 'backoffLimit', 'activeDeadlineSeconds', 'collect']);
  });

  test('offers the job section keys under `job`, without those already there', () => {
    const items = complete('id: a\njob:\n  image: alpine:3.20\n  backoffLimit: 1\n  |\n');
    assert.deepEqual(labels(items), ['command', 'args', 'env', 'resources', 'namespace', 'serviceAccountName', 'ttlSecondsAfterFinished', 'activeDeadlineSeconds', 'collect']);
    assert.match(doc(byLabel(items, 'activeDeadlineSeconds')), /DeadlineExceeded/);
    assert.equal(edit(byLabel(items, 'command')).newText, 'command:\n    - $0');
  });

  test('offers the six statuses as the value of `status`', () => {
    const items = complete('id: a\nstatus: IN|\n');
    assert.deepEqual(labels(items), [...TASK_STATUSES]);
    assert.ok(items.every((item) => item.kind === CompletionItemKind.EnumMember));
    assert.deepEqual(edit(items[1]).range, { start: { line: 1, character: 8 }, end: { line: 1, character: 10 } });
    assert.equal(edit(items[1]).newText, 'IN_PROGRESS');
    assert.match(doc(byLabel(items, 'WAITING_FOR_INPUT')), /input/);
    // Right after the colon, the value gets its space.
    assert.equal(edit(complete('status:|')[0]).newText, ' PENDING');
    // Inside quotes only the word is replaced.
    assert.deepEqual(edit(complete('status: "F|"')[0]).range, { start: { line: 0, character: 9 }, end: { line: 0, character: 10 } });
  });

  test('offers the KERUTA_TASK_* names not yet in the list as `- name:` values of job.env', () => {
    const items = complete('id: a\njob:\n  env:\n    - name: KERUTA_TASK_ID\n      value: x\n    - name: KERUTA_|\n');
    assert.deepEqual(labels(items), KERUTA_ENV_NAMES.filter((name) => name !== 'KERUTA_TASK_ID'));
    const title = byLabel(items, 'KERUTA_TASK_TITLE');
    assert.equal(title?.kind, CompletionItemKind.Variable);
    assert.deepEqual(edit(title).range, { start: { line: 5, character: 12 }, end: { line: 5, character: 19 } });
    assert.match(doc(title), /`title`/);
    assert.match(doc(title), /replaces its value/, 'says that keruta sets it already');
  });

  test('finds the env list in compact style (`- ` at the key\'s indentation) and in broken text', () => {
    assert.equal(complete('id: "open\njob:\n  env:\n  - name: |').length, 7);
  });

  test('offers nothing where nothing fits: other keys\' values, comments, block scalars, other files', () => {
    assert.deepEqual(complete('id: a\ntitle: |\n'), []);
    assert.deepEqual(complete('# sta|\n'), []);
    assert.deepEqual(complete('description: |\n  more text\n  ¦\n', 'task', '¦'), []);
    assert.deepEqual(complete('id: a\nname: |\n'), []);
    assert.deepEqual(complete('sta|', 'other'), []);
    assert.deepEqual(complete('id: a\njob:\n  env:\n    - |\n'), [], 'no keys inside env items');
  });

  test('after a block scalar, a line at the task\'s indentation is a key again', () => {
    const items = complete('id: a\ndescription: |\n  text\n¦', 'task', '¦');
    assert.ok(labels(items).includes('title'));
    assert.ok(!labels(items).includes('description'));
  });
});

const JOB = (marked: string): string => `apiVersion: batch/v1
kind: Job
metadata:
  name: demo
spec:
  template:
    spec:
${marked}`;

describe('completion in Job YAML', () => {
  test('offers Never (preselected) and OnFailure for the Pod\'s restartPolicy, and says why not Always', () => {
    const items = complete(JOB('      restartPolicy: |\n      containers: []\n'), 'yaml');
    assert.deepEqual(labels(items), ['Never', 'OnFailure']);
    assert.equal(items[0]?.preselect, true);
    assert.notEqual(items[1]?.preselect, true);
    assert.match(doc(items[0]), /`Always`.*rejects/);
    assert.deepEqual(edit(items[0]).range, { start: { line: 7, character: 21 }, end: { line: 7, character: 21 } });
  });

  test('offers the KERUTA_TASK_* names as `- name:` values of a container\'s env', () => {
    const items = complete(JOB('      containers:\n        - name: main\n          env:\n            - name: KERUTA_TASK_STATUS\n            - name: |\n'), 'yaml');
    assert.deepEqual(labels(items), KERUTA_ENV_NAMES.filter((name) => name !== 'KERUTA_TASK_STATUS'));
    assert.match(doc(items[0]), /task's `id`/);
    assert.doesNotMatch(doc(items[0]), /replaces its value/);
  });

  test('only in batch/v1 Job documents of the file', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nspec:\n  restartPolicy: |\n';
    assert.deepEqual(complete(pod, 'yaml'), []);
    const deployment = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      restartPolicy: |\n';
    assert.deepEqual(complete(deployment, 'yaml'), []);
    assert.deepEqual(complete(JOB('      restartPolicy: |\n'), 'other'), []);
    const second = `apiVersion: v1\nkind: ConfigMap\n---\n${JOB('      restartPolicy: |\n')}`;
    assert.deepEqual(labels(complete(second, 'yaml')), ['Never', 'OnFailure']);
    // kind below the cursor counts too.
    assert.deepEqual(labels(complete('spec:\n  template:\n    spec:\n      restartPolicy: |\napiVersion: batch/v1\nkind: Job\n', 'yaml')), ['Never', 'OnFailure']);
  });

  test('not for a container\'s own restartPolicy (native sidecars) or a task file', () => {
    assert.deepEqual(complete(JOB('      initContainers:\n        - name: c\n          restartPolicy: |\n'), 'yaml'), []);
    assert.deepEqual(complete(JOB('      restartPolicy: |\n'), 'task'), []);
  });
});
