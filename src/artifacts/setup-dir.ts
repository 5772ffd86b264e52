/**
 * The setup directory: everything needed to prove and verify inferences of one model, made once by
 * `deepprove setup` and read by `prove`, `verify` and `bench`.
 *
 *     <dir>/model.onnx           the ONNX file, copied byte for byte
 *     <dir>/calibration.json     the calibration input the scales were fitted on, copied byte for byte
 *     <dir>/setup.json           the manifest (format, version, bits, digest, SRS origin, file hashes, …)
 *     <dir>/verifying-key.json   src/prover/keys.ts
 *     <dir>/proving-key.json     src/prover/keys.ts
 *
 * The directory is written atomically (a sibling temporary directory, then one rename). Loading it does not
 * trust the keys' statement: it re-imports and re-quantizes the model from the copied files and checks that
 * the result hashes to the keys' digest, so a directory whose model file was swapped is refused by name.
 * Spec: docs/proof-format.md ("Setup directory").
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { importOnnxBytes } from "../model/onnx/import";
import { parseInputs } from "../model/input";
import { quantizeGraph, type QuantizedModel } from "../model/quant/quantize";
import { checkBits } from "../model/quant/quantize";
import { ModelError } from "../model/errors";
import type { Graph, Tensor } from "../model/ir";
import { DEFAULT_BITS } from "../model/defaults";
import { INSECURE_ORIGIN_PREFIX, type Srs } from "../pcs/srs";
import { G1, G2 } from "../curve/bn254";
import { modelDigest, modelSlotData, modelStatement, setupModel, type ModelSetup } from "../prover/setup";
import { compileGraph } from "../prover/graph/compile";
import type { VerifierPlan } from "../prover/graph/plan";
import { planOf } from "../prover/graph/verifier-plan";
import { arenaContext } from "../lookup/arena-protocol";
import { modelPolyLayout } from "../prover/model-poly";
import { provingKeyJson, readProvingKey, readVerifyingKey, verifyingKeyJson, type ProvingKey, type VerifyingKey } from "../prover/keys";
import { VERSION } from "../version";
import { writeFileAtomic } from "./atomic";
import { SetupDirError } from "./errors";
import { checkSetupOut, jsonBytes, keccakHex } from "./setup-files";
import { chooseSetupSrs, reloadSetupSrs } from "./setup-srs";

/** The manifest's format tag and the version this build writes and reads. */
export const SETUP_FORMAT = "deepprove-setup";
export const SETUP_VERSION = 1;

/** File names inside a setup directory. */
export const SETUP_FILES = {
  model: "model.onnx",
  calibration: "calibration.json",
  manifest: "setup.json",
  verifyingKey: "verifying-key.json",
  provingKey: "proving-key.json",
} as const;

/** Files whose keccak256 the manifest records (everything but the manifest itself). */
const HASHED_FILES = [SETUP_FILES.model, SETUP_FILES.calibration, SETUP_FILES.verifyingKey, SETUP_FILES.provingKey] as const;

/** Where the SRS of a setup came from, as recorded in the manifest. */
export type SrsSource =
  /** A Powers of Tau ceremony file, verified at setup; `file` is its absolute path at setup time. */
  | { readonly kind: "ptau"; readonly origin: string; readonly size: number; readonly file: string }
  /** INSECURE: the seeded development SRS anyone can forge proofs against (tests and demos only). */
  | { readonly kind: "insecure-dev"; readonly origin: string; readonly size: number; readonly seed: string };

/** The `setup.json` manifest. */
export interface SetupManifest {
  readonly format: typeof SETUP_FORMAT;
  readonly version: number;
  /** The model digest (the keys' digest). */
  readonly digest: string;
  /** Quantization bit width the model was quantized at. */
  readonly bits: number;
  readonly srs: SrsSource;
  /** `deepprove <version>` that wrote the directory (informational). */
  readonly createdWith: string;
  /** keccak256 of every other file, 0x-hex, by file name. */
  readonly files: Readonly<Record<string, string>>;
}

