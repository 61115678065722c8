import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Commands } from '../../client/src/identifiers';

const root = join(__dirname, '..', '..');
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
const placeholders = (text: string): string[] => [...text.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();

interface Manifest {
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  contributes: { commands: { command: string; title: string; category?: string; icon?: string }[] };
}
const manifest = readJson('package.json') as unknown as Manifest;
const manifestText = readFileSync(join(root, 'package.json'), 'utf8');

describe('extension manifest', () => {
  test('engines.vscode is ^1.100.0 and @types/vscode matches it', () => {
    assert.equal(manifest.engines.vscode, '^1.100.0');
    assert.equal(manifest.devDependencies['@types/vscode'], '1.100.0');
  });

  test('every command in code is contributed, with a translated title and the Keruta category', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
    for (const command of manifest.contributes.commands) {
      assert.match(command.title, /^%.+%$/, `${command.command} title is not localized`);
      assert.equal(command.category, 'Keruta');
      if (command.icon) assert.match(command.icon, /^\$\([a-z-]+\)$/, 'icons are codicons');
    }
  });

  for (const nls of ['package.nls.json', 'package.nls.ja.json']) {
    test(`${nls} has every %key% package.json uses, and no others`, () => {
      const used = [...new Set([...manifestText.matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]!))].sort();
      assert.deepEqual(Object.keys(readJson(nls)).sort(), used);
    });
  }

  test('the Japanese bundle translates every runtime string, with the same placeholders', () => {
    const english = readJson('l10n/bundle.l10n.json') as Record<string, string>;
    const japanese = readJson('l10n/bundle.l10n.ja.json') as Record<string, string>;
    assert.deepEqual(Object.keys(japanese).sort(), Object.keys(english).sort());
    for (const [key, value] of Object.entries(japanese)) {
      assert.deepEqual(placeholders(value), placeholders(key), `placeholders differ for: ${key}`);
      assert.notEqual(value, key, `not translated: ${key}`);
    }
  });

  test('l10n/bundle.l10n.json is up to date with the sources (npm run l10n:export)', () => {
    const out = mkdtempSync(join(tmpdir(), 'keruta-l10n-'));
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', '@vscode', 'l10n-dev', 'dist', 'cli.js'), 'export', '--outDir', out, 'client/src', 'server/src'], { cwd: root, stdio: 'pipe' });
      const fresh = JSON.parse(readFileSync(join(out, 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
      assert.deepEqual(Object.keys(readJson('l10n/bundle.l10n.json')).sort(), Object.keys(fresh).sort());
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
