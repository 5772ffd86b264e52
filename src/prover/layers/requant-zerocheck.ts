/**
 * The requantization's sum-check with ONE eq weight, sent as the quotient by its eq factor (docs/prover.md,
 * "Requantization"). It proves `Σ_x eq(a, x)·F(x) = claim` for a polynomial F of degree 2 in the step's tables:
 * binding x_j in round j (x_0 first, as docs/sumcheck.md), the round polynomial is
 *
 *   s_j(X) = α_j·eq1(X, a_j)·h_j(X),   α_j = Π_{i<j} eq1(r_i, a_i),   eq1(X, a) = (1 − a) + (2a − 1)·X,
 *   h_j(X) = Σ_{x'} eq(a_{>j}, x')·F(r_{<j}, X, x')   (degree 2),
 *
 * so the prover sends h_j only — two words (h_j(0) and its X² coefficient; the X coefficient follows from the
 * running claim) where a degree-3 round sends three. With κ_j = claim_j / α_j (κ_0 = claim), the round's
 * constraint s_j(0) + s_j(1) = claim_j reads (1 − a_j)·h_j(0) + a_j·h_j(1) = κ_j, hence
 *
 *   h_j(r) = h_0 + r·(κ_j − h_0)/a_j + h_2·r·(r − 1),   κ_(j+1) = h_j(r_j),
 *
 * and after n rounds κ_n must equal F(r) (α_n = eq(a, r) cancels on both sides). A coordinate a_j = 0 is refused
 * (the division; a is a challenge, so this happens with probability n/|Fr|). Soundness is the degree-3
 * sum-check's (the verifier rebuilds s_j = α_j·eq1·h_j exactly): 3n/|Fr|.
 *
 * Batched ({@link proveBatchedZeroCheck}): several such checks with eq points that are prefixes of one point a,
 * weighted, as ONE check over the longest (an instance ignores the coordinates past its own: the eq weight sums
 * to 1 over them), so the rounds are max n_i, not Σ n_i.
 *
 * Transcript per round: absorb("requant.round", [h_j(0), h_j,2]), r_j = challenge("requant.point").
 */
import * as Fr from "../../field/fr";
import { packFrWords } from "../../lookup/arena-words";
import { threadCount } from "../../msm/backend";
import { readWordLE } from "../../msm/layout";
import { bindFirstVariableInPlace } from "../../poly/mle";
import { interpolateFromIntegerNodes } from "../../poly/univariate";
import { advanceEqWeight, eqRoundCoefficients, initEqWeight, type EqWeightState } from "../../sumcheck/eq-kernel";
import { NATIVE_PRODUCT_SUMCHECK_MIN, productRoundValues } from "../../sumcheck/packed-product";
import { loadWalkKernels, type NativeWalkKernels } from "../../sumcheck/walk-native";
import type { ProductTerm } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { checkScalar, LayerProofError } from "../claims";

/** Transcript labels of the rounds. */
export const ZEROCHECK_LABELS = { round: "requant.round", point: "requant.point" } as const;

/** One round's message: h_j(0) and the X² coefficient of h_j. */
export type ZeroCheckRound = readonly [bigint, bigint];

/** Output of {@link proveZeroCheck}. */
export interface ZeroCheckProved {
  readonly rounds: ZeroCheckRound[];
  /** The challenge point r (r_0 binding x_0). */
  readonly point: bigint[];
  /** Every table at r. */
  readonly finalEvaluations: bigint[];
}

/** One zero-check of a batch: Σ_x eq(a, x)·Σ_t c_t·Π_k f_k(x) over n = |a| variables (tables of 2^n entries). */
export interface ZeroCheckInstance {
  readonly tables: readonly (readonly bigint[])[];
  readonly terms: readonly ProductTerm[];
  /** a: a prefix of the batch's eq point. */
  readonly eqPoint: readonly bigint[];
}

/** Output of {@link proveBatchedZeroCheck}. */
export interface BatchedZeroCheckProved {
  readonly rounds: ZeroCheckRound[];
  /** The challenge point r over N = max n_i variables; instance i's tables are at r[0 … n_i). */
  readonly point: bigint[];
  /** Per instance, every table at r[0 … n_i). */
  readonly finalEvaluations: bigint[][];
}

/**
 * Proves Σ_x eq(a, x)·Σ_t c_t·Π_k f_k(x) = claim (terms without eq points, at most two factors each; tables of
 * 2^n canonical entries, not modified). Unless `unsafe`, refuses a claim that is not the sum
 * ({@link LayerProofError}). A batch of one ({@link proveBatchedZeroCheck}).
 */
export function proveZeroCheck(params: {
  readonly tables: readonly (readonly bigint[])[];
  readonly terms: readonly ProductTerm[];
  readonly eqPoint: readonly bigint[];
  readonly claim: bigint;
  readonly transcript: Transcript;
  readonly unsafe?: boolean;
}): ZeroCheckProved {
  const out = proveBatchedZeroCheck({ instances: [params], weights: [1n], claim: params.claim, transcript: params.transcript, unsafe: params.unsafe });
  return { rounds: out.rounds, point: out.point, finalEvaluations: out.finalEvaluations[0] };
}