/** A loaded, checked setup directory. */
export interface LoadedSetup {
  readonly dir: string;
  readonly manifest: SetupManifest;
  /** The graph re-imported from model.onnx. */
  readonly graph: Graph;
  /** The model re-quantized from model.onnx + calibration.json at manifest.bits (hashes to vk.digest). */
  readonly model: QuantizedModel;
  readonly vk: VerifyingKey;
  /** Present when loaded with `{ provingKey: true }`. */
  readonly pk?: ProvingKey;
  /** True when the SRS is the insecure development one (proofs are forgeable). */
  readonly insecure: boolean;
}

/** Options of {@link createSetupDir}. */
export interface CreateSetupOptions {
  /** The ONNX model file. */
  readonly model: string;
  /** The calibration input file (EZKL `input.json` or a plain array). */
  readonly calibration: string;
  /** The directory to create. */
  readonly out: string;
  readonly bits?: number;
  /** A `.ptau` file; without it the INSECURE development SRS is used. */
  readonly ptau?: string;
  /** Replace an existing directory at `out`. */
  readonly force?: boolean;
  /** Progress lines (for stderr). */
  readonly onProgress?: (line: string) => void;
}

/** What {@link createSetupDir} made. */
export interface CreatedSetup {
  readonly dir: string;
  readonly manifest: SetupManifest;
  readonly model: QuantizedModel;
  readonly setup: ModelSetup;
  readonly srs: Srs;
}

/**
 * Imports and quantizes the model, runs the model setup over the SRS (a verified `.ptau` or the insecure
 * development one) and writes the setup directory atomically. @throws {SetupDirError} for an unusable
 * output path; {@link ModelError}, PtauError, SetupError for bad model, calibration or SRS files.
 */
export function createSetupDir(options: CreateSetupOptions): CreatedSetup {
  const progress = options.onProgress ?? (() => {});
  const out = resolve(options.out);
  const bits = checkBits(options.bits ?? DEFAULT_BITS);
  checkSetupOut(out, SETUP_FILES.manifest, options.force ?? false);
  const modelBytes = readInput(options.model, "model");
  const calibrationBytes = readInput(options.calibration, "calibration input");

  progress(`importing ${options.model}`);
  const graph = importOnnxBytes(modelBytes, options.model);
  const inputs = parseInputs(Buffer.from(calibrationBytes).toString("utf8"), graph, options.calibration);
  progress(`quantizing at ${bits} bits`);
  const model = quantizeGraph(graph, [inputs], bits);

  const { srs, source } = chooseSetupSrs(options.ptau, requiredSrsSize(model), progress);
  progress("committing the model");
  const setup = setupModel(model, srs);

  const files: Record<string, Uint8Array> = {
    [SETUP_FILES.model]: modelBytes,
    [SETUP_FILES.calibration]: calibrationBytes,
    [SETUP_FILES.verifyingKey]: jsonBytes(verifyingKeyJson(setup, srs)),
    [SETUP_FILES.provingKey]: jsonBytes(provingKeyJson(setup, srs, setup.slotData)),
  };
  const manifest: SetupManifest = {
    format: SETUP_FORMAT,
    version: SETUP_VERSION,
    digest: setup.digest,
    bits,
    srs: source,
    createdWith: `deepprove ${VERSION}`,
    files: Object.fromEntries(HASHED_FILES.map((name) => [name, keccakHex(files[name])])),
  };
  files[SETUP_FILES.manifest] = jsonBytes(manifest);
  writeDirAtomic(out, files, options.force ?? false);
  progress(`wrote ${out}`);
  return { dir: out, manifest, model, setup, srs };
}

/**
 * Loads and checks a setup directory: every file present, the manifest's format and version, every file's
 * hash, the keys' digest, and the model re-derived from model.onnx + calibration.json hashing to that digest.
 * @throws {SetupDirError} naming the directory and the offending file
 */
