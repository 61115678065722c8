/**
 * Waiting for what the user would see, without fixed sleeps: the probe runs at once, again on
 * every given event (diagnostics changed, editor changed…) and on a slow backstop interval for
 * state that has no event, until it returns a value or the time is up.
 */
import type * as vscode from 'vscode';

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly events?: readonly vscode.Event<unknown>[];
  readonly intervalMs?: number;
}

export function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let last: unknown;
    const subscriptions = (options.events ?? []).map((event) => event(() => void check()));
    const interval = setInterval(() => void check(), options.intervalMs ?? 250);
    const timer = setTimeout(() => finish(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last !== undefined ? ` (last: ${describe(last)})` : ''}`))), timeoutMs);
    function finish(settle: () => void): void {
      if (done) return;
      done = true;
      clearInterval(interval);
      clearTimeout(timer);
      for (const subscription of subscriptions) subscription.dispose();
      settle();
    }
    async function check(): Promise<void> {
      if (done) return;
      try {
        const value = await probe();
        if (value !== undefined) finish(() => resolve(value));
      } catch (error) {
        last = error;
      }
    }
    void check();
  });
}

function describe(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
