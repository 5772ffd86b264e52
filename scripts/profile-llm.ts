/**
 * Where a whole-model proof of stories260K spends its time: builds the model as docs/gguf.md ("Tests and
 * figures") describes — `quantizeLlama(…, 12, C, bos, C)`, the prompt "Once upon a time" padded with token 0 —
 * sets it up on the insecure development SRS, proves one inference and prints one JSON object:
 *
 * - `phases_ms`: witness, advice commit, arena, walk, batch opening (wall clock between `onProgress` stages);
 * - `walk_ms_by_kind`: the walk split by plan kind (a step's time is the time up to its progress report);
 * - `msm`: count, total points and milliseconds of every MSM, per phase;
 * - `opening_ms`: the batch opening split into its sum-check, HyperKZG (of which MSMs) and the rest;
 * - `sumcheck_ms`: every `proveSumcheck` (and packed pair-product sum-check) call's time, per phase, and
 *   `sumcheck_by_shape` the calls of 100 ms or more by phase, variables, eq weighting and term count;
 * - `arena_zero_check_ms`: the arena's sized zero-check sum-check; `rss_mb_at_phase_end`: RSS as each phase ends;
 * - `phases_cpu_ms`: CPU time (every thread) of each phase; `load_average`: the 1-minute load at start and end;
 * - `opening_steps`: the batch opening by step (src/pcs/opening-steps.ts: pack, E_p, the pair sum-check, G, each
 *   HyperKZG fold and its MSM, the evaluations, B, Q and its MSM, L's quotient and its MSM), each with wall and
 *   CPU time and RSS before and after it, and the process's peak RSS when it ended (a step that raised the peak
 *   shows it there); `opening_steps_summary` adds the folds and fold MSMs up;
 * - `prove_ms`, `prove_cpu_ms`, `peak_rss_mb`, proof bytes and its SHA-256 (equal hashes = identical proofs:
 *   the prover is deterministic), and whether the proof verifies.
 *
 * Timing wraps the exported functions (module exports are looked up at call time under CommonJS), so the
 * prover itself carries no instrumentation. A script, not a test: minutes of CPU.
 *
 * The development SRS has `--srs LOG2` powers, by default exactly what the setup needs (`requiredSrsSize`: 2^24 at
 * 128 positions since the requantizations' 20-bit limbs).
 *
 * `--sizes [C,C,…]` proves nothing: for each context C (default 32,64,128) it quantizes the GENERATION model
 * (`quantizeGenerator`, the graph `deepprove generate --prove` proves: the llama graph plus ArgMax), compiles its
 * plan and prints one JSON line: the requantizations' limb width, the entries of A (advice), H (arena helpers),
 * M (multiplicities) and W (model) with their powers of two, the arena's columns and tables, the SRS the setup
 * needs, and A's entries by plan kind and column family (`linear:requant`, `causal-softmax:rem`, …).
 *
 * `--chunk-bits N|off` sets the setup's chunk width (docs/hyperkzg.md, "Chunked commitments"); by default the LLM
 * setup's (`llmChunkBits`: 2^20 chunks, or the largest slot), `off` for one commitment per polynomial.
 *
 *   npx ts-node --transpile-only scripts/profile-llm.ts [--positions 128|64|32|16] [--srs LOG2] [--chunk-bits N|off] [--no-verify] [--model FILE]
 *   npx ts-node --transpile-only scripts/profile-llm.ts --sizes [32,64,128] [--model FILE]
 */
