import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ruleFor } from '../../../server/src/rules';
import { fixedText, findingsOf, fixesFor, slice } from './taskRuleHarness';

describe('task-missing-id quick fix', () => {
  test('inserts an id from the title as the first line, below leading comments', () => {
    const text = '# Nightly\ntitle: Build the Docs!\npriority: 2\n';
    const [finding] = findingsOf(text, 'task-missing-id');
    assert.equal(finding!.severity, 'error');
    assert.equal(slice(text, finding!.span), 't', 'the parser marks the first character of the mapping');
    const [fix] = fixesFor(finding!, text);
    assert.equal(fix!.title, 'Add `id: build-the-docs`');
    assert.equal(fixedText(text, 'task-missing-id'), '# Nightly\nid: build-the-docs\ntitle: Build the Docs!\npriority: 2\n');
  });

  test('task-N when the title gives no slug; never an id already used in the file; the right document', () => {
    const text = 'id: task-2\ntitle: first\n---\ntitle: サンプル\n';
    assert.equal(fixedText(text, 'task-missing-id'), 'id: task-2\ntitle: first\n---\nid: task-2-2\ntitle: サンプル\n');
    const untitled = 'id: a\ntitle: A\n---\ndescription: none\n';
    const fixed = fixedText(untitled, 'task-missing-id');
    assert.equal(fixed, 'id: a\ntitle: A\n---\nid: task-2\ndescription: none\n');
  });

  test('keeps the indentation of an indented mapping', () => {
    assert.equal(fixedText('  title: A\n  priority: 1\n', 'task-missing-id'), '  id: a\n  title: A\n  priority: 1\n');
  });

  test('keeps CRLF line breaks and flow mappings', () => {
    assert.equal(fixedText('title: A B\r\nstatus: PENDING\r\n', 'task-missing-id'), 'id: a-b\r\ntitle: A B\r\nstatus: PENDING\r\n');
    assert.equal(fixedText('{ title: Flow }\n', 'task-missing-id'), '{ id: flow, title: Flow }\n');
  });

  test('fills an empty id, keeping the quotes', () => {
    const text = 'id: ""\ntitle: Clean up\n';
    const [finding] = findingsOf(text, 'task-missing-id');
    assert.equal(slice(text, finding!.span), '""');
    assert.equal(fixedText(text, 'task-missing-id'), 'id: "clean-up"\ntitle: Clean up\n');
  });

  test('no fix when the span no longer points at a task', () => {
    const rule = ruleFor('task-missing-id');
    assert.deepEqual(rule?.fixes?.({ span: [3, 4] }, { uri: 'u', text: 'id: a\ntitle: A\n', settings: {} as never, now: '' }), []);
  });
});

describe('task-missing-title quick fix', () => {
  test('inserts the id as title, right after the id line (comment kept)', () => {
    const text = 'id: nightly   # keep me\npriority: 1\n';
    const [finding] = findingsOf(text, 'task-missing-title');
    assert.equal(finding!.severity, 'error');
    assert.equal(fixedText(text, 'task-missing-title'), 'id: nightly   # keep me\ntitle: nightly\npriority: 1\n');
  });

  test('as the first line when id is not first; quoted when the id would not read back as text', () => {
    assert.equal(fixedText('priority: 1\nid: "123"\n', 'task-missing-title'), 'title: "123"\npriority: 1\nid: "123"\n');
    // YAML 1.1 tools (kubectl, PyYAML) read these plain words as booleans, numbers or dates.
    assert.equal(fixedText('id: "on"\n', 'task-missing-title'), 'id: "on"\ntitle: "on"\n');
    assert.equal(fixedText('id: "1.10"\n', 'task-missing-title'), 'id: "1.10"\ntitle: "1.10"\n');
    assert.equal(fixedText('id: "2026-11-01"\n', 'task-missing-title'), 'id: "2026-11-01"\ntitle: "2026-11-01"\n');
    assert.equal(fixedText('id: "a: b"\n', 'task-missing-title'), 'id: "a: b"\ntitle: "a: b"\n');
  });

  test('Untitled when there is no id either; both fixes together make a complete task', () => {
    const text = '---\ndescription: x\n';
    const findings = findingsOf(text, 'task-missing-title');
    assert.equal(fixedText(text, 'task-missing-title'), '---\ntitle: Untitled\ndescription: x\n');
    const idFix = fixesFor(findingsOf(text, 'task-missing-id')[0]!, text)[0]!;
    const titleFix = fixesFor(findings[0]!, text)[0]!;
    assert.deepEqual(idFix.edits[0]!.span, titleFix.edits[0]!.span);
  });

  test('indented mapping (a task under a document with a leading tag-less indent)', () => {
    const text = '  id: a\n  priority: 1\n';
    assert.equal(fixedText(text, 'task-missing-title'), '  id: a\n  title: a\n  priority: 1\n');
  });
});
