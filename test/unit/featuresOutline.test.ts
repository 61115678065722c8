import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import { provideCodeLenses, provideDocumentSymbols } from '../../server/src/services/features';
import { cursorContext, documentBounds, lineShape, splitLines, wordContext } from '../../server/src/services/features/yamlOutline';
import { atMarker } from '../fixtures/features/cursor';

const examples = join(__dirname, '..', '..', 'examples');
const reports = readFileSync(join(examples, 'tasks', 'reports.keruta.yaml'), 'utf8');

const names = (symbols: readonly DocumentSymbol[] | undefined): string[] => (symbols ?? []).map((symbol) => symbol.name);

function contextAt(marked: string, marker = '|'): ReturnType<typeof cursorContext> {
  const { text, position } = atMarker(marked, marker);
  return cursorContext(splitLines(text), position.line, position.character);
}

describe('line-based YAML outline', () => {
  test('reads keys, values and sequence markers of one line', () => {
    const shape = lineShape('    - name: "KERUTA_TASK_ID"  # comment');
    assert.deepEqual(shape.items, [4]);
    assert.equal(shape.key?.name, 'name');
    assert.deepEqual(shape.key?.span, { start: 6, end: 10 });
    assert.deepEqual(shape.value, { text: '"KERUTA_TASK_ID"', span: { start: 12, end: 28 } });
    assert.equal(lineShape('  image: busybox:1.36.1').value?.text, 'busybox:1.36.1');
    assert.equal(lineShape("'it''s': 1").key?.name, "it's");
    assert.equal(lineShape('"say \\"hi\\"": 1').key?.name, 'say "hi"');
    assert.equal(lineShape('key: value  # note').value?.text, 'value');
    assert.equal(lineShape('key: "a # b" # note').value?.text, '"a # b"');
    assert.equal(lineShape('description: |-').blockScalar, true);
    assert.equal(lineShape('   # only a comment').blank, true);
    assert.equal(lineShape('- -c').key, undefined);
  });

  test('finds the path of the cursor through mappings, sequences (compact too) and block scalars', () => {
    const cases: [string, unknown][] = [
      ['a:\n  b:\n    c: 1\n    |', ['a', 'b']],
      ['a:\n  b:\n    c: 1\n  |', ['a']],
      ['env:\n  - name: A\n    value: x\n  - name: |', ['env', 1, 'name']],
      ['env:\n- name: A\n- name: B\n- name: |', ['env', 2, 'name']],
      ['list:\n  - - x\n    - |', ['list', 0, 1]],
      ['desc: >\n  text: not a key\n|', []],
      ['x: 1\n---\ny:\n  |', ['y']],
    ];
    for (const [marked, path] of cases) assert.deepEqual(contextAt(marked)?.path, path, marked);
  });

  test('tells keys from values and refuses comments and block scalar text', () => {
    assert.equal(contextAt('key: va|')?.kind, 'value');
    assert.equal(contextAt('ke|')?.kind, 'key');
    assert.equal(contextAt('key: "two words |'), undefined);
    assert.equal(contextAt('# ke|'), undefined);
    assert.equal(contextAt('desc: |\n  text\n  ¦', '¦'), undefined);
    assert.equal(contextAt('---|'), undefined);
  });

  test('places a word as key or value with its path', () => {
    const lines = splitLines('spec:\n  template:\n    spec:\n      restartPolicy: Never\n');
    assert.deepEqual(wordContext(lines, 3, 8), { word: { start: 6, end: 19 }, text: 'restartPolicy', role: 'key', path: ['spec', 'template', 'spec', 'restartPolicy'] });
    assert.equal(wordContext(lines, 3, 22)?.role, 'value');
    assert.equal(wordContext(lines, 4, 0), undefined);
  });

  test('finds the document of a line between `---` separators', () => {
    const lines = splitLines('a: 1\n---\nb: 2\nc: 3\n---\nd: 4');
    assert.deepEqual(documentBounds(lines, 0), { start: 0, end: 1 });
    assert.deepEqual(documentBounds(lines, 3), { start: 2, end: 4 });
    assert.deepEqual(documentBounds(lines, 5), { start: 5, end: 6 });
  });
});

