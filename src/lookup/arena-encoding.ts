/**
 * The arena's proof stream: its messages in the order the verifier reads them, a G1 point as 64 bytes (x ‖ y,
 * infinity = 64 zero bytes), a scalar as 32 bytes big-endian (< r):
 *
 *   M (64 B) | H (64 B) | zero-check rounds (N × D scalars, c_0 c_2 … c_D; D = 3 ungrouped) |
 *   per witness column i: h(ρ) of its helper group if i leads it, f_{i,0}(ρ) .. f_{i,a−1}(ρ) |
 *   per table t: g_t(ρ), m_t(ρ), external t_{t,c}(ρ)..
 *
 * A skipped arena writes nothing. The shape is the verifier's knowledge and is not encoded. `writeArenaProof`
 * / `readArenaProof` work on any writer/reader (the driver's proof stream); `encodeArenaProof` /
 * `decodeArenaProof` are the same over a plain byte array.
 */
import { concatBytes, decodeG1, encodeG1, type G1Point } from "../curve/bn254";
import * as Fr from "../field/fr";
import { chunkCount } from "../pcs/chunked";
import { arenaContext, arenaSlotNames, assertCanonical, leadsGroup } from "./arena-protocol";
import {
  ARENA_COLUMN_KIND,
  ArenaError,
  chunkedCommitments,
  type ArenaProof,
  type ArenaShape,
  type ArenaStreamReader,
  type ArenaStreamWriter,
} from "./arena-types";

const WORD = 32;

/**
 * Words (32 B) of an arena proof of this shape: 4 + D·N + K + Σ_i a_i + Σ_t (2 + e_t), D the zero-check's degree
 * (3 ungrouped), K the helper groups (= k ungrouped); 0 when skipped.
 */
export function arenaProofWords(shape: ArenaShape, chunkBits: number | null = null): number {
  if (shape.columns.length === 0) return 0;
  const ctx = arenaContext(shape);
  let words = 4 + ctx.degree * ctx.numVars + ctx.helperGroups.length;
  // Chunk commitments past the first of M and of H (src/pcs/chunked.ts): two words each.
  words += 2 * (chunkCount(ctx.mLayout.numVars, chunkBits) - 1 + chunkCount(ctx.hLayout.numVars, chunkBits) - 1);
  ctx.columnTable.forEach((t) => (words += ctx.arity[t]));
  for (const t of shape.tables) words += 2 + t.table.columns.filter((c) => c.kind === "external").length;
  return words;
}

/** Writes the proof's messages in stream order (nothing for a skipped arena). */
export function writeArenaProof(proof: ArenaProof | null, out: ArenaStreamWriter): void {
  if (proof === null) return;
  out.writePoint(proof.multiplicities, "arena M");
  proof.multiplicityChunks?.forEach((p, k) => out.writePoint(p, `arena M chunk ${k + 1}`));
  out.writePoint(proof.helpers, "arena H");
  proof.helperChunks?.forEach((p, k) => out.writePoint(p, `arena H chunk ${k + 1}`));
  proof.sumcheck.rounds.forEach((round, j) =>
    round.forEach((c, d) => out.writeScalar(c, `arena zero-check round ${j} coefficient ${d}`)),
  );
  proof.columnEvals.forEach((e, i) => {
    if (e.helper !== undefined) out.writeScalar(e.helper, `arena h(ρ) of witness column ${i}`);
    e.components.forEach((x, c) => out.writeScalar(x, `arena component ${c} of witness column ${i} at ρ`));
  });
  proof.tableEvals.forEach((e, t) => {
    out.writeScalar(e.helper, `arena g(ρ) of table ${t}`);
    out.writeScalar(e.multiplicity, `arena m(ρ) of table ${t}`);
    e.external.forEach((x, c) => out.writeScalar(x, `arena external column ${c} of table ${t} at ρ`));
  });
}

/**
 * Reads a proof of the given shape (null, reading nothing, for a skipped arena); `chunkBits` is the plan's
 * chunk width (src/pcs/chunked.ts: M and H then carry one commitment per chunk).
 */
export function readArenaProof(shape: ArenaShape, input: ArenaStreamReader, chunkBits: number | null = null): ArenaProof | null {
  if (shape.columns.length === 0) return null;
  const ctx = arenaContext(shape);
  const chunks = (numVars: number, what: string) => Array.from({ length: chunkCount(numVars, chunkBits) - 1 }, (_, k) => input.readPoint(`${what} chunk ${k + 1}`));
  const multiplicities = input.readPoint("arena M");
  const multiplicityChunks = chunks(ctx.mLayout.numVars, "arena M");
  const helpers = input.readPoint("arena H");
  const helperChunks = chunks(ctx.hLayout.numVars, "arena H");
  const rounds = Array.from({ length: ctx.numVars }, (_, j) =>
    Array.from({ length: ctx.degree }, (_, d) => input.readScalar(`arena zero-check round ${j} coefficient ${d}`)),
  );
  const columnEvals = shape.columns.map((_, i) => {
    const helper = leadsGroup(ctx, i) ? { helper: input.readScalar(`arena h(ρ) of witness column ${i}`) } : {};
    const components = Array.from({ length: ctx.arity[ctx.columnTable[i]] }, (_, c) =>
      input.readScalar(`arena component ${c} of witness column ${i} at ρ`),
    );
    return { ...helper, components };
  });
  const tableEvals = shape.tables.map((t, j) => ({
    helper: input.readScalar(`arena g(ρ) of table ${j}`),
    multiplicity: input.readScalar(`arena m(ρ) of table ${j}`),
    external: t.table.columns
      .filter((c) => c.kind === "external")
      .map((_, c) => input.readScalar(`arena external column ${c} of table ${j} at ρ`)),
  }));
  return { ...chunkedCommitments([multiplicities, ...multiplicityChunks], [helpers, ...helperChunks]), sumcheck: { rounds }, columnEvals, tableEvals };
}

