/**
 * Reading a GGUF file: header, metadata and tensor directory through `@huggingface/gguf`, then the tensor
 * data from the file itself, with every size and bound checked before any byte is interpreted.
 *
 * GGUF facts used here (the format is GGML's): after the header and metadata comes the tensor directory
 * (name, dims, type, offset per tensor); tensor data starts at the directory's end rounded up to
 * `general.alignment` (default 32) and every tensor offset is relative to that start and aligned. Dims are
 * listed fastest-varying first (GGML's `ne[0]` is the contiguous axis), so a GGUF matrix `[n_in, n_out]` is a
 * row-major `[n_out][n_in]` array.
 */
import { readFile, stat } from "node:fs/promises";
import { gguf } from "@huggingface/gguf";
import type { MetadataValue } from "@huggingface/gguf";
import { GgufError } from "./errors";
import { ggmlTypeInfo, ggmlTypeName } from "./ggml-types";
import { dequantize } from "./dequantize";

/** GGML's default tensor-data alignment (bytes), used when `general.alignment` is absent. */
const DEFAULT_ALIGNMENT = 32;
const MAGIC = "GGUF";

/** One tensor of a GGUF file. */
export interface GgufTensor {
  readonly name: string;
  /** GGML dims, fastest-varying first (`ne[0]`, `ne[1]`, ...). */
  readonly ne: readonly number[];
  /** The same dims row-major (slowest first), as the IR writes shapes. */
  readonly shape: readonly number[];
  /** GGML type id (see `ggml-types.ts`). */
  readonly type: number;
  /** Absolute byte offset of the data in the file. */
  readonly fileOffset: number;
  /** The raw block bytes. */
  readonly bytes: Uint8Array;
}

/** A parsed GGUF file. */
export interface GgufFile {
  /** The path as given, used in every error message. */
  readonly path: string;
  readonly version: number;
  /** Metadata key → value (arrays as arrays; 64-bit integers as bigint). */
  readonly metadata: Readonly<Record<string, MetadataValue>>;
  /** Tensors in directory order. */
  readonly tensors: readonly GgufTensor[];
}

/**
 * Reads and validates a GGUF file: magic and version, a directory that fits the file, known tensor types,
 * whole blocks, aligned offsets, data inside the file and no duplicate names.
 * @throws GgufError naming the file (and tensor or field) for every malformed or unsupported input.
 */
export async function readGguf(path: string): Promise<GgufFile> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new GgufError(path, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const bytes = new Uint8Array(await readFile(path));
  if (size < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    const found = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new GgufError(path, `not a GGUF file: expected magic "GGUF" (47 47 55 46), found ${found || "nothing"}`);
  }
  let parsed: Awaited<ReturnType<typeof gguf>>;
  try {
    parsed = await gguf(path, { allowLocalFile: true });
  } catch (error) {
    const reason = error instanceof RangeError ? "the header ends early (file truncated)" : (error as Error).message;
    throw new GgufError(path, `cannot parse the GGUF header: ${reason}`, { cause: error });
  }
  // The library pads reads past the end of a local file with zeros, so a header cut short can "parse":
  // its directory then extends past the real file end, which is what we check.
  const [, directoryEnd] = parsed.tensorInfoByteRange;
  if (directoryEnd > size) {
    throw new GgufError(path, `the header and tensor directory need ${directoryEnd} bytes but the file has ${size} (truncated)`);
  }
  const metadata = parsed.metadata as unknown as Record<string, MetadataValue>;
  const alignment = Number(metadata["general.alignment"] ?? DEFAULT_ALIGNMENT);
  const dataStart = Number(parsed.tensorDataOffset);
  const seen = new Set<string>();
  const tensors = parsed.tensorInfos.map((info): GgufTensor => {
    const name = info.name;
    if (seen.has(name)) throw new GgufError(path, "the tensor name appears twice in the directory", { tensor: name });
    seen.add(name);
    const ne = info.shape.map((d) => Number(d));
    const type = info.dtype as number;
    const typeInfo = ggmlTypeInfo(type);
    if (!typeInfo) throw new GgufError(path, `unknown GGML tensor type ${type}`, { tensor: name });
    const count = ne.reduce((a, b) => a * b, 1);
    if (ne.length === 0 || ne[0] % typeInfo.blockSize !== 0) {
      throw new GgufError(
        path,
        `${typeInfo.name} packs rows in blocks of ${typeInfo.blockSize}; the row length ne[0] = ${ne[0]} is not a multiple`,
        { tensor: name },
      );
    }
    const length = (count / typeInfo.blockSize) * typeInfo.typeSize;
    const relative = Number(info.offset);
    if (relative % alignment !== 0) {
      throw new GgufError(path, `data offset ${relative} is not a multiple of the alignment ${alignment}`, { tensor: name });
    }
    const fileOffset = dataStart + relative;
    if (fileOffset + length > size) {
      throw new GgufError(
        path,
        `${ggmlTypeName(type)} [${ne.join(", ")}] needs bytes ${fileOffset}..${fileOffset + length} but the file ends at ${size} (truncated)`,
        { tensor: name },
      );
    }
    return { name, ne, shape: [...ne].reverse(), type, fileOffset, bytes: bytes.subarray(fileOffset, fileOffset + length) };
  });
  checkNoOverlap(path, tensors);
  return { path, version: Number(metadata.version), metadata, tensors };
}

