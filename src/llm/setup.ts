/**
 * The setup directory of a GGUF generation model (docs/gguf.md, "Proved generation"): the ONNX setup
 * directory's layout and checks (docs/proof-format.md), with the GGUF file named by path and SHA-256 in the
 * manifest instead of a copy (a model can be large; its hash pins it):
 *
 *     <dir>/setup.json           manifest: format "deepprove-llm-setup", version, digest, bits, context C,
 *                                model { file, sha256 }, SRS origin, keccak256 of the two key files
 *     <dir>/verifying-key.json   src/prover/keys.ts
 *     <dir>/proving-key.json     src/prover/keys.ts
 *
 * Loading trusts nothing: it re-reads the GGUF file (the recorded path, or the one given), checks its SHA-256,
 * re-quantizes the generation model (src/llm/model.ts) at the manifest's bits and context and requires it to
 * hash to the keys' digest.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { SetupDirError } from "../artifacts/errors";
import { checkSetupOut, jsonBytes, keccakHex } from "../artifacts/setup-files";
import { chooseSetupSrs, reloadSetupSrs } from "../artifacts/setup-srs";
import { requiredSrsSize, sizingPlan, writeDirAtomic, type SrsSource } from "../artifacts/setup-dir";
import { chooseChunkBits } from "../prover/graph/chunks";
import { loadLlamaModel, type LlamaModel } from "../model/gguf/generate";
import type { QuantizedLlama } from "../model/gguf/llama-quant";
import { checkBits } from "../model/quant/quantize";
import { INSECURE_ORIGIN_PREFIX, type Srs } from "../pcs/srs";
import { provingKeyJson, readProvingKey, readVerifyingKey, verifyingKeyJson, type ProvingKey, type VerifyingKey } from "../prover/keys";
import { modelDigest, modelStatement, setupModel } from "../prover/setup";
import { VERSION } from "../version";
import { quantizeGenerator } from "./model";

/** The manifest's format tag and version. */
export const LLM_SETUP_FORMAT = "deepprove-llm-setup";
export const LLM_SETUP_VERSION = 1;

/** File names inside an LLM setup directory. */
export const LLM_SETUP_FILES = { manifest: "setup.json", verifyingKey: "verifying-key.json", provingKey: "proving-key.json" } as const;

const HASHED = [LLM_SETUP_FILES.verifyingKey, LLM_SETUP_FILES.provingKey] as const;

/** The `setup.json` of an LLM setup. */
export interface LlmSetupManifest {
  readonly format: typeof LLM_SETUP_FORMAT;
  readonly version: number;
  readonly digest: string;
  readonly bits: number;
  /** Positions C of the proved graph: a proof covers prompt + generated − 1 ≤ C tokens. */
  readonly context: number;
  /** The GGUF file: absolute path at setup time and SHA-256 of its bytes (lowercase hex). */
  readonly model: { readonly file: string; readonly sha256: string };
  readonly srs: SrsSource;
  readonly createdWith: string;
  /** keccak256 of the key files, 0x-hex, by file name. */
  readonly files: Readonly<Record<string, string>>;
}

/** A loaded, checked LLM setup. */
export interface LoadedLlmSetup {
  readonly dir: string;
  readonly manifest: LlmSetupManifest;
  readonly llama: LlamaModel;
  readonly q: QuantizedLlama;
  readonly vk: VerifyingKey;
  readonly pk?: ProvingKey;
  readonly insecure: boolean;
}

/** Options of {@link createLlmSetup}. */
export interface CreateLlmSetupOptions {
  readonly gguf: string;
  readonly out: string;
  readonly bits: number;
  readonly context: number;
  readonly ptau?: string;
  readonly force?: boolean;
  readonly onProgress?: (line: string) => void;
  /**
   * Chunk width of the per-proof commitments; default {@link llmChunkBits}. null: unchunked (one commitment per
   * polynomial, as the Solidity generator needs — e.g. to measure the verifier's gas past its limits).
   */
  readonly chunkBits?: number | null;
}

/** What {@link createLlmSetup} made (the SRS too, so a caller can prove at once). */
export interface CreatedLlmSetup extends LoadedLlmSetup {
  readonly srs: Srs;
  readonly pk: ProvingKey;
}

/**
 * Chunk width target of the LLM's per-proof commitments (docs/gguf.md, "Chunked commitments"): A, M and H are
 * committed in chunks of 2^20 entries, so the batch opening's HyperKZG runs over 20 variables instead of 24 at
 * 128 positions (its MSMs 16× smaller) and the SRS needs 2^20 powers. 20 is stories260K's largest slot at 128
 * positions (the 2^L-row limb range table, L = 20), below which the chunk cannot go.
 */
