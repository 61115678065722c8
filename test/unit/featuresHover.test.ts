import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Hover, MarkupContent, Range } from 'vscode-languageserver';
import { KERUTA_ENV_MAPPING } from '../../server/src/core/envMapping';
import type { DocumentKind } from '../../server/src/services/analysis';
import { provideHover } from '../../server/src/services/features';
import { normalizeSettings } from '../../server/src/services/serverSettings';
import { atMarker } from '../fixtures/features/cursor';

const settings = normalizeSettings({ job: { defaultImage: 'alpine:3.20' } }, undefined);

function hover(marked: string, kind: DocumentKind = 'task', marker = '|'): Hover | null {
  const { text, position } = atMarker(marked, marker);
  return provideHover({ uri: 'file:///w/t.keruta.yaml', text, kind }, position, settings);
}

function markdown(result: Hover | null): string {
  assert.ok(result, 'a hover');
  const contents = result.contents as MarkupContent;
  assert.equal(contents.kind, 'markdown');
  return contents.value;
}

const line = (n: number, start: number, end: number): Range => ({ start: { line: n, character: start }, end: { line: n, character: end } });

describe('hover in task files', () => {
  test('over a task key: what it carries, its variable, type and default; range = the key', () => {
    const result = hover('id: a\ntitle: A\npri|ority: 3\n');
    assert.deepEqual(result?.range, line(2, 0, 8));
    const text = markdown(result);
    assert.match(text, /\*\*`priority`\*\*/);
    assert.match(text, /Higher runs first/);
    assert.match(text, /Type: integer\. Default: `0`\./);
    assert.match(text, /`KERUTA_TASK_PRIORITY`/);
  });

  test('over a job key: its default from the settings, and for Job fields what happens on the cluster', () => {
    assert.match(markdown(hover('id: a\njob:\n  ima|ge: x\n')), /now `alpine:3\.20`/);
    const backoff = hover('id: a\njob:\n  backoff|Limit: 2\n');
    assert.deepEqual(backoff?.range, line(2, 2, 14));
    assert.match(markdown(backoff), /BackoffLimitExceeded/);
    assert.match(markdown(hover('job:\n  ttlSecondsAfter|Finished: 60\n')), /TTL-after-finished controller/);
    assert.match(markdown(hover('job:\n  activeDeadline|Seconds: 60\n')), /DeadlineExceeded/);
    assert.match(markdown(hover('job:\n  restart|Policy: Never\n')), /has no `restartPolicy`/);
  });

  test('over a status value', () => {
    const result = hover('id: a\nstatus: "WAITING_FOR|_INPUT"\n');
    assert.deepEqual(result?.range, line(1, 9, 26));
    assert.match(markdown(result), /\*\*`WAITING_FOR_INPUT`\*\*/);
    assert.match(markdown(result), /KERUTA_TASK_STATUS/);
    assert.equal(hover('id: a\ntitle: PEND|ING\n'), null, 'only the value of `status`');
  });

  test('over a KERUTA_TASK_* name anywhere: the field it carries and the whole mapping as a table', () => {
    const result = hover('id: a\njob:\n  command: ["sh", "-c", "echo $KERUTA_TASK_CREA|TED_AT"]\n');
    assert.deepEqual(result?.range, line(2, 31, 53));
    const text = markdown(result);
    assert.match(text, /task's `createdAt`/);
    assert.match(text, /\| task field \| variable \| meaning \|/);
    for (const entry of KERUTA_ENV_MAPPING) assert.ok(text.includes(`\`${entry.name}\``), entry.name);
    assert.match(text, /\| \*\*`createdAt`\*\* \| \*\*`KERUTA_TASK_CREATED_AT`\*\* \|/);
    assert.equal(text.split('\n').filter((row) => row.startsWith('| ')).length, 8);
  });

  test('a misspelt KERUTA_TASK_ name says so, with the table', () => {
    const text = markdown(hover('job:\n  env:\n    - name: KERUTA_TASK_CREATED|AT\n'));
    assert.match(text, /`KERUTA_TASK_CREATEDAT` is not one of the variables keruta sets/);
    assert.match(text, /KERUTA_TASK_CREATED_AT/);
  });

  test('works in broken YAML and inside block scalars', () => {
    assert.match(markdown(hover('title: "unclosed\nstat|us: PENDING\n')), /Where the task stands/);
    assert.match(markdown(hover('description: |\n  uses $KERUTA_TASK¦_ID\n', 'task', '¦')), /task's `id`/);
  });

  test('nothing over unknown keys, plain values, or nested keys that only look like task keys', () => {
    assert.equal(hover('colour|: red\n'), null);
    assert.equal(hover('id: some|thing\n'), null);
    assert.equal(hover('job:\n  resources:\n    pri|ority: 1\n'), null);
    assert.equal(hover('id: a\n|\n'), null);
    assert.equal(hover('job: |\n  backoff¦Limit: 3 is text here\n', 'task', '¦'), null);
  });
});

const JOB = `apiVersion: batch/v1
kind: Job
metadata:
  name: demo
spec:
  backoffLimit: 0
  activeDeadlineSeconds: 600
  ttlSecondsAfterFinished: 3600
  template:
    spec:
      restartPolicy: Never
      activeDeadlineSeconds: 30
      containers:
        - name: main
          env:
            - name: KERUTA_TASK_TITLE
`;

function inJob(word: string, occurrence = 0, kind: DocumentKind = 'yaml'): Hover | null {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) offset = JOB.indexOf(word, offset + 1);
  assert.ok(offset >= 0, word);
  const cut = offset + 2;
  return hover(`${JOB.slice(0, cut)}¦${JOB.slice(cut)}`, kind, '¦');
}

describe('hover in Job YAML', () => {
  test('over the Job fields that act on the cluster, at their place in the Job', () => {
    assert.match(markdown(inJob('backoffLimit')), /BackoffLimitExceeded/);
    assert.match(markdown(inJob('activeDeadlineSeconds')), /DeadlineExceeded/);
    assert.match(markdown(inJob('ttlSecondsAfterFinished')), /TTL-after-finished/);
    const restart = inJob('restartPolicy');
    assert.deepEqual(restart?.range, line(10, 6, 19));
    assert.match(markdown(restart), /`Always` is rejected/);
    assert.match(markdown(inJob('Never')), /is not restarted/);
    assert.equal(inJob('activeDeadlineSeconds', 1), null, 'the Pod\'s own deadline is another field');
  });

  test('over a KERUTA_TASK_* name', () => {
    assert.match(markdown(inJob('KERUTA_TASK_TITLE')), /task's `title`/);
  });

  test('nothing in YAML that is not a Job', () => {
    assert.equal(hover('apiVersion: v1\nkind: Pod\nspec:\n  restart|Policy: Never\n', 'yaml'), null);
    assert.equal(hover('apiVersion: v1\nkind: ConfigMap\ndata:\n  a: $KERUTA_TASK|_ID\n', 'yaml'), null);
    assert.equal(inJob('backoffLimit', 0, 'other'), null);
  });
});
