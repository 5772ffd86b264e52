/**
 * Writes the llama.cpp float reference for the GGUF front end as committed JSON fixtures in
 * `test/fixtures/gguf/`.
 *
 * llama.cpp is reached through the npm package `node-llama-cpp` (its CPU binary ships inside the package, so it
 * runs offline). The package installs ≈ 725 MB, so it is deliberately NOT a project dependency: this script
 * installs it on demand into a scratch directory outside the repository (`$DEEPPROVE_REF_DIR`, default
 * `/tmp/deepprove-llama-ref`) with `npm install --no-save`, and imports it from there.
 *
 * What it records (all greedy, CPU, BOS prepended as llama.cpp's completion API does):
 * - `stories260K.reference.json`: the prompt "Once upon a time", the 40- and 64-token greedy continuations
 *   (ids and text), and llama.cpp's own tokenization of a few strings (to cross-check our tokenizer).
 * - `llama-2-tiny-random.reference.json`: logits of the F16 random llama-2 model on a fixed prompt: the full
 *   vocabulary vector at the last position (float32, base64, little-endian) and the top-8 (id, logit) pairs
 *   at every position; plus tokenizations with the 32,000-token Llama-2 vocabulary.
 * - `synthetic-kquants.reference.json`: the full logits at every position of a deterministic synthetic llama
 *   whose matrices are Q8_0, Q4_0 and Q4_K blocks (`test/model/gguf-synthetic.ts`), so our dequantization
 *   is checked against llama.cpp's own.
 *
 * Usage: `npx ts-node --transpile-only scripts/gguf-reference.ts [--models <dir>]` (or `scripts/gguf-reference.sh`).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SYNTHETIC, writeSyntheticLlama } from "../test/model/gguf-synthetic";

/** The llama.cpp build the fixtures were recorded with (SOURCE.md of the shared models names the same one). */
const NODE_LLAMA_CPP_VERSION = "3.22.1";
const REF_DIR = process.env.DEEPPROVE_REF_DIR ?? "/tmp/deepprove-llama-ref";
const REPO_ROOT = resolve(__dirname, "..");
const FIXTURE_DIR = join(REPO_ROOT, "test", "fixtures", "gguf");
const DEFAULT_MODEL_DIR = resolve(REPO_ROOT, "..", "shared", "models", "gguf");

const STORIES_PROMPT = "Once upon a time";
const STORIES_LENGTHS = [40, 64] as const;
const TINY_PROMPT = "The quick brown fox jumps over the lazy dog";
/** Top-k logits kept per position: enough to check argmax and ranking without committing 32,000 floats each. */
const TOP_K = 8;
/** Strings whose llama.cpp tokenization is recorded, chosen to exercise merges, spaces and byte fallback. */
const TOKENIZER_SAMPLES = [
  "Once upon a time",
  "Hello world",
  " leading space and  double  spaces",
  "Lily's mom said: \"Don't go!\"",
  "naïve café — 日本語 🙂",
  "line one\nline two\ttab",
  "",
];

/* eslint-disable @typescript-eslint/no-explicit-any -- node-llama-cpp is loaded at run time, untyped here */
type Llama = any;

/** Installs node-llama-cpp into the scratch directory unless it is already there. */
function ensureInstalled(): string {
  const entry = join(REF_DIR, "node_modules", "node-llama-cpp", "dist", "index.js");
  const pkgJson = join(REF_DIR, "node_modules", "node-llama-cpp", "package.json");
  const installed = existsSync(pkgJson) && JSON.parse(readFileSync(pkgJson, "utf8")).version === NODE_LLAMA_CPP_VERSION;
  if (!installed) {
    mkdirSync(REF_DIR, { recursive: true });
    const manifest = join(REF_DIR, "package.json");
    if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name: "deepprove-llama-ref", private: true }));
    process.stderr.write(`installing node-llama-cpp@${NODE_LLAMA_CPP_VERSION} into ${REF_DIR} (≈ 725 MB)\n`);
    execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", `node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`], {
      cwd: REF_DIR,
      stdio: "inherit",
    });
  }
  return entry;
}

/** `import()` that TypeScript's CommonJS output leaves alone (node-llama-cpp is ESM only). */
const dynamicImport = new Function("specifier", "return import(specifier)") as (s: string) => Promise<any>;

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Greedy generation of `count` tokens after `[BOS, ...prompt]`, on a fresh context. */
async function greedy(model: any, promptIds: number[], count: number): Promise<number[]> {
  const context = await model.createContext({ contextSize: 256 });
  try {
    const sequence = context.getSequence();
    const out: number[] = [];
    for await (const token of sequence.evaluate(promptIds, { temperature: 0 })) {
      out.push(token);
      if (out.length >= count) break;
    }
    return out;
  } finally {
    await context.dispose();
  }
}

