/**
 * The requantization step on the proof-wide lookup arena (spec: docs/prover.md, "Requantization"). Per step:
 *
 * - witness phase (before any challenge): the advice p, q, rem limbs, e limbs, u limbs and — only when u needs
 *   several limbs — ū limbs (k tables over the output layout) go into A as popcount(k) GROUP slots (k's binary
 *   decomposition, largest first: group g holds 2^(m_g) consecutive tables, table j at sub-offset j·2^n, so A
 *   holds exactly the k tables and no padding); the arena gets one RANGE
 *   column per rem limb (table [0, 2^L), the top one [0, 2^τ)), per e limb, per u limb (u's one limb on
 *   [0, hi − lo] when that is [0, 2^w): then no ū at all), per committed ū limb, or the one derived column
 *   ū = (hi − lo) − u (never committed);
 * - IOP phase (backward walk; session 7's "zero-check form"): y is DEFINED as lo + U (U = Σ_j 2^(L·j)·u_j, which
 *   holds on the whole cube: the padding has y = 0, u = −lo), so every claim y(r_k) = v_k is the claim
 *   U(r_k) = v_k − lo on committed limbs — an opening of u's group slot at (r_k ‖ bits of u_j's index), no
 *   sum-check; the relation to acc is ONE zero-check at the arena point ρ_a (a challenge drawn after A):
 *
 *     Σ_x eq(ρ_a, x)·F(x) = 2^s·lo + [committed ū: c^5·(hi − lo)] + Σ_i c^(6+i)·a_i,
 *     F = M·acc + 2^(s−1)·1_real − Σ_i 2^(L·i)·rem_i − 2^s·(p − q)·Σ_j 2^(L·j)·e_j − 2^s·U
 *         + c·p·Ū + c²·q·U + c³·(p² − p) + c⁴·(q² − q) + [committed ū: c^5·(U + Ū)] + Σ_i c^(6+i)·ℓ_i
 *
 *   (Ū = Σ_j 2^(L·j)·ū_j, or (hi − lo) − U when ū is derived or absent; ℓ_i the committed limb tables rem…, e…,
 *   u…, ū…, a_i the arena's values of them at ρ_a). One eq weight, so each round sends the degree-2 quotient
 *   (./requant-zerocheck.ts: 2 words a round instead of 3). The k values at ρ′ are then ONE opening per group
 *   slot: r_col (m_0 fresh challenges) and G_g(ρ′ ‖ r_col[0 … m_g)) = Σ_j eq(r_col[0 … m_g), j)·v_(start_g + j).
 *
 * y itself is never committed. Since session 8 the zero-checks of ALL the proof's requantizations run as ONE
 * batched zero-check before the walk ({@link proveRequantBatch}; the graph's stage: ../graph/requant-batch.ts),
 * and each step keeps only its claims on y in walk order ({@link proveRequantClaims}).
 * Transcript (batch): c = challenge("requant.coeff"), β = challenge("requant.batch") | N = max n_i rounds
 * (absorb("requant.round", [h(0), h₂]), challenge("requant.point")) | ONE absorb("requant.evals", every step's
 * [acc, p, q, rem…, e…, u…, committed ū…]) | r_col = m × challenge("requant.column") (m the largest m_0). In walk
 * order, per claim on y when u has ℓ_u > 1 limbs: absorb("requant.u", [u_1(r_k) … u_(ℓ_u−1)(r_k)]).
 */
import * as Fr from "../../field/fr";
import { eqTable, evaluateMle } from "../../poly/mle";
import type { ProductTerm } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { checkClaim, checkScalar, LayerProofError, type Claim } from "../claims";
import { paddedTable, prefixIndicator, splitPoint, type IntTensor, type TensorLayout } from "../tensor";
import { evaluateTerms, proveBatchedZeroCheck, verifyZeroCheck, type ZeroCheckRound } from "./requant-zerocheck";
import { limbsOf, paddedBigTable, requantGeometry, type RequantGeometry, type RequantSpec, type RequantWitness } from "./requant-spec";

/** Transcript labels of the requant step (the rounds': ./requant-zerocheck.ts). */
export const REQUANT_LABELS = { coeff: "requant.coeff", evals: "requant.evals", column: "requant.column", u: "requant.u" } as const;

/** The relation's degree in the tables (p·e, p·ū, p²); the sum-check with its eq weight has degree 3. */
const REQUANT_DEGREE = 3;

