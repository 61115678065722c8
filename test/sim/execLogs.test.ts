/**
 * The pod log route and the WebSocket exec handler of the simulator, driven by client-node (Exec,
 * Log), by raw HTTP/WebSocket clients (exact wire behaviour), and by the real kubectl (exec, logs,
 * logs -f, cp), all against a small fake WorkloadRuntime.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type * as K8sModule from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import tar from 'tar-stream';
import WebSocket from 'ws';
import { findKubectl } from '../kubectl/kubectlHelper';
import type { StatusBody } from './discovery';
import { type ExecRecord, type ExecUpgradeHandler, execUpgradeHandler } from './exec';
import { DEFAULT_COMMANDS, runExec } from './execCommands';
import { FakeRuntime, MemoryFileSystem, MemoryLog } from './fakeRuntime';
import { type PodContainers, type PodSubresourceAttributes, logRoute } from './logs';
import { type SimServer, json, startSimServer } from './server';

type K8s = typeof K8sModule;

const NS = 'default';
const STARTED = '2025-01-01T00:00:00Z';
const BIG_SIZE = 48 * 1024 * 1024;

interface PodDef extends PodContainers {
  readonly phase: string;
}

const PODS: Readonly<Record<string, PodDef>> = {
  p: { containers: ['main'], initContainers: ['keruta-collector'], phase: 'Running' },
  w: { containers: ['main'], phase: 'Pending' },
  pull: { containers: ['main'], phase: 'Pending' },
  two: { containers: ['a', 'b'], phase: 'Running' },
  stopped: { containers: ['main'], initContainers: ['keruta-collector'], phase: 'Running' },
  forbidden: { containers: ['main'], phase: 'Running' },
};

function podObject(name: string, def: PodDef): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, uid: `uid-${name}`, resourceVersion: '7', creationTimestamp: STARTED },
    spec: {
      nodeName: 'sim-node',
      initContainers: (def.initContainers ?? []).map((c) => ({ name: c, image: 'busybox:1.36.1', restartPolicy: 'Always' })),
      containers: def.containers.map((c) => ({ name: c, image: 'busybox:1.36.1' })),
    },
    status: { phase: def.phase },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A Writable that keeps what it gets. */
function collector(): { stream: Writable; text: () => string; bytes: () => Buffer; finished: Promise<void> } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  const finished = once(stream, 'finish').then(() => undefined);
  return { stream, text: () => Buffer.concat(chunks).toString('utf8'), bytes: () => Buffer.concat(chunks), finished };
}

interface TarItem {
  readonly name: string;
  readonly type: string;
  readonly linkname?: string;
  readonly content?: string;
  readonly size?: number;
}

/** Parses a tar archive with tar-stream; contents as text (or only their size, for big ones). */
async function untar(archive: Buffer | AsyncIterable<Buffer>, keepContent = true): Promise<TarItem[]> {
  const extract = tar.extract();
  const items: TarItem[] = [];
  const reading = (async () => {
    for await (const entry of extract) {
      let size = 0;
      const chunks: Buffer[] = [];
      for await (const chunk of entry) {
        size += (chunk as Buffer).length;
        if (keepContent) chunks.push(chunk as Buffer);
      }
      const { name, type, linkname } = entry.header;
      items.push({
        name,
        type,
        ...(linkname ? { linkname } : {}),
        ...(type === 'file' ? (keepContent ? { content: Buffer.concat(chunks).toString('utf8') } : { size }) : {}),
      });
    }
  })();
  if (Buffer.isBuffer(archive)) extract.end(archive);
  else {
    for await (const chunk of archive) if (!extract.write(chunk)) await once(extract as unknown as NodeJS.EventEmitter, 'drain');
    extract.end(undefined);
  }
  await reading;
  return items;
}

