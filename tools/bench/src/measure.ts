/**
 * Throughput measurement. Every variant of a comparison runs in the same process on the same
 * bytes, in interleaved rounds (A, B, C, A, B, C, ...), and each variant keeps its best round: on
 * a shared machine other load only ever slows a round down, so the best round is the closest to
 * the code's own cost and interleaving keeps slow phases from favouring one variant.
 */

/** One variant: runs `iterations` operations of `bytesPerOperation` bytes each. */
export interface Variant {
  readonly name: string;
  readonly bytesPerOperation: number;
  /** Prepares a round (outside the timed region) and returns its timed body. */
  prepare(iterations: number): Promise<() => Promise<void>>;
}

export interface Result {
  readonly name: string;
  /** Best round, in MB/s (10^6 bytes per second). */
  readonly mbPerSecond: number;
  readonly rounds: number;
  readonly iterations: number;
}

export interface MeasureOptions {
  readonly rounds: number;
  readonly iterations: number;
  readonly warmupIterations: number;
}

/** Runs every variant `rounds` times, interleaved, and reports each one's best round. */
export async function measure(
  variants: readonly Variant[],
  options: MeasureOptions,
): Promise<Result[]> {
  for (const variant of variants) await (await variant.prepare(options.warmupIterations))();
  const best = new Map<string, number>();
  for (let round = 0; round < options.rounds; round++) {
    for (const variant of variants) {
      const body = await variant.prepare(options.iterations);
      const start = process.hrtime.bigint();
      await body();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const mbPerSecond = (variant.bytesPerOperation * options.iterations) / seconds / 1e6;
      best.set(variant.name, Math.max(best.get(variant.name) ?? 0, mbPerSecond));
    }
  }
  return variants.map((variant) => ({
    name: variant.name,
    mbPerSecond: best.get(variant.name) ?? 0,
    rounds: options.rounds,
    iterations: options.iterations,
  }));
}