/** Values the prover sends at the sum-check point ρ′. */
export interface RequantEvals {
  readonly acc: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly rem: readonly bigint[];
  readonly e: readonly bigint[];
  readonly u: readonly bigint[];
  /** The committed ū limbs (none when ū is derived from u). */
  readonly uc: readonly bigint[];
}

/** A requant proof, in message order: the zero-check's rounds, the evaluations, the u limbs at the claims' points. */
export interface RequantProof {
  /** n rounds of (h(0), h₂) (./requant-zerocheck.ts). */
  readonly rounds: readonly ZeroCheckRound[];
  readonly evals: RequantEvals;
  /** Per claim on y: u_1 … u_(ℓ_u−1) at its point (empty lists when u is one limb). */
  readonly uAt: readonly (readonly bigint[])[];
}

/** The witness as padded tables over the output layout (what goes into A and the arena). */
export interface RequantTables {
  readonly y: bigint[];
  readonly p: bigint[];
  readonly q: bigint[];
  readonly rem: bigint[][];
  readonly e: bigint[][];
  readonly u: bigint[][];
  /** The committed ū limbs (none when ū is derived: u is one limb). */
  readonly uc: bigint[][];
}

/** The arena's claims on the step's committed limb columns: their values (rem…, e…, u…, ū…) at one point ρ_a. */
export interface ArenaLimbs {
  readonly point: readonly bigint[];
  readonly values: readonly bigint[];
}

/** One opening of a group slot of A (index into the step's groups) at a point. */
export interface GroupOpening {
  readonly group: number;
  readonly claim: Claim;
}

/** What the IOP phase hands on: the acc claim, the advice values at ρ′, and the openings of the group slots. */
export interface RequantClaims {
  readonly acc: Claim;
  readonly point: readonly bigint[];
  readonly evals: RequantEvals;
  /**
   * In order: one per group slot g at (ρ′ ‖ r_col[0 … m_g)), value Σ_j eq(r_col, j)·v_(start_g + j); then, per
   * claim on y and per u limb j, u_j's group at (r_k ‖ the bits of u_j's index in its group).
   */
  readonly openings: readonly GroupOpening[];
}

/** The witness (honest from `requantWitness`, or a test's dishonest one) as padded tables. */
export function requantTables(spec: RequantSpec, w: RequantWitness): RequantTables {
  const geo = requantGeometry(spec);
  const pad = (v: readonly bigint[]) => paddedBigTable(geo.layout, v);
  const L = geo.limbBits;
  // u and ū hold −lo and hi in the padding (y = 0 there), so y = lo + u = hi − ū on the whole cube.
  const limbs = (v: readonly bigint[], count: number, padValue = 0n) => {
    const padLimbs = limbsOf(padValue, count, L);
    return transposeLimbs(v, count, L).map((l, i) => paddedBigTable(geo.layout, l, padLimbs[i]));
  };
  return {
    y: pad(w.y),
    p: pad(w.p),
    q: pad(w.q),
    rem: limbs(w.rem, geo.remLimbs),
    e: limbs(w.e, geo.eLimbs),
    u: limbs(w.u, geo.uLimbs, -geo.lo),
    uc: limbs(w.uc, geo.ucLimbs, geo.hi),
  };
}

/** True when ū = (hi − lo) − u is a derived arena column (u is one limb, hi − lo + 1 not a power of two). */
export function hasDerivedUc(geo: RequantGeometry): boolean {
  return geo.ucMode === "derived";
}

/** hi − lo in Fr: ū = hi − y = (hi − lo) − u on the whole cube (padding: u = −lo, ū = hi). */
function clampWidth(geo: RequantGeometry): bigint {
  return Fr.fromSigned(geo.hi - geo.lo);
}

/**
 * The table width of each RANGE column, in arena order (the column is looked up in `range:<width>`, rows
 * [0, 2^width)): rem limbs (L bits, the top one τ: rem < 2^s exactly), e limbs (L), u limbs (L; u's one limb w
 * bits when hi − lo + 1 = 2^w, which alone proves lo ≤ y ≤ hi), then ū: the committed limbs (L), the one derived
 * column (hi − lo) − u (L), or nothing.
 */
export function requantRangeWidths(geo: RequantGeometry): number[] {
  const L = geo.limbBits;
  const full = (k: number) => new Array<number>(k).fill(L);
  const rem = geo.remLimbs === 0 ? [] : [...full(geo.remLimbs - 1), geo.remTopBits];
  const u = geo.ucMode === "none" ? [geo.uTopBits] : full(geo.uLimbs);
  return [...rem, ...full(geo.eLimbs), ...u, ...full(geo.ucLimbs + (hasDerivedUc(geo) ? 1 : 0))];
}