export const LLM_CHUNK_BITS = 20;

/** The chunk width of a generation model's setup: {@link LLM_CHUNK_BITS}, or its largest A/M/H slot if larger. */
export function llmChunkBits(model: QuantizedLlama["model"]): number {
  return chooseChunkBits(sizingPlan(model), LLM_CHUNK_BITS);
}

/** True when `dir` holds an LLM setup's manifest (so `deepprove verify` can dispatch on it). */
export function isLlmSetupDir(dir: string): boolean {
  const path = join(resolve(dir), LLM_SETUP_FILES.manifest);
  if (!existsSync(path)) return false;
  try {
    return (JSON.parse(readFileSync(path, "utf8")) as { format?: unknown }).format === LLM_SETUP_FORMAT;
  } catch {
    return false;
  }
}

/**
 * Quantizes the generation model, commits it over the SRS (a verified `.ptau`, else the INSECURE development
 * SRS) and writes the directory atomically. @throws {SetupDirError} for an unusable output path or model file
 */
export async function createLlmSetup(options: CreateLlmSetupOptions): Promise<CreatedLlmSetup> {
  const progress = options.onProgress ?? (() => {});
  const out = resolve(options.out);
  const bits = checkBits(options.bits);
  checkSetupOut(out, LLM_SETUP_FILES.manifest, options.force ?? false);
  const file = resolve(options.gguf);
  const sha256 = fileSha256(file);
  progress(`loading ${options.gguf}`);
  const llama = await loadLlamaModel(file);
  progress(`quantizing at ${bits} bits for a context of ${options.context} positions`);
  const q = quantizeGenerator(llama, bits, options.context);
  const chunkBits = options.chunkBits === undefined ? llmChunkBits(q.model) : options.chunkBits;
  const { srs, source } = chooseSetupSrs(options.ptau, requiredSrsSize(q.model, chunkBits), progress);
  progress("committing the model");
  const setup = setupModel(q.model, srs, { chunkBits });
  const files: Record<string, Uint8Array> = {
    [LLM_SETUP_FILES.verifyingKey]: jsonBytes(verifyingKeyJson(setup, srs)),
    [LLM_SETUP_FILES.provingKey]: jsonBytes(provingKeyJson(setup, srs, setup.slotData)),
  };
  const manifest: LlmSetupManifest = {
    format: LLM_SETUP_FORMAT,
    version: LLM_SETUP_VERSION,
    digest: setup.digest,
    bits,
    context: options.context,
    model: { file, sha256 },
    srs: source,
    createdWith: `deepprove ${VERSION}`,
    files: Object.fromEntries(HASHED.map((name) => [name, keccakHex(files[name])])),
  };
  files[LLM_SETUP_FILES.manifest] = jsonBytes(manifest);
  writeDirAtomic(out, files, options.force ?? false);
  progress(`wrote ${out}`);
  const vk = readVerifyingKey(join(out, LLM_SETUP_FILES.verifyingKey));
  const pk = readProvingKey(join(out, LLM_SETUP_FILES.provingKey));
  return { dir: out, manifest, llama, q, vk, pk, srs, insecure: source.kind === "insecure-dev" };
}

/**
 * Loads and checks an LLM setup directory (see the file comment). `gguf` overrides the recorded model path.
 * @throws {SetupDirError} naming the directory or file and what is wrong
 */
