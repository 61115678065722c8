import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { suggestKerutaName } from '../../../server/src/rules/job/envKerutaUnknown';
import { findingsOf, fixed, fixesOf, job, single, textUnder } from './jobRuleKit';

/** A Job whose main container has these env lines (indented under `env:`). */
function withEnv(...entries: string[]): string {
  return job(['      restartPolicy: Never', '      containers:', '      - name: main', '        image: busybox:1.36.1', '        env:', ...entries].join('\n'));
}

const task = (env: string): string => `id: t\ntitle: T\njob:\n  image: busybox:1.36.1\n  env:\n${env}\n`;

describe('env-name-invalid', () => {
  test('a name with = is an error on the name, quoting the API server', () => {
    const text = withEnv('        - name: A=B', '          value: x');
    const finding = single('yaml', text, 'env-name-invalid');
    assert.equal(finding.severity, 'error');
    assert.equal(textUnder(text, finding), 'A=B');
    assert.match(finding.message, /spec\.template\.spec\.containers\[0\]\.env\[0\]\.name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='/);
  });

  test('non-ASCII and empty names are errors; printable ASCII names are not', () => {
    const text = withEnv('        - name: "CAFÉ"', '        - name: ""', '        - name: "A B!"', '        - name: 1st');
    const findings = findingsOf('yaml', text, 'env-name-invalid');
    assert.deepEqual(findings.map((finding) => textUnder(text, finding)), ['"CAFÉ"', '""']);
    assert.match(findings[1]!.message, /env\[1\]\.name: Required value/);
  });

  test('task files: the name in job.env, with the index it gets after keruta\'s seven', () => {
    const text = task('    - name: "X=1"\n      value: a');
    const finding = single('task', text, 'env-name-invalid');
    assert.equal(textUnder(text, finding), '"X=1"');
    assert.match(finding.message, /containers\[0\]\.env\[7\]\.name/);
  });
});

describe('env-name-classic', () => {
  const text = withEnv('        - name: 1st.value', '          value: x', '        - name: my-var.ok_1', '          value: y', '        - name: "A B"');

  test('unknown cluster: a warning naming the versions', () => {
    const findings = findingsOf('yaml', text, 'env-name-classic');
    assert.deepEqual(findings.map((finding) => [textUnder(text, finding), finding.severity]), [['1st.value', 'warning'], ['"A B"', 'warning']]);
    assert.match(findings[0]!.message, /1\.32/);
    assert.match(findings[0]!.message, /RelaxedEnvironmentVariableValidation/);
    assert.match(findings[0]!.message, /regex used for validation is '\[-\._a-zA-Z\]\[-\._a-zA-Z0-9\]\*'/);
  });

  test('classic cluster: an error; relaxed cluster: nothing', () => {
    assert.deepEqual(findingsOf('yaml', text, 'env-name-classic', { settings: { envNameRule: 'classic' } }).map((finding) => finding.severity), ['error', 'error']);
    assert.deepEqual(findingsOf('yaml', text, 'env-name-classic', { settings: { envNameRule: 'relaxed' } }), []);
  });

  test('names starting with .. are rejected by the classic rule too', () => {
    const dots = withEnv('        - name: ..x');
    assert.match(single('yaml', dots, 'env-name-classic').message, /must not start with '\.\.'/);
  });

  test('task files are checked too', () => {
    assert.equal(textUnder(task('    - name: 9LIVES'), single('task', task('    - name: 9LIVES'), 'env-name-classic')), '9LIVES');
  });
});

describe('env-duplicate', () => {
  test('the later entry is reported, with the first as related information', () => {
    const text = withEnv('        - name: MODE', '          value: a', '        - name: OTHER', '        - name: MODE', '          value: b');
    const finding = single('yaml', text, 'env-duplicate');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.span[0], text.lastIndexOf('MODE'));
    assert.equal(textUnder(text, finding), 'MODE');
    const [first, ...more] = finding.related ?? [];
    assert.deepEqual(more, []);
    assert.equal(first?.span[0], text.indexOf('MODE'));
    assert.equal(first.uri, 'file:///w/job.yaml');
  });

  test('the same name in two containers is fine', () => {
    const text = job(['      restartPolicy: Never', '      containers:', '      - name: a', '        image: busybox:1.36.1', '        env: [{name: X, value: "1"}]', '      - name: b', '        image: busybox:1.36.1', '        env: [{name: X, value: "2"}]'].join('\n'));
    assert.deepEqual(findingsOf('yaml', text, 'env-duplicate'), []);
  });

  test('task files: a KERUTA_TASK_* name duplicates the one keruta sets', () => {
    const text = task('    - name: KERUTA_TASK_ID\n      value: other');
    const finding = single('task', text, 'env-duplicate');
    assert.equal(textUnder(text, finding), 'KERUTA_TASK_ID');
    assert.match(finding.message, /keruta already sets KERUTA_TASK_ID/);
  });
});

