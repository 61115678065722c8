import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseProperties } from '../../client/src/config/applicationProperties';

describe('application.properties reader', () => {
  test('reads the seed example', () => {
    const properties = parseProperties(
      'keruta.kubernetes.enabled=true\nkeruta.kubernetes.config-path=/path/to/kube/config\nkeruta.kubernetes.in-cluster=false\nkeruta.kubernetes.default-namespace=default\n',
    );
    assert.deepEqual(Object.fromEntries(properties), {
      'keruta.kubernetes.enabled': 'true',
      'keruta.kubernetes.config-path': '/path/to/kube/config',
      'keruta.kubernetes.in-cluster': 'false',
      'keruta.kubernetes.default-namespace': 'default',
    });
  });

  test('separators, comments, blank lines, whitespace', () => {
    const properties = parseProperties('# comment\n! also\n\n  a = 1\nb:2\nc 3\nd=\ne\n');
    assert.deepEqual(Object.fromEntries(properties), { a: '1', b: '2', c: '3', d: '', e: '' });
  });

  test('continuations, escapes and unicode escapes; CRLF line ends', () => {
    const properties = parseProperties('list = a,\\\r\n    b,\\\r\n    c\r\npath=C:\\\\kube\\\\config\r\nname=\\u30bf\\u30b9\\u30af\r\nkey\\ with\\=sep=v\r\n');
    assert.equal(properties.get('list'), 'a,b,c');
    assert.equal(properties.get('path'), 'C:\\kube\\config');
    assert.equal(properties.get('name'), 'タスク');
    assert.equal(properties.get('key with=sep'), 'v');
  });

  test('the last value of a repeated key wins, as in java.util.Properties', () => {
    assert.equal(parseProperties('a=1\na=2\n').get('a'), '2');
  });
});
