/**
 * Versioned proving and verifying key files (JSON). Both carry the model statement and its digest; reading a
 * file recomputes the digest, so a key whose statement was edited is refused. Layouts: docs/prover.md
 * ("Key files").
 *
 * - verifying key: statement, digest, and the SRS's G2 elements ([1]₂, [τ]₂) the pairing check needs;
 * - proving key: statement, digest, the SRS origin and size it was made with, and every weight's integer
 *   data (so the prover rebuilds the model table without re-quantizing).
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { bn254 } from "@noble/curves/bn254";
import { BASE_FIELD_MODULUS, G2, decodeG1, encodeG2, readWord, WORD_BYTES, G2_BYTES, type G1Point, type G2Point } from "../curve/bn254";
import type { Srs } from "../pcs/srs";
import type { HyperKzgVerifierKey } from "../pcs/hyperkzg";
import { G1 } from "../curve/bn254";
import { modelPolyLayout, modelPolyTable, type ModelPolyLayout } from "./model-poly";
import { MODEL_STATEMENT_FORMAT, modelDigest, type ModelSetup, type ModelStatement } from "./setup";

/** Format tags and the current version of the key files. */
export const KEY_FORMATS = { proving: "deepprove-proving-key", verifying: "deepprove-verifying-key" } as const;
export const KEY_VERSION = 1;

/** A verifying key as loaded: everything a verifier needs about the model. */
export interface VerifyingKey {
  readonly statement: ModelStatement;
  readonly digest: string;
  readonly commitment: G1Point;
  readonly layout: ModelPolyLayout;
  readonly pcs: HyperKzgVerifierKey;
  readonly srsOrigin: string;
}

/** A proving key as loaded. */
export interface ProvingKey {
  readonly statement: ModelStatement;
  readonly digest: string;
  readonly commitment: G1Point;
  readonly layout: ModelPolyLayout;
  /** The model table rebuilt from the stored weights. */
  readonly table: readonly bigint[];
  readonly srsOrigin: string;
  readonly srsSize: number;
}

/** A key file that cannot be read: names the file and what is wrong. */
export class KeyFileError extends Error {
  override readonly name = "KeyFileError";
}

/** The verifying key file's JSON object. */
export function verifyingKeyJson(setup: ModelSetup, srs: Srs): object {
  return {
    format: KEY_FORMATS.verifying,
    version: KEY_VERSION,
    digest: setup.digest,
    statement: setup.statement,
    srs: { origin: srs.origin, g2: hex(encodeG2(srs.g2)), tauG2: hex(encodeG2(srs.tauG2)) },
  };
}

/**
 * The proving key file's JSON object: the integer data of every W slot (weights and table columns) by name;
 * `weights` defaults to the setup's own data.
 */
export function provingKeyJson(setup: ModelSetup, srs: Srs, weights: (name: string) => ArrayLike<number> = setup.slotData): object {
  return {
    format: KEY_FORMATS.proving,
    version: KEY_VERSION,
    digest: setup.digest,
    statement: setup.statement,
    srs: { origin: srs.origin, size: srs.g1Powers.length },
    weights: Object.fromEntries(setup.layout.slots.map((s) => [s.name, Array.from(weights(s.name))])),
  };
}

