/** The README's table of rules, generated from the registry (a test keeps the README in sync). */
import type { Rule } from './ruleTypes';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderRuleTable(rules: readonly Rule[]): string {
  const rows = [...rules]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((rule) => {
      const where = [rule.checkTask || !rule.checkJob ? 'task files' : '', rule.checkJob ? 'Job YAML' : ''].filter((w) => w !== '').join(', ');
      return `| <a id="rule-${rule.code}"></a>\`${rule.code}\` | ${where} | ${cell(rule.description)} | ${rule.fix ? cell(rule.fix) : '—'} |`;
    });
  return ['| code | checks | what it reports | quick fix |', '|---|---|---|---|', ...rows].join('\n');
}