export async function loadLlmSetup(dir: string, options: { provingKey?: boolean; gguf?: string } = {}): Promise<LoadedLlmSetup> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new SetupDirError(`${dir}: not a setup directory (no such directory)`);
  const path = (name: string) => join(root, name);
  const manifest = parseLlmManifest(path(LLM_SETUP_FILES.manifest));
  for (const name of HASHED) {
    if (name === LLM_SETUP_FILES.provingKey && !options.provingKey) continue;
    if (!existsSync(path(name))) throw new SetupDirError(`${path(name)}: missing`);
    const actual = keccakHex(new Uint8Array(readFileSync(path(name))));
    if (actual !== manifest.files[name]) throw new SetupDirError(`${path(name)}: keccak256 ${actual} differs from ${manifest.files[name]} recorded in ${LLM_SETUP_FILES.manifest} (the file was changed after setup)`);
  }
  const vk = readVerifyingKey(path(LLM_SETUP_FILES.verifyingKey));
  if (vk.digest !== manifest.digest) throw new SetupDirError(`${path(LLM_SETUP_FILES.verifyingKey)}: digest ${vk.digest} differs from ${manifest.digest} in ${LLM_SETUP_FILES.manifest}`);
  const file = options.gguf ? resolve(options.gguf) : manifest.model.file;
  if (!existsSync(file)) throw new SetupDirError(`${file}: the GGUF model of ${root} is missing (pass its path with --model <file.gguf>)`);
  const sha256 = fileSha256(file);
  if (sha256 !== manifest.model.sha256) throw new SetupDirError(`${file}: SHA-256 ${sha256} differs from ${manifest.model.sha256} recorded in ${path(LLM_SETUP_FILES.manifest)} (another model file)`);
  const llama = await loadLlamaModel(file);
  const q = quantizeGenerator(llama, manifest.bits, manifest.context);
  let digest: string;
  try {
    digest = modelDigest(modelStatement(q.model, vk.layout, vk.commitment, undefined, vk.statement.chunkBits ?? null));
  } catch (error) {
    throw new SetupDirError(`${file}: the model does not fit the verifying key's layout (${(error as Error).message})`);
  }
  if (digest !== vk.digest) throw new SetupDirError(`${file}: the generation model re-quantized at ${manifest.bits} bits, context ${manifest.context}, hashes to ${digest}, not to the keys' digest ${vk.digest}`);
  let pk: ProvingKey | undefined;
  if (options.provingKey) {
    pk = readProvingKey(path(LLM_SETUP_FILES.provingKey));
    if (pk.digest !== vk.digest) throw new SetupDirError(`${path(LLM_SETUP_FILES.provingKey)}: digest ${pk.digest} differs from the verifying key's ${vk.digest}`);
  }
  return { dir: root, manifest, llama, q, vk, pk, insecure: manifest.srs.kind === "insecure-dev" };
}

/** The SRS of a loaded setup, for proving (the dev SRS from its seed; a ceremony file re-read and matched). */
export function loadLlmSrs(setup: LoadedLlmSetup, ptau?: string): Srs {
  return reloadSetupSrs(setup.dir, setup.manifest.srs, setup.vk.pcs.tauG2, { ptau });
}

function parseLlmManifest(where: string): LlmSetupManifest {
  if (!existsSync(where)) throw new SetupDirError(`${where}: missing (is ${dirname(where)} a directory made by \`deepprove generate --prove\`?)`);
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(readFileSync(where, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new SetupDirError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  const fail = (why: string): never => {
    throw new SetupDirError(`${where}: ${why}`);
  };
  if (typeof m !== "object" || m === null) fail("not a JSON object");
  if (m.format !== LLM_SETUP_FORMAT) fail(`format is ${JSON.stringify(m.format)}, expected "${LLM_SETUP_FORMAT}"`);
  if (m.version !== LLM_SETUP_VERSION) fail(`version ${JSON.stringify(m.version)} is not supported (this build reads version ${LLM_SETUP_VERSION})`);
  if (typeof m.digest !== "string" || !/^0x[0-9a-f]{64}$/.test(m.digest)) fail('field "digest" must be 0x + 64 lowercase hex digits');
  if (typeof m.bits !== "number") fail('field "bits" must be a number');
  try {
    checkBits(m.bits as number);
  } catch (error) {
    fail(`field "bits": ${(error as Error).message}`);
  }
  if (!Number.isSafeInteger(m.context) || (m.context as number) < 2) fail('field "context" must be an integer ≥ 2');
  const model = m.model as Record<string, unknown> | undefined;
  if (typeof model !== "object" || model === null || typeof model.file !== "string" || typeof model.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(model.sha256)) {
    fail('field "model" must be { "file": path, "sha256": 64 lowercase hex digits }');
  }
  const srs = m.srs as Record<string, unknown> | undefined;
  if (typeof srs !== "object" || srs === null || typeof srs.origin !== "string" || !Number.isSafeInteger(srs.size)) fail('field "srs" needs a string "origin" and an integer "size"');
  if (srs!.kind === "insecure-dev") {
    if (typeof srs!.seed !== "string" || !(srs!.origin as string).startsWith(INSECURE_ORIGIN_PREFIX)) fail(`an insecure-dev srs needs its seed and an ${INSECURE_ORIGIN_PREFIX} origin`);
  } else if (srs!.kind !== "ptau" || typeof srs!.file !== "string") fail('srs.kind must be "insecure-dev" or "ptau" (with its file)');
  const files = m.files as Record<string, unknown> | undefined;
  if (typeof files !== "object" || files === null) fail('field "files" must be an object');
  for (const name of HASHED) if (typeof files![name] !== "string" || !/^0x[0-9a-f]{64}$/.test(files![name] as string)) fail(`files."${name}" must be a keccak256 (0x + 64 hex digits)`);
  return m as unknown as LlmSetupManifest;
}

/** SHA-256 of a file, lowercase hex. @throws {SetupDirError} when it cannot be read */
export function fileSha256(path: string): string {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch (error) {
    throw new SetupDirError(`${path}: cannot read the model (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

