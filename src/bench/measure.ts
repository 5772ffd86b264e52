/**
 * Timing helpers for benchmarks: wall-clock milliseconds, median of a few runs after an optional warm-up.
 * Benchmarks report; they never assert (tests do not time anything).
 */
import { performance } from "node:perf_hooks";

export interface TimingOptions {
  /** Measured runs; the median is reported. */
  readonly runs?: number;
  /** Unmeasured runs first (JIT, caches). */
  readonly warmup?: number;
}

/**
 * Median wall time of `fn` in milliseconds, the process CPU time (user + system, every thread) of that same
 * run, and the value of the last run. On a shared machine CPU time is the steadier figure: with native
 * threads, CPU / threads estimates the wall time on an idle machine.
 */
export async function timeMs<T>(
  fn: () => T | Promise<T>,
  options: TimingOptions = {},
): Promise<{ ms: number; cpuMs: number; value: T }> {
  const runs = options.runs ?? 1;
  for (let i = 0; i < (options.warmup ?? 0); i++) await fn();
  const samples: { ms: number; cpuMs: number }[] = [];
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    value = await fn();
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    samples.push({ ms, cpuMs: (used.user + used.system) / 1000 });
  }
  samples.sort((a, b) => a.ms - b.ms);
  const median = samples[Math.floor(samples.length / 2)];
  return { ms: round(median.ms), cpuMs: round(median.cpuMs), value };
}

/** Rounds to 0.1 ms (more digits are noise on a shared machine). */
export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Deterministic pseudo-random canonical Fr elements (splitmix64 words reduced mod r): reproducible inputs. */
export function pseudoRandomFr(n: number, seed: number, modulus: bigint): bigint[] {
  let state = BigInt(seed) & 0xffffffffffffffffn;
  const mask = 0xffffffffffffffffn;
  const next = (): bigint => {
    state = (state + 0x9e3779b97f4a7c15n) & mask;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    return z ^ (z >> 31n);
  };
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) out[i] = ((next() << 192n) | (next() << 128n) | (next() << 64n) | next()) % modulus;
  return out;
}
