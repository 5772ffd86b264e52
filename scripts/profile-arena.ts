/**
 * Where the lookup arena's prover spends its time on a whole-model proof of stories260K: builds the model as
 * `scripts/profile-llm.ts` does (12 bits, C = positions, "Once upon a time"), runs `proveInference` up to the
 * arena, times the arena by sub-step (wall and CPU of every wrapped call), and stops (the rest of the proof is
 * `profile-llm.ts`'s). With `--compare` it proves the same arena again on the bigint path (`proveArena`) from
 * the same transcript state and checks that both proofs, claims and committed tables are equal word for word.
 *
 *   npx ts-node --transpile-only scripts/profile-arena.ts [--positions 16|32] [--srs LOG2] [--compare]
 *
 * Sub-steps are the exported functions the arena prover calls (module exports are looked up at call time under
 * CommonJS, so wrapping them times the prover without instrumenting it). A script, not a test.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as Fr from "../src/field/fr";
import * as arenaNative from "../src/lookup/arena-native";
import * as arenaPacked from "../src/lookup/arena-packed";
import * as arenaPackedSumcheck from "../src/lookup/arena-packed-sumcheck";
import * as arenaProver from "../src/lookup/arena-prover";
import * as arenaSumcheck from "../src/lookup/arena-sumcheck";
import { loadLlamaModel, promptIds } from "../src/model/gguf/generate";
import { quantizeLlama, sequenceInput } from "../src/model/gguf/llama-quant";
import { runInteger } from "../src/model";
import * as msmModule from "../src/msm";
import * as packedTable from "../src/pcs/packed-table";
import { insecureDevSrs } from "../src/pcs/srs";
import * as mle from "../src/poly/mle";
import { proveInference } from "../src/prover/graph";
import { setupModel } from "../src/prover/setup";
import type { ProveArenaParameters } from "../src/lookup/arena-types";
import type { Transcript } from "../src/transcript";

const MODEL = join(__dirname, "..", "..", "shared", "models", "gguf", "stories260K.gguf");
const PROMPT = "Once upon a time";
const BITS = 12;
const PROVER = "0x00000000000000000000000000000000000000a1";
/** SRS powers (log2) by context: A and H are 2^21 at 16 positions; A is 2^23 at 32. */
const DEFAULT_SRS_LOG2: Record<number, number> = { 16: 21, 32: 23, 64: 23, 128: 25 };

/** Thrown by the wrapped arena to stop the proof once the arena is measured. */
class StopAfterArena extends Error {}

interface Args {
  readonly positions: number;
  readonly srsLog2: number;
  readonly compare: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let positions = 16;
  let srsLog2: number | undefined;
  let compare = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--positions") positions = Number(argv[++i]);
    else if (a === "--srs") srsLog2 = Number(argv[++i]);
    else if (a === "--compare") compare = true;
    else throw new Error(`profile-arena: unknown argument "${a}" (use --positions N, --srs LOG2, --compare)`);
  }
  if (!Number.isInteger(positions) || positions < 1) throw new Error(`profile-arena: --positions must be a positive integer, got ${positions}`);
  const log2 = srsLog2 ?? DEFAULT_SRS_LOG2[positions] ?? 23;
  return { positions, srsLog2: log2, compare };
}