export function loadSetupDir(dir: string, options: { provingKey?: boolean } = {}): LoadedSetup {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new SetupDirError(`${dir}: not a setup directory (no such directory)`);
  const path = (name: string) => join(root, name);
  for (const name of Object.values(SETUP_FILES)) {
    if (name === SETUP_FILES.provingKey && !options.provingKey) continue;
    if (!existsSync(path(name))) throw new SetupDirError(`${path(name)}: missing (is ${dir} a directory made by \`deepprove setup\`?)`);
  }
  const manifest = parseManifest(readFileSync(path(SETUP_FILES.manifest), "utf8"), path(SETUP_FILES.manifest));
  const bytes = new Map<string, Uint8Array>();
  for (const name of HASHED_FILES) {
    if (name === SETUP_FILES.provingKey && !options.provingKey) continue;
    const data = new Uint8Array(readFileSync(path(name)));
    const actual = keccakHex(data);
    if (actual !== manifest.files[name]) {
      throw new SetupDirError(`${path(name)}: keccak256 ${actual} differs from ${manifest.files[name]} recorded in ${SETUP_FILES.manifest} (the file was changed after setup)`);
    }
    bytes.set(name, data);
  }

  const vk = readVerifyingKey(path(SETUP_FILES.verifyingKey));
  if (vk.digest !== manifest.digest) throw new SetupDirError(`${path(SETUP_FILES.verifyingKey)}: digest ${vk.digest} differs from ${manifest.digest} in ${SETUP_FILES.manifest}`);
  if (vk.srsOrigin !== manifest.srs.origin) throw new SetupDirError(`${path(SETUP_FILES.verifyingKey)}: SRS origin ${vk.srsOrigin} differs from ${manifest.srs.origin} in ${SETUP_FILES.manifest}`);

  const { graph, model } = rederiveModel(bytes.get(SETUP_FILES.model)!, bytes.get(SETUP_FILES.calibration)!, manifest.bits, path);
  let digest: string;
  try {
    digest = modelDigest(modelStatement(model, vk.layout, vk.commitment));
  } catch (error) {
    throw new SetupDirError(`${path(SETUP_FILES.model)}: the model does not fit the verifying key's layout (${(error as Error).message})`);
  }
  if (digest !== vk.digest) {
    throw new SetupDirError(`${path(SETUP_FILES.model)}: the model re-quantized from ${SETUP_FILES.model} + ${SETUP_FILES.calibration} at ${manifest.bits} bits hashes to ${digest}, not to the keys' digest ${vk.digest}`);
  }

  let pk: ProvingKey | undefined;
  if (options.provingKey) {
    pk = readProvingKey(path(SETUP_FILES.provingKey));
    if (pk.digest !== vk.digest) throw new SetupDirError(`${path(SETUP_FILES.provingKey)}: digest ${pk.digest} differs from the verifying key's ${vk.digest}`);
  }
  return { dir: root, manifest, graph, model, vk, pk, insecure: manifest.srs.kind === "insecure-dev" };
}

/**
 * The SRS a loaded setup was made with, for proving: the development SRS is regenerated from its seed (and
 * cached on disk); a ceremony file is re-read from `ptau` (default: the path recorded at setup). Either way
 * its τ·G2 must equal the verifying key's, so a different ceremony is refused rather than yielding proofs
 * that never verify. @throws {SetupDirError}
 */
export function loadSetupSrs(setup: LoadedSetup, options: { ptau?: string; onProgress?: (line: string) => void } = {}): Srs {
  return reloadSetupSrs(setup.dir, setup.manifest.srs, setup.vk.pcs.tauG2, options);
}