describe('document symbols', () => {
  test('one symbol per task: title, id · status · priority, the document as range, the id as selection', () => {
    const symbols = provideDocumentSymbols({ uri: 'file:///w/r.keruta.yaml', text: reports, kind: 'task' });
    assert.deepEqual(names(symbols), ['Nightly report', 'Clean up the build cache']);
    const [nightly, cleanup] = symbols;
    assert.equal(nightly?.detail, 'nightly-report · PENDING · priority 5');
    assert.equal(cleanup?.detail, 'cleanup-cache · COMPLETED · priority 1');
    assert.equal(nightly?.kind, SymbolKind.Object);
    assert.deepEqual(nightly?.range, { start: { line: 1, character: 0 }, end: { line: 24, character: 0 } });
    assert.deepEqual(nightly?.selectionRange, { start: { line: 1, character: 4 }, end: { line: 1, character: 18 } });
    assert.deepEqual(cleanup?.range.start, { line: 24, character: 0 }, 'the second document starts at its `---`');
    assert.deepEqual(names(nightly?.children), ['image', 'command', 'args', 'env', 'resources', 'backoffLimit', 'activeDeadlineSeconds']);
    const image = nightly?.children?.[0];
    assert.equal(image?.detail, 'alpine:3.20');
    assert.deepEqual(image?.selectionRange, { start: { line: 8, character: 2 }, end: { line: 8, character: 7 } });
    assert.equal(cleanup?.children?.find((child) => child.name === 'command')?.detail, '/bin/sh -c echo cleaning');
  });

  test('falls back to the title or a placeholder, and selects the title when there is no id', () => {
    const [symbol] = provideDocumentSymbols({ uri: 'file:///w/t.keruta.yaml', text: 'title: Only a title\n', kind: 'task' });
    assert.equal(symbol?.name, 'Only a title');
    assert.deepEqual(symbol?.selectionRange, { start: { line: 0, character: 7 }, end: { line: 0, character: 19 } });
    assert.equal(provideDocumentSymbols({ uri: 'file:///w/t.keruta.yaml', text: 'id: x\n', kind: 'task' })[0]?.name, 'x');
  });

  test('keeps the tasks of a document with a syntax error, read line by line', () => {
    const text = 'id: first\ntitle: "unclosed\n---\nid: second\ntitle: Second\nstatus: FAILED\n';
    const symbols = provideDocumentSymbols({ uri: 'file:///w/t.keruta.yaml', text, kind: 'task' });
    assert.deepEqual(names(symbols), ['unclosed', 'Second']);
    assert.equal(symbols[1]?.detail, 'second · FAILED · priority 0');
    assert.deepEqual(symbols[0]?.selectionRange, { start: { line: 0, character: 4 }, end: { line: 0, character: 9 } });
  });

  test('one symbol per Job in YAML: metadata.name or generateName, containers as children', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: not-a-job
---
apiVersion: batch/v1
kind: Job
metadata:
  generateName: keruta-demo-
  namespace: jobs
spec:
  template:
    spec:
      initContainers:
        - name: collector
          image: busybox:1.36.1
      containers:
        - name: main
          image: alpine:3.20
`;
    const symbols = provideDocumentSymbols({ uri: 'file:///w/j.yaml', text, kind: 'yaml' });
    assert.deepEqual(names(symbols), ['keruta-demo-']);
    assert.equal(symbols[0]?.detail, 'Job in jobs');
    assert.deepEqual(symbols[0]?.selectionRange, { start: { line: 8, character: 16 }, end: { line: 8, character: 28 } });
    assert.deepEqual(names(symbols[0]?.children), ['collector', 'main']);
    assert.equal(symbols[0]?.children?.[1]?.detail, 'alpine:3.20');
    assert.deepEqual(symbols[0]?.children?.[1]?.selectionRange, { start: { line: 17, character: 16 }, end: { line: 17, character: 20 } });
    const named = provideDocumentSymbols({ uri: 'file:///w/j.yaml', text: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: fixed\n  generateName: g-\n', kind: 'yaml' });
    assert.deepEqual(names(named), ['fixed']);
  });

  test('every selection range lies inside its range', () => {
    const inside = (symbol: DocumentSymbol): void => {
      const before = (a: { line: number; character: number }, b: { line: number; character: number }): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);
      assert.ok(before(symbol.range.start, symbol.selectionRange.start) && before(symbol.selectionRange.end, symbol.range.end), symbol.name);
      symbol.children?.forEach(inside);
    };
    provideDocumentSymbols({ uri: 'file:///w/r.keruta.yaml', text: reports, kind: 'task' }).forEach(inside);
  });

  test('nothing for other files', () => {
    assert.deepEqual(provideDocumentSymbols({ uri: 'file:///w/a.txt', text: 'id: a\ntitle: A\n', kind: 'other' }), []);
    assert.deepEqual(provideDocumentSymbols({ uri: 'file:///w/a.txt', text: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n', kind: 'other' }), []);
  });
});

describe('code lenses', () => {
  test('two lenses above each complete task: run it, show its Job YAML', () => {
    const uri = 'file:///w/r.keruta.yaml';
    const lenses = provideCodeLenses({ uri, text: reports, kind: 'task' });
    assert.deepEqual(lenses.map((lens) => [lens.range.start.line, lens.command?.title, lens.command?.command, lens.command?.arguments]), [
      [1, '$(play) Run Task', 'keruta.runTask', [uri, 'nightly-report']],
      [1, 'Show Job YAML', 'keruta.showJobYaml', [uri, 'nightly-report']],
      [25, '$(play) Run Task', 'keruta.runTask', [uri, 'cleanup-cache']],
      [25, 'Show Job YAML', 'keruta.showJobYaml', [uri, 'cleanup-cache']],
    ]);
  });

  test('none for tasks without an id or a title, documents with syntax errors, or Job YAML', () => {
    const text = 'id: no-title\n---\ntitle: No id\n---\nid: a: b\ntitle: Broken\n---\nid: ok\ntitle: OK\n';
    assert.deepEqual(provideCodeLenses({ uri: 'file:///w/t.keruta.yaml', text, kind: 'task' }).map((lens) => lens.command?.arguments?.[1] as string), ['ok', 'ok']);
    assert.deepEqual(provideCodeLenses({ uri: 'file:///w/t.yaml', text: 'id: ok\ntitle: OK\n', kind: 'yaml' }), []);
  });
});
