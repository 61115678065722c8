import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import yauzl from 'yauzl';

const VSIX = join(__dirname, '..', '..', 'dist', 'keruta.vsix');

function entries(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('packaged .vsix (npm run package)', () => {
  test('contains only what the extension needs, with minified bundles and no source maps', async () => {
    assert.ok(existsSync(VSIX), `${VSIX} is missing: run npm run package`);
    const files = await entries(VSIX);
    const names = [...files.keys()].filter((name) => name.startsWith('extension/')).map((name) => name.slice('extension/'.length)).sort();
    const allowed = /^(package\.json|package\.nls(\.[a-z-]+)?\.json|readme\.md|changelog\.md|LICENSE\.txt|dist\/(client|server|k8s)\.js|l10n\/bundle\.l10n(\.[a-z-]+)?\.json|syntaxes\/[\w.-]+\.json|media\/[\w.-]+\.(svg|png))$/;
    for (const name of names) assert.match(name, allowed, `unexpected file in the .vsix: ${name}`);
    for (const needed of ['package.json', 'dist/client.js', 'dist/server.js', 'dist/k8s.js', 'package.nls.json', 'package.nls.ja.json', 'l10n/bundle.l10n.ja.json', 'syntaxes/keruta-task.tmLanguage.json']) {
      assert.ok(names.includes(needed), `${needed} is missing from the .vsix`);
    }
    const client = files.get('extension/dist/client.js')!.toString('utf8');
    assert.doesNotMatch(client, /sourceMappingURL/);
    // Minified: long lines (template literals keep some line breaks; unminified code averages ~30 characters a line).
    assert.ok(client.length / client.split('\n').length > 1000, 'client bundle is minified');
    // The client must not bundle vscode (it is provided by the host).
    assert.match(client, /require\("vscode"\)/);
    // The Kubernetes client is not in the client bundle: it is loaded from dist/k8s.js on first cluster use.
    assert.match(client, /require\("\.\/k8s\.js"\)/);
    assert.doesNotMatch(client, /class KubeConfig\b/);
  });

  test('the manifest inside points at files that exist in the package', async () => {
    const files = await entries(VSIX);
    const manifest = JSON.parse(files.get('extension/package.json')!.toString('utf8')) as {
      main: string;
      contributes: { grammars: { path: string }[]; languages: { configuration: string; icon: { light: string } }[] };
    };
    const inPackage = (path: string): boolean => files.has(`extension/${path.replace(/^\.\//, '')}`);
    assert.ok(inPackage(`${manifest.main.replace(/^\.\//, '')}`), manifest.main);
    for (const grammar of manifest.contributes.grammars) assert.ok(inPackage(grammar.path), grammar.path);
    for (const language of manifest.contributes.languages) {
      assert.ok(inPackage(language.configuration), language.configuration);
      assert.ok(inPackage(language.icon.light), language.icon.light);
    }
  });
});
