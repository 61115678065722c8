/**
 * Regenerates the committed screenshots in docs/images/ from the end-to-end scenarios, in a real
 * VS Code (code-server) against the cluster simulator, at a fixed window size and theme, so that
 * the pictures are never edited by hand:
 *   docs/images/run-task.png  the run-task scenario's end: the sample ran to COMPLETED, its
 *                             collected README.md open in the Markdown preview;
 *   docs/images/job-yaml.png  the job-yaml scenario with the quick-fix menu open: the Job YAML with
 *                             keruta's three problems in the Problems panel.
 * Packages the extension first (`npm run package`) unless `--no-package`.
 *
 * `node --import tsx scripts/screenshots.ts [--no-package] [--vsix FILE]`
 * Needs `node scripts/vscode-host/install.mjs` once.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './vscode-host/host';
import { errorText, printOutcomes } from '../test/e2e/harness';
import { DEFAULT_VSIX, runE2e } from '../test/e2e/run';

export const IMAGES_DIR = path.join(REPO_ROOT, 'docs', 'images');
const WORK_DIR = path.join(REPO_ROOT, 'test-results', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 } as const;
const THEME = 'Default Dark Modern';

/** docs/images/<name> ← the scenario screenshot it is made from. */
const IMAGES: readonly { readonly name: string; readonly from: string }[] = [
  { name: 'run-task.png', from: 'run-task.png' },
  { name: 'job-yaml.png', from: 'job-yaml-quick-fix.png' },
];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'no-package': { type: 'boolean', default: false },
      vsix: { type: 'string', default: DEFAULT_VSIX },
    },
    strict: true,
  });
  const started = Date.now();
  if (!values['no-package']) {
    console.log('> npm run package');
    const pack = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'package'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (pack.status !== 0) throw new Error(`npm run package failed (exit ${pack.status ?? pack.signal})`);
  }
  const outcomes = await runE2e({
    scenarios: ['run-task', 'job-yaml'],
    suite: false,
    vsix: path.resolve(values.vsix),
    outDir: WORK_DIR,
    viewport: VIEWPORT,
    settings: { 'workbench.colorTheme': THEME },
  });
  printOutcomes('keruta screenshots', outcomes, Date.now() - started, { details: 'failures' });
  if (outcomes.length === 0 || outcomes.some((outcome) => !outcome.passed)) {
    console.log(`\nNot updating ${path.relative(REPO_ROOT, IMAGES_DIR)}/: a scenario failed (screenshots and logs in ${path.relative(REPO_ROOT, WORK_DIR)}/).`);
    return 1;
  }
  mkdirSync(IMAGES_DIR, { recursive: true });
  for (const image of IMAGES) {
    const source = path.join(WORK_DIR, image.from);
    if (!existsSync(source)) throw new Error(`the scenario did not save ${path.relative(REPO_ROOT, source)}`);
    const target = path.join(IMAGES_DIR, image.name);
    copyFileSync(source, target);
    console.log(`${path.relative(REPO_ROOT, target)}  ${VIEWPORT.width}×${VIEWPORT.height}, ${THEME}, ${Math.round(statSync(target).size / 1024)} KiB  (from ${path.relative(REPO_ROOT, source)})`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`screenshots: ${errorText(error)}`);
    process.exit(1);
  },
);