describe('env-keruta-unknown', () => {
  test('suggestions: separators and case, a missing TASK, abbreviations, small typos', () => {
    assert.equal(suggestKerutaName('KERUTA_TASK_CREATEDAT'), 'KERUTA_TASK_CREATED_AT');
    assert.equal(suggestKerutaName('keruta_task_id'), 'KERUTA_TASK_ID');
    assert.equal(suggestKerutaName('KERUTA_TITLE'), 'KERUTA_TASK_TITLE');
    assert.equal(suggestKerutaName('KERUTA_TASK_DESC'), 'KERUTA_TASK_DESCRIPTION');
    assert.equal(suggestKerutaName('KERUTA_TASK_STAUTS'), 'KERUTA_TASK_STATUS');
    assert.equal(suggestKerutaName('KERUTA_BUILD_NUMBER'), undefined);
  });

  test('a misspelt name is a warning on the name, fixed by renaming (keeping quotes)', () => {
    const text = withEnv('        - name: "KERUTA_TASK_CREATEDAT"', '          value: x');
    const finding = single('yaml', text, 'env-keruta-unknown');
    assert.equal(finding.severity, 'warning');
    assert.equal(textUnder(text, finding), '"KERUTA_TASK_CREATEDAT"');
    assert.match(finding.message, /Did you mean KERUTA_TASK_CREATED_AT\?/);
    const result = fixed(text, finding);
    assert.equal(result.title, 'Rename to KERUTA_TASK_CREATED_AT');
    assert.equal(result.text, text.replace('"KERUTA_TASK_CREATEDAT"', '"KERUTA_TASK_CREATED_AT"'));
  });

  test('without a suggestion: the seven are listed and there is no fix', () => {
    const text = withEnv('        - name: KERUTA_BUILD_NUMBER');
    const finding = single('yaml', text, 'env-keruta-unknown');
    assert.match(finding.message, /KERUTA_TASK_ID, KERUTA_TASK_TITLE/);
    assert.deepEqual(fixesOf(text, finding), []);
  });

  test('the seven and the collector\'s window variable are known; task files are checked', () => {
    const text = withEnv('        - name: KERUTA_TASK_ID', '        - name: KERUTA_COLLECT_WINDOW_SECONDS', '        - name: KERUTAISH');
    assert.deepEqual(findingsOf('yaml', text, 'env-keruta-unknown'), []);
    const taskText = task('    - name: KERUTA_TASK_TITEL');
    assert.equal(fixed(taskText, single('task', taskText, 'env-keruta-unknown')).text, task('    - name: KERUTA_TASK_TITLE'));
  });
});