/**
 * The RANGE columns, in arena order (widths: {@link requantRangeWidths}): rem limbs (low first), e limbs, u limbs,
 * then the committed ū limbs or the one derived ū = (hi − lo) − u. u and (hi − lo) − u both in [0, 2^L) iff
 * 0 ≤ u ≤ hi − lo (hi − lo < 2^L: as integers (hi − lo) − u ∈ (hi − lo − 2^L, hi − lo], far from wrapping).
 */
export function requantRangeColumns(geo: RequantGeometry, t: RequantTables): bigint[][] {
  const cols = [...t.rem, ...t.e, ...t.u, ...t.uc].map((l) => [...l]);
  if (hasDerivedUc(geo)) {
    const width = clampWidth(geo);
    cols.push(t.u[0].map((v) => Fr.sub(width, v)));
  }
  return cols;
}

/** Number of RANGE columns of a step. */
export function requantRangeCount(geo: RequantGeometry): number {
  return requantRangeWidths(geo).length;
}

/** The arena's RANGE values of one step, split by what they are (a derived ū checked and dropped). */
export interface RangeClaims {
  readonly rem: bigint[];
  readonly e: bigint[];
  readonly u: bigint[];
  readonly uc: bigint[];
}

/**
 * The arena's claims on the step's RANGE columns, checked and split (`uc`: the committed ū limbs only). A derived
 * ū's value must be (hi − lo) − u (the verifier's only check here: the column is affine in u's, fixed with A before
 * the arena's challenges, so its claim needs no opening).
 * @throws {LayerProofError} when the count is wrong or the derived column does not match
 */
export function splitRangeClaims(geo: RequantGeometry, range: readonly bigint[]): RangeClaims {
  if (range.length !== requantRangeCount(geo)) throw new LayerProofError(`requant: ${range.length} range claims, expected ${requantRangeCount(geo)}`);
  let at = 0;
  const take = (k: number) => range.slice(at, (at += k));
  const out = { rem: take(geo.remLimbs), e: take(geo.eLimbs), u: take(geo.uLimbs), uc: take(geo.ucLimbs) };
  if (hasDerivedUc(geo) && range[at] !== Fr.sub(clampWidth(geo), out.u[0])) {
    throw new LayerProofError("requant: the derived column ū is not (hi − lo) − u");
  }
  return out;
}

/** One requantization of a batch, as the verifier knows it: its spec and the arena's values of its limb columns. */
export interface RequantBatchItem {
  readonly spec: RequantSpec;
  /** The arena's values of the committed limb columns ({@link requantLimbCount}) at a prefix of its point ρ_a. */
  readonly arena: ArenaLimbs;
}

/** One requantization of a batch, as the prover knows it. */
export interface RequantBatchProverItem extends RequantBatchItem {
  /** The exact accumulator, row-major over `spec.shape`. */
  readonly acc: IntTensor;
  /** The witness tables (committed in A before any challenge). */
  readonly tables: RequantTables;
}

/** The batched zero-check's messages: N rounds, then every step's evaluations at its prefix of ρ′. */
export interface RequantBatchProof {
  /** N = max n_i rounds of (h(0), h₂) (./requant-zerocheck.ts). */
  readonly rounds: readonly ZeroCheckRound[];
  /** Per step, in batch order. */
  readonly evals: readonly RequantEvals[];
}

/** What the batch hands each step: the acc claim at ρ′[0 … n), the advice values there, one opening per group slot. */
export interface RequantBatchClaims {
  readonly acc: Claim;
  readonly evals: RequantEvals;
  /** One per group slot g at (ρ′[0 … n) ‖ r_col[0 … m_g)), value Σ_j eq(r_col[0 … m_g), j)·v_(start_g + j). */
  readonly groups: readonly GroupOpening[];
}

/** Transcript labels of the batch (the rounds': ./requant-zerocheck.ts). */
export const REQUANT_BATCH_LABEL = "requant.batch";

/**
 * Proves every requantization's relation to its accumulator at once (docs/prover.md, "Requantization"): c =
 * challenge("requant.coeff"), β = challenge("requant.batch"), ONE zero-check over N = max n_i variables of
 * Σ_i β^i·F_i at eq point ρ_a[0 … N) (./requant-zerocheck.ts, `proveBatchedZeroCheck`), absorb("requant.evals",
 * every step's evaluations in batch order), r_col = m × challenge("requant.column") (m = the largest m_0), one
 * opening per group slot of each step. `unsafe`: a test's dishonest prover (proves whatever the witness sums to).
 */
