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
 * - IOP phase (backward walk): a LIST of claims on y (the consumers', the output step's and the arena's bound
 *   claims at the arena point ρ_a, LAST: y = lo + u, and y = hi − ū when ū is committed) and the arena's values
 *   a_i of the committed limb columns at ρ_a become ONE claim on acc at a fresh point ρ′ plus the group's values
 *   at ρ′, by one sum-check with w(x) = Σ_k c^k·eq(r_k, x), K claims, limb tables ℓ_i (rem…, e…, u…, ū…):
 *
 *     2^s·Σ_k c^k v_k + Σ_i c^(K+4+i)·a_i
 *         = Σ_x w(x)·(M·acc + 2^(s−1)·1_real − Σ_i 2^(L·i)·rem_i − 2^s·(p − q)·Σ_j 2^(L·j)·e_j)
 *         + Σ_x eq(ρ_a, x)·(c^K·p·ū + c^(K+1)·q·u + c^(K+2)·(p² − p) + c^(K+3)·(q² − q) + Σ_i c^(K+4+i)·ℓ_i)
 *
 *   (u = Σ_j 2^(L·j) u_j; ū likewise, or (hi − lo) − u when derived; the second line is the flags' zero-check and
 *   the arena's limb claims, which thus need no opening of their own). ρ_a is the last claim's point (a challenge
 *   drawn after A is committed). The k values at ρ′ are then ONE opening per group slot: r_col (m_0 fresh
 *   challenges) and G_g(ρ′ ‖ r_col[0 … m_g)) = Σ_j eq(r_col[0 … m_g), j)·v_(start_g + j).
 *
 * y itself is never committed: every claim on y is reduced to acc and the advice.
 * Transcript: absorb("requant.claims", [r_k…, v_k] for each k) | c = challenge("requant.coeff") | sum-check
 * (n rounds, degree 3) | absorb("requant.evals", [acc, p, q, rem…, e…, u…, committed ū…]) |
 * r_col = m_0 × challenge("requant.column").
 */
import * as Fr from "../../field/fr";
import { eqTable } from "../../poly/mle";
import { combineTerms, proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { checkClaim, checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { paddedTable, prefixIndicator, splitPoint, type IntTensor, type TensorLayout } from "../tensor";
import { limbsOf, paddedBigTable, requantGeometry, type RequantGeometry, type RequantSpec, type RequantWitness } from "./requant-spec";

/** Transcript labels of the requant step. */
export const REQUANT_LABELS = { claims: "requant.claims", coeff: "requant.coeff", evals: "requant.evals", column: "requant.column" } as const;

/** Every requant sum-check has degree 3 (eq·p·e, eq·p·ū, eq·p²). */
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

/** A requant proof, in message order: the sum-check, then the evaluations. */
export interface RequantProof {
  readonly sumcheck: SumcheckProof;
  readonly evals: RequantEvals;
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

/** What the IOP phase hands on: the acc claim, the advice values at ρ′ and one claim per group slot. */
export interface RequantClaims {
  readonly acc: Claim;
  readonly point: readonly bigint[];
  readonly evals: RequantEvals;
  /** Per group slot g of A ({@link requantGroupVars}): (ρ′ ‖ r_col[0 … m_g)), value Σ_j eq(r_col, j)·v_(start_g + j). */
  readonly groups: readonly Claim[];
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

/**
 * The claims on y the arena's u and ū values give at its point ρ_a: y(ρ_a) = lo + Σ_j 2^(Lj) u_j, and, when ū is
 * committed, y(ρ_a) = hi − Σ_j 2^(Lj) ū_j (both identities hold on the whole cube: the padding has y = 0,
 * u = −lo, ū = hi). Together (u, ū ≥ 0 by their limbs) they prove lo ≤ y ≤ hi. A derived ū = (hi − lo) − u gives
 * the same claim as u's, and a u looked up in [0, hi − lo] needs no ū: one claim.
 */
export function boundClaims(geo: RequantGeometry, point: readonly bigint[], u: readonly bigint[], uc: readonly bigint[]): Claim[] {
  const low = { point, value: Fr.add(Fr.fromSigned(geo.lo), limbSum(u, geo.limbBits)) };
  return geo.ucMode === "committed" ? [low, { point, value: Fr.sub(Fr.fromSigned(geo.hi), limbSum(uc, geo.limbBits)) }] : [low];
}

/** Inputs of {@link proveRequant}. */
export interface ProveRequantParameters {
  readonly spec: RequantSpec;
  /** The exact accumulator, row-major over `spec.shape`. */
  readonly acc: IntTensor;
  /** The witness tables (committed in A before any challenge). */
  readonly tables: RequantTables;
  /** Every claim on y, in the driver's order; the last one's point (ρ_a) carries the flags' zero-check. */
  readonly claims: readonly Claim[];
  /**
   * The arena's values of the committed limb columns at the last claim's point ρ_a (rem…, e…, u…, committed ū…;
   * {@link requantLimbCount} of them): folded into the sum-check, so they need no opening of A at ρ_a.
   */
  readonly arena: readonly bigint[];
  readonly transcript: Transcript;
  /**
   * Test hook (a dishonest prover): prove the sum-check of whatever the witness sums to, even when the claims
   * are false (the verifier must reject). A real prover never sets it.
   */
  readonly unsafe?: boolean;
}

/** Proves every claim on y = requant(acc) down to one acc claim and one claim per group slot at ρ′. */
export function proveRequant(params: ProveRequantParameters): { proof: RequantProof; claims: RequantClaims } {
  const { spec, acc, tables, claims, transcript } = params;
  const geo = requantGeometry(spec);
  const n = geo.layout.numVars;
  const c = absorbClaims(transcript, claims, n);
  const stmt = combinedStatement(spec, geo, claims, checkArena(geo, params.arena), c);
  const accTable = paddedTable(geo.layout, acc.data, "requant acc");
  const indicator = paddedTable(geo.layout, new Array<number>(acc.data.length).fill(1));
  const sc = provingTrueClaim("requant", () =>
    proveSumcheck({ tables: [accTable, indicator, tables.p, tables.q, ...tables.rem, ...tables.e, ...tables.u, ...tables.uc], terms: stmt.terms, numVars: n, degree: stmt.degree, claim: params.unsafe ? undefined : stmt.claim, transcript }),
  );
  const at = sc.finalEvaluations;
  const evals = unflatten(geo, [at[0], ...at.slice(2)]);
  transcript.absorbScalars(REQUANT_LABELS.evals, flatEvals(evals));
  const groups = groupClaims(geo, sc.point, evals, transcript);
  return { proof: { sumcheck: sc.proof, evals }, claims: { acc: { point: sc.point, value: evals.acc }, point: sc.point, evals, groups } };
}

/**
 * Checks a requant proof down to claims (acc at ρ′, the group slots at (ρ′ ‖ r_col)); `arena` as in
 * {@link ProveRequantParameters}. @throws {LayerProofError}
 */
export function verifyRequant(params: { spec: RequantSpec; claims: readonly Claim[]; arena: readonly bigint[]; proof: RequantProof; transcript: Transcript }): RequantClaims {
  const { spec, claims, proof, transcript } = params;
  const geo = requantGeometry(spec);
  const n = geo.layout.numVars;
  const ev = proof.evals;
  if (ev.rem.length !== geo.remLimbs || ev.e.length !== geo.eLimbs || ev.u.length !== geo.uLimbs || ev.uc.length !== geo.ucLimbs) {
    throw new LayerProofError(`requant proof: ${flatEvals(ev).length} evaluations, expected ${requantEvalCount(geo)}`);
  }
  const arena = checkArena(geo, params.arena);
  const c = absorbClaims(transcript, claims, n);
  const stmt = combinedStatement(spec, geo, claims, arena, c);
  let sub;
  try {
    sub = verifySumcheck({ claim: stmt.claim, numVars: n, degree: stmt.degree, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`requant: ${e.message}`);
    throw e;
  }
  const flat = flatEvals(ev).map((x, i) => checkScalar(x, `requant: evaluation ${i}`));
  transcript.absorbScalars(REQUANT_LABELS.evals, flat);
  const indicator = realIndicator(geo.layout, sub.point);
  if (combineTerms(stmt.terms, [flat[0], indicator, ...flat.slice(1)], sub.point) !== sub.expectedEvaluation) {
    throw new LayerProofError("requant: the identity M·acc + 2^(s−1) = 2^s·(y + (p − q)·e) + rem, the flags' zero-check or the arena's limb claims fail at the sum-check point");
  }
  const groups = groupClaims(geo, sub.point, ev, transcript);
  return { acc: { point: sub.point, value: ev.acc }, point: sub.point, evals: ev, groups };
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
 * After "requant.evals": r_col = m_0 × challenge("requant.column") and one claim per group slot g at
 * (ρ′ ‖ r_col[0 … m_g)), value Σ_j eq(r_col[0 … m_g), j)·v_(start_g + j) over the group's advice values (the
 * group's MLE in its high variables).
 */
function groupClaims(geo: RequantGeometry, point: readonly bigint[], ev: RequantEvals, transcript: Transcript): Claim[] {
  const ms = requantGroupVars(geo);
  const rCol = transcript.challengeScalars(REQUANT_LABELS.column, ms[0]);
  const values = flatEvals(ev).slice(1);
  let at = 0;
  return ms.map((m) => {
    const r = rCol.slice(0, m);
    const value = eqTable(r).reduce((acc, w) => Fr.add(acc, Fr.mul(w, values[at++])), 0n);
    return { point: [...point, ...r], value };
  });
}

/** The arena's limb values, checked: {@link requantLimbCount} canonical scalars. */
function checkArena(geo: RequantGeometry, arena: readonly bigint[]): readonly bigint[] {
  if (arena.length !== requantLimbCount(geo)) throw new LayerProofError(`requant: ${arena.length} arena limb values, expected ${requantLimbCount(geo)}`);
  return arena.map((v, i) => checkScalar(v, `requant: arena limb value ${i}`));
}

/** The sum-check degree of a step: 3 ((p − q)·e·eq, p·ū·eq, p²·eq). */
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

function absorbClaims(transcript: Transcript, claims: readonly Claim[], n: number): bigint {
  if (claims.length === 0) throw new LayerProofError("requant: no claims on y");
  claims.forEach((cl, k) => checkClaim(cl, n, `requant claim ${k}`));
  transcript.absorbScalars(REQUANT_LABELS.claims, claims.flatMap((cl) => [...cl.point, cl.value]));
  return transcript.challengeScalar(REQUANT_LABELS.coeff);
}

/**
 * The one sum-check both sides run (see the module comment). Table order: acc, 1_real, p, q, rem limbs,
 * e limbs, u limbs, committed ū limbs.
 */
function combinedStatement(spec: RequantSpec, geo: RequantGeometry, claims: readonly Claim[], arena: readonly bigint[], c: bigint) {
  const L = geo.limbBits;
  const two = (k: number) => Fr.pow(2n, BigInt(k));
  const twoS = two(spec.shift);
  const m = Fr.fromSigned(spec.multiplier);
  const half = spec.shift === 0 ? 0n : two(spec.shift - 1);
  const P = 2;
  const Q = 3;
  const rem0 = 4;
  const e0 = rem0 + geo.remLimbs;
  const u0 = e0 + geo.eLimbs;
  const uc0 = u0 + geo.uLimbs;
  const terms: ProductTerm[] = [];
  let weight = 1n;
  let claim = 0n;
  for (const cl of claims) {
    const eqPoint = cl.point;
    terms.push({ coeff: Fr.mul(weight, m), factors: [0], eqPoint });
    if (half !== 0n) terms.push({ coeff: Fr.mul(weight, half), factors: [1], eqPoint });
    for (let i = 0; i < geo.remLimbs; i++) terms.push({ coeff: Fr.neg(Fr.mul(weight, two(L * i))), factors: [rem0 + i], eqPoint });
    for (let j = 0; j < geo.eLimbs; j++) {
      const k = Fr.mul(weight, Fr.mul(twoS, two(L * j)));
      terms.push({ coeff: Fr.neg(k), factors: [P, e0 + j], eqPoint }, { coeff: k, factors: [Q, e0 + j], eqPoint });
    }
    claim = Fr.add(claim, Fr.mul(weight, cl.value));
    weight = Fr.mul(weight, c);
  }
  // The flags' zero-check at the last claim's point (the arena's ρ_a): p·ū = 0, q·u = 0, p, q ∈ {0, 1}.
  const eqPoint = claims[claims.length - 1].point;
  const w2 = Fr.mul(weight, c);
  const w3 = Fr.mul(w2, c);
  const w4 = Fr.mul(w3, c);
  for (let j = 0; j < geo.uLimbs; j++) terms.push({ coeff: Fr.mul(w2, two(L * j)), factors: [Q, u0 + j], eqPoint });
  if (geo.ucMode !== "committed") {
    // p·ū = p·((hi − lo) − u): u is one limb.
    terms.push({ coeff: Fr.mul(weight, clampWidth(geo)), factors: [P], eqPoint }, { coeff: Fr.neg(weight), factors: [P, u0], eqPoint });
  } else {
    for (let j = 0; j < geo.ucLimbs; j++) terms.push({ coeff: Fr.mul(weight, two(L * j)), factors: [P, uc0 + j], eqPoint });
  }
  terms.push({ coeff: w3, factors: [P, P], eqPoint }, { coeff: Fr.neg(w3), factors: [P], eqPoint });
  terms.push({ coeff: w4, factors: [Q, Q], eqPoint }, { coeff: Fr.neg(w4), factors: [Q], eqPoint });
  // The arena's limb claims at ρ_a: Σ_x eq(ρ_a, x)·ℓ_i(x) = a_i, weights c^(K+4+i).
  let total = Fr.mul(twoS, claim);
  let wi = w4;
  arena.forEach((a, i) => {
    wi = Fr.mul(wi, c);
    terms.push({ coeff: wi, factors: [rem0 + i], eqPoint });
    total = Fr.add(total, Fr.mul(wi, a));
  });
  return { terms, degree: requantDegree(geo), claim: total };
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
