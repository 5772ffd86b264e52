/**
 * The requantization step as a claims-in / claims-out IOP (spec: docs/prover.md, "Requantization"). A claim
 * on y at r becomes ONE claim on acc at a fresh point ρ' (for the linear layer below) plus opening claims on
 * per-proof committed advice (σ, limbs of rem and e) and on the two lookups' polynomials, all for the one
 * batch opening. y itself is never committed: every claim on it is reduced to acc and the advice.
 *
 * Transcript: claim | advice commitments | CLAMP lookup | range lookup | coefficient c | one sum-check | evals.
 */
import { G1, type G1Point } from "../../curve/bn254";
import * as Fr from "../../field/fr";
import {
  LookupError,
  proveLookup,
  verifierTable,
  verifyLookup,
  type LookupClaims,
  type LookupProof,
  type WitnessColumn,
} from "../../lookup";
import { HyperKZG } from "../../pcs/hyperkzg";
import type { OpeningClaim } from "../../pcs/batch";
import type { Srs } from "../../pcs/srs";
import { combineTerms, proveSumcheck, SumcheckError, verifySumcheck, type ProductTerm, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { paddedTable, prefixIndicator, splitPoint, type IntTensor } from "../tensor";
import {
  limbsOf,
  paddedBigTable,
  REQUANT_LIMB_BITS,
  requantGeometry,
  requantWitness,
  type RequantGeometry,
  type RequantSpec,
  type RequantTables,
  type RequantWitness,
} from "./requant-spec";

/** Transcript labels of the requant step. */
export const REQUANT_LABELS = {
  claim: "requant.claim",
  advice: "requant.advice",
  coeff: "requant.coeff",
  evals: "requant.evals",
} as const;

/** Values the prover sends at the sum-check point ρ' (acc, σ, rem limbs, e limbs). */
export interface RequantEvals {
  readonly acc: bigint;
  readonly sigma: bigint;
  readonly rem: readonly bigint[];
  readonly e: readonly bigint[];
}

/** A requant proof, in message order. */
export interface RequantProof {
  /** Commitments to σ, rem limbs (low first), e limbs (low first): each a table over the output layout. */
  readonly advice: readonly G1Point[];
  /** (y, σ) ∈ CLAMP. */
  readonly clamp: LookupProof;
  /** Every limb (and rem's scaled top limb) ∈ [0, 2^16); null when there are no limbs (s = 0, no clamping). */
  readonly range: LookupProof | null;
  /** The combined sum-check (merge of the two y claims, linear identity, σ·e), degree 3 (2 without e). */
  readonly sumcheck: SumcheckProof;
  readonly evals: RequantEvals;
}

/** What the step hands on: one claim on acc, and opening claims on `commitments` for the batch opening. */
export interface RequantClaims {
  readonly acc: Claim;
  /** Advice commitments, then the CLAMP lookup's, then the range lookup's (`LookupClaims.commitments`). */
  readonly commitments: readonly G1Point[];
  readonly openings: readonly OpeningClaim[];
}

/** Inputs of {@link proveRequant}. */
export interface ProveRequantParameters {
  readonly srs: Srs;
  readonly spec: RequantSpec;
  readonly tables: RequantTables;
  /** The exact accumulator (before requantization), row-major over `spec.shape`. */
  readonly acc: IntTensor;
  /** The claim on y at r from the layer above. */
  readonly claim: Claim;
  readonly transcript: Transcript;
  /** Test hook: a (possibly dishonest) witness instead of the one computed from acc. */
  readonly witness?: RequantWitness;
  /** Test hook: multiplicities for the lookups (a dishonest prover's), instead of computed ones. */
  readonly multiplicities?: { readonly clamp?: readonly bigint[]; readonly range?: readonly bigint[] };
}

/** Output of {@link proveRequant}: the proof, the claims the verifier derives, and the committed tables. */
export interface ProveRequantResult {
  readonly proof: RequantProof;
  readonly claims: RequantClaims;
  /** Tables aligned with `claims.commitments` (for `proveBatchOpening`). */
  readonly polys: readonly (readonly bigint[])[];
}

/**
 * Proves y = requant(acc) at a claim on y.
 * @throws {LayoutError} on a bad spec or acc; {@link LayerProofError} when the claim is false
 * @throws {LookupError} when the witness is not in the tables (only with a dishonest test witness)
 */
export function proveRequant(params: ProveRequantParameters): ProveRequantResult {
  const { srs, spec, tables, acc, claim, transcript } = params;
  const geo = requantGeometry(spec);
  const n = geo.layout.numVars;
  checkClaim(claim, n, "requant");
  const w = params.witness ?? requantWitness(spec, acc);
  const { y, sigma, remLimbs, eLimbs } = witnessTables(geo, w);
  const advicePolys = [sigma, ...remLimbs, ...eLimbs];

  absorbClaim(transcript, REQUANT_LABELS.claim, claim);
  const advice = advicePolys.map((p) => HyperKZG.commit(srs, p));
  transcript.absorbPoints(REQUANT_LABELS.advice, advice);

  const clamp = proveLookup({ srs, table: tables.clamp, columns: [[y, sigma]], transcript, multiplicities: params.multiplicities?.clamp });
  const rangeColumns = rangeWitness(geo, remLimbs, eLimbs);
  const range =
    rangeColumns.length > 0
      ? proveLookup({ srs, table: tables.range, columns: rangeColumns, transcript, multiplicities: params.multiplicities?.range })
      : null;

  const c = transcript.challengeScalar(REQUANT_LABELS.coeff);
  const stmt = combinedStatement(spec, geo, claim, clamp.claims, c);
  const accTable = paddedTable(geo.layout, acc.data, "requant acc");
  const indicator = paddedTable(geo.layout, new Array<number>(acc.data.length).fill(1));
  const sc = provingTrueClaim("requant", () =>
    proveSumcheck({
      tables: [accTable, indicator, sigma, ...remLimbs, ...eLimbs],
      terms: stmt.terms,
      numVars: n,
      degree: stmt.degree,
      claim: stmt.claim,
      transcript,
    }),
  );
  const at = sc.finalEvaluations;
  const evals: RequantEvals = {
    acc: at[0],
    sigma: at[2],
    rem: at.slice(3, 3 + geo.remLimbs),
    e: at.slice(3 + geo.remLimbs, 3 + geo.remLimbs + geo.eLimbs),
  };
  transcript.absorbScalars(REQUANT_LABELS.evals, flatEvals(evals));

  const proof: RequantProof = { advice, clamp: clamp.proof, range: range?.proof ?? null, sumcheck: sc.proof, evals };
  const claims = collectClaims(geo, advice, clamp.claims, range?.claims ?? null, sc.point, evals);
  const polys = [...advicePolys, ...clamp.polys, ...(range?.polys ?? [])];
  return { proof, claims, polys };
}

/** Inputs of {@link verifyRequant}. */
export interface VerifyRequantParameters {
  readonly spec: RequantSpec;
  /** The tables (committed columns need only their commitments: `verifierTable`). */
  readonly tables: RequantTables;
  readonly claim: Claim;
  readonly proof: RequantProof;
  readonly transcript: Transcript;
}

/**
 * Checks a requant proof down to claims: the acc claim (for the layer below) and the opening claims (for the
 * one batch opening). Not a verdict on its own.
 * @throws {LayerProofError} on a malformed proof, a failed lookup, a failed sum-check or final equation
 */
export function verifyRequant(params: VerifyRequantParameters): RequantClaims {
  const { spec, claim, proof, transcript } = params;
  const geo = requantGeometry(spec);
  const n = geo.layout.numVars;
  checkClaim(claim, n, "requant");
  assertProofShape(geo, proof);
  absorbClaim(transcript, REQUANT_LABELS.claim, claim);
  transcript.absorbPoints(REQUANT_LABELS.advice, proof.advice);

  const size = 2 ** n;
  const lookup = (what: string, run: () => LookupClaims) => {
    try {
      return run();
    } catch (e) {
      if (e instanceof LookupError) throw new LayerProofError(`requant: ${what} lookup: ${e.message}`);
      throw e;
    }
  };
  const clampTable = verifierTable(params.tables.clamp);
  const clamp = lookup("clamp", () => verifyLookup({ table: clampTable, lengths: [size], proof: proof.clamp, transcript }));
  const rangeCount = rangeColumnCount(geo);
  const range =
    rangeCount > 0
      ? lookup("range", () =>
          verifyLookup({ table: params.tables.range, lengths: new Array<number>(rangeCount).fill(size), proof: proof.range!, transcript }),
        )
      : null;

  const c = transcript.challengeScalar(REQUANT_LABELS.coeff);
  const stmt = combinedStatement(spec, geo, claim, clamp, c);
  let sub;
  try {
    sub = verifySumcheck({ claim: stmt.claim, numVars: n, degree: stmt.degree, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`requant: ${e.message}`);
    throw e;
  }
  const ev = proof.evals;
  const flat = flatEvals(ev).map((x, i) => checkScalar(x, `requant: evaluation ${i}`));
  transcript.absorbScalars(REQUANT_LABELS.evals, flat);
  const indicator = splitPoint(geo.layout, sub.point).reduce(
    (acc, part, a) => Fr.mul(acc, prefixIndicator(geo.layout.shape[a], part)),
    1n,
  );
  const values = [ev.acc, indicator, ev.sigma, ...ev.rem, ...ev.e];
  if (combineTerms(stmt.terms, values, sub.point) !== sub.expectedEvaluation) {
    throw new LayerProofError("requant: the identity M·acc + 2^(s−1) = 2^s·(y + σ·e) + rem fails at the sum-check point");
  }
  return collectClaims(geo, proof.advice, clamp, range, sub.point, ev);
}

/**
 * The one sum-check both sides run. With w(x) = eq(r, x) + c·L·eq(ρ_c, x) (ρ_c the CLAMP lookup's point cut to
 * the output's n variables, L = Π_{j ≥ n} (1 − ρ_c,j) the lift of a claim made on 2^max(n, n_t) entries):
 *
 *   2^s·(v + c·y_c) = Σ_x w(x)·(M·acc(x) + 2^(s−1)·1_real(x) − Σ_i 2^(16i) rem_i(x) − 2^s·σ(x)·Σ_j 2^(16j) e_j(x))
 *
 * which is 2^s·Σ_x w(x)·y(x) for y = t − σ·e, t = (M·acc + 2^(s−1) − rem)/2^s. Table order: acc, 1_real, σ,
 * rem limbs, e limbs.
 */
function combinedStatement(spec: RequantSpec, geo: RequantGeometry, claim: Claim, clamp: LookupClaims, c: bigint) {
  const n = geo.layout.numVars;
  const rhoC = clamp.witnessPoint;
  const lift = rhoC.slice(n).reduce((acc, x) => Fr.mul(acc, Fr.sub(1n, x)), 1n);
  const yC = clamp.witnessClaims[0][0];
  const two = (k: number) => Fr.pow(2n, BigInt(k));
  const twoS = two(spec.shift);
  const m = Fr.fromSigned(spec.multiplier);
  const half = spec.shift === 0 ? 0n : two(spec.shift - 1);
  const terms: ProductTerm[] = [];
  const weights: [bigint, readonly bigint[]][] = [
    [1n, claim.point],
    [Fr.mul(c, lift), rhoC.slice(0, n)],
  ];
  for (const [wt, eqPoint] of weights) {
    terms.push({ coeff: Fr.mul(wt, m), factors: [0], eqPoint });
    if (half !== 0n) terms.push({ coeff: Fr.mul(wt, half), factors: [1], eqPoint });
    for (let i = 0; i < geo.remLimbs; i++) {
      terms.push({ coeff: Fr.neg(Fr.mul(wt, two(REQUANT_LIMB_BITS * i))), factors: [3 + i], eqPoint });
    }
    for (let j = 0; j < geo.eLimbs; j++) {
      const coeff = Fr.neg(Fr.mul(wt, Fr.mul(twoS, two(REQUANT_LIMB_BITS * j))));
      terms.push({ coeff, factors: [2, 3 + geo.remLimbs + j], eqPoint });
    }
  }
  return {
    terms,
    degree: geo.eLimbs > 0 ? 3 : 2,
    claim: Fr.mul(twoS, Fr.add(claim.value, Fr.mul(c, yC))),
  };
}

/** Number of range-lookup columns: rem limbs, the scaled top rem limb when it is short, e limbs. */
function rangeColumnCount(geo: RequantGeometry): number {
  return geo.remLimbs + (hasScaledTop(geo) ? 1 : 0) + geo.eLimbs;
}

function hasScaledTop(geo: RequantGeometry): boolean {
  return geo.remLimbs > 0 && geo.remTopBits < REQUANT_LIMB_BITS;
}

/**
 * The range lookup's columns. rem's top limb must be below 2^topBits, not 2^16: it is looked up twice, as is
 * and times 2^(16 − topBits) — both in [0, 2^16) iff it is below 2^topBits — so every limb shares one table
 * and one zero-check instead of a second lookup with its own sum-check.
 */
function rangeWitness(geo: RequantGeometry, remLimbs: readonly bigint[][], eLimbs: readonly bigint[][]): WitnessColumn[] {
  const cols: WitnessColumn[] = remLimbs.map((l) => [l]);
  if (hasScaledTop(geo)) {
    const k = Fr.pow(2n, BigInt(REQUANT_LIMB_BITS - geo.remTopBits));
    cols.push([remLimbs[geo.remLimbs - 1].map((v) => Fr.mul(v, k))]);
  }
  for (const l of eLimbs) cols.push([l]);
  return cols;
}

/** The witness as padded tables over the output layout: y, σ, rem limbs, e limbs. */
function witnessTables(geo: RequantGeometry, w: RequantWitness) {
  const pad = (v: readonly bigint[]) => paddedBigTable(geo.layout, v);
  return {
    y: pad(w.y),
    sigma: pad(w.sigma),
    remLimbs: transposeLimbs(w.rem, geo.remLimbs).map(pad),
    eLimbs: transposeLimbs(w.e, geo.eLimbs).map(pad),
  };
}

/**
 * The witness columns of the two lookups for a witness (what `proveRequant` passes to `proveLookup`): CLAMP
 * gets one column (y, σ); range gets rem limbs, the scaled top rem limb (when short) and e limbs.
 */
export function requantLookupColumns(spec: RequantSpec, w: RequantWitness): { clamp: WitnessColumn[]; range: WitnessColumn[] } {
  const geo = requantGeometry(spec);
  const t = witnessTables(geo, w);
  return { clamp: [[t.y, t.sigma]], range: rangeWitness(geo, t.remLimbs, t.eLimbs) };
}

/** Per-element values → `count` vectors of limbs (limb-major). */
function transposeLimbs(values: readonly bigint[], count: number): bigint[][] {
  const out = Array.from({ length: count }, () => new Array<bigint>(values.length));
  values.forEach((v, x) => limbsOf(v, count).forEach((l, i) => (out[i][x] = l)));
  return out;
}

function flatEvals(ev: RequantEvals): bigint[] {
  return [ev.acc, ev.sigma, ...ev.rem, ...ev.e];
}

/**
 * Claims handed on (identical on both sides). Advice polynomial indices: σ = 0, rem limb i = 1 + i, e limb
 * j = 1 + remLimbs + j. Openings: every advice polynomial at ρ'; σ at the CLAMP point; each limb at the range
 * point (the scaled top limb's claim is checked here to be 2^(16 − topBits) times the top limb's); then the
 * lookups' own openings with their indices shifted past the advice.
 */
function collectClaims(
  geo: RequantGeometry,
  advice: readonly G1Point[],
  clamp: LookupClaims,
  range: LookupClaims | null,
  point: readonly bigint[],
  ev: RequantEvals,
): RequantClaims {
  const openings: OpeningClaim[] = [];
  [ev.sigma, ...ev.rem, ...ev.e].forEach((value, poly) => openings.push({ poly, point, value }));
  openings.push({ poly: 0, point: clamp.witnessPoint, value: clamp.witnessClaims[0][1] });
  const commitments = [...advice];
  const append = (lookup: LookupClaims) => {
    const offset = commitments.length;
    commitments.push(...lookup.commitments);
    lookup.openings.forEach((o) => openings.push({ ...o, poly: o.poly + offset }));
  };
  append(clamp);
  if (range) {
    const wc = range.witnessClaims.map((row) => row[0]);
    const scaled = hasScaledTop(geo) ? 1 : 0;
    for (let i = 0; i < geo.remLimbs; i++) openings.push({ poly: 1 + i, point: range.witnessPoint, value: wc[i] });
    if (scaled) {
      const k = Fr.pow(2n, BigInt(REQUANT_LIMB_BITS - geo.remTopBits));
      if (wc[geo.remLimbs] !== Fr.mul(k, wc[geo.remLimbs - 1])) {
        throw new LayerProofError("requant: the scaled copy of rem's top limb is not 2^(16 − topBits) times the limb");
      }
    }
    for (let j = 0; j < geo.eLimbs; j++) {
      openings.push({ poly: 1 + geo.remLimbs + j, point: range.witnessPoint, value: wc[geo.remLimbs + scaled + j] });
    }
    append(range);
  }
  return { acc: { point: [...point], value: ev.acc }, commitments, openings };
}

/** Counts of every message before anything is absorbed (lookups check their own messages). */
function assertProofShape(geo: RequantGeometry, proof: RequantProof): void {
  const adviceCount = 1 + geo.remLimbs + geo.eLimbs;
  if (proof.advice.length !== adviceCount) {
    throw new LayerProofError(`requant proof: ${proof.advice.length} advice commitments, expected ${adviceCount}`);
  }
  proof.advice.forEach((p, i) => {
    try {
      if (!p.equals(G1.ZERO)) p.assertValidity();
    } catch {
      throw new LayerProofError(`requant proof: advice commitment ${i} is not a point on the curve`);
    }
  });
  const wantRange = rangeColumnCount(geo) > 0;
  if ((proof.range !== null) !== wantRange) {
    throw new LayerProofError(`requant proof: the range lookup is ${proof.range ? "present" : "missing"}, expected ${wantRange ? "one" : "none"}`);
  }
  if (proof.evals.rem.length !== geo.remLimbs || proof.evals.e.length !== geo.eLimbs) {
    throw new LayerProofError(
      `requant proof: ${proof.evals.rem.length} rem and ${proof.evals.e.length} e evaluations, expected ${geo.remLimbs} and ${geo.eLimbs}`,
    );
  }
}

/** Proof size and verifier work of one requant step (docs/prover.md, "Requantization", cost). */
export interface RequantCost {
  /** 32-byte calldata words: advice points, both lookups (docs/lookup.md's size formula), sum-check, evals. */
  readonly words: number;
  /** Sum-check rounds: CLAMP zero-check + range zero-check + the combined sum-check. */
  readonly rounds: number;
  /** Commitments the batch opening sees (advice + lookup m, h_i, g + committed table columns). */
  readonly commitments: number;
  /** Opening claims handed to the batch opening. */
  readonly openings: number;
}

/** The cost of {@link proveRequant}'s proof for a spec and the CLAMP table's variable count. */
export function requantCost(spec: RequantSpec, clampTableVars: number): RequantCost {
  const geo = requantGeometry(spec);
  const n = geo.layout.numVars;
  const advice = 1 + geo.remLimbs + geo.eLimbs;
  const k = rangeColumnCount(geo);
  // docs/lookup.md: 7 + 4k + k·a + 3·max(n_f, n_t) + c words; openings 3 + 2k + c; commitments 2 + k + c.
  const lookup = (cols: number, arity: number, tableVars: number, committed: number) => ({
    words: 7 + 4 * cols + cols * arity + 3 * Math.max(n, tableVars) + committed,
    rounds: Math.max(n, tableVars),
    openings: 3 + 2 * cols + committed,
    commitments: 2 + cols + committed,
  });
  const clamp = lookup(1, 2, clampTableVars, 2);
  const range = k > 0 ? lookup(k, 1, REQUANT_LIMB_BITS, 0) : { words: 0, rounds: 0, openings: 0, commitments: 0 };
  const degree = geo.eLimbs > 0 ? 3 : 2;
  return {
    words: 2 * advice + clamp.words + range.words + degree * n + 2 + geo.remLimbs + geo.eLimbs,
    rounds: clamp.rounds + range.rounds + n,
    commitments: advice + clamp.commitments + range.commitments,
    openings: advice + 1 + geo.remLimbs + geo.eLimbs + clamp.openings + range.openings,
  };
}