export function proveRequantBatch(items: readonly RequantBatchProverItem[], transcript: Transcript, unsafe = false): { proof: RequantBatchProof; claims: RequantBatchClaims[] } {
  const geos = items.map((it) => requantGeometry(it.spec));
  const arenas = items.map((it, i) => checkArena(geos[i], it.arena));
  const { c, weights } = batchChallenges(transcript, items.length);
  const stmts = items.map((it, i) => zeroCheckStatement(it.spec, geos[i], arenas[i].values, c));
  const instances = items.map((it, i) => {
    const geo = geos[i];
    const accTable = paddedTable(geo.layout, it.acc.data, "requant acc");
    const indicator = paddedTable(geo.layout, new Array<number>(it.acc.data.length).fill(1));
    const t = it.tables;
    return { tables: [accTable, indicator, t.p, t.q, ...t.rem, ...t.e, ...t.u, ...t.uc], terms: stmts[i].terms, eqPoint: arenas[i].point };
  });
  const claim = stmts.reduce((acc, st, i) => Fr.add(acc, Fr.mul(weights[i], st.claim)), 0n);
  const zc = proveBatchedZeroCheck({ instances, weights, claim, transcript, unsafe });
  const evals = zc.finalEvaluations.map((at, i) => unflatten(geos[i], [at[0], ...at.slice(2)]));
  transcript.absorbScalars(REQUANT_LABELS.evals, evals.flatMap(flatEvals));
  return { proof: { rounds: zc.rounds, evals }, claims: handOn(geos, zc.point, evals, transcript) };
}

/**
 * Checks the batched zero-check down to each step's claims ({@link RequantBatchClaims}): the arena's values and
 * points (every step's a prefix of the longest's), the rounds, Σ_i β^i·F_i(ρ′[0 … n_i)) against the final value.
 * @throws {LayerProofError}
 */
export function verifyRequantBatch(items: readonly RequantBatchItem[], proof: RequantBatchProof, transcript: Transcript): RequantBatchClaims[] {
  const geos = items.map((it) => requantGeometry(it.spec));
  if (proof.evals.length !== items.length) throw new LayerProofError(`requant batch: ${proof.evals.length} steps' evaluations, expected ${items.length}`);
  proof.evals.forEach((ev, i) => {
    const geo = geos[i];
    if (ev.rem.length !== geo.remLimbs || ev.e.length !== geo.eLimbs || ev.u.length !== geo.uLimbs || ev.uc.length !== geo.ucLimbs) {
      throw new LayerProofError(`requant batch, step ${i}: ${flatEvals(ev).length} evaluations, expected ${requantEvalCount(geo)}`);
    }
  });
  const arenas = items.map((it, i) => checkArena(geos[i], it.arena));
  const rhoA = arenas.reduce<readonly bigint[]>((best, a) => (a.point.length > best.length ? a.point : best), []);
  arenas.forEach((a, i) => {
    if (a.point.some((x, j) => x !== rhoA[j])) throw new LayerProofError(`requant batch, step ${i}: the arena point is not a prefix of ρ_a`);
  });
  const { c, weights } = batchChallenges(transcript, items.length);
  const stmts = items.map((it, i) => zeroCheckStatement(it.spec, geos[i], arenas[i].values, c));
  const claim = stmts.reduce((acc, st, i) => Fr.add(acc, Fr.mul(weights[i], st.claim)), 0n);
  const zc = verifyZeroCheck({ claim, eqPoint: rhoA, rounds: proof.rounds, transcript });
  const flat = proof.evals.flatMap(flatEvals).map((x, k) => checkScalar(x, `requant batch: evaluation ${k}`));
  transcript.absorbScalars(REQUANT_LABELS.evals, flat);
  const g = proof.evals.reduce((acc, ev, i) => {
    const n = geos[i].layout.numVars;
    const at = flatEvals(ev);
    const f = evaluateTerms(stmts[i].terms, [at[0], realIndicator(geos[i].layout, zc.point.slice(0, n)), ...at.slice(1)]);
    return Fr.add(acc, Fr.mul(weights[i], f));
  }, 0n);
  if (g !== zc.value) {
    throw new LayerProofError("requant: the identity M·acc + 2^(s−1) = 2^s·(lo + u + (p − q)·e) + rem, the flags' zero-check or the arena's limb claims fail at the sum-check point");
  }
  return handOn(geos, zc.point, proof.evals, transcript);
}

