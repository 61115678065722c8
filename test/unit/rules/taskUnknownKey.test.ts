import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { closestMatch, editDistance } from '../../../server/src/rules/task/shared';
import { JOB_KEYS, TASK_KEYS } from '../../../server/src/core/taskModel';
import { findingsOf, fixedText, fixesFor, slice } from './taskRuleHarness';

const CODE = 'task-unknown-key';

describe('task-unknown-key', () => {
  test('a misspelt top-level key: warning on the key, did-you-mean, rename fix', () => {
    const text = 'id: a\ntitel: Build   # the title\n';
    const [finding, ...rest] = findingsOf(text, CODE);
    assert.equal(rest.length, 0);
    assert.equal(finding!.severity, 'warning');
    assert.equal(slice(text, finding!.span), 'titel');
    assert.match(finding!.message, /`titel` is not a task key.*Did you mean `title`\?/);
    assert.deepEqual(finding!.data, { key: 'titel', section: 'task', suggestion: 'title' });
    assert.equal(fixedText(text, CODE), 'id: a\ntitle: Build   # the title\n');
  });

  test('a misspelt job key, found under `job`, renamed in place', () => {
    const text = 'id: a\ntitle: A\njob:\n  image: alpine\n  ttlSecondAfterFinished: 60\n';
    const [finding] = findingsOf(text, CODE);
    assert.equal(slice(text, finding!.span), 'ttlSecondAfterFinished');
    assert.match(finding!.message, /not a `job` key.*`ttlSecondsAfterFinished`/);
    assert.equal(fixedText(text, CODE), 'id: a\ntitle: A\njob:\n  image: alpine\n  ttlSecondsAfterFinished: 60\n');
  });

  test('case differences and quoted keys', () => {
    assert.equal(fixedText('id: a\nTitle: A\n', CODE), 'id: a\ntitle: A\n');
    assert.equal(fixedText('id: a\ntitle: A\n"Status": DONE\n', CODE), 'id: a\ntitle: A\nstatus: DONE\n');
    assert.equal(fixedText('id: a\ntitle: A\njob: { imag: alpine }\n', CODE), 'id: a\ntitle: A\njob: { image: alpine }\n');
  });

  test('a key that belongs in the other section says where it goes, and has no rename', () => {
    const text = 'id: a\ntitle: A\nimage: alpine\njob:\n  priority: 3\n';
    const findings = findingsOf(text, CODE);
    assert.deepEqual(findings.map((f) => slice(text, f.span)), ['image', 'priority']);
    assert.match(findings[0]!.message, /`image` is a `job` key.*Move it under `job`/);
    assert.match(findings[1]!.message, /`priority` is a task key.*top level/);
    assert.deepEqual(findings.flatMap((f) => fixesFor(f, text)), []);
  });

  test('no suggestion for far-off keys or when the suggested key is already there; x- keys allowed', () => {
    const text = 'id: a\ntitle: A\nfoo: 1\ntitel: B\nx-defaults: &d { image: alpine }\n';
    const findings = findingsOf(text, CODE);
    assert.deepEqual(findings.map((f) => slice(text, f.span)), ['foo', 'titel']);
    assert.match(findings[0]!.message, /Task keys are: id, title, description/);
    assert.equal(findings[0]!.data?.['suggestion'], undefined);
    assert.equal(findings[1]!.data?.['suggestion'], undefined, '`title` exists: renaming would repeat it');
    assert.deepEqual(findings.flatMap((f) => fixesFor(f, text)), []);
  });

  test('every known key passes', () => {
    const text = 'id: a\ntitle: A\ndescription: d\npriority: 1\nstatus: PENDING\ncreatedAt: "2026-01-01"\nupdatedAt: "2026-01-01"\ndocuments: []\njob:\n  image: i\n  command: [a]\n  args: [b]\n  env: []\n  resources: {}\n  namespace: n\n  serviceAccountName: s\n  ttlSecondsAfterFinished: 1\n  backoffLimit: 0\n  activeDeadlineSeconds: 5\n  collect: true\n';
    assert.deepEqual(findingsOf(text, CODE), []);
  });

  test('a stale diagnostic (the key changed since) offers no rename', () => {
    const text = 'id: a\ntitel: A\n';
    const [finding] = findingsOf(text, CODE);
    assert.deepEqual(fixesFor(finding!, 'id: a\ntitle: A\n'), []);
  });

  test('did-you-mean matching', () => {
    assert.equal(editDistance('titel', 'title'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(closestMatch('descripton', TASK_KEYS), 'description');
    assert.equal(closestMatch('createdat', TASK_KEYS), 'createdAt');
    assert.equal(closestMatch('foo', JOB_KEYS), undefined);
    assert.equal(closestMatch('ids', TASK_KEYS), 'id');
    assert.equal(closestMatch('serviceAcountName', JOB_KEYS), 'serviceAccountName');
    assert.equal(closestMatch('something', TASK_KEYS), undefined);
  });
});