describe('exec programs (without a server)', () => {
  const fs = () =>
    new MemoryFileSystem({ HOME: '/root' })
      .addFile('/d/x/a.txt', 'A')
      .addFile('/d/y.txt', 'Y');

  async function run(argv: string[], fileSystem = fs(), stdin?: string | Buffer) {
    const out: Buffer[] = [];
    let err = '';
    const outcome = await runExec(argv, {
      fs: fileSystem,
      cwd: '/',
      env: fileSystem.env(),
      stdin: stdin === undefined ? undefined : Readable.from([Buffer.from(stdin)]),
      stdout: (chunk) => {
        out.push(Buffer.from(chunk));
        return Promise.resolve();
      },
      stderr: (chunk) => {
        err += chunk.toString();
        return Promise.resolve();
      },
      signal: new AbortController().signal,
      commands: DEFAULT_COMMANDS,
    });
    return { outcome, stdout: Buffer.concat(out), stderr: err };
  }

  test('the tar forms kubectl, client-node and scripts use', async () => {
    const forms: [string[], string[]][] = [
      [['tar', 'cf', '-', '-C', '/d', 'x'], ['x/', 'x/a.txt']],
      [['tar', '-cf', '-', '-C', '/d', 'x'], ['x/', 'x/a.txt']],
      [['tar', 'c', '-f', '-', '-C', '/d', 'x'], ['x/', 'x/a.txt']],
      [['tar', '-C', '/d', '-c', '-f-', 'y.txt'], ['y.txt']],
      [['tar', 'cfC', '-', '/d', 'x', 'y.txt'], ['x/', 'x/a.txt', 'y.txt']],
      [['tar', '--create', '--file=-', '--directory', '/d', '.'], ['./', './x/', './x/a.txt', './y.txt']],
      [['tar', 'cf', '-', '/d/x'], ['d/x/', 'd/x/a.txt']],
    ];
    for (const [argv, names] of forms) {
      const { outcome, stdout } = await run(argv);
      assert.deepEqual(outcome, { kind: 'exited', exitCode: 0 }, argv.join(' '));
      assert.deepEqual((await untar(stdout)).map((item) => item.name), names, argv.join(' '));
    }
    const bad = await run(['tar', 'cf', '-', '-C', '/nope', 'x']);
    assert.deepEqual(bad.outcome, { kind: 'exited', exitCode: 2 });
    assert.match(bad.stderr, /^tar: \/nope: Cannot chdir: No such file or directory/);
    const extracted = fs();
    const archive = (await run(['tar', 'cf', '-', '-C', '/d', 'x'])).stdout;
    const unpack = await run(['tar', 'xf', '-', '-C', '/d/x'], extracted, archive);
    assert.deepEqual(unpack.outcome, { kind: 'exited', exitCode: 0 }, unpack.stderr);
    assert.equal(extracted.readFile('/d/x/x/a.txt')?.toString(), 'A');
  });

  test('sh: lists, redirections, variables, errexit, syntax errors', async () => {
    const cases: [string, string, string, number][] = [
      ['echo a 1>&2; echo b', 'b\n', 'a\n', 0],
      ['false || echo b && echo c', 'b\nc\n', '', 0],
      ['true && false', '', '', 1],
      ['X=1; echo "$X-${HOME}" \'$X\' $?', '1-/root $X 0\n', '', 0],
      ['cd /d && pwd && ls', '/d\nx\ny.txt\n', '', 0],
      ['echo "unterminated', '', 'sh: syntax error: unterminated quoted string\n', 2],
      ['if true; then echo x; fi', '', "sh: the simulator does not support 'if'\n", 2],
      ['cat /d/y.txt /nope', 'Y', "cat: can't open '/nope': No such file or directory\n", 1],
      ['test -f /d/y.txt && [ -d /d/x ] && [ ! -e /d/z ] && [ "a" = a ] && [ 3 -gt 2 ]', '', '', 0],
    ];
    for (const [script, stdout, stderr, code] of cases) {
      const result = await run(['sh', '-c', script]);
      assert.deepEqual({ stdout: result.stdout.toString(), stderr: result.stderr, outcome: result.outcome }, { stdout, stderr, outcome: { kind: 'exited', exitCode: code } }, script);
    }
    const errexit = await run(['sh', '-ec', 'false; echo not reached']);
    assert.deepEqual(errexit.outcome, { kind: 'exited', exitCode: 1 });
    assert.equal(errexit.stdout.toString(), '');
    assert.equal((await run(['sh'], fs(), 'echo from stdin')).stdout.toString(), 'from stdin\n');
  });
});

