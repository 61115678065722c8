/**
 * The Keruta Task grammar and its injections, tokenized with vscode-textmate (the engine VS Code
 * uses) on top of a YAML grammar, as VS Code composes them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { type IGrammar, INITIAL, parseRawGrammar, Registry } from 'vscode-textmate';

const root = join(__dirname, '..', '..');
const syntaxes = join(root, 'syntaxes');

interface Manifest {
  contributes: { grammars: { scopeName: string; path: string; injectTo?: string[] }[] };
}

describe('Keruta Task grammar', () => {
  let grammar: IGrammar;
  let yamlGrammar: IGrammar;

  before(async () => {
    const wasm = readFileSync(join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
    const files = new Map<string, string>(manifest.contributes.grammars.map((g) => [g.scopeName, join(root, g.path)]));
    files.set('source.yaml', join(root, 'node_modules', 'tm-grammars', 'grammars', 'yaml.json'));
    const registry = new Registry({
      onigLib: Promise.resolve({ createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns), createOnigString: (text) => new oniguruma.OnigString(text) }),
      loadGrammar: (scopeName) => {
        const file = files.get(scopeName);
        return Promise.resolve(file ? parseRawGrammar(readFileSync(file, 'utf8'), file) : null);
      },
      // As VS Code does from package.json's injectTo.
      getInjections: (scopeName) => manifest.contributes.grammars.filter((g) => g.injectTo?.includes(scopeName)).map((g) => g.scopeName),
    });
    grammar = (await registry.loadGrammar('source.keruta-task'))!;
    yamlGrammar = (await registry.loadGrammar('source.yaml'))!;
    assert.ok(grammar && yamlGrammar);
  });

  function scopesOf(g: IGrammar, text: string, word: string): string[] {
    let state = INITIAL;
    for (const line of text.split('\n')) {
      const result = g.tokenizeLine(line, state);
      const at = line.indexOf(word);
      if (at >= 0) {
        const token = result.tokens.find((t) => t.startIndex <= at && at < t.endIndex);
        return token?.scopes ?? [];
      }
      state = result.ruleStack;
    }
    throw new Error(`${word} not in text`);
  }

  const task = readFileSync(join(syntaxes, '..', 'examples', 'sample.keruta.yaml'), 'utf8');

  test('task keys, statuses and KERUTA_* names get keruta scopes in task files', () => {
    assert.ok(scopesOf(grammar, task, 'title:').includes('keyword.other.keruta.task-key'), scopesOf(grammar, task, 'title:').join(' '));
    assert.ok(scopesOf(grammar, task, 'PENDING').includes('constant.language.keruta.status'));
    const env = 'id: a\ntitle: b\njob:\n  env:\n    - name: KERUTA_TASK_ID\n';
    assert.ok(scopesOf(grammar, env, 'KERUTA_TASK_ID').includes('support.constant.keruta.env-name'));
  });

  test('the rest is highlighted as YAML (comments, strings)', () => {
    assert.ok(scopesOf(grammar, task, '# The seed').some((scope) => scope.startsWith('comment.line')), scopesOf(grammar, task, '# The seed').join(' '));
    assert.ok(scopesOf(grammar, task, '"2026-11-01T09:00:00Z"').some((scope) => scope.startsWith('string.quoted')), scopesOf(grammar, task, '"2026-11-01T09:00:00Z"').join(' '));
  });

  test('KERUTA_* names are also highlighted in plain YAML (Job files); task keys are not', () => {
    const job = 'apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n        - env:\n            - name: KERUTA_TASK_TITLE\n';
    assert.ok(scopesOf(yamlGrammar, job, 'KERUTA_TASK_TITLE').includes('support.constant.keruta.env-name'));
    assert.ok(!scopesOf(yamlGrammar, 'id: x\n', 'id').includes('keyword.other.keruta.task-key'));
  });
});