/** {@link proveZeroCheck} on bigint tables (no addon, or tables below NATIVE_PRODUCT_SUMCHECK_MIN): the reference. */
export function proveZeroCheckPortable(params: Parameters<typeof proveZeroCheck>[0]): ZeroCheckProved {
  const out = proveBatchedZeroCheck({ instances: [params], weights: [1n], claim: params.claim, transcript: params.transcript, unsafe: params.unsafe, portable: true });
  return { rounds: out.rounds, point: out.point, finalEvaluations: out.finalEvaluations[0] };
}

/**
 * The batched zero-check (docs/prover.md, "Requantization"): instance i over n_i variables with eq point
 * a[0 … n_i) (a = the longest instance's point; every other one a prefix of it) and weight w_i, as ONE zero-check
 * over N = max n_i variables of G(x) = Σ_i w_i·F_i(x[0 … n_i)):
 *
 *   Σ_(x ∈ {0,1}^N) eq(a, x)·G(x) = Σ_i w_i·Σ_(x ∈ {0,1}^(n_i)) eq(a[0 … n_i), x)·F_i(x) = claim,
 *
 * since Σ_(b ∈ {0,1}) eq1(b, a_j) = 1 for every coordinate past n_i (no scaling). In round j an instance with
 * n_i > j adds its own quotient h_(i,j) (the single-instance round), one with n_i ≤ j the constant F_i(r[0 … n_i)).
 * Unless `unsafe`, refuses a claim that is not the sum. `portable` forces the bigint rounds (tests).
 */
export function proveBatchedZeroCheck(params: {
  readonly instances: readonly ZeroCheckInstance[];
  readonly weights: readonly bigint[];
  readonly claim: bigint;
  readonly transcript: Transcript;
  readonly unsafe?: boolean;
  readonly portable?: boolean;
}): BatchedZeroCheckProved {
  const { instances, weights, transcript } = params;
  if (weights.length !== instances.length) throw new RangeError(`requant zero-check: ${weights.length} weights for ${instances.length} instances`);
  const a = longestPoint(instances);
  const N = a.length;
  const provers = instances.map((inst): InstanceProver => {
    const n = inst.eqPoint.length;
    for (const t of inst.tables) {
      if (t.length !== 2 ** n) throw new RangeError(`requant zero-check: a table has ${t.length} entries, expected 2^${n}`);
    }
    const native = !params.portable && n > 0 && 2 ** n >= NATIVE_PRODUCT_SUMCHECK_MIN ? loadWalkKernels() : undefined;
    return native ? packedProver(inst, native) : portableProver(inst);
  });
  const rounds: ZeroCheckRound[] = [];
  const point: bigint[] = [];
  let kappa = params.claim;
  if (N === 0) {
    const g = provers.reduce((acc, p, i) => Fr.add(acc, Fr.mul(weights[i], p.value())), 0n);
    if (!params.unsafe && g !== kappa) throw falseClaim();
  }
  for (let j = 0; j < N; j++) {
    // h_j = Σ_i w_i·h_(i,j): coefficients (h_0, h_1, h_2); a finished instance adds its constant F_i(r).
    const h = [0n, 0n, 0n];
    provers.forEach((p, i) => {
      const hi = j < p.numVars ? p.round(j) : [p.value(), 0n, 0n];
      for (let k = 0; k < 3; k++) h[k] = Fr.add(h[k], Fr.mul(weights[i], hi[k]));
    });
    // (1 − a_0)·h(0) + a_0·h(1) = κ_0: the claim, checked once (later rounds follow from the binding).
    if (j === 0 && !params.unsafe && Fr.add(Fr.mul(Fr.sub(1n, a[0]), h[0]), Fr.mul(a[0], Fr.add(h[0], Fr.add(h[1], h[2])))) !== kappa) {
      throw falseClaim();
    }
    rounds.push([h[0], h[2]]);
    transcript.absorbScalars(ZEROCHECK_LABELS.round, [h[0], h[2]]);
    const r = transcript.challengeScalar(ZEROCHECK_LABELS.point);
    point.push(r);
    kappa = Fr.add(h[0], Fr.mul(r, Fr.add(h[1], Fr.mul(r, h[2]))));
    provers.forEach((p) => j < p.numVars && p.bind(j, r));
  }
  return { rounds, point, finalEvaluations: provers.map((p) => p.finals()) };
}

/** The longest instance's eq point; every other instance's must be a prefix of it. */
function longestPoint(instances: readonly ZeroCheckInstance[]): readonly bigint[] {
  const a = instances.reduce<readonly bigint[]>((best, inst) => (inst.eqPoint.length > best.length ? inst.eqPoint : best), []);
  instances.forEach((inst, i) => {
    if (inst.eqPoint.some((x, j) => x !== a[j])) throw new RangeError(`requant zero-check: instance ${i}'s eq point is not a prefix of the batch's`);
  });
  return a;
}

