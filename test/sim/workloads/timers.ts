/**
 * Deferred work for the workload runtime: simulated-time timers that can be cancelled as a group
 * (a pod's, a container's, the whole runtime's), and keyed work queues drained in a microtask so
 * that nothing reacts re-entrantly inside a store listener.
 */
import type { SimClock } from '../types';

function report(what: string, error: unknown): void {
  console.error(`keruta-sim workloads: ${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}

/** Runs `action`, reporting (not throwing) its errors: timers and microtasks have no caller to throw to. */
export function guarded(what: string, action: () => void): void {
  try {
    action();
  } catch (error) {
    report(what, error);
  }
}

/**
 * Timers in simulated seconds, owned by one thing. Cancelling a set cancels its children too, and
 * a cancelled (disposed) set refuses new timers, so late callbacks of a dead pod never run.
 */
export class TimerSet {
  private readonly cancels = new Set<() => void>();
  private readonly children = new Set<TimerSet>();
  private disposed = false;

  constructor(
    private readonly clock: SimClock,
    private readonly parent?: TimerSet,
  ) {
    parent?.children.add(this);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  child(): TimerSet {
    return new TimerSet(this.clock, this);
  }

  /** Runs `action` after `seconds` of simulated time; returns a cancel function. */
  after(seconds: number, what: string, action: () => void): () => void {
    if (this.disposed) return () => undefined;
    let cancelClock: () => void = () => undefined;
    const cancel = (): void => {
      this.cancels.delete(cancel);
      cancelClock();
    };
    this.cancels.add(cancel);
    cancelClock = this.clock.after(Math.max(0, seconds), () => {
      this.cancels.delete(cancel);
      if (!this.disposed) guarded(what, action);
    });
    return cancel;
  }

  /** Cancels every pending timer of this set (and of its children) but keeps the set usable. */
  cancelAll(): void {
    for (const cancel of [...this.cancels]) cancel();
    for (const child of [...this.children]) child.cancelAll();
  }

  /** Cancels everything and refuses later timers; detaches from the parent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cancelAll();
    for (const child of [...this.children]) child.dispose();
    this.parent?.children.delete(this);
  }
}

/**
 * A set of keys waiting to be handled, drained in a microtask. Adding a key that is already
 * waiting does nothing, so bursts of events collapse into one run per key.
 */
export class KeyedQueue {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly what: string,
    private readonly handler: (key: string) => void,
  ) {}

  add(key: string): void {
    if (this.closed) return;
    this.pending.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.drain());
  }

  close(): void {
    this.closed = true;
    this.pending.clear();
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.closed) return;
      guarded(`${this.what} ${key}`, () => this.handler(key));
    }
  }
}

/** Simulated seconds from now until the real-time instant `atMs` (0 when it has passed). */
export function simSecondsUntil(clock: SimClock, atMs: number): number {
  const msPerSecond = clock.ms(1);
  if (msPerSecond <= 0) return 0;
  return Math.max(0, (atMs - Date.now()) / msPerSecond);
}

/** The real-time instant `seconds` of simulated time after `fromMs`. */
export function realInstantAfter(clock: SimClock, fromMs: number, seconds: number): number {
  return fromMs + clock.ms(seconds);
}

/** Doubling back-off: `base`, 2×`base`, 4×`base`… capped at `cap` (attempt counts from 1). */
export function doublingBackoff(attempt: number, base: number, cap: number): number {
  return Math.min(cap, base * 2 ** Math.max(0, Math.min(30, attempt - 1)));
}