describe('env-keruta-missing', () => {
  const seven = ['ID', 'TITLE', 'DESCRIPTION', 'PRIORITY', 'STATUS', 'CREATED_AT', 'UPDATED_AT'];

  test('a keruta Job whose main container lacks some variables: a warning on env, fixed by appending them', () => {
    const text = withEnv('        - name: KERUTA_TASK_ID', '          value: a', '        - name: KERUTA_TASK_TITLE', '          value: A # title');
    const finding = single('yaml', text, 'env-keruta-missing');
    assert.equal(finding.severity, 'warning');
    assert.equal(textUnder(text, finding), 'env');
    assert.match(finding.message, /KERUTA_TASK_DESCRIPTION, KERUTA_TASK_PRIORITY, KERUTA_TASK_STATUS, KERUTA_TASK_CREATED_AT, KERUTA_TASK_UPDATED_AT/);
    const expected = text.replace(
      '          value: A # title\n',
      `          value: A # title\n${seven.slice(2).map((name) => `        - name: KERUTA_TASK_${name}\n          value: ""\n`).join('')}`,
    );
    assert.equal(fixed(text, finding).text, expected);
    assert.deepEqual(findingsOf('yaml', expected, 'env-keruta-missing'), []);
  });

  test('the fix follows an indented list and a flow list', () => {
    const indented = job(['      restartPolicy: Never', '      containers:', '        - name: main', '          image: busybox:1.36.1', '          env:', '            - name: KERUTA_TASK_ID', '              value: a'].join('\n'))
      .replace('metadata:\n', 'metadata:\n  labels: {app.kubernetes.io/managed-by: keruta}\n');
    const finding = single('yaml', indented, 'env-keruta-missing');
    assert.ok(fixed(indented, finding).text.includes('              value: a\n            - name: KERUTA_TASK_TITLE\n              value: ""\n            - name: KERUTA_TASK_DESCRIPTION\n'));
    const wide = withEnv('          -   name: KERUTA_TASK_ID', '              value: a');
    const wideFinding = single('yaml', wide, 'env-keruta-missing');
    assert.ok(fixed(wide, wideFinding).text.includes('              value: a\n          -   name: KERUTA_TASK_TITLE\n              value: ""\n'));
    const flow = withEnv('          [{name: KERUTA_TASK_ID, value: a}]').replace('env:\n          [', 'env: [');
    const flowFinding = single('yaml', flow, 'env-keruta-missing');
    assert.ok(fixed(flow, flowFinding).text.includes('env: [{name: KERUTA_TASK_ID, value: a}, { name: KERUTA_TASK_TITLE, value: "" }, '));
  });

  test('a keruta Job (by label) without env: reported on the container name, fixed by adding env', () => {
    const text = job(['      restartPolicy: Never', '      containers:', '      - name: main', '        image: busybox:1.36.1'].join('\n'), { metadata: '  labels:\n    app.kubernetes.io/managed-by: keruta' });
    const finding = single('yaml', text, 'env-keruta-missing');
    assert.equal(textUnder(text, finding), 'main');
    const expected = text.replace(
      '        image: busybox:1.36.1\n',
      `        image: busybox:1.36.1\n        env:\n${seven.map((name) => `          - name: KERUTA_TASK_${name}\n            value: ""\n`).join('')}`,
    );
    assert.equal(fixed(text, finding).text, expected);
  });

  test('CRLF files get CRLF lines; a malformed env is left to job-schema', () => {
    const text = withEnv('        - name: KERUTA_TASK_ID', '          value: a').replace(/\n/g, '\r\n');
    const result = fixed(text, single('yaml', text, 'env-keruta-missing')).text;
    assert.ok(result.includes('          value: a\r\n        - name: KERUTA_TASK_TITLE\r\n          value: ""\r\n'));
    assert.doesNotMatch(result.replace(/\r\n/g, ''), /\n/);
    assert.deepEqual(findingsOf('yaml', withEnv('          KERUTA_TASK_ID: a'), 'env-keruta-missing'), []);
  });

  test('plain Jobs and complete keruta Jobs are not reported; the container named main is the one checked', () => {
    assert.deepEqual(findingsOf('yaml', withEnv('        - name: MODE'), 'env-keruta-missing'), []);
    const complete = withEnv(...seven.map((name) => `        - {name: KERUTA_TASK_${name}, value: ""}`));
    assert.deepEqual(findingsOf('yaml', complete, 'env-keruta-missing'), []);
    const sidecarFirst = job(['      restartPolicy: Never', '      containers:', '      - name: helper', '        image: busybox:1.36.1', '      - name: main', '        image: busybox:1.36.1', '        env: [{name: KERUTA_TASK_ID, value: a}]'].join('\n'));
    const finding = single('yaml', sidecarFirst, 'env-keruta-missing');
    assert.equal(textUnder(sidecarFirst, finding), 'env');
    assert.ok(finding.span[0] > sidecarFirst.indexOf('name: main'));
  });
});
