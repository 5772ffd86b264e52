/**
 * The prover of the one batch opening (src/pcs/batch.ts, docs/hyperkzg.md "Batch opening") for the claims of a
 * whole-model proof, which are many (one per slot and point) on few, large polynomials (W, A, M, H). The proof
 * is exactly `proveBatchOpening`'s — same transcript, same messages (`assertValidBatchOpening` checks it) —
 * computed differently:
 *
 * - the sum-check Σ_x Σ_g eq(x, P_g)·F_g(x) is run as Σ_p f_p(x)·E_p(x) with E_p = Σ_{i on p} α^i eq(x, P_i):
 *   the same polynomial, so the same round messages, but degree-2 products of (number of polynomials) tables
 *   instead of (number of distinct points) eq-weighted ones;
 * - E_p is built sparsely: a claim point ends in 0/1 coordinates (its slot's selector and the batch lift), so
 *   eq(·, P_i) is an eq table over the leading coordinates only, placed at the slot's offset: O(slot size).
 * - with an addon that has `openingEqPairSumcheck` (src/pcs/batch-eq-sumcheck.ts) E_p is never built at all: the
 *   kernel regenerates each round's bound E_p block by block from its entries and keeps the folded tables in
 *   its own memory, so the sum-check allocates nothing the garbage collector sees (docs/hyperkzg.md "Session 9
 *   (EQ)"); the steps below that build and bind E_p are the fallback of an older addon;
 * - the commitment of G is the linear combination of the commitments (no MSM over G);
 * - with the native kernels (src/msm/native.ts) the tables, the E_p, the sum-check and G stay packed Fr vectors
 *   (`provePairProductSumcheck`, `frEqSum`, `frLinearCombination`) and G goes to HyperKZG packed: the same field
 *   elements, hence the same proof, without bigint arithmetic over 2^n entries (test/prover/opening.test.ts
 *   compares both paths);
 * - each polynomial is packed at its own size, not lifted to 2^n: W (2^19) and M (2^17) beside A and H (2^25)
 *   at 128 positions of stories260K would otherwise cost 4 GB of zeros for them and their E_p;
 * - with the in-place kernels (src/pcs/opening-kernels.ts; an older addon falls back to the copying ones) no
 *   2^n-word vector is copied or held twice: E_p is written into its buffer by both threads, bound in place by
 *   the fused fold-and-sum rounds, and dropped after the sum-check; G is written into its buffer and handed to
 *   HyperKZG, which forms B over it and both quotients in its words (docs/hyperkzg.md "Prover implementation").
 *   Each step is reported to src/pcs/opening-steps.ts (`scripts/profile-llm.ts` times it).
 */
