/** Simulated time, scaled: `timeScale` 0.01 makes a simulated second last 10 ms. */
import type { SimClock } from './types';

export class ScaledClock implements SimClock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(readonly timeScale = 1) {}

  ms(seconds: number): number {
    return Math.max(0, seconds * 1000 * this.timeScale);
  }

  after(seconds: number, action: () => void): () => void {
    if (this.closed) return () => undefined;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, this.ms(seconds));
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  nowIso(): string {
    return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Cancels every pending timer; later `after` calls do nothing. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