/** c = challenge("requant.coeff"), β = challenge("requant.batch") and the steps' weights β^i. */
function batchChallenges(transcript: Transcript, count: number): { c: bigint; weights: bigint[] } {
  const c = transcript.challengeScalar(REQUANT_LABELS.coeff);
  const beta = transcript.challengeScalar(REQUANT_BATCH_LABEL);
  const weights: bigint[] = [];
  for (let i = 0, w = 1n; i < count; i++, w = Fr.mul(w, beta)) weights.push(w);
  return { c, weights };
}

/** After "requant.evals": r_col (the largest m_0 of the batch) and each step's acc claim and group openings. */
function handOn(geos: readonly RequantGeometry[], point: readonly bigint[], evals: readonly RequantEvals[], transcript: Transcript): RequantBatchClaims[] {
  const m = geos.reduce((best, geo) => Math.max(best, requantGroupVars(geo)[0]), 0);
  const rCol = transcript.challengeScalars(REQUANT_LABELS.column, m);
  return geos.map((geo, i) => {
    const rho = point.slice(0, geo.layout.numVars);
    return { acc: { point: rho, value: evals[i].acc }, evals: evals[i], groups: groupClaims(geo, rho, evals[i], rCol) };
  });
}

/**
 * Every claim on y (in the driver's order) as openings of u's limbs: per claim, when u has ℓ_u > 1 limbs,
 * absorb("requant.u", [u_1(r_k) … u_(ℓ_u−1)(r_k)]). Unless `unsafe`, refuses a false claim; the openings it
 * hands on come from the committed tables (true even for a test's dishonest claim: the verifier derives u_0 from
 * the claim, and its opening then fails).
 */
export function proveRequantClaims(spec: RequantSpec, tables: RequantTables, claims: readonly Claim[], transcript: Transcript, unsafe = false): { uAt: bigint[][]; openings: GroupOpening[] } {
  const geo = requantGeometry(spec);
  checkClaims(claims, geo.layout.numVars);
  if (!unsafe) {
    claims.forEach((cl, k) => {
      if (evaluateMle(tables.y, cl.point) !== cl.value) throw new LayerProofError(`requant: claim ${k} on y is false (the prover refuses to prove it)`);
    });
  }
  const uTrue = claims.map((cl) => tables.u.map((t) => evaluateMle(t, cl.point)));
  const uAt = uTrue.map((u) => {
    const higher = u.slice(1);
    if (higher.length > 0) transcript.absorbScalars(REQUANT_LABELS.u, higher);
    return higher;
  });
  const trueClaims = claims.map((cl, k) => ({ point: cl.point, value: Fr.add(Fr.fromSigned(geo.lo), limbSum(uTrue[k], geo.limbBits)) }));
  return { uAt, openings: uOpenings(geo, trueClaims, uAt) };
}

/** Reads every claim on y as openings of u's limbs (see {@link proveRequantClaims}). @throws {LayerProofError} */
export function verifyRequantClaims(spec: RequantSpec, claims: readonly Claim[], uAt: readonly (readonly bigint[])[], transcript: Transcript): GroupOpening[] {
  const geo = requantGeometry(spec);
  if (uAt.length !== claims.length || uAt.some((u) => u.length !== geo.uLimbs - 1)) {
    throw new LayerProofError(`requant proof: u's limbs at the claims' points do not match ${claims.length} claims of ${geo.uLimbs} limbs`);
  }
  checkClaims(claims, geo.layout.numVars);
  uAt.forEach((higher, k) => {
    higher.forEach((v, j) => checkScalar(v, `requant: u limb ${j + 1} at claim ${k}`));
    if (higher.length > 0) transcript.absorbScalars(REQUANT_LABELS.u, higher);
  });
  return uOpenings(geo, claims, uAt);
}

/** Inputs of {@link proveRequant}. */
export interface ProveRequantParameters {
  readonly spec: RequantSpec;
  /** The exact accumulator, row-major over `spec.shape`. */
  readonly acc: IntTensor;
  /** The witness tables (committed in A before any challenge). */
  readonly tables: RequantTables;
  /** Every claim on y, in the driver's order (possibly none): each becomes openings of u's limbs. */
  readonly claims: readonly Claim[];
  /** The arena's values of the committed limb columns ({@link requantLimbCount}) at its point ρ_a. */
  readonly arena: ArenaLimbs;
  readonly transcript: Transcript;
  /**
   * Test hook (a dishonest prover): prove the zero-check of whatever the witness sums to, and send u's true
   * values at the claims' points, even when the claims are false (the verifier must reject). A real prover never
   * sets it.
   */
  readonly unsafe?: boolean;
}

/**
 * One requantization alone: a batch of one ({@link proveRequantBatch}) then its claims on y
 * ({@link proveRequantClaims}) — the graph driver runs the batch before the walk and the claims in walk order.
 */
