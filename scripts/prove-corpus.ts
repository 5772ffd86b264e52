/**
 * Proves every corpus model the front end runs: setup (insecure development SRS, in a temporary setup
 * directory), prove and verify, each model in its own process (a heap limit and a time limit, so one model
 * running out of either is recorded and the run goes on). Writes `docs/corpus-proofs.md` after every model:
 * per model the status (or the node that cannot be proved yet), prove and verify times and the proof size.
 * A model that ships no input.json is proved on a synthetic input ({@link syntheticInputFile}), noted so.
 * Slow (every model is proved): kept out of `npm test`.
 *
 *   npx ts-node --transpile-only scripts/prove-corpus.ts [--models DIR] [--out FILE] [--only a,b] [--bits N] [--timeout S]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createSetupDir, loadSetupDir, loadSetupSrs } from "../src/artifacts/setup-dir";
import { proveWithSetup, readSetupInputs, verifyWithSetup, ZERO_ADDRESS } from "../src/artifacts/inference";
import { ModelError } from "../src/model/errors";
import { isFloatType, sizeOf } from "../src/model/ir";
import { importOnnx } from "../src/model/onnx/import";
import { DEFAULT_BITS } from "../src/model/defaults";
import { UnsupportedNodeError } from "../src/prover/graph/errors";
import { corpusModels } from "./corpus";

type Status = "proved" | "invalid" | "unsupported-node" | "front-end" | "error";

/** The note of a row proved on a synthesized input (no input.json in the corpus). */
const SYNTHETIC_NOTE = "synthetic input (no input.json in the corpus)";
/** Seed of the synthetic inputs' PRNG: one fixed input per model, the same on every run. */
const SYNTHETIC_SEED = 0x9e3779b9;

/**
 * Writes a deterministic input for a model that ships no input.json into `scratch` (never into the corpus) and
 * returns its path: per graph input (in order), its static shape with any symbolic or unknown dim taken as 1,
 * float values uniform in [0, 1) (the range of the corpus's image and feature inputs) from a seeded xorshift32,
 * integer and bool inputs 0 (a valid index for every gather). The same file serves as calibration and input.
 */
export function syntheticInputFile(model: string, scratch: string): string {
  const graph = importOnnx(model);
  let s = SYNTHETIC_SEED;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const lists = graph.inputs.map((info) => {
    const shape = info.shape.map((d) => (Number.isInteger(d) && d > 0 ? d : 1));
    return Array.from({ length: sizeOf(shape) }, () => (isFloatType(info.dtype) ? next() : 0));
  });
  mkdirSync(scratch, { recursive: true });
  const path = join(scratch, "synthetic-input.json");
  writeFileSync(path, JSON.stringify({ input_data: lists }));
  return path;
}

interface Row {
  readonly name: string;
  readonly status: Status;
  readonly setupMs?: number;
  readonly proveMs?: number;
  readonly proveCpuMs?: number;
  readonly verifyMs?: number;
  readonly proofBytes?: number;
  readonly note?: string;
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

/** One model through setup → prove → verify; never throws (failures become a status and a note). */
export function proveOne(dir: string, name: string, bits: number, scratch: string): Row {
  const model = join(dir, name, "network.onnx");
  const shipped = join(dir, name, "input.json");
  const synthetic = !existsSync(shipped);
  try {
    const input = synthetic ? syntheticInputFile(model, join(scratch, `${name}.input`)) : shipped;
    let start = performance.now();
    const created = createSetupDir({ model, calibration: input, out: join(scratch, name), bits });
    const setupMs = performance.now() - start;
    const setup = loadSetupDir(created.dir, { provingKey: true });
    const srs = loadSetupSrs(setup);
    const proved = proveWithSetup(setup, srs, readSetupInputs(setup, input), ZERO_ADDRESS);
    start = performance.now();
    const verdict = verifyWithSetup(setup, { ...proved.statement, proof: proved.proof });
    const verifyMs = performance.now() - start;
    const figures = { setupMs, proveMs: proved.proveMs, proveCpuMs: proved.proveCpuMs, verifyMs, proofBytes: proved.proof.length };
    const note = synthetic ? { note: SYNTHETIC_NOTE } : {};
    return verdict.valid ? { name, status: "proved", ...figures, ...note } : { name, status: "invalid", ...figures, note: verdict.reason };
  } catch (error) {
    // Paths relative to the corpus folder, so the table does not depend on where the corpus sits.
    const message = (error instanceof Error ? error.message : String(error)).split(`${dir}/`).join("").replace(/\|/g, "\\|").replace(/\n/g, " ");
    if (error instanceof UnsupportedNodeError) return { name, status: "unsupported-node", note: message };
    if (error instanceof ModelError) return { name, status: "front-end", note: message.replace(/\(supported: [^)]*\)/g, "(supported: see `deepprove inspect`)") };
    return { name, status: "error", note: message };
  } finally {
    rmSync(join(scratch, name), { recursive: true, force: true });
    rmSync(join(scratch, `${name}.input`), { recursive: true, force: true });
  }
}

const ms = (x: number | undefined) => (x === undefined ? "" : String(Math.round(x)));

