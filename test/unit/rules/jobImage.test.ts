import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseImage, pinnedImage } from '../../../server/src/rules/job/shared';
import { findingsOf, fixed, fixesOf, job, single, textUnder } from './jobRuleKit';

const withImage = (imageLine: string): string =>
  job(['      restartPolicy: Never', '      containers:', '      - name: main', ...(imageLine === '' ? [] : [`        ${imageLine}`])].join('\n'));
const task = (jobLines: string): string => `id: t\ntitle: T\n${jobLines}`;

describe('image references', () => {
  test('tags, digests and registries with ports', () => {
    assert.deepEqual(parseImage('registry:5000/team/app'), { name: 'registry:5000/team/app', tag: undefined, digest: undefined });
    assert.deepEqual(parseImage('registry:5000/team/app:1.2'), { name: 'registry:5000/team/app', tag: '1.2', digest: undefined });
    assert.deepEqual(parseImage('app@sha256:abc'), { name: 'app', tag: undefined, digest: 'sha256:abc' });
    assert.equal(pinnedImage('docker.io/library/python'), 'docker.io/library/python:3.12-slim');
    assert.equal(pinnedImage('node:latest'), 'node:20-alpine');
    assert.equal(pinnedImage('ghcr.io/me/busybox'), undefined);
  });
});

describe('image-missing', () => {
  test('a container without image: error on its name', () => {
    const text = withImage('');
    const finding = single('yaml', text, 'image-missing');
    assert.equal(finding.severity, 'error');
    assert.equal(textUnder(text, finding), 'main');
    assert.match(finding.message, /spec\.template\.spec\.containers\[0\]\.image: Required value/);
  });

  test('empty images: on the value, or on the key when there is no value; init containers too', () => {
    const empty = withImage('image: ""');
    assert.equal(textUnder(empty, single('yaml', empty, 'image-missing')), '""');
    const noValue = withImage('image:');
    assert.equal(textUnder(noValue, single('yaml', noValue, 'image-missing')), 'image');
    const init = job(['      restartPolicy: Never', '      initContainers:', '      - name: setup', '      containers:', '      - name: main', '        image: busybox:1.36.1'].join('\n'));
    assert.match(single('yaml', init, 'image-missing').message, /initContainers\[0\]\.image/);
  });

  test('tasks: no job.image and no default image: on the job key, else on id; with a default nothing', () => {
    const withJob = task('job:\n  command: [sh]\n');
    assert.equal(textUnder(withJob, single('task', withJob, 'image-missing')), 'job');
    const noJob = task('');
    assert.equal(textUnder(noJob, single('task', noJob, 'image-missing')), 'id');
    assert.deepEqual(findingsOf('task', withJob, 'image-missing', { settings: { defaultImage: 'busybox:1.36.1' } }), []);
    const emptyImage = task('job:\n  image: "  "\n');
    const finding = single('task', emptyImage, 'image-missing', { settings: { defaultImage: 'busybox:1.36.1' } });
    assert.equal(textUnder(emptyImage, finding), '"  "');
  });
});

describe('image-placeholder', () => {
  test('placeholders are errors on the value; they are not also reported as untagged', () => {
    for (const image of ['<TASK_IMAGE>', '"${IMAGE}"', '"{{ .Values.image }}"', 'registry/app:TODO', '$(IMAGE)']) {
      const text = withImage(`image: ${image}`);
      const finding = single('yaml', text, 'image-placeholder');
      assert.equal(finding.severity, 'error');
      assert.equal(textUnder(text, finding), image);
      assert.deepEqual(findingsOf('yaml', text, 'image-untagged'), [], image);
    }
    assert.deepEqual(findingsOf('yaml', withImage('image: todo-app:1.0'), 'image-placeholder'), []);
    const taskText = task('job:\n  image: <TASK_IMAGE>\n');
    assert.equal(textUnder(taskText, single('task', taskText, 'image-placeholder')), '<TASK_IMAGE>');
  });
});

describe('image-latest', () => {
  test(':latest is a warning; well-known images get a pinned tag', () => {
    const text = withImage("image: 'python:latest'");
    const finding = single('yaml', text, 'image-latest');
    assert.equal(finding.severity, 'warning');
    assert.equal(textUnder(text, finding), "'python:latest'");
    const result = fixed(text, finding);
    assert.equal(result.title, 'Pin python:3.12-slim');
    assert.equal(result.text, text.replace("'python:latest'", "'python:3.12-slim'"));
  });

  test('other images have no fix; a digest pins even :latest', () => {
    const text = withImage('image: ghcr.io/me/tool:latest');
    assert.deepEqual(fixesOf(text, single('yaml', text, 'image-latest')), []);
    assert.deepEqual(findingsOf('yaml', withImage('image: tool:latest@sha256:0123'), 'image-latest'), []);
  });
});

describe('image-untagged', () => {
  test('no tag and no digest is a warning; fixed for well-known images', () => {
    const text = withImage('image: docker.io/library/busybox');
    const finding = single('yaml', text, 'image-untagged');
    assert.equal(finding.severity, 'warning');
    assert.equal(textUnder(text, finding), 'docker.io/library/busybox');
    assert.equal(fixed(text, finding).text, text.replace('library/busybox', 'library/busybox:1.36.1'));
    assert.deepEqual(findingsOf('yaml', text, 'image-latest'), []);
  });

  test('a registry port is not a tag; tagged and digested images pass; tasks are checked', () => {
    assert.equal(single('yaml', withImage('image: registry:5000/app'), 'image-untagged').data, undefined);
    assert.deepEqual(findingsOf('yaml', withImage('image: registry:5000/app:2'), 'image-untagged'), []);
    assert.deepEqual(findingsOf('yaml', withImage('image: app@sha256:0123'), 'image-untagged'), []);
    const taskText = task('job:\n  image: alpine\n');
    assert.equal(fixed(taskText, single('task', taskText, 'image-untagged')).text, task('job:\n  image: alpine:3.20\n'));
  });
});