/** Writes a key object as JSON, atomically (temporary file, then rename): never a half-written key. */
export function writeKeyFile(path: string, key: object): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(key, null, 1)}\n`);
  renameSync(tmp, path);
}

/** Reads and checks a verifying key file. @throws {KeyFileError} */
export function readVerifyingKey(path: string): VerifyingKey {
  return parseVerifyingKey(readJson(path), path);
}

/** Reads and checks a proving key file. @throws {KeyFileError} */
export function readProvingKey(path: string): ProvingKey {
  return parseProvingKey(readJson(path), path);
}

/** Checks a parsed verifying key object (`where` names it in errors). */
export function parseVerifyingKey(json: unknown, where = "verifying key"): VerifyingKey {
  const obj = header(json, KEY_FORMATS.verifying, where);
  const { statement, digest, commitment, layout } = checkStatement(obj, where);
  const srs = field(obj, "srs", "object", where) as Record<string, unknown>;
  const origin = field(srs, "origin", "string", `${where}: srs`) as string;
  const g2 = parseG2(field(srs, "g2", "string", `${where}: srs`) as string, `${where}: srs.g2`);
  const tauG2 = parseG2(field(srs, "tauG2", "string", `${where}: srs`) as string, `${where}: srs.tauG2`);
  return { statement, digest, commitment, layout, pcs: { g1: G1.BASE, g2, tauG2 }, srsOrigin: origin };
}

/** Checks a parsed proving key object and rebuilds the model table. */
export function parseProvingKey(json: unknown, where = "proving key"): ProvingKey {
  const obj = header(json, KEY_FORMATS.proving, where);
  const { statement, digest, commitment, layout } = checkStatement(obj, where);
  const srs = field(obj, "srs", "object", where) as Record<string, unknown>;
  const origin = field(srs, "origin", "string", `${where}: srs`) as string;
  const size = field(srs, "size", "number", `${where}: srs`) as number;
  if (!Number.isSafeInteger(size) || size < 1) throw new KeyFileError(`${where}: srs.size must be a positive integer`);
  const weights = field(obj, "weights", "object", where) as Record<string, unknown>;
  for (const name of Object.keys(weights)) {
    if (!layout.slots.some((s) => s.name === name)) throw new KeyFileError(`${where}: weights."${name}" is not in the statement`);
  }
  const table = modelPolyTable(layout, (name) => {
    const data = weights[name];
    const slot = layout.slots.find((s) => s.name === name)!;
    const size = slot.layout.shape.reduce((p, d) => p * d, 1);
    if (!Array.isArray(data) || data.length !== size || !data.every((v) => Number.isSafeInteger(v))) {
      throw new KeyFileError(`${where}: weights."${name}" must be ${size} integers`);
    }
    return data as number[];
  });
  return { statement, digest, commitment, layout, table, srsOrigin: origin, srsSize: size };
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new KeyFileError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KeyFileError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

function header(json: unknown, format: string, where: string): Record<string, unknown> {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new KeyFileError(`${where}: not a JSON object`);
  const obj = json as Record<string, unknown>;
  if (obj.format !== format) throw new KeyFileError(`${where}: format is ${JSON.stringify(obj.format)}, expected "${format}"`);
  if (obj.version !== KEY_VERSION) {
    throw new KeyFileError(`${where}: version ${JSON.stringify(obj.version)} is not supported (this build reads version ${KEY_VERSION})`);
  }
  return obj;
}

function checkStatement(obj: Record<string, unknown>, where: string) {
  const statement = field(obj, "statement", "object", where) as unknown as ModelStatement;
  const digest = field(obj, "digest", "string", where) as string;
  if (statement.format !== MODEL_STATEMENT_FORMAT) {
    throw new KeyFileError(`${where}: statement format ${JSON.stringify(statement.format)}, expected "${MODEL_STATEMENT_FORMAT}"`);
  }
  let actual: string;
  try {
    actual = modelDigest(statement);
  } catch (e) {
    throw new KeyFileError(`${where}: malformed statement (${(e as Error).message})`);
  }
  if (actual !== digest) throw new KeyFileError(`${where}: digest ${digest} does not match the statement (computed ${actual})`);
  if (!Array.isArray(statement.weights)) throw new KeyFileError(`${where}: statement.weights must be an array`);
  let layout: ModelPolyLayout;
  try {
    layout = modelPolyLayout(statement.weights.map((w) => ({ name: String(w.name), shape: w.shape })));
  } catch (e) {
    throw new KeyFileError(`${where}: statement.weights: ${(e as Error).message}`);
  }
  layout.slots.forEach((s, i) => {
    const w = statement.weights[i];
    if (w.name !== s.name || w.offset !== s.offset) {
      throw new KeyFileError(`${where}: statement.weights[${i}] ("${String(w.name)}") is not at its canonical slot`);
    }
  });
  if (statement.numVars !== layout.numVars) throw new KeyFileError(`${where}: statement.numVars ${statement.numVars}, layout needs ${layout.numVars}`);
  const commitment = parseG1(statement.commitment, `${where}: statement.commitment`);
  return { statement, digest, commitment, layout };
}

function field(obj: Record<string, unknown>, name: string, type: "object" | "string" | "number", where: string): unknown {
  const v = obj[name];
  if (type === "object" ? typeof v !== "object" || v === null || Array.isArray(v) : typeof v !== type) {
    throw new KeyFileError(`${where}: field "${name}" must be a${type === "object" ? "n" : ""} ${type}`);
  }
  return v;
}

function bytesOf(text: unknown, length: number, where: string): Uint8Array {
  if (typeof text !== "string" || !new RegExp(`^0x[0-9a-f]{${2 * length}}$`).test(text)) {
    throw new KeyFileError(`${where}: must be 0x followed by ${2 * length} lowercase hex digits`);
  }
  return Uint8Array.from(Buffer.from(text.slice(2), "hex"));
}

export function parseG1(text: unknown, where: string): G1Point {
  const bytes = bytesOf(text, 2 * WORD_BYTES, where);
  try {
    return decodeG1(bytes);
  } catch (e) {
    throw new KeyFileError(`${where}: not a G1 point (${(e as Error).message})`);
  }
}

/** Decodes the 128-byte (x.c1, x.c0, y.c1, y.c0) form of encodeG2, checking curve and subgroup membership. */
export function parseG2(text: string, where: string): G2Point {
  const bytes = bytesOf(text, G2_BYTES, where);
  const w = [0, 1, 2, 3].map((i) => readWord(bytes, i * WORD_BYTES));
  if (w.every((v) => v === 0n)) return G2.ZERO;
  if (w.some((v) => v >= BASE_FIELD_MODULUS)) throw new KeyFileError(`${where}: coordinate not reduced modulo p`);
  const { Fp2 } = bn254.fields;
  try {
    const p = G2.fromAffine({ x: Fp2.fromBigTuple([w[1], w[0]]), y: Fp2.fromBigTuple([w[3], w[2]]) });
    p.assertValidity();
    return p;
  } catch (e) {
    throw new KeyFileError(`${where}: not a G2 point (${(e as Error).message})`);
  }
}

function hex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}