/** Heap limit of each model's process (MiB): the machine is shared, and one model must not take it all. */
const HEAP_MB = 8192;
/** Wall-clock limit per model (setup + prove + verify), seconds. */
const DEFAULT_TIMEOUT_S = 900;
/** Marks the result line a model's process prints. */
const RESULT_TAG = "prove-corpus-result ";

/**
 * Runs one model in its own process (`--one`), so that a model that exhausts its heap or its time limit is
 * recorded as such and the run goes on.
 */
function proveIsolated(dir: string, name: string, bits: number, timeoutS: number): Row {
  const child = spawnSync(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, "-r", "ts-node/register/transpile-only", __filename, "--one", name, "--models", dir, "--bits", String(bits)],
    { encoding: "utf8", timeout: timeoutS * 1000, maxBuffer: 64 * 1024 * 1024, cwd: resolve(__dirname, "..") },
  );
  const line = child.stdout?.split("\n").find((l) => l.startsWith(RESULT_TAG));
  if (line) return JSON.parse(line.slice(RESULT_TAG.length)) as Row;
  if (child.error && (child.error as NodeJS.ErrnoException).code === "ETIMEDOUT") return { name, status: "error", note: `stopped after the ${timeoutS} s limit` };
  if (/heap out of memory/.test(child.stderr ?? "")) return { name, status: "error", note: `out of memory (heap limit ${HEAP_MB} MiB)` };
  const last = (child.stderr ?? "").trim().split("\n").pop() ?? "";
  return { name, status: "error", note: `the model's process exited (${child.signal ?? `code ${child.status}`}): ${last.replace(/\|/g, "\\|")}` };
}

function table(rows: readonly Row[], bits: number): string {
  const count = (s: Status) => rows.filter((r) => r.status === s).length;
  return [
    "# Corpus proofs",
    "",
    "Generated by `npx ts-node --transpile-only scripts/prove-corpus.ts`; do not edit by hand. Each model of",
    `\`../shared/models\` (${rows.length} models) is set up (${bits} bits, calibrated on its input.json, INSECURE development SRS),`,
    "proved on its input.json and verified (`proveInference` / `verifyInference` through a setup directory, as",
    "`deepprove prove` / `verify` do), each model in its own process with a heap limit of " + `${HEAP_MB} MiB.`,
    "A model without an input.json is set up and proved on a synthetic input (note \"synthetic input\": every",
    "symbolic dim 1, float values uniform in [0, 1) from a seeded PRNG, integer inputs 0; written to the run's",
    "scratch directory, never into the corpus).",
    "Times are wall-clock on the shared 2-core machine, one run each; prove excludes the integer forward pass;",
    "prove CPU is the process CPU time of proving (both threads), the steadier figure when other work shares the",
    "machine. Proof bytes = the proof stream (the verifier's calldata).",
    "",
    `proved and verified: **${count("proved")}** of ${rows.length}; node not provable yet: ${count("unsupported-node")};`,
    `front end refuses: ${count("front-end")}; proof rejected: ${count("invalid")}; other errors: ${count("error")}; on a synthetic input: ${rows.filter((r) => r.note === SYNTHETIC_NOTE).length}.`,
    "",
    "| model | status | setup ms | prove ms | prove CPU ms | verify ms | proof bytes | note |",
    "|---|---|---:|---:|---:|---:|---:|---|",
    ...rows.map((r) => `| ${r.name} | ${r.status} | ${ms(r.setupMs)} | ${ms(r.proveMs)} | ${ms(r.proveCpuMs)} | ${ms(r.verifyMs)} | ${r.proofBytes ?? ""} | ${r.note ?? ""} |`),
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const dir = resolve(arg("--models", resolve(__dirname, "../../shared/models")));
  const bits = Number(arg("--bits", String(DEFAULT_BITS)));
  const one = arg("--one", "");
  if (one) {
    // A model's own process: one result line on stdout.
    const scratch = mkdtempSync(join(tmpdir(), "deepprove-prove-corpus-"));
    try {
      process.stdout.write(`${RESULT_TAG}${JSON.stringify(proveOne(dir, one, bits, scratch))}\n`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    return;
  }
  const out = resolve(arg("--out", resolve(__dirname, "../docs/corpus-proofs.md")));
  const timeoutS = Number(arg("--timeout", String(DEFAULT_TIMEOUT_S)));
  const only = arg("--only", "");
  const names = only ? only.split(",") : corpusModels(dir);
  const rows: Row[] = [];
  for (const name of names) {
    const row = proveIsolated(dir, name, bits, timeoutS);
    rows.push(row);
    process.stderr.write(`${name}: ${row.status}${row.proveMs !== undefined ? ` (prove ${ms(row.proveMs)} ms, verify ${ms(row.verifyMs)} ms, ${row.proofBytes} bytes)` : ""}${row.note && row.status !== "proved" ? ` — ${row.note}` : ""}\n`);
    // Rewritten after every model, so a stopped run still leaves the rows it finished.
    writeFileSync(out, table(rows, bits));
  }
  process.stderr.write(`wrote ${out}\n`);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`prove-corpus: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