import { createHash } from "node:crypto";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { requiredSrsSize } from "../src/artifacts/setup-dir";
import { G1, G2 } from "../src/curve/bn254";
import { quantizeGenerator } from "../src/llm/model";
import { llmChunkBits } from "../src/llm/setup";
import { arenaContext } from "../src/lookup/arena-protocol";
import { loadLlamaModel, promptIds } from "../src/model/gguf/generate";
import { quantizeLlama, sequenceInput } from "../src/model/gguf/llama-quant";
import { runInteger } from "../src/model";
import * as arenaSumcheckModule from "../src/lookup/arena-sumcheck";
import * as msmModule from "../src/msm";
import { HyperKZG } from "../src/pcs/hyperkzg";
import { setOpeningStepObserver } from "../src/pcs/opening-steps";
import { insecureDevSrs } from "../src/pcs/srs";
import * as packedSumcheck from "../src/sumcheck/packed";
import * as eqPairSumcheck from "../src/pcs/batch-eq-sumcheck";
import * as sumcheckProver from "../src/sumcheck/prover";
import { proveInference, verifyInference } from "../src/prover/graph";
import { compileGraph } from "../src/prover/graph/compile";
import { planOf } from "../src/prover/graph/verifier-plan";
import { parseVerifyingKey, verifyingKeyJson } from "../src/prover/keys";
import { modelPolyLayout } from "../src/prover/model-poly";
import { modelSlotData, setupModel } from "../src/prover/setup";

const MODEL = join(__dirname, "..", "..", "shared", "models", "gguf", "stories260K.gguf");
const PROMPT = "Once upon a time";
const BITS = 12;
const PROVER = "0x00000000000000000000000000000000000000a1";
/** Contexts `--sizes` reports without a list. */
const DEFAULT_SIZE_CONTEXTS = [32, 64, 128];

interface Args {
  readonly model: string;
  readonly positions: number;
  /** SRS powers (log2); null: what the model's largest committed polynomial needs (`requiredSrsSize`). */
  readonly srsLog2: number | null;
  readonly verify: boolean;
  /** Contexts to size without proving (`--sizes`), or null to prove. */
  readonly sizes: readonly number[] | null;
  /** `--chunk-bits N|off`: the setup's chunk width (src/pcs/chunked.ts); undefined: the LLM setup's (`llmChunkBits`). */
  readonly chunkBits?: number | null;
}

function parseArgs(argv: readonly string[]): Args {
  let positions = 64;
  let srsLog2: number | undefined;
  let verify = true;
  let model = MODEL;
  let sizes: number[] | null = null;
  let chunkBits: number | null | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--chunk-bits") {
      const v = argv[++i];
      chunkBits = v === "off" ? null : Number(v);
      if (chunkBits !== null && (!Number.isInteger(chunkBits) || chunkBits < 1 || chunkBits > 28)) throw new Error(`profile-llm: --chunk-bits takes an integer in 1..28 or "off", got "${v}"`);
    } else if (a === "--positions") positions = Number(argv[++i]);
    else if (a === "--srs") srsLog2 = Number(argv[++i]);
    else if (a === "--no-verify") verify = false;
    else if (a === "--model") model = argv[++i];
    else if (a === "--sizes") sizes = argv[i + 1] !== undefined && !argv[i + 1].startsWith("--") ? argv[++i].split(",").map(Number) : [...DEFAULT_SIZE_CONTEXTS];
    else throw new Error(`profile-llm: unknown argument "${a}" (use --positions N, --srs LOG2, --chunk-bits N|off, --no-verify, --model FILE, --sizes C,C,…)`);
  }
  if (!Number.isInteger(positions) || positions < 1) throw new Error(`profile-llm: --positions must be a positive integer, got ${positions}`);
  if (sizes && (sizes.length === 0 || sizes.some((c) => !Number.isInteger(c) || c < 2))) throw new Error(`profile-llm: --sizes takes contexts as integers ≥ 2 separated by commas, got "${sizes.join(",")}"`);
  if (srsLog2 !== undefined && (!Number.isInteger(srsLog2) || srsLog2 < 1 || srsLog2 > 28)) throw new Error(`profile-llm: --srs must be an integer in 1..28, got ${srsLog2}`);
  return { model, positions, srsLog2: srsLog2 ?? null, verify, sizes, ...(chunkBits === undefined ? {} : { chunkBits }) };
}

/** Entries and variables of a slotted polynomial. */
function polySize(slots: readonly { readonly numVars: number }[], numVars: number): { entries: number; log2: number } {
  return { entries: slots.reduce((s, x) => s + 2 ** x.numVars, 0), log2: numVars };
}