/** The proof as bytes (empty for a skipped arena). */
export function encodeArenaProof(proof: ArenaProof | null): Uint8Array {
  const parts: Uint8Array[] = [];
  writeArenaProof(proof, {
    writePoint: (p) => parts.push(encodeG1(p)),
    writeScalar: (x, what) => parts.push(Fr.toBytes(assertCanonical(x, what))),
  });
  return concatBytes(...parts);
}

/**
 * Decodes a proof of the given shape from `bytes` at `offset`; returns it and the offset after it. Refuses a
 * truncated stream, a non-canonical scalar or a point off the curve, naming the message and byte. Trailing bytes
 * are the caller's (the arena is one part of a proof stream).
 */
export function decodeArenaProof(
  bytes: Uint8Array,
  shape: ArenaShape,
  offset = 0,
): { proof: ArenaProof | null; next: number } {
  let at = offset;
  const take = (n: number, what: string) => {
    if (bytes.length - at < n) throw new ArenaError(`arena proof truncated at byte ${at} while reading ${what}`);
    const start = at;
    at += n;
    return start;
  };
  const reader: ArenaStreamReader = {
    readPoint: (what) => {
      const start = take(2 * WORD, what);
      try {
        return decodeG1(bytes, start) as G1Point;
      } catch {
        throw new ArenaError(`arena proof: point off the curve at byte ${start} (${what})`);
      }
    },
    readScalar: (what) => {
      const start = take(WORD, what);
      try {
        return Fr.fromBytes(bytes, start);
      } catch {
        throw new ArenaError(`arena proof: non-canonical scalar at byte ${start} (${what})`);
      }
    },
  };
  const proof = readArenaProof(shape, reader);
  return { proof, next: at };
}

/**
 * The shape as the Solidity verifier takes it (`LookupArena.Shape`, contracts/verifier/LookupArena.sol): N, the
 * variables of M and H, per table (n_t, (kind, lo) per column, slot index in M, slot index of g_t in H), per
 * witness column (table index, n_i, slot index of h_i in H). A slot index is offset / 2^n: its bits, least
 * significant first, are the slot's selector coordinates. A generated verifier holds these as constants.
 */
export interface ArenaVerifierShape {
  numVars: number;
  mVars: number;
  hVars: number;
  tables: { numVars: number; columns: bigint[]; mSlot: number; hSlot: number }[];
  columns: { table: number; numVars: number; hSlot: number }[];
}

/**
 * {@link ArenaVerifierShape} of a shape.
 * @throws {ArenaError} for grouped helper columns (`helperGroup` > 1): LookupArena.sol verifies one helper per
 *   witness column and a degree-3 zero-check only
 */
export function arenaVerifierShape(shape: ArenaShape): ArenaVerifierShape {
  const ctx = arenaContext(shape);
  if (ctx.groupSize > 1) {
    throw new ArenaError(
      `arena: the plan groups ${ctx.groupSize} witness columns per helper column (helperGroup), which the Solidity arena verifier (LookupArena.sol: one helper per column, degree-3 zero-check) does not support`,
    );
  }
  const slotIndex = (layout: typeof ctx.mLayout, name: string) => {
    const slot = layout.slots.find((s) => s.name === name)!;
    return slot.offset / 2 ** slot.numVars;
  };
  return {
    numVars: ctx.numVars,
    mVars: ctx.mLayout.numVars,
    hVars: ctx.hLayout.numVars,
    tables: shape.tables.map((t) => ({
      numVars: t.table.numVars,
      columns: t.table.columns.flatMap((c) => (c.kind === "range" ? [ARENA_COLUMN_KIND.range, c.lo] : [ARENA_COLUMN_KIND.external, 0n])),
      mSlot: slotIndex(ctx.mLayout, arenaSlotNames.multiplicity(t.id)),
      hSlot: slotIndex(ctx.hLayout, arenaSlotNames.tableHelper(t.id)),
    })),
    columns: shape.columns.map((c, i) => ({
      table: ctx.columnTable[i],
      numVars: c.numVars,
      hSlot: slotIndex(ctx.hLayout, arenaSlotNames.witnessHelper(i)),
    })),
  };
}
