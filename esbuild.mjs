// Builds the two bundles: the client (vscode external) and a self-contained language server.
// `node esbuild.mjs` → development build with sourcemaps; `--production` → minified, no maps;
// `--watch` → rebuild on change.
import { readdirSync, rmSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
  // ws's optional native speed-ups are loaded inside try/catch; leave them out.
  external: ['bufferutil', 'utf-8-validate'],
};

/**
 * The Kubernetes client is big and only needed once the cluster is: the client bundle loads it
 * from its own bundle (dist/k8s.js) at its first `import('@kubernetes/client-node')`, so that
 * activation does not parse it.
 */
const kubernetesClientApart = {
  name: 'kubernetes-client-apart',
  setup(build) {
    build.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './k8s.js', external: true }));
  },
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: [...common.external, 'vscode'], plugins: [kubernetesClientApart] },
  { ...common, entryPoints: ['client/src/cluster/k8sBundle.ts'], outfile: 'dist/k8s.js' },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
];

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('esbuild: watching client and server');
} else {
  if (production) {
    // No stale source maps next to minified bundles (and so none in the .vsix).
    for (const file of safeList('dist')) if (file.endsWith('.map')) rmSync(`dist/${file}`);
  }
  const results = await Promise.all(builds.map((options) => esbuild.build({ ...options, metafile: true })));
  for (const [index, result] of results.entries()) {
    const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
    for (const [file, output] of outputs) console.log(`esbuild: ${file} ${(output.bytes / 1024).toFixed(0)} KiB${index === 0 && production ? ' (minified)' : ''}`);
  }
}

function safeList(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
