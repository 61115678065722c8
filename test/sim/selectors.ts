/** Label and field selectors as the API server parses them (the subset kubectl and client-node send). */
import type { KubeObject, LabelSelector } from './types';

export class SelectorError extends Error {}

type Requirement =
  | { readonly op: 'eq' | 'neq'; readonly key: string; readonly value: string }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'exists' | 'notexists'; readonly key: string };

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

export function parseLabelSelector(text: string | null | undefined): LabelSelector {
  const requirements: Requirement[] = [];
  for (const part of splitTopLevel(text ?? '')) {
    let match: RegExpExecArray | null;
    if ((match = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) {
      requirements.push({ op: match[2] as 'in' | 'notin', key: match[1]!, values: match[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '') });
    } else if ((match = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(part))) {
      requirements.push({ op: match[2] === '!=' ? 'neq' : 'eq', key: match[1]!, value: match[3]! });
    } else if ((match = /^!\s*([^\s!=(),]+)$/.exec(part))) {
      requirements.push({ op: 'notexists', key: match[1]! });
    } else if ((match = /^([^\s!=(),]+)$/.exec(part))) {
      requirements.push({ op: 'exists', key: match[1]! });
    } else {
      throw new SelectorError(`unable to parse requirement: ${part}`);
    }
  }
  return {
    matches(labels) {
      const get = (key: string): string | undefined => labels?.[key];
      return requirements.every((r) => {
        const value = get(r.key);
        switch (r.op) {
          case 'eq':
            return value === r.value;
          case 'neq':
            return value !== r.value;
          case 'in':
            return value !== undefined && r.values.includes(value);
          case 'notin':
            return value === undefined || !r.values.includes(value);
          case 'exists':
            return value !== undefined;
          case 'notexists':
            return value === undefined;
        }
      });
    },
  };
}

/** Field selectors: `metadata.name=x`, `metadata.namespace=y`, `status.phase!=Running`, … */
export function parseFieldSelector(text: string | null | undefined): (object: KubeObject) => boolean {
  const checks: ((object: KubeObject) => boolean)[] = [];
  for (const part of splitTopLevel(text ?? '')) {
    const match = /^([A-Za-z.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!match) throw new SelectorError(`invalid selector: '${part}'; can't understand '${part}'`);
    const [, path, op, expected] = match as unknown as [string, string, string, string];
    checks.push((object) => {
      let value: unknown = object;
      for (const key of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
      const actual = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
      return op === '!=' ? actual !== expected : actual === expected;
    });
  }
  return (object) => checks.every((check) => check(object));
}
