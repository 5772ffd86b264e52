/**
 * `deepprove bench crypto`: the proof system's cost centres on this machine, with ffjavascript's MSM measured
 * in the same run as the reference (the machines are shared; only same-run ratios are meaningful).
 *
 * Keys (all present unless their size is skipped or their dependency is missing):
 *   msm_2p<k>_ms                       our MSM, 2^k random full-width scalars over the dev SRS
 *   msm_2p<k>_1thread_ms               the same on one thread (like for like with the peer)
 *   msm_2p<k>_int8_ms                  the same with signed 8-bit scalars (quantized weights)
 *   peer_ffjavascript_msm_2p<k>_ms     ffjavascript single-thread WASM on the same bytes
 *   msm_2p<k>_speedup_vs_ffjavascript  peer / ours (all threads); ..._1thread_speedup_vs_ffjavascript too
 *   dev_srs_2p<p>_ms                   insecureDevSrs(2^p) computed (disk cache off)
 *   dev_srs_2p<p>_cached_ms            the same served from the disk cache (sizes >= 2^14)
 *   sumcheck_prove_2p<p>_ms            sum-check prover for sum f·g over 2^p entries
 *   hyperkzg_commit_2p<p>_ms, hyperkzg_open_2p<p>_ms, hyperkzg_verify_ms
 *   hyperkzg_commit_2p<p>_cpu_ms, hyperkzg_open_2p<p>_cpu_ms   process CPU time of the same runs (all threads;
 *                                      with 2 native threads, cpu / 2 estimates an idle machine's wall time)
 *   fr_mul_per_s                       TypeScript Fr multiplications per second
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import * as Fr from "../field/fr";
import { msm, selectedBackend, threadCount } from "../msm";
import { HyperKZG } from "../pcs/hyperkzg";
import { CACHE_MIN_SIZE, devSrsCacheDir, insecureDevSrs, type Srs } from "../pcs/srs";
import { proveSumcheck } from "../sumcheck";
import { Transcript } from "../transcript";
import { VERSION } from "../version";
import { pseudoRandomFr, round, timeMs } from "./measure";
import { loadFfjavascriptPeer, scalarsToBytes, type FfjavascriptPeer } from "./peer-ffjavascript";

export interface CryptoBenchOptions {
  /** log2 sizes of the MSMs. */
  readonly msmSizes: readonly number[];
  /** log2 size of the sum-check and HyperKZG measurements; undefined skips them. */
  readonly protocolSize?: number;
  /** Measure ffjavascript for MSM sizes up to this log2 (inclusive); undefined skips the peer. */
  readonly peerMaxSize?: number;
  /** Runs per MSM measurement below 2^18 (the median is reported); larger ones run once. */
  readonly runs: number;
}

/** One flat JSON object: numbers, booleans and strings only. */
export type CryptoBenchResult = Record<string, number | boolean | string>;

/** Sizes up to this log2 are measured `runs` times; bigger ones once (they take seconds each). */
const REPEAT_MAX_LOG = 17;
const FR_MUL_COUNT = 1 << 20;

export async function runCryptoBench(options: CryptoBenchOptions, log: (line: string) => void): Promise<CryptoBenchResult> {
  const out: CryptoBenchResult = {
    deepprove_version: VERSION,
    msm_backend: selectedBackend(),
    msm_threads: threadCount(),
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    node: process.version,
    loadavg_1m_at_start: round(loadavg()[0]),
  };
  const largest = Math.max(...options.msmSizes, options.protocolSize ?? 0);
  log(`dev SRS 2^${largest}: computed`);
  const computed = await timeMs(() => withoutSrsCache(() => insecureDevSrs(2 ** largest)));
  out[`dev_srs_2p${largest}_ms`] = computed.ms;
  let srs = computed.value;
  const cacheDir = devSrsCacheDir();
  if (cacheDir && 2 ** largest >= CACHE_MIN_SIZE) {
    log(`dev SRS 2^${largest}: from the disk cache in ${cacheDir}`);
    insecureDevSrs(2 ** largest); // writes the cache when absent
    const cached = await timeMs(() => insecureDevSrs(2 ** largest));
    out[`dev_srs_2p${largest}_cached_ms`] = cached.ms;
    srs = cached.value;
  }

  let peer: FfjavascriptPeer | string | undefined;
  if (options.peerMaxSize !== undefined) {
    peer = await loadFfjavascriptPeer();
    if (typeof peer === "string") {
      log(`peer skipped: ${peer}`);
      out.peer_ffjavascript = peer;
    }
  }
  try {
    for (const k of options.msmSizes) await benchMsm(srs, k, options, typeof peer === "object" ? peer : undefined, out, log);
  } finally {
    if (typeof peer === "object") await peer.terminate();
  }

  log("Fr multiplications (TypeScript)");
  out.fr_mul_per_s = await frMulPerSecond();

  if (options.protocolSize !== undefined) await benchProtocol(srs, options.protocolSize, out, log);
  return out;
}