/** Logits after every position of `ids` (a full vocabulary map per position). */
async function logitsPerPosition(model: any, ids: number[]): Promise<Map<number, number>[]> {
  const context = await model.createContext({ contextSize: 64 });
  try {
    const sequence = context.getSequence();
    const results = await sequence.controlledEvaluate(
      ids.map((id) => [id, { generateNext: { logits: true } }]),
    );
    return results.map((r: any, i: number) => {
      if (!r?.next?.logits) throw new Error(`llama.cpp returned no logits at position ${i}`);
      return r.next.logits as Map<number, number>;
    });
  } finally {
    await context.dispose();
  }
}

function tokenizations(model: any): { text: string; ids: number[] }[] {
  return TOKENIZER_SAMPLES.map((text) => ({ text, ids: [...model.tokenize(text)] }));
}

async function storiesReference(llama: Llama, modelDir: string): Promise<void> {
  const path = join(modelDir, "stories260K.gguf");
  const model = await llama.loadModel({ modelPath: path });
  const promptIds = [model.tokens.bos, ...model.tokenize(STORIES_PROMPT)];
  const generations: Record<string, { ids: number[]; text: string }> = {};
  for (const n of STORIES_LENGTHS) {
    const ids = await greedy(model, promptIds, n);
    generations[String(n)] = { ids, text: model.detokenize(ids) };
  }
  writeFixture("stories260K.reference.json", {
    model: "stories260K.gguf",
    sha256: sha256(path),
    reference: `llama.cpp via node-llama-cpp ${NODE_LLAMA_CPP_VERSION}, CPU, greedy (temperature 0), BOS prepended`,
    prompt: STORIES_PROMPT,
    prompt_ids: promptIds,
    generations,
    tokenizations: tokenizations(model),
  });
  await model.dispose();
}

async function tinyReference(llama: Llama, modelDir: string): Promise<void> {
  const path = join(modelDir, "llama-2-tiny-random.gguf");
  const model = await llama.loadModel({ modelPath: path });
  const ids = [model.tokens.bos, ...model.tokenize(TINY_PROMPT)];
  const perPosition = await logitsPerPosition(model, ids);
  const vocab = model.tokens.vocabularySize ?? perPosition[0].size;
  const last = new Float32Array(vocab);
  for (const [id, logit] of perPosition[perPosition.length - 1]) last[id] = logit;
  writeFixture("llama-2-tiny-random.reference.json", {
    model: "llama-2-tiny-random.gguf",
    sha256: sha256(path),
    reference: `llama.cpp via node-llama-cpp ${NODE_LLAMA_CPP_VERSION}, CPU, BOS prepended`,
    prompt: TINY_PROMPT,
    prompt_ids: ids,
    top_logits: perPosition.map((m) => [...m.entries()].slice(0, TOP_K)),
    last_logits_f32le_base64: Buffer.from(last.buffer).toString("base64"),
    tokenizations: tokenizations(model),
  });
  await model.dispose();
}

async function syntheticReference(llama: Llama): Promise<void> {
  const path = join(REF_DIR, "synthetic-kquants.gguf");
  await writeSyntheticLlama(path);
  const model = await llama.loadModel({ modelPath: path });
  const ids = [...SYNTHETIC.promptIds];
  const perPosition = await logitsPerPosition(model, ids);
  const rows = perPosition.map((m) => {
    const row = new Array<number>(SYNTHETIC.nVocab).fill(0);
    for (const [id, logit] of m) row[id] = logit;
    return row;
  });
  writeFixture("synthetic-kquants.reference.json", {
    model: "test/model/gguf-synthetic.ts (writeSyntheticLlama)",
    sha256: sha256(path),
    reference: `llama.cpp via node-llama-cpp ${NODE_LLAMA_CPP_VERSION}, CPU`,
    prompt_ids: ids,
    logits: rows,
  });
  await model.dispose();
}

function writeFixture(name: string, value: unknown): void {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const path = join(FIXTURE_DIR, name);
  writeFileSync(path, `${JSON.stringify(value, null, 1)}\n`);
  process.stdout.write(`wrote ${path}\n`);
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf("--models");
  const modelDir = flag >= 0 ? resolve(process.argv[flag + 1]) : DEFAULT_MODEL_DIR;
  const entry = ensureInstalled();
  const { getLlama } = await dynamicImport(pathToFileURL(entry).href);
  // build: "never" — use the prebuilt binary in the package; never try to compile or download one.
  const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" });
  await storiesReference(llama, modelDir);
  await tinyReference(llama, modelDir);
  await syntheticReference(llama);
  await llama.dispose();
}

main().catch((error) => {
  process.stderr.write(`gguf-reference: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
