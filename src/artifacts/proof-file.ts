/**
 * The proof file: a small container around one inference proof — the statement it proves (model digest,
 * prover address, input and output bytes) and the proof stream (the verifier's calldata). Two forms:
 *
 * - binary (default): magic `DPRV`, u16 version, digest, prover, then input, output and proof stream, each
 *   u32-length-prefixed; every integer big-endian;
 * - JSON (`--json`): the same fields as 0x-hex strings, plus the decoded outputs for people to read (never
 *   read back: the verifier trusts only the bytes).
 *
 * Loading refuses — with a {@link ProofFileError} naming the file, the byte offset or field and the problem —
 * a truncated, oversized, malformed or other-version file. Byte-for-byte spec: docs/proof-format.md.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { writeFileAtomic } from "./atomic";
import { ProofFileError } from "./errors";

/** The first four bytes of a binary proof file: ASCII "DPRV". */
export const PROOF_MAGIC = Uint8Array.from([0x44, 0x50, 0x52, 0x56]);
/** The container version of an inference proof (what this build writes when there is no generation field). */
export const PROOF_FILE_VERSION = 1;
/**
 * The container version of a proved LLM generation: version 1's fields, then the generation field (prompt and
 * generated token counts; docs/gguf.md, "Proved generation"). This build reads both versions.
 */
export const PROOF_FILE_VERSION_GENERATION = 2;
/** Bytes of the generation field's payload: two u32 (prompt tokens, generated tokens). */
const GENERATION_BYTES = 8;
/** The `format` tag of the JSON form. */
export const PROOF_JSON_FORMAT = "deepprove-proof";
/** Byte sizes of the fixed header fields. */
export const DIGEST_BYTES = 32;
export const ADDRESS_BYTES = 20;
/** Fixed header: magic (4) + version (2) + digest (32) + prover (20). */
export const PROOF_HEADER_BYTES = PROOF_MAGIC.length + 2 + DIGEST_BYTES + ADDRESS_BYTES;
/** Each variable field is preceded by its length as a u32. */
const LENGTH_BYTES = 4;
const WORD_BYTES = 32;
/**
 * Largest binary proof file accepted (64 MiB): far above any proof stream (calldata is bounded by the block
 * gas limit to a few MiB) yet small enough that a hostile file cannot exhaust memory.
 */
export const MAX_PROOF_FILE_BYTES = 64 * 1024 * 1024;
/** Largest JSON proof file accepted: the binary limit in hex (twice the bytes) plus room for decoded outputs. */
export const MAX_PROOF_JSON_BYTES = 2 * MAX_PROOF_FILE_BYTES + 16 * 1024 * 1024;

/** What a proof file holds: the statement of the inference and the proof stream. */
export interface ProofFileContents {
  /** keccak256 model digest, 0x + 64 lowercase hex digits. */
  readonly digest: string;
  /** The prover the proof is bound to, 0x + 40 lowercase hex digits. */
  readonly prover: `0x${string}`;
  /**
   * Graph inputs, graph order, row-major, each value big-endian two's complement of its tensor's width (1, 2 or 4
   * bytes: src/prover/graph/statement.ts). The model fixes the length; the file does not (loading the setup checks it).
   */
  readonly input: Uint8Array;
  /** Graph outputs, same encoding. */
  readonly output: Uint8Array;
  /** The proof stream (the verifier's calldata). */
  readonly proof: Uint8Array;
  /**
   * Version 2 only: how the statement's token sequence splits into prompt and generated tokens (a proved LLM
   * generation, src/llm/). Absent in version 1 files.
   */
  readonly generation?: GenerationSplit;
}

/** The prompt / generated split of a generation proof's token sequence. */
export interface GenerationSplit {
  readonly promptTokens: number;
  readonly generatedTokens: number;
}

/** An output decoded for people (JSON form only, informational). */
export interface DecodedOutput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly scale: number;
  /** The integer values as proved. */
  readonly values: readonly number[];
  /** values × scale (the real value of one integer step). */
  readonly dequantized: readonly number[];
}

/** Which form a proof file is in. */
export type ProofFileForm = "binary" | "json";

// ---------------------------------------------------------------------------------------------- binary form

