/**
 * Public shapes of the proof-wide lookup "arena" (spec: docs/lookup.md, "The arena").
 *
 * One LogUp argument for every lookup of a proof: any number of tables (range columns in closed form, external
 * columns whose evaluations become claims for the caller) and any number of witness columns of any size, with
 * exactly two commitments — M (every table's multiplicities, slotted) and H (every helper column, slotted) — one
 * zero-check sum-check over N = max(all variable counts) rounds, and no verdict: the arena ends in claims.
 */
import type { G1Point } from "../curve/bn254";
import type { Srs } from "../pcs/srs";
import type { SumcheckProof } from "../sumcheck";
import type { Transcript } from "../transcript";
import type { RangeColumn } from "./types";

/**
 * A table column whose values live outside the arena (for a proof: in the model polynomial W). The prover needs
 * the 2^numVars values; the verifier gets a claim "column c of table id at ρ_t = v" to discharge itself.
 */
export interface ExternalColumn {
  readonly kind: "external";
  /** The 2^numVars values, canonical Fr (prover side only). */
  readonly values?: readonly bigint[];
}

/** A column of an arena table: closed-form range column or external column. */
export type ArenaTableColumn = RangeColumn | ExternalColumn;

/** A table of 2^numVars rows; row y is (columns[0][y], columns[1][y], ...). Nothing in it is committed. */
export interface ArenaLookupTable {
  readonly numVars: number;
  readonly columns: readonly ArenaTableColumn[];
}

/** A named arena table. Ids are unique within an arena; the table's index in the list is its fingerprint tag. */
export interface ArenaTable {
  readonly id: string;
  readonly table: ArenaLookupTable;
}

/** What the verifier knows of a witness column. */
export interface ArenaColumnShape {
  /** Id of the table every entry must be a row of. */
  readonly table: string;
  /** The column has 2^numVars entries, ALL of them lookups (callers make padding entries table rows). */
  readonly numVars: number;
  /** Optional name used in error messages (e.g. "relu1:y"); not absorbed. */
  readonly label?: string;
}

/** A witness column (prover side): components[c][x] is component c of entry x (arity = table arity). */
export interface ArenaColumn extends ArenaColumnShape {
  readonly components: readonly (readonly bigint[])[];
}

/** The public shape of an arena: its tables (external values not needed) and its witness columns, in order. */
export interface ArenaShape {
  readonly tables: readonly ArenaTable[];
  readonly columns: readonly ArenaColumnShape[];
  /**
   * Grouped helper columns (docs/lookup.md, "Grouped helper columns"): up to `helperGroup` witness columns of the
   * same size share one helper column h = Σ_j 1/F_j. Absent or 1: one helper per column (every ONNX plan).
   */
  readonly helperGroup?: number;
}

/**
 * Evaluations sent for witness column i at ρ (restricted to its numVars): its helper group's h (only on the
 * group's first column; with one helper per column, every column's own h_i) and each component f_{i,c}.
 */
export interface ArenaColumnEvals {
  readonly helper?: bigint;
  readonly components: readonly bigint[];
}

/** Evaluations sent for table t at ρ (restricted to its numVars): g_t, m_t, and each external column in order. */
export interface ArenaTableEvals {
  readonly helper: bigint;
  readonly multiplicity: bigint;
  readonly external: readonly bigint[];
}

/** An arena proof, in message order (the byte order is docs/lookup.md, "The arena: proof stream"). */
export interface ArenaProof {
  /** M: every table's multiplicities, slotted. */
  readonly multiplicities: G1Point;
  /**
   * H: every witness column's h_i = 1/(α − f_i) (or every helper group's Σ_j 1/(α − f_j)) and every table's
   * g_t = m_t/(t_t − α), slotted.
   */
  readonly helpers: G1Point;
  /**
   * Chunked plans only (src/pcs/chunked.ts), when M / H is more than one chunk: the commitments of chunks
   * 1 … K−1 (chunk 0's is `multiplicities` / `helpers`). Absent otherwise.
   */
  readonly multiplicityChunks?: readonly G1Point[];
  readonly helperChunks?: readonly G1Point[];
  /** The one zero-check (N rounds; degree 3, or s + 2 with helper groups of up to s columns). */
  readonly sumcheck: SumcheckProof;
  /** One entry per witness column, in shape order. */
  readonly columnEvals: readonly ArenaColumnEvals[];
  /** One entry per table, in shape order. */
  readonly tableEvals: readonly ArenaTableEvals[];
}

/** The two polynomials the arena commits, as the caller's batch opening names them. */
export type ArenaPoly = "M" | "H";

/** An opening claim on M or H; `point` is already lifted to the slot (point ‖ selector bits). */
export interface ArenaOpeningClaim {
  readonly poly: ArenaPoly;
  readonly point: readonly bigint[];
  readonly value: bigint;
}

/** Claim on witness column i: component c at `point` (= ρ's first numVars coordinates) is values[c]. */
export interface ArenaColumnClaim {
  readonly table: string;
  readonly point: readonly bigint[];
  readonly values: readonly bigint[];
}

