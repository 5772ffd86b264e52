/**
 * The batch-affine flush, IFMA against scalar, back to back in one process (docs/msm.md, "The IFMA flush"):
 *
 *   nice -n 5 npx ts-node scripts/msm-flush-bench.ts [--sizes 20,22,24] [--bits 253,16] [--runs 3] [--threads 2]
 *
 * For each size 2^k and scalar width it builds the bases (fixed-base multiples of random scalars) and random
 * scalars once (253 bits: every full-width scalar below 2^253; b < 253 bits: signed values |s| < 2^(b−1), stored
 * as r − |s| when negative, as quantized data is), then calls the native MSM `runs` times on each flush,
 * alternating which goes first, each with its automatic plan, and reports the process CPU time of every call
 * (user + system, all threads) and the medians as one JSON object per line. Every call must return the same point.
 * Not part of `npm test`: it is a measurement, minutes long at 2^24.
 */
import { randomBytes } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { loadNative } from "../src/msm";

/** r's little-endian 64-bit limbs (r − k for small k only touches limb 0: its low limb exceeds 2^32). */
const R_LIMBS = [0x43e1f593f0000001n, 0x2833e84879b97091n, 0xb85045b68181585dn, 0x30644e72e131a029n];

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function numbers(name: string, fallback: string): number[] {
  return option(name, fallback)
    .split(",")
    .map((s) => {
      const v = Number(s);
      if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: ${s} is not a positive integer`);
      return v;
    });
}

/** n canonical scalars as packed 32-byte words: below 2^253, or signed values of `bits`-bit magnitude. */
function scalarWords(n: number, bits: number): Uint8Array {
  const out = new Uint8Array(32 * n);
  const view = new DataView(out.buffer);
  if (bits >= 253) {
    for (let off = 0; off < out.length; off += 1 << 20) out.set(randomBytes(Math.min(1 << 20, out.length - off)), off);
    for (let i = 0; i < n; i++) out[32 * i + 31] &= 0x1f; // < 2^253 < r
    return out;
  }
  const random = randomBytes(4 * n);
  for (let i = 0; i < n; i++) {
    const v = random.readInt32LE(4 * i) >> (31 - bits); // in [−2^bits, 2^bits)
    if (v >= 0) {
      view.setBigUint64(32 * i, BigInt(v), true);
    } else {
      view.setBigUint64(32 * i, R_LIMBS[0] - BigInt(-v), true);
      for (let j = 1; j < 4; j++) view.setBigUint64(32 * i + 8 * j, R_LIMBS[j], true);
    }
  }
  return out;
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return Math.round((used.user + used.system) / 1000);
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2);
}

function main(): void {
  const native = loadNative();
  if (!native) throw new Error("the native kernels are not built (npm run build:native)");
  if (!native.ifmaSupported()) throw new Error("this CPU has no AVX-512 IFMA: nothing to compare");
  const sizes = numbers("sizes", "20,22,24");
  const widths = numbers("bits", "253");
  if (widths.some((b) => b > 31 && b !== 253)) throw new Error("--bits: 253 (full width) or 1..31 (signed magnitudes)");
  const runs = numbers("runs", "3")[0];
  const threads = numbers("threads", String(availableParallelism()))[0];
  const initial = native.msmFlush();
  try {
    for (const k of sizes) {
      const n = 2 ** k;
      const bases = native.fixedBaseG1(scalarWords(n, 253), threads);
      for (const bits of widths) {
        const scalars = scalarWords(n, bits);
        const load = loadavg()[0];
        const cpu: Record<"scalar" | "ifma", number[]> = { scalar: [], ifma: [] };
        let point: string | undefined;
        for (let run = 0; run < runs; run++) {
          const order = run % 2 === 0 ? (["scalar", "ifma"] as const) : (["ifma", "scalar"] as const);
          for (const flush of order) {
            native.msmFlush(flush);
            let result: Uint8Array = new Uint8Array(0);
            cpu[flush].push(cpuMs(() => (result = native.msm(bases, scalars, threads))));
            const hex = Buffer.from(result).toString("hex");
            if (point !== undefined && hex !== point) throw new Error(`2^${k}, ${bits} bits: the ${flush} flush gave another point`);
            point = hex;
          }
        }
        const plan = native.msmPlan(n, Math.min(bits, 253), threads);
        console.log(
          JSON.stringify({
            size: `2^${k}`,
            bits,
            threads,
            plan,
            scalar_cpu_ms: cpu.scalar,
            ifma_cpu_ms: cpu.ifma,
            scalar_median_cpu_ms: median(cpu.scalar),
            ifma_median_cpu_ms: median(cpu.ifma),
            ratio: Math.round((median(cpu.scalar) / median(cpu.ifma)) * 100) / 100,
            same_point: true,
            loadavg_1m: [Math.round(load * 10) / 10, Math.round(loadavg()[0] * 10) / 10],
          }),
        );
      }
    }
  } finally {
    native.msmFlush(initial);
  }
}

main();
