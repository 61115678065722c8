/** Authorization, switchable by tests: everything is allowed unless a rule denies it. */
import { failureStatus, type StatusBody } from './discovery';

export interface Attributes {
  readonly verb: string;
  /** `jobs`, `pods`, … */
  readonly resource: string;
  readonly subresource?: string;
  readonly group: string;
  readonly namespace?: string;
  readonly name?: string;
}

export interface DenyRule {
  readonly verb?: string;
  /** `jobs`, `pods/exec`, … (resource or resource/subresource). */
  readonly resource?: string;
  readonly namespace?: string;
}

export const SIM_USER = 'keruta-sim';

export class Rbac {
  private rules: DenyRule[] = [];

  /** Denies requests matching every given field of the rule. */
  deny(rule: DenyRule): void {
    this.rules.push(rule);
  }

  allowAll(): void {
    this.rules = [];
  }

  allowed(attributes: Attributes): boolean {
    const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
    return !this.rules.some(
      (rule) =>
        (rule.verb === undefined || rule.verb === attributes.verb) &&
        (rule.resource === undefined || rule.resource === resource) &&
        (rule.namespace === undefined || rule.namespace === attributes.namespace),
    );
  }

  /** The 403 Status the real server sends, or undefined when allowed. */
  check(attributes: Attributes): StatusBody | undefined {
    if (this.allowed(attributes)) return undefined;
    return forbiddenStatus(attributes);
  }
}

export function forbiddenStatus(attributes: Attributes): StatusBody {
  const qualified = attributes.group === '' ? attributes.resource : `${attributes.resource}.${attributes.group}`;
  const target = attributes.name ? `${qualified} ${JSON.stringify(attributes.name)}` : qualified;
  const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  const scope = attributes.namespace ? `in the namespace ${JSON.stringify(attributes.namespace)}` : 'at the cluster scope';
  const message = `${target} is forbidden: User ${JSON.stringify(SIM_USER)} cannot ${attributes.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attributes.group)} ${scope}`;
  return failureStatus(403, 'Forbidden', message, {
    ...(attributes.name ? { name: attributes.name } : {}),
    group: attributes.group,
    kind: attributes.resource,
  });
}