/** Claim on external column `column` of table `table` at `point` (= ρ's first n_t coordinates). */
export interface ArenaTableColumnClaim {
  readonly table: string;
  readonly column: number;
  readonly point: readonly bigint[];
  readonly value: bigint;
}

/**
 * What the arena reduces to. The caller must (1) put M and H (`commitments`) in its batch opening and prove
 * every `openings` claim, (2) prove every `columns[i]` claim on its witness column i, (3) prove every
 * `tableColumns` claim (for a proof: an opening of W at the table column's slot). A skipped arena (no witness
 * columns) has `commitments: null` and empty lists.
 */
export interface ArenaClaims {
  readonly commitments: { readonly M: G1Point; readonly H: G1Point } | null;
  /** ρ, N coordinates (empty when skipped). */
  readonly point: readonly bigint[];
  readonly columns: readonly ArenaColumnClaim[];
  readonly tableColumns: readonly ArenaTableColumnClaim[];
  readonly openings: readonly ArenaOpeningClaim[];
}

/** Inputs of `proveArena`. */
export interface ProveArenaParameters {
  readonly srs: Srs;
  /** Tables with the values of their external columns. */
  readonly tables: readonly ArenaTable[];
  /** Witness columns; none = a skipped arena (nothing absorbed, nothing committed). */
  readonly columns: readonly ArenaColumn[];
  readonly transcript: Transcript;
  /** {@link ArenaShape.helperGroup}: witness columns per helper column (absent or 1: one helper per column). */
  readonly helperGroup?: number;
  /** Chunk width of M and H's commitments (src/pcs/chunked.ts); absent or null: one commitment each. */
  readonly chunkBits?: number | null;
  /**
   * Test hook (dishonest prover): multiplicities to commit instead of the computed ones, by table id (each
   * 2^n_t entries), and no refusal of witness entries outside their table. Never set by a real prover.
   */
  readonly unsafeMultiplicities?: ReadonlyMap<string, readonly bigint[]>;
}

/**
 * M's and H's chunk commitments (one each when unchunked) as the proof carries them: chunk 0 in
 * `multiplicities` / `helpers`, the rest (if any) in `multiplicityChunks` / `helperChunks`.
 */
export function chunkedCommitments(m: readonly G1Point[], h: readonly G1Point[]): Pick<ArenaProof, "multiplicities" | "helpers" | "multiplicityChunks" | "helperChunks"> {
  return { multiplicities: m[0], helpers: h[0], ...(m.length > 1 ? { multiplicityChunks: m.slice(1) } : {}), ...(h.length > 1 ? { helperChunks: h.slice(1) } : {}) };
}

/** Every chunk commitment of M and of H in a proof, low chunk first (see {@link chunkedCommitments}). */
export function arenaChunkCommitments(proof: ArenaProof): { readonly M: readonly G1Point[]; readonly H: readonly G1Point[] } {
  return { M: [proof.multiplicities, ...(proof.multiplicityChunks ?? [])], H: [proof.helpers, ...(proof.helperChunks ?? [])] };
}

/** The committed tables of a proved arena, for the caller's batch opening. */
export interface ArenaPolys {
  readonly M: readonly bigint[];
  readonly H: readonly bigint[];
}

/** Output of `proveArena`. */
export interface ProveArenaResult {
  /** null for a skipped arena (no witness columns). */
  readonly proof: ArenaProof | null;
  /** Exactly what `verifyArena` returns for this proof. */
  readonly claims: ArenaClaims;
  /** The tables of M and H (null when skipped). */
  readonly polys: ArenaPolys | null;
}

/** Inputs of `verifyArena`. */
export interface VerifyArenaParameters {
  readonly shape: ArenaShape;
  /** null exactly when the shape has no witness columns. */
  readonly proof: ArenaProof | null;
  /** In the same state as the prover's when it started. */
  readonly transcript: Transcript;
}

/** Where a message is read from: the driver's proof stream (ProofReader) or a plain byte decoder. */
export interface ArenaStreamReader {
  readPoint(what: string): G1Point;
  readScalar(what: string): bigint;
}

/** Where a message is written to: the driver's proof stream (ProofWriter) or a plain byte encoder. */
export interface ArenaStreamWriter {
  writePoint(point: G1Point, what: string): void;
  writeScalar(value: bigint, what: string): void;
}

/** An arena that cannot be proved (entry outside its table, malformed input) or a proof that is rejected. */
export class ArenaError extends Error {
  override readonly name = "ArenaError";
}

/** Transcript labels of the arena (docs/lookup.md, "The arena"). */
export const ARENA_LABELS = {
  shape: "arena.shape",
  multiplicities: "arena.m",
  beta: "arena.beta",
  alpha: "arena.alpha",
  helpers: "arena.h",
  gamma: "arena.gamma",
  tau: "arena.tau",
  evals: "arena.evals",
} as const;

/** Type tags of table columns in the `arena.shape` absorb. */
export const ARENA_COLUMN_KIND = { range: 0n, external: 1n } as const;