/** Encodes the binary container. @throws {ProofFileError} on a malformed field. */
export function encodeProofFile(contents: ProofFileContents): Uint8Array {
  checkContents(contents, "proof file");
  const digest = hexBytes(contents.digest, DIGEST_BYTES, "digest", "proof file");
  const prover = hexBytes(contents.prover, ADDRESS_BYTES, "prover", "proof file");
  const generation = contents.generation ? generationBytes(contents.generation) : undefined;
  const size = PROOF_HEADER_BYTES + 3 * LENGTH_BYTES + contents.input.length + contents.output.length + contents.proof.length + (generation ? LENGTH_BYTES + generation.length : 0);
  if (size > MAX_PROOF_FILE_BYTES) throw new ProofFileError(`proof file: ${size} bytes exceeds the maximum of ${MAX_PROOF_FILE_BYTES}`);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  out.set(PROOF_MAGIC, at);
  at += PROOF_MAGIC.length;
  view.setUint16(at, generation ? PROOF_FILE_VERSION_GENERATION : PROOF_FILE_VERSION, false);
  at += 2;
  out.set(digest, at);
  at += DIGEST_BYTES;
  out.set(prover, at);
  at += ADDRESS_BYTES;
  for (const field of [contents.input, contents.output, contents.proof, ...(generation ? [generation] : [])]) {
    view.setUint32(at, field.length, false);
    at += LENGTH_BYTES;
    out.set(field, at);
    at += field.length;
  }
  return out;
}

/** Decodes the binary container; `where` names the file in errors. @throws {ProofFileError} */
export function decodeProofFile(bytes: Uint8Array, where = "proof file"): ProofFileContents {
  if (bytes.length > MAX_PROOF_FILE_BYTES) throw new ProofFileError(`${where}: ${bytes.length} bytes exceeds the maximum of ${MAX_PROOF_FILE_BYTES}`);
  const cursor = new Cursor(bytes, where);
  const magic = cursor.take(PROOF_MAGIC.length, "magic");
  if (!magic.every((b, i) => b === PROOF_MAGIC[i])) {
    throw new ProofFileError(`${where}: not a deepprove proof file (magic 0x${hexOf(magic)}, expected "DPRV")`);
  }
  const version = cursor.u16("version");
  if (version !== PROOF_FILE_VERSION && version !== PROOF_FILE_VERSION_GENERATION) {
    throw new ProofFileError(`${where}: proof file version ${version} is not supported (this build reads versions ${PROOF_FILE_VERSION} and ${PROOF_FILE_VERSION_GENERATION})`);
  }
  const digest = `0x${hexOf(cursor.take(DIGEST_BYTES, "digest"))}`;
  const prover = `0x${hexOf(cursor.take(ADDRESS_BYTES, "prover"))}` as const;
  const input = cursor.field("input");
  const output = cursor.field("output");
  const proof = cursor.field("proof");
  const generation = version === PROOF_FILE_VERSION_GENERATION ? parseGeneration(cursor.field("generation"), where) : undefined;
  if (cursor.remaining > 0) throw new ProofFileError(`${where}: ${cursor.remaining} trailing byte(s) after the proof stream at byte ${cursor.offset}`);
  const contents = { digest, prover, input, output, proof, ...(generation ? { generation } : {}) };
  checkContents(contents, where);
  return contents;
}

/** The generation field's payload: u32 prompt tokens, u32 generated tokens. */
function generationBytes(g: GenerationSplit): Uint8Array {
  const out = new Uint8Array(GENERATION_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, g.promptTokens, false);
  view.setUint32(4, g.generatedTokens, false);
  return out;
}

