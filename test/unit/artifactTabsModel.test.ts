/** The order collected files open in tabs (client/src/views/artifactTabsModel.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMarkdown, tabOrder } from '../../client/src/views/artifactTabsModel';

describe('artifact tabs: order', () => {
  test('README and index first (shallowest first), then Markdown, then the rest, each alphabetically', () => {
    const files = ['z.txt', 'docs/guide.md', 'b.md', 'docs/README.md', 'a.png', 'README.md', 'site/index.html', 'report 10.md', 'report 9.md', 'readme'];
    assert.deepEqual(tabOrder(files), ['readme', 'README.md', 'docs/README.md', 'site/index.html', 'b.md', 'docs/guide.md', 'report 9.md', 'report 10.md', 'a.png', 'z.txt']);
  });

  test('names that only start like README or index are ordinary files', () => {
    assert.deepEqual(tabOrder(['readmes.txt', 'indexer.py', 'a.txt']), ['a.txt', 'indexer.py', 'readmes.txt']);
  });

  test('does not change its input', () => {
    const files = ['b.txt', 'README.md'];
    tabOrder(files);
    assert.deepEqual(files, ['b.txt', 'README.md']);
  });

  test('isMarkdown', () => {
    assert.deepEqual(['a.md', 'B.MARKDOWN', 'c.mdx', 'md', 'd.txt'].map(isMarkdown), [true, true, false, false, false]);
  });
});