export function proveRequant(params: ProveRequantParameters): { proof: RequantProof; claims: RequantClaims } {
  const { spec, acc, tables, claims, transcript } = params;
  checkClaims(claims, requantGeometry(spec).layout.numVars);
  const batch = proveRequantBatch([{ spec, acc, tables, arena: params.arena }], transcript, params.unsafe);
  const u = proveRequantClaims(spec, tables, claims, transcript, params.unsafe);
  const out = batch.claims[0];
  return { proof: { rounds: batch.proof.rounds, evals: batch.proof.evals[0], uAt: u.uAt }, claims: { acc: out.acc, point: out.acc.point, evals: out.evals, openings: [...out.groups, ...u.openings] } };
}

/**
 * Checks one requantization alone (a batch of one, then its claims on y), down to claims (acc at ρ′, the group
 * slots at (ρ′ ‖ r_col) and u's limbs at the claims' points). @throws {LayerProofError}
 */
export function verifyRequant(params: { spec: RequantSpec; claims: readonly Claim[]; arena: ArenaLimbs; proof: RequantProof; transcript: Transcript }): RequantClaims {
  const { spec, claims, proof, transcript } = params;
  const geo = requantGeometry(spec);
  if (proof.uAt.length !== claims.length || proof.uAt.some((u) => u.length !== geo.uLimbs - 1)) {
    throw new LayerProofError(`requant proof: u's limbs at the claims' points do not match ${claims.length} claims of ${geo.uLimbs} limbs`);
  }
  checkClaims(claims, geo.layout.numVars);
  const [out] = verifyRequantBatch([{ spec, arena: params.arena }], { rounds: proof.rounds, evals: [proof.evals] }, transcript);
  const u = verifyRequantClaims(spec, claims, proof.uAt, transcript);
  return { acc: out.acc, point: out.acc.point, evals: out.evals, openings: [...out.groups, ...u] };
}

/**
 * Per claim y(r_k) = v_k: U(r_k) = v_k − lo, i.e. u_0(r_k) = v_k − lo − Σ_(j≥1) 2^(L·j)·u_j(r_k) and the sent
 * u_j(r_k); each an opening of u_j's group slot at (r_k ‖ the bits of u_j's index in the group, low first).
 */
function uOpenings(geo: RequantGeometry, claims: readonly Claim[], uAt: readonly (readonly bigint[])[]): GroupOpening[] {
  const first = 2 + geo.remLimbs + geo.eLimbs;
  return claims.flatMap((cl, k) => {
    const higher = uAt[k];
    const u0 = Fr.sub(Fr.sub(cl.value, Fr.fromSigned(geo.lo)), limbSum([0n, ...higher], geo.limbBits));
    return [u0, ...higher].map((value, j) => {
      const { group, index, vars } = groupOf(geo, first + j);
      const bits = Array.from({ length: vars }, (_, b) => BigInt((index >> b) & 1));
      return { group, claim: { point: [...cl.point, ...bits], value } };
    });
  });
}

/** The group holding advice table t (in the order p, q, rem…, e…, u…, ū…), t's index in it and the group's m_g. */
export function groupOf(geo: RequantGeometry, t: number): { group: number; index: number; vars: number } {
  let start = 0;
  const ms = requantGroupVars(geo);
  for (let g = 0; g < ms.length; g++) {
    if (t < start + 2 ** ms[g]) return { group: g, index: t - start, vars: ms[g] };
    start += 2 ** ms[g];
  }
  throw new RangeError(`requant: advice table ${t} is past the step's ${start} tables`);
}

/** Committed limb tables of a step (rem…, e…, u…, committed ū…): the arena columns whose claims the sum-check takes. */
export function requantLimbCount(geo: RequantGeometry): number {
  return geo.remLimbs + geo.eLimbs + geo.uLimbs + geo.ucLimbs;
}

/** Advice tables of a step, in group order: p, q, rem…, e…, u…, committed ū… (k of them). */
export function requantGroupCount(geo: RequantGeometry): number {
  return 2 + requantLimbCount(geo);
}

/**
 * How the k advice tables are grouped into slots of A: k's binary decomposition, largest first — group g holds
 * 2^(m_g) consecutive tables (m_0 > m_1 > …), so A holds exactly the k tables it held one slot each (no padding)
 * and a step has popcount(k) opening records instead of one per table and point. Returns the m_g.
 */
