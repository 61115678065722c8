import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ALL_RULES } from '../../server/src/rules';
import { GENERATED, README, section } from '../../scripts/update-readme';

describe('README', () => {
  const readme = readFileSync(README, 'utf8');
  for (const [name, render] of Object.entries(GENERATED)) {
    test(`the ${name} table matches the code (npm run docs:readme)`, () => {
      const current = section(readme, name);
      assert.ok(current !== undefined, `README.md has no ${name} section`);
      assert.equal(current.trim(), render().trim());
    });
  }

  test('every rule has a description and an anchor the diagnostics link to', () => {
    for (const rule of ALL_RULES) {
      assert.ok(rule.description.length > 10, `${rule.code} has no description`);
      assert.ok(readme.includes(`<a id="rule-${rule.code}"></a>`), `${rule.code} has no anchor`);
    }
  });
});
