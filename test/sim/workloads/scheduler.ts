/**
 * The simulated scheduler for the one simulated node: does a Pod's resource request fit, and the
 * exact message the real scheduler writes into `PodScheduled=False` when it does not.
 */
import type { Container, PodSpec } from 'kubernetes-types/core/v1';
import { isUnschedulableImage } from './images';

export interface NodeCapacity {
  /** CPU as a Kubernetes quantity, e.g. `4` or `3500m`. */
  readonly cpu: string;
  /** Memory as a Kubernetes quantity, e.g. `8Gi`. */
  readonly memory: string;
}

export const DEFAULT_NODE_NAME = 'keruta-sim-node';
export const DEFAULT_NODE_CAPACITY: NodeCapacity = { cpu: '4', memory: '8Gi' };

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes resource quantity as a plain number (cores for cpu, bytes for memory); NaN if malformed. */
export function parseQuantity(text: string | number | undefined): number {
  if (text === undefined) return 0;
  if (typeof text === 'number') return text;
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const base = Number(match[1]);
  if (match[2]) return base * 10 ** Number(match[2].slice(1));
  const suffix = match[3] ?? '';
  return base * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

interface Request {
  cpu: number;
  memory: number;
}

function containerRequest(container: Container): Request {
  // Requests default to limits when only limits are given.
  const requests = { ...container.resources?.limits, ...container.resources?.requests } as Record<string, string | number | undefined>;
  return { cpu: parseQuantity(requests['cpu']) || 0, memory: parseQuantity(requests['memory']) || 0 };
}

/**
 * The effective request of a Pod: the sum of its regular containers and native sidecars, or the
 * largest plain init container (plus the sidecars started before it), whichever is larger.
 */
export function podRequest(spec: PodSpec): Request {
  const total: Request = { cpu: 0, memory: 0 };
  const sidecarsSoFar: Request = { cpu: 0, memory: 0 };
  const initPeak: Request = { cpu: 0, memory: 0 };
  for (const init of spec.initContainers ?? []) {
    const request = containerRequest(init);
    if (init.restartPolicy === 'Always') {
      sidecarsSoFar.cpu += request.cpu;
      sidecarsSoFar.memory += request.memory;
    } else {
      initPeak.cpu = Math.max(initPeak.cpu, sidecarsSoFar.cpu + request.cpu);
      initPeak.memory = Math.max(initPeak.memory, sidecarsSoFar.memory + request.memory);
    }
  }
  total.cpu = sidecarsSoFar.cpu;
  total.memory = sidecarsSoFar.memory;
  for (const container of spec.containers ?? []) {
    const request = containerRequest(container);
    total.cpu += request.cpu;
    total.memory += request.memory;
  }
  return { cpu: Math.max(total.cpu, initPeak.cpu), memory: Math.max(total.memory, initPeak.memory) };
}

/** `0/1 nodes are available: …` for `reasons` (e.g. `Insufficient cpu`), as the scheduler words it. */
export function unschedulableMessage(reasons: readonly string[]): string {
  const parts = [...reasons].sort().map((reason) => `1 ${reason}`);
  return `0/1 nodes are available: ${parts.join(', ')}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.`;
}

/** Why the Pod cannot be placed on the node (the scheduler's reasons), or an empty list when it fits. */
export function insufficientResources(spec: PodSpec, node: NodeCapacity): string[] {
  const request = podRequest(spec);
  const reasons: string[] = [];
  if (request.cpu > parseQuantity(node.cpu) + 1e-9) reasons.push('Insufficient cpu');
  if (request.memory > parseQuantity(node.memory)) reasons.push('Insufficient memory');
  return reasons;
}

/**
 * Why the scheduler leaves the Pod unbound (the `PodScheduled=False` message), or undefined when
 * it fits: requests above the node, or an image that asks to be unschedulable.
 */
export function schedulingProblem(spec: PodSpec, node: NodeCapacity): string | undefined {
  const reasons = insufficientResources(spec, node);
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  if (all.some((container) => isUnschedulableImage(container.image ?? '')) && !reasons.includes('Insufficient cpu')) reasons.push('Insufficient cpu');
  return reasons.length > 0 ? unschedulableMessage(reasons) : undefined;
}
