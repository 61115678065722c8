/** Faults tests switch on to prove that clients recover. */
import { failureStatus } from './discovery';
import type { SimRequest, SimResponse } from './server';
import { json } from './server';

interface FailRule {
  remaining: number;
  readonly code: number;
  readonly match: (request: SimRequest) => boolean;
}

export class Faults {
  /** Added to every request before it is answered. */
  latencyMs = 0;
  private failures: FailRule[] = [];
  /** Set by the simulator: closes every open watch (cleanly or by dropping the connection). */
  endWatchesHook: (mode: 'end' | 'drop') => void = () => undefined;
  /** Set by the simulator: forgets watch history so older resourceVersions answer 410. */
  expireHook: () => void = () => undefined;
  /** While true, new TCP connections are closed at once (as if nothing listened). */
  refuseConnections = false;

  /** The next `count` requests matching `match` (default: any) answer `code` with an InternalError-style Status. */
  failNext(count: number, options: { code?: number; match?: (request: SimRequest) => boolean } = {}): void {
    this.failures.push({ remaining: count, code: options.code ?? 500, match: options.match ?? (() => true) });
  }

  endWatches(): void {
    this.endWatchesHook('end');
  }

  dropWatches(): void {
    this.endWatchesHook('drop');
  }

  expireResourceVersions(): void {
    this.expireHook();
  }

  reset(): void {
    this.latencyMs = 0;
    this.failures = [];
    this.refuseConnections = false;
  }

  /** Middleware: latency and injected failures. */
  async apply(request: SimRequest): Promise<SimResponse | undefined> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const rule = this.failures.find((candidate) => candidate.remaining > 0 && candidate.match(request));
    if (!rule) return undefined;
    rule.remaining--;
    const message = rule.code === 500 ? 'Internal error occurred: injected fault' : `injected fault ${rule.code}`;
    const reason = rule.code === 500 ? 'InternalError' : rule.code === 503 ? 'ServiceUnavailable' : rule.code === 429 ? 'TooManyRequests' : 'InternalError';
    return json(failureStatus(rule.code, reason, message, rule.code === 500 ? { causes: [{ message: 'injected fault' }] } : {}), rule.code);
  }
}