function withoutSrsCache<T>(fn: () => T): T {
  const saved = process.env.DEEPPROVE_SRS_CACHE;
  process.env.DEEPPROVE_SRS_CACHE = "0";
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.DEEPPROVE_SRS_CACHE;
    else process.env.DEEPPROVE_SRS_CACHE = saved;
  }
}

async function benchMsm(
  srs: Srs,
  k: number,
  options: CryptoBenchOptions,
  peer: FfjavascriptPeer | undefined,
  out: CryptoBenchResult,
  log: (line: string) => void,
): Promise<void> {
  const n = 2 ** k;
  const runs = k <= REPEAT_MAX_LOG ? options.runs : 1;
  const bases = srs.g1Powers.prefix(n);
  const scalars = pseudoRandomFr(n, k, Fr.MODULUS);
  log(`MSM 2^${k}: ours (${runs} run${runs > 1 ? "s" : ""})`);
  const ours = await timeMs(() => msm(bases, scalars), { runs, warmup: k <= REPEAT_MAX_LOG ? 1 : 0 });
  out[`msm_2p${k}_ms`] = ours.ms;
  if (threadCount() > 1) {
    // The like-for-like figure against the single-threaded peer.
    out[`msm_2p${k}_1thread_ms`] = (await timeMs(() => msm(bases, scalars, { threads: 1 }), { runs })).ms;
  }
  const int8 = Array.from({ length: n }, (_, i) => Fr.fromSigned((Number(scalars[i] & 0xffn)) - 128));
  out[`msm_2p${k}_int8_ms`] = (await timeMs(() => msm(bases, int8), { runs })).ms;
  if (peer && options.peerMaxSize !== undefined && k <= options.peerMaxSize) {
    log(`MSM 2^${k}: ffjavascript single-thread WASM`);
    const scalarBytes = scalarsToBytes(scalars);
    const theirs = await timeMs(() => peer.msm(bases.montgomeryBytes(), scalarBytes), { runs });
    const mine = ours.value.toAffine();
    out[`peer_ffjavascript_msm_2p${k}_ms`] = theirs.ms;
    out[`msm_2p${k}_speedup_vs_ffjavascript`] = Math.round((theirs.ms / ours.ms) * 100) / 100;
    const single = out[`msm_2p${k}_1thread_ms`];
    if (typeof single === "number") {
      out[`msm_2p${k}_1thread_speedup_vs_ffjavascript`] = Math.round((theirs.ms / single) * 100) / 100;
    }
    out[`msm_2p${k}_agrees_with_ffjavascript`] = theirs.value.x === mine.x && theirs.value.y === mine.y;
  }
}

async function frMulPerSecond(): Promise<number> {
  const xs = pseudoRandomFr(1024, 7, Fr.MODULUS);
  const { ms } = await timeMs(
    () => {
      let acc = 1n;
      for (let i = 0; i < FR_MUL_COUNT; i++) acc = Fr.mul(acc, xs[i & 1023]);
      return acc;
    },
    { runs: 3, warmup: 1 },
  );
  return Math.round((FR_MUL_COUNT / ms) * 1000);
}

async function benchProtocol(srs: Srs, p: number, out: CryptoBenchResult, log: (line: string) => void): Promise<void> {
  const n = 2 ** p;
  const f = pseudoRandomFr(n, 101, Fr.MODULUS);
  const g = pseudoRandomFr(n, 102, Fr.MODULUS);

  log(`sum-check prove, sum f·g over 2^${p}`);
  out[`sumcheck_prove_2p${p}_ms`] = (
    await timeMs(() => proveSumcheck({ tables: [f, g], terms: [{ coeff: 1n, factors: [0, 1] }], transcript: new Transcript("bench") }))
  ).ms;

  log(`HyperKZG commit 2^${p}`);
  const commitment = await timeMs(() => HyperKZG.commit(srs, f));
  out[`hyperkzg_commit_2p${p}_ms`] = commitment.ms;
  out[`hyperkzg_commit_2p${p}_cpu_ms`] = commitment.cpuMs;

  log(`HyperKZG open 2^${p}`);
  const point = pseudoRandomFr(p, 103, Fr.MODULUS);
  const opened = await timeMs(() =>
    HyperKZG.open({ srs, evals: f, point, transcript: new Transcript("bench-hyperkzg"), commitment: commitment.value }),
  );
  out[`hyperkzg_open_2p${p}_ms`] = opened.ms;
  out[`hyperkzg_open_2p${p}_cpu_ms`] = opened.cpuMs;

  log("HyperKZG verify");
  const vk = HyperKZG.verifierKey(srs);
  const verified = await timeMs(
    () =>
      HyperKZG.verify({
        vk,
        commitment: commitment.value,
        point,
        value: opened.value.value,
        proof: opened.value.proof,
        transcript: new Transcript("bench-hyperkzg"),
      }),
    { runs: 5, warmup: 1 },
  );
  out.hyperkzg_verify_ms = verified.ms;
  out.hyperkzg_verify_ok = verified.value;
}
