/**
 * `npm run docs:readme`: regenerates the README's generated tables (the diagnostics rules and the
 * simulator's images) from the code. Tests fail when the README and the code disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES } from '../server/src/rules';
import { renderRuleTable } from '../server/src/rules/ruleTable';
import { renderSimImageTable } from '../test/sim/workloads';

export const README = join(__dirname, '..', 'README.md');

export const GENERATED: Readonly<Record<string, () => string>> = {
  rules: () => renderRuleTable(ALL_RULES),
  'sim-images': () => renderSimImageTable(),
};

export function section(readme: string, name: string): string | undefined {
  return new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(readme)?.[1];
}

if (require.main === module) {
  let readme = readFileSync(README, 'utf8');
  for (const [name, render] of Object.entries(GENERATED)) {
    if (section(readme, name) === undefined) throw new Error(`README.md has no <!-- ${name}:start --> … <!-- ${name}:end --> section`);
    readme = readme.replace(new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`), (_all, start: string, end: string) => `${start}${render().trim()}${end}`);
  }
  writeFileSync(README, readme);
  console.log('README.md tables updated.');
}