/** `--sizes`: the committed polynomials of the generation model at each context, from its plan alone. */
async function printSizes(modelFile: string, contexts: readonly number[]): Promise<void> {
  const llama = await loadLlamaModel(modelFile);
  for (const context of contexts) {
    const { model } = quantizeGenerator(llama, BITS, context);
    const graph = compileGraph(model);
    const weights = modelPolyLayout([...modelSlotData(model, graph)].map(([name, v]) => ({ name, shape: v.shape })));
    const plan = planOf(graph, weights, `0x${"00".repeat(32)}`, { commitment: G1.ZERO, g2: G2.BASE, tauG2: G2.BASE });
    const arena = arenaContext(plan.arena);
    const kindOf = new Map(graph.nodes.map((n) => [n.node, n.kind]));
    // A's slots by (kind, column family): "blk.0.scores:requant3" → "linear:requant".
    const byFamily = new Map<string, number>();
    for (const slot of plan.advice?.slots ?? []) {
      const at = slot.name.lastIndexOf(":");
      const key = `${kindOf.get(slot.name.slice(0, at)) ?? "?"}:${slot.name.slice(at + 1).replace(/\d+$/, "")}`;
      byFamily.set(key, (byFamily.get(key) ?? 0) + 2 ** slot.numVars);
    }
    const line = {
      context,
      limb_bits: graph.limbBits,
      A: polySize(plan.advice?.slots ?? [], plan.advice?.numVars ?? 0),
      H: polySize(arena.hLayout.slots, arena.hLayout.numVars),
      M: polySize(arena.mLayout.slots, arena.mLayout.numVars),
      W: polySize(weights.slots.map((s) => s.layout), weights.numVars),
      arena_columns: graph.columns.length,
      range_tables: graph.tables.filter((t) => t.id.startsWith("range:")).map((t) => t.numVars).sort((a, b) => a - b),
      srs_log2: Math.log2(requiredSrsSize(model)),
      A_by_family: Object.fromEntries([...byFamily].sort((a, b) => b[1] - a[1])),
    };
    console.log(JSON.stringify(line));
  }
}

/** Accumulated time and calls by key. */
class Tally {
  readonly ms = new Map<string, number>();
  readonly calls = new Map<string, number>();
  readonly items = new Map<string, number>();
  add(key: string, ms: number, items = 0): void {
    this.ms.set(key, (this.ms.get(key) ?? 0) + ms);
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    this.items.set(key, (this.items.get(key) ?? 0) + items);
  }
  json(): Record<string, { ms: number; calls: number; items?: number }> {
    const out: Record<string, { ms: number; calls: number; items?: number }> = {};
    for (const [k, ms] of this.ms) {
      const items = this.items.get(k) ?? 0;
      out[k] = { ms: Math.round(ms), calls: this.calls.get(k) ?? 0, ...(items > 0 ? { items } : {}) };
    }
    return out;
  }
}

/** Replaces `obj[key]` (a function) by a timed wrapper that reports to `record`. */
function wrap<T extends object, K extends keyof T>(obj: T, key: K, record: (ms: number, args: unknown[]) => void): void {
  const original = obj[key] as unknown as (...args: unknown[]) => unknown;
  const timed = (...args: unknown[]): unknown => {
    const t0 = performance.now();
    try {
      return original(...args);
    } finally {
      record(performance.now() - t0, args);
    }
  };
  (obj as Record<K, unknown>)[key] = timed;
}

/** One step of the batch opening as the profile reports it. */
interface StepRecord {
  step: string;
  wall_ms: number;
  cpu_ms: number;
  rss_mb_before: number;
  rss_mb_after: number;
  peak_rss_mb: number;
}