/** Two tensors sharing bytes means a corrupt directory (sizes that disagree with offsets). */
function checkNoOverlap(path: string, tensors: readonly GgufTensor[]): void {
  const sorted = [...tensors].sort((a, b) => a.fileOffset - b.fileOffset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (prev.fileOffset + prev.bytes.length > sorted[i].fileOffset) {
      throw new GgufError(
        path,
        `its ${prev.bytes.length} data bytes overlap tensor "${sorted[i].name}" (shape and type disagree with the offsets)`,
        { tensor: prev.name },
      );
    }
  }
}

/** The tensor called `name`, or a clear error. */
export function getTensor(file: GgufFile, name: string): GgufTensor {
  const t = file.tensors.find((x) => x.name === name);
  if (!t) throw new GgufError(file.path, "required tensor is missing", { tensor: name });
  return t;
}

/**
 * The tensor's values as float64, row-major in {@link GgufTensor.shape}, after checking that shape against
 * `expected` (row-major) when given.
 */
export function tensorValues(file: GgufFile, name: string, expected?: readonly number[]): Float64Array {
  const t = getTensor(file, name);
  if (expected && (expected.length !== t.shape.length || expected.some((d, i) => d !== t.shape[i]))) {
    throw new GgufError(
      file.path,
      `shape [${t.shape.join(", ")}] (GGUF dims [${t.ne.join(", ")}]) does not match the expected [${expected.join(", ")}]`,
      { tensor: name },
    );
  }
  try {
    return dequantize(t.type, t.bytes, t.ne.reduce((a, b) => a * b, 1));
  } catch (error) {
    throw new GgufError(file.path, (error as Error).message, { tensor: name, cause: error });
  }
}

/** Metadata accessors that name the key when it is missing or of the wrong kind. */
export function metaNumber(file: GgufFile, key: string, fallback?: number): number {
  const v = file.metadata[key];
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new GgufError(file.path, "required metadata key is missing", { field: key });
  }
  if (typeof v !== "number" && typeof v !== "bigint") {
    throw new GgufError(file.path, `expected a number, found ${describe(v)}`, { field: key });
  }
  return Number(v);
}

export function metaString(file: GgufFile, key: string, fallback?: string): string {
  const v = file.metadata[key];
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new GgufError(file.path, "required metadata key is missing", { field: key });
  }
  if (typeof v !== "string") throw new GgufError(file.path, `expected a string, found ${describe(v)}`, { field: key });
  return v;
}

export function metaArray(file: GgufFile, key: string): readonly MetadataValue[] {
  const v = file.metadata[key];
  if (v === undefined) throw new GgufError(file.path, "required metadata key is missing", { field: key });
  if (!Array.isArray(v)) throw new GgufError(file.path, `expected an array, found ${describe(v)}`, { field: key });
  return v;
}

function describe(v: MetadataValue): string {
  return Array.isArray(v) ? `an array of ${v.length}` : `${typeof v} ${String(v).slice(0, 40)}`;
}
