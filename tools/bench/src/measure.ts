/**
 * Throughput measurement on a shared, noisy machine. Time is this process's CPU time
 * (`process.cpuUsage`, user + system, all threads), not wall time: other processes competing for
 * the cores stretch wall time but barely change the CPU time our own work takes. Every variant of a
 * comparison runs in the same process on the same bytes, in many small batches: each batch runs
 * every variant once, in rotating order, back to back, so what remains of the noise (caches,
 * frequency) hits the variants of a batch alike. Comparisons use the median of per-batch ratios,
 * throughputs the median batch.
 */

/** One variant: runs `iterations` operations of `bytesPerOperation` bytes each. */
export interface Variant {
  readonly name: string;
  readonly bytesPerOperation: number;
  /** Prepares a batch (outside the timed region) and returns its timed body. */
  prepare(iterations: number): Promise<() => Promise<void>>;
}

export interface MeasureOptions {
  /** Timed batches per variant. */
  readonly batches: number;
  /** Operations per batch. */
  readonly iterations: number;
  /** Untimed batches first, for the JIT. */
  readonly warmupBatches: number;
}

/** CPU seconds per batch, per variant name, in batch order. */
export type Timings = ReadonlyMap<string, readonly number[]>;

/** Runs the variants in interleaved batches and returns every batch's time. */
export async function measure(
  variants: readonly Variant[],
  options: MeasureOptions,
): Promise<Timings> {
  const timings = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const total = options.warmupBatches + options.batches;
  for (let batch = 0; batch < total; batch++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(batch + k) % variants.length]!;
      const body = await variant.prepare(options.iterations);
      const start = process.cpuUsage();
      await body();
      const used = process.cpuUsage(start);
      const seconds = (used.user + used.system) / 1e6;
      if (batch >= options.warmupBatches) timings.get(variant.name)!.push(seconds);
    }
  }
  return timings;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median throughput of a variant in MB/s (10^6 bytes per CPU second). */
export function throughput(timings: Timings, name: string, bytesPerBatch: number): number {
  return bytesPerBatch / median(timings.get(name) ?? []) / 1e6;
}

/**
 * Median over batches of time(reference) / time(name): how fast `name` is against `reference`,
 * each batch compared with itself. The rows of a batch run back to back, so a batch on a slowed
 * machine slows both: this moves far less from run to run than a ratio of two medians.
 */
export function pairedSpeedRatio(timings: Timings, name: string, reference: string): number {
  const ours = timings.get(name) ?? [];
  const theirs = timings.get(reference) ?? [];
  return median(ours.map((t, i) => (theirs[i] ?? Number.NaN) / t));
}

/** Median over batches of time(a) / time(b) - 1, in percent: how much slower `a` is than `b`. */
export function overheadPercent(timings: Timings, a: string, b: string): number {
  const ta = timings.get(a) ?? [];
  const tb = timings.get(b) ?? [];
  return (median(ta.map((t, i) => t / (tb[i] ?? Number.NaN))) - 1) * 100;
}