function parseGeneration(bytes: Uint8Array, where: string): GenerationSplit {
  if (bytes.length !== GENERATION_BYTES) throw new ProofFileError(`${where}: the generation field has ${bytes.length} bytes, expected ${GENERATION_BYTES}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { promptTokens: view.getUint32(0, false), generatedTokens: view.getUint32(4, false) };
}

/** Reads big-endian fields from a byte string, naming the byte offset and the field on truncation. */
class Cursor {
  offset = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly where: string,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  take(n: number, what: string): Uint8Array {
    if (this.remaining < n) {
      throw new ProofFileError(`${this.where}: truncated at byte ${this.bytes.length} while reading ${what} (needs ${n} bytes at byte ${this.offset})`);
    }
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  u16(what: string): number {
    const b = this.take(2, what);
    return (b[0] << 8) | b[1];
  }

  /** A u32 length, then that many bytes (copied, so the result does not pin the whole file). */
  field(what: string): Uint8Array {
    const b = this.take(LENGTH_BYTES, `${what} length`);
    const length = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
    if (length > this.remaining) {
      throw new ProofFileError(`${this.where}: truncated: ${what} declares ${length} bytes at byte ${this.offset - LENGTH_BYTES}, only ${this.remaining} remain`);
    }
    return Uint8Array.from(this.take(length, what));
  }
}

// ------------------------------------------------------------------------------------------------ JSON form

/** The JSON form's object; `outputs` (decoded values) is informational and never read back. */
export function proofFileJson(contents: ProofFileContents, outputs?: readonly DecodedOutput[]): object {
  checkContents(contents, "proof file");
  return {
    format: PROOF_JSON_FORMAT,
    version: contents.generation ? PROOF_FILE_VERSION_GENERATION : PROOF_FILE_VERSION,
    digest: contents.digest.toLowerCase(),
    prover: contents.prover.toLowerCase(),
    input: `0x${hexOf(contents.input)}`,
    output: `0x${hexOf(contents.output)}`,
    proof: `0x${hexOf(contents.proof)}`,
    ...(contents.generation ? { generation: { prompt_tokens: contents.generation.promptTokens, generated_tokens: contents.generation.generatedTokens } } : {}),
    ...(outputs ? { outputs } : {}),
  };
}

const JSON_FIELDS = new Set(["format", "version", "digest", "prover", "input", "output", "proof", "generation", "outputs"]);

/** Parses the JSON form (text); `where` names the file in errors. @throws {ProofFileError} */
export function parseProofFileJson(text: string, where = "proof file"): ProofFileContents {
  if (text.length > MAX_PROOF_JSON_BYTES) throw new ProofFileError(`${where}: ${text.length} characters exceeds the JSON maximum of ${MAX_PROOF_JSON_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProofFileError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ProofFileError(`${where}: not a JSON object`);
  const obj = json as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!JSON_FIELDS.has(key)) throw new ProofFileError(`${where}: unknown field "${key}"`);
  if (obj.format !== PROOF_JSON_FORMAT) throw new ProofFileError(`${where}: format is ${JSON.stringify(obj.format)}, expected "${PROOF_JSON_FORMAT}"`);
  if (obj.version !== PROOF_FILE_VERSION && obj.version !== PROOF_FILE_VERSION_GENERATION) {
    throw new ProofFileError(`${where}: proof file version ${JSON.stringify(obj.version)} is not supported (this build reads versions ${PROOF_FILE_VERSION} and ${PROOF_FILE_VERSION_GENERATION})`);
  }
  if ((obj.version === PROOF_FILE_VERSION_GENERATION) !== (obj.generation !== undefined)) {
    throw new ProofFileError(`${where}: field "generation" must be present exactly in version ${PROOF_FILE_VERSION_GENERATION}`);
  }
  const digest = `0x${hexOf(hexBytes(obj.digest, DIGEST_BYTES, "digest", where))}`;
  const prover = `0x${hexOf(hexBytes(obj.prover, ADDRESS_BYTES, "prover", where))}` as const;
  const contents = {
    digest,
    prover,
    input: hexBytes(obj.input, undefined, "input", where),
    output: hexBytes(obj.output, undefined, "output", where),
    proof: hexBytes(obj.proof, undefined, "proof", where),
    ...(obj.generation !== undefined ? { generation: jsonGeneration(obj.generation, where) } : {}),
  };
  checkContents(contents, where);
  return contents;
}

function jsonGeneration(value: unknown, where: string): GenerationSplit {
  const g = value as Record<string, unknown> | null;
  const u32 = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 32;
  if (typeof g !== "object" || g === null || Object.keys(g).length !== 2 || !u32(g.prompt_tokens) || !u32(g.generated_tokens)) {
    throw new ProofFileError(`${where}: field "generation" must be { "prompt_tokens": u32, "generated_tokens": u32 }`);
  }
  return { promptTokens: g.prompt_tokens as number, generatedTokens: g.generated_tokens as number };
}

// ------------------------------------------------------------------------------------------------------ I/O

/** Writes a proof file atomically in either form. */
export function writeProofFile(path: string, contents: ProofFileContents, options: { form?: ProofFileForm; outputs?: readonly DecodedOutput[] } = {}): void {
  const data = options.form === "json" ? `${JSON.stringify(proofFileJson(contents, options.outputs), null, 1)}\n` : encodeProofFile(contents);
  writeFileAtomic(path, data);
}

/**
 * Reads a proof file of either form: binary when it does not start (after blanks) with `{`, JSON when it
 * does. The size is checked against the form's maximum before the file is read. @throws {ProofFileError}
 */
export function readProofFile(path: string): ProofFileContents & { readonly form: ProofFileForm } {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new ProofFileError(`${path}: cannot open (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ProofFileError(`${path}: not a regular file`);
    const head = readAt(fd, Math.min(stat.size, FORM_PROBE_BYTES));
    const first = head.findIndex((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
    const form: ProofFileForm = first >= 0 && head[first] === 0x7b ? "json" : "binary";
    const max = form === "json" ? MAX_PROOF_JSON_BYTES : MAX_PROOF_FILE_BYTES;
    if (stat.size > max) throw new ProofFileError(`${path}: ${stat.size} bytes exceeds the maximum ${form} proof file size of ${max}`);
    const bytes = readAt(fd, stat.size);
    return form === "json" ? { ...parseProofFileJson(Buffer.from(bytes).toString("utf8"), path), form } : { ...decodeProofFile(bytes, path), form };
  } finally {
    closeSync(fd);
  }
}

/** Bytes read to tell the forms apart (JSON may start with blanks). */
const FORM_PROBE_BYTES = 4096;

/** Reads up to `n` bytes from the start of an open file. */
function readAt(fd: number, n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  let at = 0;
  while (at < n) {
    const read = readSync(fd, bytes, at, n - at, at);
    if (read === 0) break;
    at += read;
  }
  return bytes.subarray(0, at);
}

// ------------------------------------------------------------------------------------------------- checking

/** Structural checks shared by both forms: input/output are bytes (any length: the widths are the model's), word-aligned proof stream. */
function checkContents(c: ProofFileContents, where: string): void {
  hexBytes(c.digest, DIGEST_BYTES, "digest", where);
  hexBytes(c.prover, ADDRESS_BYTES, "prover", where);
  for (const [name, bytes] of [["input", c.input], ["output", c.output]] as const) {
    if (!(bytes instanceof Uint8Array)) throw new ProofFileError(`${where}: ${name} must be bytes`);
  }
  if (!(c.proof instanceof Uint8Array)) throw new ProofFileError(`${where}: proof must be bytes`);
  if (c.proof.length === 0) throw new ProofFileError(`${where}: the proof stream is empty`);
  if (c.proof.length % WORD_BYTES !== 0) throw new ProofFileError(`${where}: proof stream has ${c.proof.length} bytes, not a whole number of ${WORD_BYTES}-byte words`);
  const g = c.generation;
  if (g !== undefined && ![g.promptTokens, g.generatedTokens].every((v) => Number.isSafeInteger(v) && v >= 0 && v < 2 ** 32)) {
    throw new ProofFileError(`${where}: the generation field's token counts must be u32`);
  }
}

/** Parses 0x-hex of an exact byte length (or any length when `length` is undefined). */
function hexBytes(text: unknown, length: number | undefined, field: string, where: string): Uint8Array {
  const wellFormed = typeof text === "string" && /^0x[0-9a-fA-F]*$/.test(text) && text.length % 2 === 0;
  if (!wellFormed || (length !== undefined && text.length !== 2 + 2 * length)) {
    const expected = length === undefined ? "0x followed by an even number of hex digits" : `0x followed by ${2 * length} hex digits`;
    throw new ProofFileError(`${where}: field "${field}" must be ${expected}`);
  }
  return Uint8Array.from(Buffer.from(text.slice(2), "hex"));
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