export function requantGroupVars(geo: RequantGeometry): number[] {
  const k = requantGroupCount(geo);
  const out: number[] = [];
  for (let m = Math.floor(Math.log2(k)); m >= 0; m--) if ((k >> m) & 1) out.push(m);
  return out;
}

/**
 * The shapes of a step's group slots: [2^(m_g), ...shape] (the layout puts the table index on the m_g HIGH
 * variables: the group's table j at sub-offset j·2^n).
 */
export function requantGroupShapes(geo: RequantGeometry): number[][] {
  return requantGroupVars(geo).map((m) => [2 ** m, ...geo.layout.shape]);
}

/** The group slots' tables (2^(n+m_g) entries each): the group's tables at sub-offsets j·2^n, in group order. */
export function requantGroupTables(geo: RequantGeometry, t: RequantTables): bigint[][] {
  const size = geo.layout.paddedSize;
  const parts = [t.p, t.q, ...t.rem, ...t.e, ...t.u, ...t.uc];
  let at = 0;
  return requantGroupVars(geo).map((m) => {
    const out = new Array<bigint>(size << m);
    for (let j = 0; j < 2 ** m; j++, at++) {
      const table = parts[at];
      if (table.length !== size) throw new RangeError(`requant group: table ${at} has ${table.length} entries, expected ${size}`);
      for (let x = 0; x < size; x++) out[j * size + x] = table[x];
    }
    return out;
  });
}

/**
 * One claim per group slot g at (ρ′ ‖ r_col[0 … m_g)), value Σ_j eq(r_col[0 … m_g), j)·v_(start_g + j) over the
 * group's advice values (the group's MLE in its high variables); r_col is the batch's, shared by every step.
 */
function groupClaims(geo: RequantGeometry, point: readonly bigint[], ev: RequantEvals, rCol: readonly bigint[]): GroupOpening[] {
  const ms = requantGroupVars(geo);
  const values = flatEvals(ev).slice(1);
  let at = 0;
  return ms.map((m, group) => {
    const r = rCol.slice(0, m);
    const value = eqTable(r).reduce((acc, w) => Fr.add(acc, Fr.mul(w, values[at++])), 0n);
    return { group, claim: { point: [...point, ...r], value } };
  });
}

/** The arena's limb values and point, checked: {@link requantLimbCount} canonical scalars. */
function checkArena(geo: RequantGeometry, arena: ArenaLimbs): ArenaLimbs {
  if (arena.values.length !== requantLimbCount(geo)) throw new LayerProofError(`requant: ${arena.values.length} arena limb values, expected ${requantLimbCount(geo)}`);
  if (arena.point.length !== geo.layout.numVars) throw new LayerProofError(`requant: the arena point has ${arena.point.length} coordinates, expected ${geo.layout.numVars}`);
  arena.point.forEach((x, j) => checkScalar(x, `requant: arena point[${j}]`));
  return { point: arena.point, values: arena.values.map((v, i) => checkScalar(v, `requant: arena limb value ${i}`)) };
}

function checkClaims(claims: readonly Claim[], n: number): void {
  claims.forEach((cl, k) => checkClaim(cl, n, `requant claim ${k}`));
}

/** The degree of a step's sum-check with its eq weight: 3 (eq·(p − q)·e, eq·p·ū, eq·p²; a round sends the degree-2 quotient). */
export function requantDegree(_geo: RequantGeometry): number {
  return REQUANT_DEGREE;
}

/** Number of evaluations a step sends at ρ′: acc, p, q, rem…, e…, u…, committed ū…. */
export function requantEvalCount(geo: RequantGeometry): number {
  return 3 + geo.remLimbs + geo.eLimbs + geo.uLimbs + geo.ucLimbs;
}

/** The evaluations in stream order: acc, p, q, rem…, e…, u…, committed ū…. */
export function flatEvals(ev: RequantEvals): bigint[] {
  return [ev.acc, ev.p, ev.q, ...ev.rem, ...ev.e, ...ev.u, ...ev.uc];
}

/** The inverse of {@link flatEvals} for a step's geometry. */
export function unflatten(geo: RequantGeometry, flat: readonly bigint[]): RequantEvals {
  let at = 3;
  const take = (k: number) => flat.slice(at, (at += k));
  return { acc: flat[0], p: flat[1], q: flat[2], rem: take(geo.remLimbs), e: take(geo.eLimbs), u: take(geo.uLimbs), uc: take(geo.ucLimbs) };
}

/**
 * The zero-check both sides run (see the module comment): F's terms (no eq points; tables acc, 1_real, p, q,
 * rem limbs, e limbs, u limbs, committed ū limbs) and the claimed sum. Terms on the same factors are merged.
 */
