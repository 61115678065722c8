/** The log of one container instance: what it wrote so far, and live chunks until it ends. */
import type { LogSource } from '../types';

export class ContainerLog implements LogSource {
  private readonly chunks: string[] = [];
  private readonly dataListeners = new Set<(chunk: string) => void>();
  private readonly endListeners = new Set<() => void>();
  private done = false;

  text(): string {
    return this.chunks.join('');
  }

  ended(): boolean {
    return this.done;
  }

  onData(listener: (chunk: string) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onEnd(listener: () => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /** Appends raw text (the container's stdout and stderr interleaved, as `kubectl logs` shows them). */
  write(chunk: string): void {
    if (this.done || chunk === '') return;
    this.chunks.push(chunk);
    for (const listener of [...this.dataListeners]) {
      try {
        listener(chunk);
      } catch (error) {
        console.error(`keruta-sim workloads: log listener failed: ${String(error)}`);
      }
    }
  }

  /** Marks the instance ended: no more output, listeners told once. */
  end(): void {
    if (this.done) return;
    this.done = true;
    const listeners = [...this.endListeners];
    this.endListeners.clear();
    this.dataListeners.clear();
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        console.error(`keruta-sim workloads: log end listener failed: ${String(error)}`);
      }
    }
  }
}
