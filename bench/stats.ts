/** Summary statistics and number formatting shared by the benchmark scripts. */

export interface Stats {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** Nearest-rank percentile of sorted samples (NaN for none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / (sorted.length || NaN);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

/** Milliseconds with as many digits as they deserve. */
export const ms = (x: number): string => (Number.isNaN(x) ? 'n/a' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