function zeroCheckStatement(spec: RequantSpec, geo: RequantGeometry, arena: readonly bigint[], c: bigint): { terms: ProductTerm[]; claim: bigint } {
  const L = geo.limbBits;
  const two = (k: number) => Fr.pow(2n, BigInt(k));
  const twoS = two(spec.shift);
  const half = spec.shift === 0 ? 0n : two(spec.shift - 1);
  const P = 2;
  const Q = 3;
  const rem0 = 4;
  const e0 = rem0 + geo.remLimbs;
  const u0 = e0 + geo.eLimbs;
  const uc0 = u0 + geo.uLimbs;
  const c2 = Fr.mul(c, c);
  const c3 = Fr.mul(c2, c);
  const c4 = Fr.mul(c3, c);
  const c5 = Fr.mul(c4, c);
  const merged = new Map<string, ProductTerm>();
  const add = (coeff: bigint, ...factors: number[]) => {
    const key = factors.join(",");
    const prev = merged.get(key);
    merged.set(key, { coeff: prev ? Fr.add(prev.coeff, coeff) : coeff, factors });
  };
  // The identity: M·acc + 2^(s−1)·1_real − rem − 2^s·(p − q)·e − 2^s·u (= 2^s·lo on the whole cube).
  add(Fr.fromSigned(spec.multiplier), 0);
  if (half !== 0n) add(half, 1);
  for (let i = 0; i < geo.remLimbs; i++) add(Fr.neg(two(L * i)), rem0 + i);
  for (let j = 0; j < geo.eLimbs; j++) {
    const k = Fr.mul(twoS, two(L * j));
    add(Fr.neg(k), P, e0 + j);
    add(k, Q, e0 + j);
  }
  for (let j = 0; j < geo.uLimbs; j++) add(Fr.neg(Fr.mul(twoS, two(L * j))), u0 + j);
  // The flags: c·p·ū + c²·q·u + c³·(p² − p) + c⁴·(q² − q).
  if (geo.ucMode !== "committed") {
    // p·ū = p·((hi − lo) − u): u is one limb.
    add(Fr.mul(c, clampWidth(geo)), P);
    add(Fr.neg(c), P, u0);
  } else {
    for (let j = 0; j < geo.ucLimbs; j++) add(Fr.mul(c, two(L * j)), P, uc0 + j);
  }
  for (let j = 0; j < geo.uLimbs; j++) add(Fr.mul(c2, two(L * j)), Q, u0 + j);
  add(c3, P, P);
  add(Fr.neg(c3), P);
  add(c4, Q, Q);
  add(Fr.neg(c4), Q);
  let claim = Fr.mul(twoS, Fr.fromSigned(geo.lo));
  // Committed ū: u + ū = hi − lo on the whole cube (y = lo + u = hi − ū).
  if (geo.ucMode === "committed") {
    for (let j = 0; j < geo.uLimbs; j++) add(Fr.mul(c5, two(L * j)), u0 + j);
    for (let j = 0; j < geo.ucLimbs; j++) add(Fr.mul(c5, two(L * j)), uc0 + j);
    claim = Fr.add(claim, Fr.mul(c5, clampWidth(geo)));
  }
  // The arena's limb claims at ρ_a: Σ_x eq(ρ_a, x)·ℓ_i(x) = a_i, weights c^(6+i).
  let wi = c5;
  arena.forEach((a, i) => {
    wi = Fr.mul(wi, c);
    add(wi, rem0 + i);
    claim = Fr.add(claim, Fr.mul(wi, a));
  });
  return { terms: [...merged.values()], claim };
}

/** 1_real at a point: Π_a prefixIndicator(d_a, point_a). */
function realIndicator(layout: TensorLayout, point: readonly bigint[]): bigint {
  return splitPoint(layout, point).reduce((acc, part, a) => Fr.mul(acc, prefixIndicator(layout.shape[a], part)), 1n);
}

/** Σ_j 2^(L·j)·limb_j. */
function limbSum(limbs: readonly bigint[], L: number): bigint {
  return limbs.reduce((acc, v, j) => Fr.add(acc, Fr.mul(v, Fr.pow(2n, BigInt(L * j)))), 0n);
}

/** Per-element values → `count` vectors of limbs (limb-major). */
function transposeLimbs(values: readonly bigint[], count: number, L: number): bigint[][] {
  const out = Array.from({ length: count }, () => new Array<bigint>(values.length));
  values.forEach((v, x) => limbsOf(v, count, L).forEach((l, i) => (out[i][x] = l)));
  return out;
}