import type { G1Point } from "../../curve/bn254";
import * as Fr from "../../field/fr";
import { BATCH_LABELS, type BatchOpeningProof, type OpeningClaim } from "../../pcs/batch";
import { eqPairSumcheckKernel, proveEqPairSumcheck, type EqEntry } from "../../pcs/batch-eq-sumcheck";
import { loadNative, selectedBackend, threadCount, type MsmBackendName, type NativeKernels } from "../../msm";
import { HyperKZG, linearCombination } from "../../pcs/hyperkzg";
import { openingKernels, releaseVectors } from "../../pcs/opening-kernels";
import { openingStep } from "../../pcs/opening-steps";
import { tableBigints, tableLength } from "../../pcs/packed-table";
import type { Srs } from "../../pcs/srs";
import { eqEval, eqTable } from "../../poly/mle";
import { provePairProductSumcheck, proveSumcheck, type ProductTerm, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";

/** Proves every claim with one sum-check (if the lifted points differ) and one HyperKZG opening. */
export function proveSlottedBatchOpening(params: {
  readonly srs: Srs;
  /** The committed tables, as bigints or packed Fr words (src/pcs/packed-table.ts). */
  readonly tables: readonly (readonly bigint[] | Uint8Array)[];
  readonly commitments: readonly G1Point[];
  readonly claims: readonly OpeningClaim[];
  readonly transcript: Transcript;
  /** Where the polynomial work runs (default: native exactly when the MSM backend is). Same proof either way. */
  readonly kernels?: MsmBackendName;
  /**
   * Called once G is formed, after which the tables are not read: a caller that passes it gives the tables up,
   * so their packed buffers are released there, before HyperKZG's folds and quotients (A and H are 1.5 GB packed
   * at 128 positions of stories260K), instead of at the next garbage collection.
   */
  readonly onTablesRead?: () => void;
}): BatchOpeningProof {
  const { srs, commitments, claims, transcript } = params;
  const native = (params.kernels ?? selectedBackend()) === "native" ? loadNative() : undefined;
  if (native) return provePacked(native, params);
  if (claims.length === 0) throw new RangeError("batch opening: no claims");
  const tables = params.tables.map(tableBigints);
  const { n, lifted, distinct, alphas, size } = absorbClaims(commitments, claims, transcript);

  let point: readonly bigint[];
  let sumcheck = null;
  if (distinct === 1) {
    point = lifted[0];
  } else {
    const used = [...new Set(claims.map((c) => c.poly))].sort((a, b) => a - b);
    const E = used.map(() => new Array<bigint>(size).fill(0n));
    const eqTables = new Map<string, readonly bigint[]>();
    claims.forEach((c, i) => addEq(E[used.indexOf(c.poly)], lifted[i], alphas[i], eqTables));
    const sumTables: (readonly bigint[])[] = [];
    const terms: ProductTerm[] = [];
    used.forEach((p, k) => {
      sumTables.push(tables[p], E[k]);
      terms.push({ coeff: 1n, factors: [2 * k, 2 * k + 1] });
    });
    const claim = claims.reduce((acc, c, i) => Fr.add(acc, Fr.mul(alphas[i], c.value)), 0n);
    const sc = proveSumcheck({ tables: sumTables, terms, numVars: n, degree: 2, claim, transcript });
    sumcheck = sc.proof;
    point = sc.point;
  }
  const weights = claimWeights(tables.length, claims, lifted, alphas, distinct === 1 ? null : point);
  const g = new Array<bigint>(size).fill(0n);
  weights.forEach((w, p) => {
    if (w !== 0n) Fr.addScaledInPlace(g, tables[p], w);
  });
  params.onTablesRead?.();
  const opening = HyperKZG.open({ srs, evals: g, point, transcript, commitment: linearCombination(commitments, weights) });
  return { sumcheck, opening: opening.proof };
}

/** {@link proveSlottedBatchOpening} over packed vectors and the native kernels. */
function provePacked(
  native: NativeKernels,
  params: {
    readonly srs: Srs;
    readonly tables: readonly (readonly bigint[] | Uint8Array)[];
    readonly commitments: readonly G1Point[];
    readonly claims: readonly OpeningClaim[];
    readonly transcript: Transcript;
    readonly onTablesRead?: () => void;
  },
): BatchOpeningProof {
  const { srs, tables, commitments, claims, transcript } = params;
  const threads = threadCount();
  const { n, lifted, distinct, alphas, size } = absorbClaims(commitments, claims, transcript);
  const used = [...new Set(claims.map((c) => c.poly))].sort((a, b) => a - b);
  // Each polynomial at its own size (W and M are far smaller than A and H): the sum-check reads a short pair as
  // zero-extended, which it is, and so are its claims' lifted points (trailing zeros).
  const varsOf = new Map(used.map((p) => [p, ownVars(tableLength(tables[p]), claims, p)]));
  const packed = openingStep("pack", () => new Map(used.map((p) => [p, packAt(native, tables[p], 2 ** varsOf.get(p)!)])));

  let point: readonly bigint[];
  let sumcheck = null;
  if (distinct === 1) {
    point = lifted[0];
  } else {
    const claim = claims.reduce((acc, c, i) => Fr.add(acc, Fr.mul(alphas[i], c.value)), 0n);
    // Each polynomial's E_p as its merged eq entries (its claims' points cut to its own variables).
    const entriesOf = (p: number): EqEntry[] => {
      const k = varsOf.get(p)!;
      return eqEntries(claims.flatMap((c, i) => (c.poly === p ? [{ point: lifted[i].slice(0, k), scale: alphas[i] }] : [])));
    };
    const kernel = eqPairSumcheckKernel(native);
    let sc: { proof: SumcheckProof; point: bigint[] };
    if (kernel) {
      // E_p never built: the kernel rebuilds each round's bound E_p block by block (src/pcs/batch-eq-sumcheck.ts).
      const polys = openingStep("eq_entries", () => used.map((p) => ({ table: packed.get(p)!, vars: varsOf.get(p)!, entries: entriesOf(p) })));
      sc = openingStep("pair_sumcheck", () => proveEqPairSumcheck({ kernel, polys, numVars: n, claim, transcript, threads }));
    } else {
      let pairs: (readonly [Uint8Array, Uint8Array])[] | undefined = openingStep("eq_tables", () =>
        used.map((p) => [packed.get(p)!, eqSum(native, 2 ** varsOf.get(p)!, entriesOf(p), threads)] as const),
      );
      // The E_p are this function's own: bound in place, then dropped with `pairs` before G is formed.
      sc = openingStep("pair_sumcheck", () => provePairProductSumcheck({ native, pairs: pairs!, numVars: n, claim, transcript, threads, zeroExtended: true, bindInPlace: true }));
      pairs = undefined;
    }
    sumcheck = sc.proof;
    point = sc.point;
  }
  const weights = claimWeights(tables.length, claims, lifted, alphas, distinct === 1 ? null : point);
  const live = used.filter((p) => weights[p] !== 0n);
  const g = new Uint8Array(size * 32);
  const into = openingKernels(native);
  if (live.length > 0) {
    openingStep("g", () => {
      const vectors = live.map((p) => packed.get(p)!);
      if (into) into.frLinearCombinationInto(g, vectors, live.map((p) => weights[p]), threads);
      else g.set(native.frLinearCombination(vectors, live.map((p) => weights[p]), threads));
    });
  }
  // A caller that passed onTablesRead gave the tables up: every packed vector, its own or the caller's, is dead.
  // Chunks of one table are views of one buffer (src/pcs/chunked.ts): each buffer is released once.
  if (params.onTablesRead) releaseVectors(into, [...new Map([...packed.values()].map((v) => [v.buffer, v])).values()]);
  packed.clear();
  params.onTablesRead?.();
  // G is this function's own: HyperKZG forms B over it and both quotients in B's words.
  const opening = HyperKZG.open({ srs, evals: g, consumeEvals: true, point, transcript, commitment: linearCombination(commitments, weights), kernels: "native" });
  return { sumcheck, opening: opening.proof };
}

/** A table as `size` packed words: packed tables as they are when their size fits, else zero-extended copies. */
function packAt(native: NativeKernels, table: readonly bigint[] | Uint8Array, size: number): Uint8Array {
  if (!(table instanceof Uint8Array)) return native.frFromBigints(table, size);
  if (table.length === size * 32) return table;
  if (table.length > size * 32) throw new RangeError(`batch opening: a packed table of ${table.length / 32} words exceeds ${size}`);
  const out = new Uint8Array(size * 32);
  out.set(table);
  return out;
}

/**
 * Variables of polynomial `p` in the packed opening: enough for its table and for every claim on it (a claim's
 * point beyond them would be lifted with zeros anyway).
 */
function ownVars(length: number, claims: readonly OpeningClaim[], p: number): number {
  let vars = Math.ceil(Math.log2(Math.max(1, length)));
  for (const c of claims) if (c.poly === p) vars = Math.max(vars, c.point.length);
  return vars;
}

/**
 * Lifts every claim point to the longest one's length (trailing zeros), absorbs the commitments and the
 * claims (poly, length, point, value each) and draws the batching powers α^i — the transcript of
 * `proveBatchOpening` up to the sum-check.
 */
function absorbClaims(
  commitments: readonly G1Point[],
  claims: readonly OpeningClaim[],
  transcript: Transcript,
): { n: number; lifted: bigint[][]; distinct: number; alphas: bigint[]; size: number } {
  const n = Math.max(...claims.map((c) => c.point.length));
  const lifted = claims.map((c) => [...c.point, ...new Array<bigint>(n - c.point.length).fill(0n)]);
  const distinct = new Set(lifted.map((p) => p.join(","))).size;
  transcript.absorbPoints(BATCH_LABELS.commitments, commitments);
  const words: bigint[] = [];
  for (const c of claims) words.push(BigInt(c.poly), BigInt(c.point.length), ...c.point, c.value);
  transcript.absorbScalars(BATCH_LABELS.claims, words);
  const alphas = Fr.powers(transcript.challengeScalar(BATCH_LABELS.alpha), claims.length);
  return { n, lifted, distinct, alphas, size: 2 ** n };
}

/**
 * Each polynomial's weight in G = Σ_p weight_p·f_p: Σ over its claims of α^i, times eq(ρ, P_i) when the points
 * differ and the sum-check ended at ρ (`rho` null: all points equal, no sum-check). eq is computed once a point.
 */
function claimWeights(count: number, claims: readonly OpeningClaim[], lifted: readonly bigint[][], alphas: readonly bigint[], rho: readonly bigint[] | null): bigint[] {
  const weights = new Array<bigint>(count).fill(0n);
  if (rho === null) {
    claims.forEach((c, i) => (weights[c.poly] = Fr.add(weights[c.poly], alphas[i])));
    return weights;
  }
  const eqCache = new Map<string, bigint>();
  claims.forEach((c, i) => {
    const key = lifted[i].join(",");
    let eq = eqCache.get(key);
    if (eq === undefined) eqCache.set(key, (eq = eqEval(rho, lifted[i])));
    weights[c.poly] = Fr.add(weights[c.poly], Fr.mul(alphas[i], eq));
  });
  return weights;
}

/**
 * The terms scale·eq(·, point) of one E_p as entries on the sub-cubes their trailing 0/1 coordinates select
 * (as {@link addEq}); terms with the same head and sub-cube are merged (their scales added), so each distinct
 * eq table is built once.
 */
function eqEntries(terms: readonly { point: readonly bigint[]; scale: bigint }[]): EqEntry[] {
  const merged = new Map<string, { offset: number; head: readonly bigint[]; scale: bigint }>();
  for (const { point, scale } of terms) {
    const { offset, head } = subCube(point);
    const key = `${offset}|${head.join(",")}`;
    const entry = merged.get(key);
    if (entry) entry.scale = Fr.add(entry.scale, scale);
    else merged.set(key, { offset, head, scale });
  }
  return [...merged.values()];
}

/** E = Σ scale·eq(·, head) at each entry's offset, over 2^n words (`size`): the materialised E_p of an addon without the eq pair sum-check. */
function eqSum(native: NativeKernels, size: number, entries: readonly EqEntry[], threads: number): Uint8Array {
  const into = openingKernels(native);
  if (!into) return native.frEqSum(size, entries.map((e) => e.offset), entries.map((e) => e.head), entries.map((e) => e.scale));
  // Built into its own buffer (no copy out of C++), split over the threads by output block.
  const out = new Uint8Array(size * 32);
  into.openingEqSumInto(out, entries.map((e) => e.offset), entries.map((e) => e.head), entries.map((e) => e.scale), threads);
  return out;
}

/** A point's leading free coordinates and the offset of the sub-cube its trailing 0/1 coordinates select. */
function subCube(point: readonly bigint[]): { offset: number; head: readonly bigint[] } {
  let free = point.length;
  while (free > 0 && (point[free - 1] === 0n || point[free - 1] === 1n)) free--;
  let offset = 0;
  for (let j = point.length - 1; j >= free; j--) offset = 2 * offset + Number(point[j]);
  return { offset: offset * 2 ** free, head: point.slice(0, free) };
}

/**
 * table += scale·eq(·, point), touching only the sub-cube the point's trailing 0/1 coordinates select. The eq
 * table of the leading coordinates is memoised in `cache`: the advice values of one step (σ, every limb, …)
 * are claims at ONE point on different slots, so they share it.
 */
function addEq(table: bigint[], point: readonly bigint[], scale: bigint, cache: Map<string, readonly bigint[]>): void {
  const { offset, head } = subCube(point);
  const key = head.join(",");
  let eq = cache.get(key);
  if (eq === undefined) cache.set(key, (eq = eqTable(head)));
  for (let i = 0; i < eq.length; i++) table[offset + i] = (table[offset + i] + scale * eq[i]) % Fr.MODULUS;
}