/** Wall and CPU milliseconds and calls by label. */
class Steps {
  readonly rows = new Map<string, { wallMs: number; cpuMs: number; calls: number }>();
  depth = 0;
  add(label: string, wallMs: number, cpuMs: number): void {
    const row = this.rows.get(label) ?? { wallMs: 0, cpuMs: 0, calls: 0 };
    row.wallMs += wallMs;
    row.cpuMs += cpuMs;
    row.calls++;
    this.rows.set(label, row);
  }
  json(): Record<string, { wall_ms: number; cpu_ms: number; calls: number }> {
    return Object.fromEntries(
      [...this.rows].map(([k, v]) => [k, { wall_ms: Math.round(v.wallMs), cpu_ms: Math.round(v.cpuMs), calls: v.calls }]),
    );
  }
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/**
 * Times `obj[key]` under `label(args)` while `steps.active`; nested wrapped calls are counted in their outermost
 * caller only (so a sub-step's time is never counted twice).
 */
function wrap<T extends object>(steps: Steps, obj: T, key: string, label: (args: unknown[]) => string): void {
  const target = obj as Record<string, unknown>;
  const original = target[key];
  if (typeof original !== "function") return;
  target[key] = (...args: unknown[]): unknown => {
    if (steps.depth > 0 || !active) return (original as (...a: unknown[]) => unknown)(...args);
    steps.depth++;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    try {
      return (original as (...a: unknown[]) => unknown)(...args);
    } finally {
      steps.depth--;
      steps.add(label(args), performance.now() - t0, cpuMs(process.cpuUsage(c0)));
    }
  };
}

let active = false;

function measure<T>(steps: Steps, run: () => T): { result: T; wallMs: number; cpuMs: number; load: number[] } {
  const loadBefore = loadavg()[0];
  active = true;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  try {
    const result = run();
    const wallMs = performance.now() - t0;
    const cpu = cpuMs(process.cpuUsage(c0));
    const measured = [...steps.rows.values()].reduce((a, r) => ({ w: a.w + r.wallMs, c: a.c + r.cpuMs }), { w: 0, c: 0 });
    steps.add("other (checks, multiplicities, glue)", wallMs - measured.w, cpu - measured.c);
    return { result, wallMs, cpuMs: cpu, load: [loadBefore, loadavg()[0]] };
  } finally {
    active = false;
  }
}

/**
 * The native kernels' calls, timed under "kernel: name" in `kernels` whatever the nesting (the addon's functions
 * are read-only properties, so the object `loadArenaKernels` returns is replaced by a timed copy).
 */
function instrumentKernels(kernels: Steps): void {
  const load = arenaNative.loadArenaKernels;
  (arenaNative as { loadArenaKernels: typeof load }).loadArenaKernels = () => {
    const native = load();
    if (!native) return native;
    // A copy inheriting from the addon (whose functions are read-only), with timed own properties over them.
    const timed = Object.create(native) as typeof native;
    for (const key of ["arenaHelperColumn", "arenaScale", "arenaRoundSums", "arenaBind", "frEqSum", "frFromBigints"]) {
      const f = (native as unknown as Record<string, (...a: unknown[]) => unknown>)[key];
      const wrapped = (...args: unknown[]) => {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        try {
          return f(...args);
        } finally {
          if (active) kernels.add(`kernel: ${key}`, performance.now() - t0, cpuMs(process.cpuUsage(c0)));
        }
      };
      Object.defineProperty(timed, key, { value: wrapped });
    }
    return timed;
  };
}

function instrument(steps: Steps): void {
  let msmCalls = 0;
  wrap(steps, msmModule, "msm", (a) => {
    const s = a[1] as readonly bigint[] | Uint8Array;
    const n = s instanceof Uint8Array ? s.length / 32 : s.length;
    return msmCalls++ === 0 ? `commit M (MSM ${n})` : `commit H (MSM ${n})`;
  });
  wrap(steps, Fr, "batchInvert", () => "inverses (bigint batchInvert)");
  wrap(steps, packedTable, "packedSlotTable", () => "H packing (packedSlotTable)");
  wrap(steps, arenaSumcheck, "proveSizedSumcheck", () => "zero-check (bigint)");
  wrap(steps, mle, "evaluateMle", () => "evaluations (evaluateMle)");
  for (const key of Object.keys(arenaPacked)) wrap(steps, arenaPacked, key, () => `packed: ${key}`);
  for (const key of Object.keys(arenaPackedSumcheck)) wrap(steps, arenaPackedSumcheck, key, () => `packed: ${key}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const llama = await loadLlamaModel(MODEL);
  const q = quantizeLlama(llama.cfg, llama.weights, BITS, args.positions, llama.tokenizer.bos, args.positions);
  const trace = runInteger(q.model, [sequenceInput(q, promptIds(llama, PROMPT))]);
  const srs = insecureDevSrs(2 ** args.srsLog2);
  const setup = setupModel(q.model, srs);

  const steps = new Steps();
  const kernelSteps = new Steps();
  instrument(steps);
  instrumentKernels(kernelSteps);
  let captured: { params: ProveArenaParameters; start: Transcript } | undefined;
  let measured: ReturnType<typeof measure<arenaProver.PackedArenaResult>> | undefined;
  const original = arenaProver.proveArenaPacked;
  (arenaProver as { proveArenaPacked: typeof original }).proveArenaPacked = (params) => {
    captured = { params, start: params.transcript.clone() };
    measured = measure(steps, () => original(params));
    throw new StopAfterArena();
  };
  try {
    proveInference({ setup, model: q.model, srs, trace, prover: PROVER });
  } catch (error) {
    if (!(error instanceof StopAfterArena)) throw error;
  }
  if (!captured || !measured) throw new Error("profile-arena: the proof never reached the arena");
  const { params } = captured;
  const entries = params.columns.reduce((a, c) => a + 2 ** c.numVars, 0);
  const out: Record<string, unknown> = {
    positions: args.positions,
    columns: params.columns.length,
    tables: params.tables.length,
    column_entries: entries,
    table_entries: params.tables.reduce((a, t) => a + 2 ** t.table.numVars, 0),
    arena_wall_ms: Math.round(measured.wallMs),
    arena_cpu_ms: Math.round(measured.cpuMs),
    load_average: measured.load,
    steps: steps.json(),
    kernels: kernelSteps.json(),
  };
  if (args.compare) {
    const bigint = arenaProver.proveArena({ ...params, transcript: captured.start.clone() });
    const packed = measured.result;
    const same = JSON.stringify(bigint.proof, replacer) === JSON.stringify(packed.proof, replacer) &&
      JSON.stringify(bigint.claims, replacer) === JSON.stringify(packed.claims, replacer) &&
      JSON.stringify(bigint.polys?.M, replacer) === JSON.stringify(packed.polys?.M, replacer) &&
      JSON.stringify(bigint.polys?.H, replacer) === JSON.stringify(packedTable.tableBigints(packed.polys!.H), replacer);
    out.packed_equals_bigint = same;
  }
  console.log(JSON.stringify(out, null, 2));
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString(16);
  if (value && typeof value === "object" && "toAffine" in value) {
    const p = (value as { toAffine(): { x: bigint; y: bigint } }).toAffine();
    return [p.x.toString(16), p.y.toString(16)];
  }
  return value;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