/** One instance's rounds: its quotient h_(i,j) as coefficients, the binding of x_j, its tables at the end. */
interface InstanceProver {
  readonly numVars: number;
  round(j: number): bigint[];
  bind(j: number, r: bigint): void;
  /** F_i at its point (all variables bound). */
  value(): bigint;
  finals(): bigint[];
}

/** The bigint rounds (the reference). */
function portableProver(inst: ZeroCheckInstance): InstanceProver {
  const n = inst.eqPoint.length;
  const tables = inst.tables.map((t) => [...t]);
  const eq = initEqWeight(inst.eqPoint);
  // The eq kernel multiplies each term's q(X) by eq1(X, point_j)·scale; with point_j = 1 and scale 1 that factor
  // is X, so its coefficients (c_0 … c_3) are (0, h_0, h_1, h_2): the quotient h_j, read off one place up.
  const ones = new Array<bigint>(n).fill(1n);
  const finals = () => tables.map((t) => Fr.reduce(t[0]));
  return {
    numVars: n,
    round(j) {
      const state: EqWeightState = { point: ones, suffix: eq.suffix, scale: 1n };
      const s = eqRoundCoefficients(tables, inst.terms, inst.terms.map(() => state), 3, j);
      return [s[1], s[2], s[3]];
    },
    bind(j, r) {
      for (const t of tables) bindFirstVariableInPlace(t, r);
      advanceEqWeight(eq, j, r);
    },
    value: () => evaluateTerms(inst.terms, finals()),
    finals,
  };
}

/**
 * The rounds on packed words in the native walk kernels (src/sumcheck/packed-product.ts): the tables packed once,
 * each round one kernel call for h(0), h(1), h(2) weighted by eq(a_(>j), ·) and one in-place binding. Same
 * messages, point and evaluations as the bigint rounds (test/prover/requant-zerocheck.test.ts).
 */
function packedProver(inst: ZeroCheckInstance, native: NativeWalkKernels): InstanceProver {
  const a = inst.eqPoint;
  const n = a.length;
  const threads = threadCount();
  // Mostly limbs and flags below 2^64: packed in JavaScript, not through an N-API call per entry.
  const packed = inst.tables.map((t) => packFrWords(native, t, 2 ** n));
  let len = 2 ** n;
  const finals = () => packed.map((t) => readWordLE(t, 0));
  return {
    numVars: n,
    round(j) {
      const tail = a.slice(j + 1);
      const suffix = native.frEqSum(2 ** tail.length, [0], [tail], [1n]);
      const values = productRoundValues(native, packed, len, inst.terms, suffix, 3, threads).map(Fr.reduce);
      return interpolateFromIntegerNodes(values).map(Fr.reduce);
    },
    bind(_j, r) {
      native.arenaBind(packed, len, r, threads, true);
      len /= 2;
    },
    value: () => evaluateTerms(inst.terms, finals()),
    finals,
  };
}

/**
 * Replays the rounds: returns the point r and κ_n, which must equal F(r) (the caller's check).
 * @throws {LayerProofError} on a wrong round count, a non-canonical word or a zero coordinate of `eqPoint`
 */
export function verifyZeroCheck(params: {
  readonly claim: bigint;
  readonly eqPoint: readonly bigint[];
  readonly rounds: readonly ZeroCheckRound[];
  readonly transcript: Transcript;
}): { point: bigint[]; value: bigint } {
  const { eqPoint: a, rounds, transcript } = params;
  if (rounds.length !== a.length) throw new LayerProofError(`requant zero-check: ${rounds.length} rounds, expected ${a.length}`);
  let kappa = params.claim;
  const point: bigint[] = [];
  rounds.forEach(([h0, h2], j) => {
    checkScalar(h0, `requant zero-check: round ${j}, h(0)`);
    checkScalar(h2, `requant zero-check: round ${j}, X² coefficient`);
    if (a[j] === 0n) throw new LayerProofError(`requant zero-check: coordinate ${j} of the eq point is 0`);
    transcript.absorbScalars(ZEROCHECK_LABELS.round, [h0, h2]);
    const r = transcript.challengeScalar(ZEROCHECK_LABELS.point);
    point.push(r);
    // h(r) = h_0 + r·(κ − h_0)/a_j + h_2·r·(r − 1)
    const linear = Fr.mul(Fr.sub(kappa, h0), Fr.inv(a[j]));
    kappa = Fr.add(Fr.add(h0, Fr.mul(r, linear)), Fr.mul(h2, Fr.mul(r, Fr.sub(r, 1n))));
  });
  return { point, value: kappa };
}

/** Σ_t c_t·Π_k values[f_k] (the terms carry no eq points). */
export function evaluateTerms(terms: readonly ProductTerm[], values: readonly bigint[]): bigint {
  return terms.reduce((acc, t) => Fr.add(acc, Fr.mul(t.coeff, t.factors.reduce((p, k) => Fr.mul(p, values[k]), 1n))), 0n);
}

function falseClaim(): LayerProofError {
  return new LayerProofError("requant: the claim is false (the prover refuses to prove it)");
}