/** The manifest's checks: format, version, field types. @throws {SetupDirError} */
export function parseManifest(text: string, where: string): SetupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SetupDirError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new SetupDirError(`${where}: not a JSON object`);
  const m = json as Record<string, unknown>;
  if (m.format !== SETUP_FORMAT) throw new SetupDirError(`${where}: format is ${JSON.stringify(m.format)}, expected "${SETUP_FORMAT}"`);
  if (m.version !== SETUP_VERSION) throw new SetupDirError(`${where}: version ${JSON.stringify(m.version)} is not supported (this build reads version ${SETUP_VERSION})`);
  if (typeof m.digest !== "string" || !/^0x[0-9a-f]{64}$/.test(m.digest)) throw new SetupDirError(`${where}: field "digest" must be 0x + 64 lowercase hex digits`);
  if (typeof m.bits !== "number") throw new SetupDirError(`${where}: field "bits" must be a number`);
  try {
    checkBits(m.bits);
  } catch (error) {
    throw new SetupDirError(`${where}: field "bits": ${(error as Error).message}`);
  }
  const srs = m.srs as Record<string, unknown> | undefined;
  if (typeof srs !== "object" || srs === null) throw new SetupDirError(`${where}: field "srs" must be an object`);
  if (typeof srs.origin !== "string" || !Number.isSafeInteger(srs.size) || (srs.size as number) < 1) {
    throw new SetupDirError(`${where}: field "srs" needs a string "origin" and a positive integer "size"`);
  }
  if (srs.kind === "ptau") {
    if (typeof srs.file !== "string") throw new SetupDirError(`${where}: srs.file must be the .ptau path`);
  } else if (srs.kind === "insecure-dev") {
    if (typeof srs.seed !== "string" || !srs.origin.startsWith(INSECURE_ORIGIN_PREFIX)) throw new SetupDirError(`${where}: an insecure-dev srs needs its seed and an ${INSECURE_ORIGIN_PREFIX} origin`);
  } else {
    throw new SetupDirError(`${where}: srs.kind ${JSON.stringify(srs.kind)} is neither "ptau" nor "insecure-dev"`);
  }
  const files = m.files as Record<string, unknown> | undefined;
  if (typeof files !== "object" || files === null) throw new SetupDirError(`${where}: field "files" must be an object`);
  for (const name of HASHED_FILES) {
    if (typeof files[name] !== "string" || !/^0x[0-9a-f]{64}$/.test(files[name] as string)) throw new SetupDirError(`${where}: files."${name}" must be a keccak256 (0x + 64 hex digits)`);
  }
  return m as unknown as SetupManifest;
}

/**
 * SRS powers a setup must provide: enough for every polynomial a proof of the model commits — W (weights and
 * table columns) at setup, then per proof A (advice), M and H (the arena), each at most 2^chunkBits when the
 * setup chunks them (src/pcs/chunked.ts: every commitment and the batch opening are then that small).
 */
export function requiredSrsSize(model: QuantizedModel, chunkBits: number | null = null): number {
  const plan = sizingPlan(model);
  const vars = [plan.advice?.numVars ?? 0];
  if (plan.opening.polys.includes("M")) {
    const arena = arenaContext(plan.arena);
    vars.push(arena.mLayout.numVars, arena.hLayout.numVars);
  }
  return 2 ** Math.max(plan.weights.numVars, ...vars.map((n) => (chunkBits === null ? n : Math.min(n, chunkBits))));
}

/**
 * The model's verifier plan with placeholder keys: every layout (W, A, the arena's M and H) follows from the
 * model alone, never from the commitment.
 */
export function sizingPlan(model: QuantizedModel): VerifierPlan {
  const graph = compileGraph(model);
  const slots = modelSlotData(model, graph);
  const weights = modelPolyLayout([...slots].map(([name, v]) => ({ name, shape: v.shape })));
  return planOf(graph, weights, `0x${"00".repeat(32)}`, { commitment: G1.ZERO, g2: G2.BASE, tauG2: G2.BASE });
}

/** Re-imports and re-quantizes the copied model; errors name the copied file. */
function rederiveModel(modelBytes: Uint8Array, calibrationBytes: Uint8Array, bits: number, path: (name: string) => string): { graph: Graph; model: QuantizedModel } {
  let graph: Graph;
  try {
    graph = importOnnxBytes(modelBytes, path(SETUP_FILES.model));
  } catch (error) {
    if (error instanceof ModelError) throw new SetupDirError(error.message);
    throw error;
  }
  let inputs: Tensor[];
  try {
    inputs = parseInputs(Buffer.from(calibrationBytes).toString("utf8"), graph, path(SETUP_FILES.calibration));
  } catch (error) {
    if (error instanceof ModelError) throw new SetupDirError(error.message);
    throw error;
  }
  return { graph, model: quantizeGraph(graph, [inputs], bits) };
}

/** Writes every file into a sibling temporary directory, then renames it into place (replacing with `force`). */
export function writeDirAtomic(out: string, files: Record<string, Uint8Array>, force: boolean): void {
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}-${Date.now()}`);
  const old = `${tmp}.old`;
  mkdirSync(tmp);
  try {
    for (const [name, data] of Object.entries(files)) writeFileAtomic(join(tmp, name), data);
    if (force && existsSync(out)) renameSync(out, old);
    renameSync(tmp, out);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(out)) renameSync(old, out);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

function readInput(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new SetupDirError(`${path}: cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