describe('pod log and exec', () => {
  let k8s: K8s;
  let kc: InstanceType<K8s['KubeConfig']>;
  let server: SimServer;
  let runtime: FakeRuntime;
  let collectorFs: MemoryFileSystem;
  let produced = 0;
  let execHandler: ExecUpgradeHandler;
  const authorizations: PodSubresourceAttributes[] = [];
  const records: ExecRecord[] = [];
  const recordWaiters: { match: (record: ExecRecord) => boolean; resolve: (record: ExecRecord) => void }[] = [];

  const running = { state: 'running', startedAt: STARTED } as const;

  function mainLog(initial = 'line 1\nline 2\n'): MemoryLog {
    const log = new MemoryLog(initial);
    const entry = runtime.get(NS, 'p', 'main');
    assert.ok(entry);
    entry.log = log;
    return log;
  }

  function waitForRecord(match: (record: ExecRecord) => boolean): Promise<ExecRecord> {
    const found = records.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => recordWaiters.push({ match, resolve }));
  }

  before(async () => {
    k8s = await import('@kubernetes/client-node');
    collectorFs = new MemoryFileSystem({ HOME: '/root', PATH: '/bin', KERUTA_COLLECT_WINDOW_SECONDS: '300' })
      .addFile('/.keruta/doc/README.md', '# Task\nhello\n')
      .addFile('/.keruta/doc/notes/a.md', 'note A\n')
      .addSymlink('/.keruta/doc/link', 'README.md')
      .addDir('/.keruta/ctl')
      .addFile('/.keruta/hostile/ok.txt', 'fine\n')
      .addCraftedEntry('/.keruta/hostile', { path: '../../etc/passwd', type: 'file', size: 5, mode: 0o644, mtime: new Date(0), open: () => Readable.from([Buffer.from('root\n')]) })
      .addCraftedEntry('/.keruta/hostile', { path: '/abs/path', type: 'file', size: 4, mode: 0o644, mtime: new Date(0), open: () => Readable.from([Buffer.from('abs\n')]) })
      .addDir('/ro')
      .markReadOnly('/ro')
      .addGeneratedFile('/big/blob', BIG_SIZE, () => {
        let left = BIG_SIZE;
        return new Readable({
          read() {
            if (left <= 0) {
              this.push(null);
              return;
            }
            const n = Math.min(64 * 1024, left);
            left -= n;
            produced += n;
            this.push(Buffer.alloc(n, 0x61));
          },
        });
      });
    runtime = new FakeRuntime()
      .set(NS, 'p', 'main', { state: running, fs: collectorFs, log: new MemoryLog() })
      .set(NS, 'p', 'keruta-collector', { state: running, fs: collectorFs, log: new MemoryLog('collector up\n') })
      .set(NS, 'w', 'main', { state: { state: 'waiting', reason: 'ContainerCreating' } })
      .set(NS, 'pull', 'main', { state: { state: 'waiting', reason: 'ImagePullBackOff', message: 'Back-off pulling image' } })
      .set(NS, 'stopped', 'main', { state: { state: 'terminated', exitCode: 0, reason: 'Completed', finishedAt: STARTED }, log: Object.assign(new MemoryLog('done\n'), {}) })
      .set(NS, 'stopped', 'keruta-collector', { state: running, fs: collectorFs })
      .set(NS, 'forbidden', 'main', { state: running, fs: collectorFs });
    runtime.get(NS, 'stopped', 'main')?.log?.end();

    const podExists = (namespace: string, name: string): PodContainers | undefined => (namespace === NS ? PODS[name] : undefined);
    const authorize = (attributes: PodSubresourceAttributes): StatusBody | undefined => {
      authorizations.push(attributes);
      if (attributes.name !== 'forbidden' || attributes.verb !== 'create') return undefined;
      const message = `pods "forbidden" is forbidden: User "keruta" cannot ${attributes.verb} resource "pods/${attributes.subresource}" in API group "" in the namespace "${NS}"`;
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details: { name: 'forbidden', kind: 'pods' }, code: 403 };
    };
    server = await startSimServer({
      routes: [
        logRoute({ runtime, podExists, authorize }),
        {
          method: 'GET',
          template: '/api/v1/namespaces/{namespace}/pods/{name}',
          handler: (request) => {
            const def = request.params['namespace'] === NS ? PODS[request.params['name'] ?? ''] : undefined;
            if (!def) return json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `pods "${request.params['name'] ?? ''}" not found`, reason: 'NotFound', details: { name: request.params['name'], kind: 'pods' }, code: 404 }, 404);
            return json(podObject(request.params['name'] ?? '', def));
          },
        },
      ],
      upgrades: [
        (execHandler = execUpgradeHandler({
          runtime,
          podExists,
          authorize,
          onExec: (record) => {
            records.push(record);
            for (const waiter of recordWaiters.splice(0)) {
              if (waiter.match(record)) waiter.resolve(record);
              else recordWaiters.push(waiter);
            }
          },
        })),
      ],
    });
    kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'sim', server: server.url, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'sim', cluster: 'sim', user: 'u', namespace: NS }],
      currentContext: 'sim',
    });
  });

  after(async () => {
    await server.close();
  });

  /** client-node Exec, waiting for the status and the end of stdout. */
  async function exec(argv: string[], options: { pod?: string; container?: string; stdin?: Readable } = {}) {
    const stdout = collector();
    const stderr = collector();
    let gotStatus!: (status: { status?: string; reason?: string; message?: string; code?: number; details?: unknown }) => void;
    const status = new Promise<Parameters<typeof gotStatus>[0]>((resolve) => {
      gotStatus = resolve;
    });
    await new k8s.Exec(kc).exec(NS, options.pod ?? 'p', options.container ?? 'keruta-collector', argv, stdout.stream, stderr.stream, options.stdin ?? null, false, (s) => gotStatus(s));
    const result = await within(status, 10_000, `status of ${argv.join(' ')}`);
    await within(Promise.all([stdout.finished, stderr.finished]), 5000, 'stdout and stderr end');
    return { status: result, stdout: stdout.bytes(), stderr: stderr.text() };
  }

  /** An upgrade request answered without an upgrade: status and body. */
  function rawUpgrade(target: string, protocols = 'v5.channel.k8s.io'): Promise<{ status: number; body: string; protocol?: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request({
        host: '127.0.0.1',
        port: server.port,
        path: target,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), 'Sec-WebSocket-Protocol': protocols },
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      request.on('upgrade', (response, socket) => {
        socket.destroy();
        resolve({ status: response.statusCode ?? 0, body: '', protocol: String(response.headers['sec-websocket-protocol']) });
      });
      request.on('error', reject);
      request.end();
    });
  }

  const execPath = (pod: string, container: string, command: string[]): string =>
    `/api/v1/namespaces/${NS}/pods/${pod}/exec?${[...command.map((c) => `command=${encodeURIComponent(c)}`), `container=${container}`, 'stdout=true', 'stderr=true'].join('&')}`;

  // -------------------------------------------------------------------------------------------
  describe('exec with client-node', () => {
    test('tar cf - -C dir . streams a real tar with exactly the files; status Success', async () => {
      const { status, stdout, stderr } = await exec(['tar', 'cf', '-', '-C', '/.keruta/doc', '.']);
      assert.deepEqual(status, { metadata: {}, status: 'Success' });
      assert.equal(stderr, '');
      assert.deepEqual(await untar(stdout), [
        { name: './', type: 'directory' },
        { name: './README.md', type: 'file', content: '# Task\nhello\n' },
        { name: './link', type: 'symlink', linkname: 'README.md' },
        { name: './notes/', type: 'directory' },
        { name: './notes/a.md', type: 'file', content: 'note A\n' },
      ]);
    });

    test('tar of an absolute path: members without the leading slash, and tar\'s warning on stderr', async () => {
      const { status, stdout, stderr } = await exec(['tar', 'cf', '-', '/.keruta/doc/notes']);
      assert.equal(status.status, 'Success');
      assert.equal(stderr, "tar: removing leading '/' from member names\n");
      assert.deepEqual(await untar(stdout), [
        { name: '.keruta/doc/notes/', type: 'directory' },
        { name: '.keruta/doc/notes/a.md', type: 'file', content: 'note A\n' },
      ]);
    });

    test('tar czf - writes a gzipped archive', async () => {
      const { status, stdout } = await exec(['tar', 'czf', '-', '-C', '/.keruta/doc', 'notes']);
      assert.equal(status.status, 'Success');
      assert.deepEqual(await untar(gunzipSync(stdout)), [
        { name: 'notes/', type: 'directory' },
        { name: 'notes/a.md', type: 'file', content: 'note A\n' },
      ]);
    });

    test('crafted walk entries are written as-is (hostile images)', async () => {
      const { status, stdout } = await exec(['tar', '-c', '-f', '-', '-C', '/.keruta/hostile', '.']);
      assert.equal(status.status, 'Success');
      assert.deepEqual(
        (await untar(stdout)).map((item) => item.name),
        ['./', './ok.txt', '../../etc/passwd', '/abs/path'],
      );
    });

    test('a missing operand: tar reports it and fails with exit code 2', async () => {
      const { status, stderr } = await exec(['tar', 'cf', '-', '-C', '/.keruta', 'nope']);
      assert.equal(status.reason, 'NonZeroExitCode');
      assert.match(stderr, /^tar: nope: Cannot stat: No such file or directory\n/);
    });

    test('a non-zero exit gives NonZeroExitCode with the ExitCode cause', async () => {
      const { status } = await exec(['sh', '-c', 'exit 3']);
      assert.deepEqual(status, {
        metadata: {},
        status: 'Failure',
        message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      });
    });

    test('an unknown program fails like the container runtime (InternalError)', async () => {
      const { status } = await exec(['foo', '--bar']);
      assert.equal(status.reason, 'InternalError');
      assert.equal(status.code, 500);
      assert.match(status.message ?? '', /^Internal error occurred: error executing command in container: failed to exec in container: .*exec: "foo": executable file not found in \$PATH: unknown$/);
    });

    test('exec into a container that is not running: the v5 InternalError status', async () => {
      const { status } = await exec(['true'], { pod: 'stopped', container: 'main' });
      assert.deepEqual(status, {
        metadata: {},
        status: 'Failure',
        message: 'Internal error occurred: unable to upgrade connection: container not found ("main")',
        reason: 'InternalError',
        details: { causes: [{ message: 'unable to upgrade connection: container not found ("main")' }] },
        code: 500,
      });
    });

    test('stdin reaches the command, and closing stdin ([255,0]) ends it', async () => {
      const { status, stdout } = await exec(['cat'], { stdin: Readable.from([Buffer.from('hello '), Buffer.from('world\n')]) });
      assert.equal(status.status, 'Success');
      assert.equal(stdout.toString('utf8'), 'hello world\n');
    });

    test('sh -c scripts: the collector release command, tests, redirections, pipes', async () => {
      assert.equal(collectorFs.exists('/.keruta/ctl/release'), false);
      const release = await exec(['sh', '-c', 'touch /.keruta/ctl/release']);
      assert.equal(release.status.status, 'Success');
      assert.equal(collectorFs.exists('/.keruta/ctl/release'), true);
      const checks = await exec(['sh', '-c', '[ -e /.keruta/ctl/release ] && echo yes || echo no; test -d /nope || echo "no dir"; echo "$HOME" $KERUTA_COLLECT_WINDOW_SECONDS']);
      assert.equal(checks.stdout.toString(), 'yes\nno dir\n/root 300\n');
      const files = await exec(['sh', '-c', 'mkdir -p /tmp/x/y && echo hi > /tmp/x/y/f && echo there >> /tmp/x/y/f; cat /tmp/x/y/f | tail -n 1; ls -a /.keruta/doc']);
      assert.equal(files.stdout.toString(), 'there\n.\n..\nREADME.md\nlink\nnotes\n');
      const readOnly = await exec(['sh', '-c', 'touch /ro/x']);
      assert.equal(readOnly.status.reason, 'NonZeroExitCode');
      assert.equal(readOnly.stderr, 'touch: /ro/x: Read-only file system\n');
      const missing = await exec(['sh', '-c', 'nosuch arg']);
      assert.equal(missing.stderr, 'sh: nosuch: not found\n');
      assert.equal((missing.status.details as { causes: { message: string }[] }).causes[0]?.message, '127');
      const env = await exec(['printenv', 'KERUTA_COLLECT_WINDOW_SECONDS']);
      assert.equal(env.stdout.toString(), '300\n');
    });

    test('refusals before the upgrade reject the client (404, 400, 403)', async () => {
      const rejects = (pod: string, container: string) => new k8s.Exec(kc).exec(NS, pod, container, ['true'], collector().stream, null, null, false);
      // client-node rejects with the WebSocket error event; the Status body is not passed on.
      const failsWith = (code: number) => (error: { message?: string }) => error.message === `Unexpected server response: ${code}`;
      await assert.rejects(rejects('missing', 'main'), failsWith(404));
      await assert.rejects(rejects('p', 'nope'), failsWith(400));
      await assert.rejects(rejects('forbidden', 'main'), failsWith(403));
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('exec wire details', () => {
    test('refusals are Status bodies; authorization asks for get and create', async () => {
      authorizations.length = 0;
      const notFound = await rawUpgrade(execPath('missing', 'main', ['true']));
      assert.equal(notFound.status, 404);
      assert.deepEqual(JSON.parse(notFound.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "missing" not found', reason: 'NotFound', details: { name: 'missing', kind: 'pods' }, code: 404 });
      assert.deepEqual(authorizations.map((a) => a.verb), ['get', 'create']);
      assert.deepEqual(authorizations[0], { verb: 'get', resource: 'pods', subresource: 'exec', namespace: NS, name: 'missing' });

      const badContainer = await rawUpgrade(execPath('p', 'nope', ['true']));
      assert.equal(badContainer.status, 400);
      assert.deepEqual(JSON.parse(badContainer.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'container nope is not valid for pod p', reason: 'BadRequest', code: 400 });

      const noCommand = await rawUpgrade(`/api/v1/namespaces/${NS}/pods/p/exec?container=main&stdout=true`);
      assert.equal(noCommand.status, 400);
      assert.equal((JSON.parse(noCommand.body) as StatusBody).reason, 'BadRequest');

      const twoContainers = await rawUpgrade(`/api/v1/namespaces/${NS}/pods/two/exec?command=true&stdout=true`);
      assert.equal((JSON.parse(twoContainers.body) as StatusBody).message, 'a container name must be specified for pod two, choose one of: [a b]');

      const forbidden = await rawUpgrade(execPath('forbidden', 'main', ['true']));
      assert.equal(forbidden.status, 403);
      assert.equal((JSON.parse(forbidden.body) as StatusBody).reason, 'Forbidden');

      // Only the init container is not the default: one regular container is chosen without ?container.
      const defaulted = await rawUpgrade(`/api/v1/namespaces/${NS}/pods/p/exec?command=true&stdout=true`);
      assert.equal(defaulted.status, 101);
    });

    test('the subprotocol is the best the client offers; frames follow the channel protocol', async () => {
      assert.equal((await rawUpgrade(execPath('p', 'keruta-collector', ['true']), 'channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io')).protocol, 'v4.channel.k8s.io');
      const unsupported = await rawUpgrade(execPath('p', 'keruta-collector', ['true']), 'base64.channel.k8s.io');
      assert.equal(unsupported.status, 400);

      const ws = new WebSocket(`ws://127.0.0.1:${server.port}${execPath('p', 'keruta-collector', ['sh', '-c', 'echo out; echo err >&2'])}`, ['v5.channel.k8s.io']);
      const frames: Buffer[] = [];
      ws.on('message', (data: Buffer) => frames.push(Buffer.from(data)));
      await within(once(ws, 'open'), 5000, 'open');
      assert.equal(ws.protocol, 'v5.channel.k8s.io');
      ws.send(Buffer.from([4, ...Buffer.from('{"Width":80,"Height":24}')])); // resize: ignored
      const [code] = (await within(once(ws, 'close'), 5000, 'server close')) as [number];
      assert.equal(code, 1000);
      assert.deepEqual(
        frames.map((frame) => [frame[0], frame.subarray(1).toString('utf8')]),
        [
          [1, ''],
          [1, 'out\n'],
          [2, 'err\n'],
          [3, '{"metadata":{},"status":"Success"}'],
        ],
      );
    });

    test('a slow reader holds the tar producer back; the whole archive still arrives', async () => {
      produced = 0;
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}${execPath('p', 'keruta-collector', ['tar', 'cf', '-', '-C', '/big', '.'])}`, ['v5.channel.k8s.io']);
      const stdout = new Readable({ read() {} });
      let status = '';
      ws.on('message', (data: Buffer) => {
        if (data[0] === 1) stdout.push(data.subarray(1));
        if (data[0] === 3) {
          status = data.subarray(1).toString('utf8');
          stdout.push(null);
        }
      });
      await within(once(ws, 'open'), 5000, 'open');
      ws.pause();
      await sleep(800);
      const whilePaused = produced;
      assert.ok(whilePaused > 0, 'the command started');
      assert.ok(whilePaused < BIG_SIZE / 2, `the producer ran ahead of the reader: ${whilePaused} of ${BIG_SIZE} bytes produced while paused`);
      ws.resume();
      const items = await within(untar(stdout as AsyncIterable<Buffer>, false), 15_000, 'the archive');
      assert.deepEqual(items, [{ name: './', type: 'directory' }, { name: './blob', type: 'file', size: BIG_SIZE }]);
      assert.equal(status, '{"metadata":{},"status":"Success"}');
      assert.equal(produced, BIG_SIZE);
      ws.close();
    });

    test('the command stops when the client goes away', async () => {
      produced = 0;
      const before = records.length;
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}${execPath('p', 'keruta-collector', ['tar', 'cf', '-', '/big/blob'])}`, ['v5.channel.k8s.io']);
      await within(once(ws, 'open'), 5000, 'open');
      ws.pause();
      await sleep(300);
      ws.terminate();
      const record = await within(waitForRecord((r) => records.indexOf(r) >= before && r.command.includes('/big/blob')), 5000, 'the exec to end');
      assert.deepEqual(record.outcome, { kind: 'client-closed' });
      for (let i = 0; i < 50 && execHandler.sessions > 0; i++) await sleep(20);
      assert.equal(execHandler.sessions, 0, 'the session is closed');
      const stopped = produced;
      await sleep(200);
      assert.equal(produced, stopped, 'nothing is produced after the client left');
      assert.ok(stopped < BIG_SIZE / 2);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('log', () => {
    const logUrl = (pod: string, query: string) => `${server.url}/api/v1/namespaces/${NS}/pods/${pod}/log?${query}`;

    test('client-node Log with follow: existing text, later chunks, ends with the container', async () => {
      const log = mainLog('line 1\nline 2\n');
      const out = collector();
      await new k8s.Log(kc).log(NS, 'p', 'main', out.stream, { follow: true });
      await sleep(100);
      assert.equal(out.text(), 'line 1\nline 2\n');
      log.append('line 3\n');
      await sleep(100);
      assert.equal(out.text(), 'line 1\nline 2\nline 3\n');
      log.append('partial');
      log.end();
      await within(out.finished, 5000, 'the log stream to end');
      assert.equal(out.text(), 'line 1\nline 2\nline 3\npartial');
      assert.equal(log.listeners, 0, 'listeners removed');
    });

    test('a follower that goes away is unsubscribed', async () => {
      const log = mainLog('x\n');
      const abort = new AbortController();
      const response = await fetch(logUrl('p', 'container=main&follow=true'), { signal: abort.signal });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/plain');
      assert.equal(log.listeners, 2);
      abort.abort();
      for (let i = 0; i < 50 && log.listeners > 0; i++) await sleep(20);
      assert.equal(log.listeners, 0);
    });

    test('tailLines, limitBytes and timestamps', async () => {
      mainLog('line 1\nline 2\nline 3\n');
      assert.equal(await (await fetch(logUrl('p', 'container=main&tailLines=2'))).text(), 'line 2\nline 3\n');
      assert.equal(await (await fetch(logUrl('p', 'container=main&limitBytes=9'))).text(), 'line 1\nli');
      assert.equal(
        await (await fetch(logUrl('p', 'container=main&tailLines=1&timestamps=true'))).text(),
        '2025-01-01T00:00:00.000000000Z line 3\n',
      );
      const invalid = await fetch(logUrl('p', 'container=main&tailLines=-1'));
      assert.equal(invalid.status, 422);
      assert.equal(((await invalid.json()) as StatusBody).message, 'PodLogOptions "p" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0');
    });

    test('errors: waiting containers (kubelet texts), unknown pod and container, no previous instance', async () => {
      await assert.rejects(new k8s.Log(kc).log(NS, 'w', 'main', collector().stream, { follow: true }), (error: { code?: number }) => error.code === 400);
      const cases: [string, number, string][] = [
        [logUrl('w', 'container=main'), 400, 'container "main" in pod "w" is waiting to start: ContainerCreating'],
        [logUrl('pull', 'container=main'), 400, 'container "main" in pod "pull" is waiting to start: trying and failing to pull image'],
        [logUrl('missing', 'container=main'), 404, 'pods "missing" not found'],
        [logUrl('p', 'container=nope'), 400, 'container nope is not valid for pod p'],
        [logUrl('two', ''), 400, 'a container name must be specified for pod two, choose one of: [a b]'],
        [logUrl('p', 'container=main&previous=true'), 400, 'previous terminated container "main" in pod "p" not found'],
      ];
      for (const [url, code, message] of cases) {
        const response = await fetch(url);
        assert.equal(response.status, code, url);
        assert.equal(response.headers.get('content-type'), 'application/json');
        const body = (await response.json()) as StatusBody;
        assert.equal(body.kind, 'Status');
        assert.equal(body.apiVersion, 'v1');
        assert.equal(body.message, message);
      }
      // The terminated container's log is still there.
      assert.equal(await (await fetch(logUrl('stopped', 'container=main&follow=true'))).text(), 'done\n');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('the real kubectl', () => {
    let kubectl: string | undefined;
    let dir: string;
    let kubeconfig: string;

    before(async () => {
      kubectl = await findKubectl();
      dir = await mkdtemp(path.join(os.tmpdir(), 'keruta-execlogs-'));
      kubeconfig = path.join(dir, 'kubeconfig');
      await server.writeKubeconfig(kubeconfig);
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    // client-go starts reading the WebSocket before it registers its streams, so the empty
    // "streams are up" frame (sent at once, as the kubelet does) can arrive first; kubectl then logs
    // `Unknown stream id 1, discarding message` and goes on. The frame is empty, so nothing is
    // lost; stdout is still compared byte for byte. Only that one klog line is dropped.
    function withoutReadyFrameRace(stderr: string): string {
      return stderr.replace(/^E\d{4} [\d:.]+\s+\d+ websocket\.go:\d+\] Unknown stream id [12], discarding message\n/gm, '');
    }

    function run(args: string[], stdin = '', timeoutMs = 15_000): Promise<{ code: number; stdout: string; stderr: string }> {
      assert.ok(kubectl, 'kubectl must be on PATH for these tests');
      return new Promise((resolve) => {
        const child = execFile(
          kubectl as string,
          ['--request-timeout=10s', `--cache-dir=${path.join(dir, 'cache')}`, ...args],
          { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: timeoutMs, encoding: 'utf8', maxBuffer: 8 * 1024 * 1024 },
          (error, stdout, stderr) => {
            resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr: withoutReadyFrameRace(stderr) });
          },
        );
        child.stdin?.end(stdin);
      });
    }

    test('kubectl exec cat', async () => {
      const result = await run(['exec', 'p', '-c', 'keruta-collector', '--', 'cat', '/.keruta/doc/README.md']);
      assert.deepEqual(result, { code: 0, stdout: '# Task\nhello\n', stderr: '' });
    });

    test('kubectl exec sh -c "touch /.keruta/ctl/release" creates the file', async () => {
      collectorFs.writeFile('/.keruta/ctl/other', Buffer.alloc(0));
      const result = await run(['exec', 'p', '-c', 'keruta-collector', '--', 'sh', '-c', 'touch /.keruta/ctl/release2 && exit 4']);
      assert.equal(result.code, 4);
      assert.match(result.stderr, /command terminated with exit code 4/);
      assert.equal(collectorFs.exists('/.keruta/ctl/release2'), true);
    });

    test('kubectl exec -i passes stdin; kubectl cp LOCALDIR POD:DIR unpacks through tar -xmf -', async () => {
      assert.deepEqual(await run(['exec', '-i', 'p', '-c', 'keruta-collector', '--', 'cat'], 'piped\ninput\n'), { code: 0, stdout: 'piped\ninput\n', stderr: '' });
      const local = path.join(dir, 'upload');
      await mkdir(path.join(local, 'sub'), { recursive: true });
      await writeFile(path.join(local, 'one.txt'), 'one\n');
      await writeFile(path.join(local, 'sub', 'two.txt'), 'two\n');
      const result = await run(['cp', local, 'p:/.keruta/ctl/upload', '-c', 'keruta-collector']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(collectorFs.readFile('/.keruta/ctl/upload/one.txt')?.toString(), 'one\n');
      assert.equal(collectorFs.readFile('/.keruta/ctl/upload/sub/two.txt')?.toString(), 'two\n');
    });

    test('kubectl exec errors: unknown container (400), container not running (InternalError)', async () => {
      const unknown = await run(['exec', 'p', '-c', 'nope', '--', 'true']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /Error from server \(BadRequest\): container nope is not valid for pod p/);
      const notRunning = await run(['exec', 'stopped', '-c', 'main', '--', 'true']);
      assert.equal(notRunning.code, 1);
      assert.match(notRunning.stderr, /Internal error occurred: unable to upgrade connection: container not found \("main"\)/);
    });

    test('kubectl logs and logs -f (ends when the log ends)', async () => {
      const log = mainLog('line 1\nline 2\n');
      assert.deepEqual(await run(['logs', 'p', '-c', 'main']), { code: 0, stdout: 'line 1\nline 2\n', stderr: '' });
      const following = run(['logs', '-f', 'p', '-c', 'main']);
      await sleep(700);
      log.append('line 3\n');
      await sleep(100);
      log.end();
      assert.deepEqual(await following, { code: 0, stdout: 'line 1\nline 2\nline 3\n', stderr: '' });
      const waiting = await run(['logs', 'w', '-c', 'main']);
      assert.equal(waiting.code, 1);
      assert.match(waiting.stderr, /container "main" in pod "w" is waiting to start: ContainerCreating/);
    });

    test('kubectl cp POD:/.keruta/doc LOCALDIR yields the files of the fake file system', async () => {
      const target = path.join(dir, 'doc');
      const result = await run(['cp', 'p:/.keruta/doc', target, '-c', 'keruta-collector']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, "tar: removing leading '/' from member names\n");
      assert.match(result.stderr, /warning: skipping symlink: ".*link" -> "README.md"/);
      const files = (await readdir(target, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
      const local = Object.fromEntries(
        await Promise.all(files.map(async (entry) => [path.relative(target, path.join(entry.parentPath, entry.name)), await readFile(path.join(entry.parentPath, entry.name), 'utf8')] as const)),
      );
      const remote = Object.fromEntries(
        collectorFs
          .walk('/.keruta/doc')
          .filter((entry) => entry.type === 'file')
          .map((entry) => [entry.path.slice(2), collectorFs.readFile(`/.keruta/doc/${entry.path.slice(2)}`)?.toString('utf8')]),
      );
      assert.deepEqual(local, remote);
      assert.deepEqual(Object.keys(local).sort(), ['README.md', path.join('notes', 'a.md')]);
    });
  });
});