/** Installs an observer of the batch opening's steps (src/pcs/opening-steps.ts) that records each. */
function observeOpeningSteps(): { steps: StepRecord[]; summary: () => Record<string, { wall_ms: number; cpu_ms: number; count: number }> } {
  const steps: StepRecord[] = [];
  const open = new Map<string, { wall: number; cpu: NodeJS.CpuUsage; rss: number }>();
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  setOpeningStepObserver({
    begin: (step) => open.set(step, { wall: performance.now(), cpu: process.cpuUsage(), rss: process.memoryUsage.rss() }),
    end: (step) => {
      const start = open.get(step);
      if (!start) return;
      open.delete(step);
      const cpu = process.cpuUsage(start.cpu);
      steps.push({
        step,
        wall_ms: Math.round(performance.now() - start.wall),
        cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
        rss_mb_before: mb(start.rss),
        rss_mb_after: mb(process.memoryUsage.rss()),
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      });
    },
  });
  // fold[1], fold[2], … and fold_msm[1], … summed under "fold[*]" and "fold_msm[*]".
  const summary = () => {
    const out: Record<string, { wall_ms: number; cpu_ms: number; count: number }> = {};
    for (const s of steps) {
      const key = s.step.replace(/\[\d+\]$/, "[*]");
      const e = (out[key] ??= { wall_ms: 0, cpu_ms: 0, count: 0 });
      e.wall_ms += s.wall_ms;
      e.cpu_ms += s.cpu_ms;
      e.count++;
    }
    return out;
  };
  return { steps, summary };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.sizes) return printSizes(args.model, args.sizes);
  const t0 = performance.now();
  const llama = await loadLlamaModel(args.model);
  const q = quantizeLlama(llama.cfg, llama.weights, BITS, args.positions, llama.tokenizer.bos, args.positions);
  const ids = promptIds(llama, PROMPT);
  const trace = runInteger(q.model, [sequenceInput(q, ids)]);
  const buildMs = performance.now() - t0;

  const t1 = performance.now();
  const chunkBits = args.chunkBits === undefined ? llmChunkBits(q.model) : args.chunkBits;
  const srsLog2 = args.srsLog2 ?? Math.log2(requiredSrsSize(q.model, chunkBits));
  const srs = insecureDevSrs(2 ** srsLog2);
  const srsMs = performance.now() - t1;
  const t2 = performance.now();
  const setup = setupModel(q.model, srs, { chunkBits });
  const setupMs = performance.now() - t2;

  // Instrumentation: every MSM and sum-check, attributed to the phase running when it was called.
  let phase = "witness";
  const msmTally = new Tally();
  const sumcheckTally = new Tally();
  const openingTally = new Tally();
  let inOpen = false;
  wrap(msmModule, "msm", (ms, a) => {
    const s = a[1] as readonly bigint[] | Uint8Array;
    const n = s instanceof Uint8Array ? s.length / 32 : s.length;
    msmTally.add(phase, ms, n);
    if (inOpen) openingTally.add("hyperkzg_msm", ms, n);
  });
  const sumcheckShapes = new Tally();
  wrap(sumcheckProver, "proveSumcheck", (ms, a) => {
    sumcheckTally.add(phase, ms);
    if (phase === "opening") openingTally.add("sumcheck", ms);
    const p = a[0] as sumcheckProver.ProveSumcheckParameters;
    const eq = p.terms.some((t) => t.eqPoint) ? "eq" : "plain";
    const n = p.numVars ?? Math.max(0, ...p.tables.map((t) => Math.ceil(Math.log2(Math.max(1, t.length)))));
    sumcheckShapes.add(`${phase} n=${n} ${eq} terms=${p.terms.length}`, ms);
  });
  const packedPairSumcheck = (ms: number): void => {
    sumcheckTally.add(`${phase} (packed)`, ms);
    if (phase === "opening") openingTally.add("sumcheck", ms);
  };
  wrap(packedSumcheck, "provePairProductSumcheck", packedPairSumcheck);
  wrap(eqPairSumcheck, "proveEqPairSumcheck", packedPairSumcheck);
  const open = HyperKZG.open;
  (HyperKZG as { open: typeof open }).open = (p) => {
    inOpen = true;
    const s = performance.now();
    try {
      return open(p);
    } finally {
      inOpen = false;
      openingTally.add("hyperkzg_open", performance.now() - s);
    }
  };

  const arenaSumcheck = new Tally();
  wrap(arenaSumcheckModule, "proveSizedSumcheck", (ms) => arenaSumcheck.add("zero-check", ms));
  const rssByPhase: Record<string, number> = {};
  const openingSteps = observeOpeningSteps();
  const phaseCpu = new Tally();
  let cpuMark = process.cpuUsage();
  const load0 = loadavg()[0];
  const phases = new Tally();
  const walkByKind = new Tally();
  const steps = setup.graph.nodes;
  let mark = performance.now();
  const cpu0 = process.cpuUsage();
  const p0 = performance.now();
  const { statement, proof, stats } = proveInference({
    setup,
    model: q.model,
    srs,
    trace,
    prover: PROVER,
    onProgress: (stage, done, total) => {
      const now = performance.now();
      if (stage === "walk") walkByKind.add(steps[done - 1].kind, now - mark);
      phases.add(stage, now - mark);
      mark = now;
      const cpuNow = process.cpuUsage();
      phaseCpu.add(stage, (cpuNow.user - cpuMark.user + cpuNow.system - cpuMark.system) / 1000);
      cpuMark = cpuNow;
      if (done === total) rssByPhase[stage] = Math.round(process.memoryUsage.rss() / 2 ** 20);
      if (done === total) phase = ({ witness: "commit", commit: "arena", arena: "walk", walk: "opening", opening: "done" } as Record<string, string>)[stage] ?? stage;
    },
  });
  const proveMs = performance.now() - p0;
  const cpu = process.cpuUsage(cpu0);
  const openingMs = phases.ms.get("opening") ?? 0;
  const hk = openingTally.ms.get("hyperkzg_open") ?? 0;
  const sc = openingTally.ms.get("sumcheck") ?? 0;

  let verified: boolean | string = "skipped";
  let verifyMs = 0;
  if (args.verify) {
    const vk = parseVerifyingKey(verifyingKeyJson(setup, srs));
    const v0 = performance.now();
    try {
      verifyInference({ vk, model: q.model, statement, proof });
      verified = true;
    } catch (error) {
      verified = error instanceof Error ? error.message : String(error);
    }
    verifyMs = performance.now() - v0;
  }

  const round = (x: number) => Math.round(x);
  const out = {
    model: "stories260K",
    positions: args.positions,
    prompt_tokens: ids.length,
    bits: BITS,
    nodes: steps.length,
    srs_log2: srsLog2,
    chunk_bits: chunkBits,
    w_vars: setup.layout.numVars,
    build_ms: round(buildMs),
    srs_ms: round(srsMs),
    setup_ms: round(setupMs),
    prove_ms: round(proveMs),
    prove_cpu_ms: round((cpu.user + cpu.system) / 1000),
    phases_ms: Object.fromEntries([...phases.ms].map(([k, v]) => [k, round(v)])),
    phases_cpu_ms: Object.fromEntries([...phaseCpu.ms].map(([k, v]) => [k, round(v)])),
    load_average: { start: load0, end: loadavg()[0] },
    walk_ms_by_kind: walkByKind.json(),
    opening_ms: {
      total: round(openingMs),
      sumcheck: round(sc),
      hyperkzg: round(hk),
      hyperkzg_msm: round(openingTally.ms.get("hyperkzg_msm") ?? 0),
      other: round(openingMs - sc - hk),
    },
    rss_mb_at_phase_end: rssByPhase,
    opening_steps: openingSteps.steps,
    opening_steps_summary: openingSteps.summary(),
    arena_zero_check_ms: round(arenaSumcheck.ms.get("zero-check") ?? 0),
    msm: msmTally.json(),
    sumcheck_ms: sumcheckTally.json(),
    sumcheck_by_shape: Object.fromEntries(Object.entries(sumcheckShapes.json()).filter(([, v]) => v.ms >= 100)),
    proof_bytes: proof.length,
    proof_sha256: createHash("sha256").update(proof).digest("hex"),
    words: stats.words,
    sumcheck_rounds: stats.sumcheckRounds,
    verified,
    verify_ms: round(verifyMs),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(JSON.stringify(out, null, 2));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
