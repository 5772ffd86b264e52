/**
 * HyperKZG: a multilinear polynomial commitment from univariate KZG by the Gemini folding reduction
 * (eprint 2022/420; the variant documented by Nova and Jolt), with the multi-point opening done by a
 * two-witness, shplonk-style check so the verifier ends with ONE 2-pair pairing. Full message and equation
 * list, and EVM costs, in docs/hyperkzg.md.
 *
 * A table e of 2^l evaluations (little-endian index, see src/poly/mle.ts) is committed as the univariate
 * f_0(X) = sum_i e_i X^i: C = [f_0(tau)]_1. Opening at u = (u_0, ..., u_{l-1}):
 *
 *   1. absorb C, u, v = f~(u); fold f_{j+1}(X) = (1 - u_j)·E_j(X) + u_j·O_j(X) where f_j(X) = E_j(X^2) +
 *      X·O_j(X^2) (= binding x_j); send C_1..C_{l-1}; f_l is the constant v.             -> challenge beta
 *   2. send f_j(beta), f_j(-beta) for j < l, and f_0(beta^2).                              -> challenge q
 *   3. B = sum_j q^j f_j; the verifier knows B at beta, -beta, beta^2 (f_j(beta^2) for j >= 1 follows from
 *      the fold identity); R interpolates those 3 values, Z(X) = (X - beta)(X + beta)(X - beta^2);
 *      send W = [(B - R)/Z].                                                               -> challenge z
 *   4. L(X) = B(X) - R(z) - Z(z)·(B - R)/Z has a root at z; send W' = [L/(X - z)].
 *   Verifier: e(C_B - R(z)·G1 - Z(z)·W + z·W', G2) · e(-W', tau·G2) = 1 with C_B = sum_j q^j C_j.
 *
 * A 0-variable table is opened as the 1-variable table (e_0, 0) at u = (0): same commitment, same checks.
 */
import { G1, pairingProductIsOne, type G1Point, type G2Point } from "../curve/bn254";
import * as Fr from "../field/fr";
import { MODULUS } from "../field/fr";
import { G1Bases, msm, type MsmBackendName } from "../msm";
import type { Transcript } from "../transcript";
import { commitCoefficients } from "./kzg";
import { openingStep } from "./opening-steps";
import { polyKernels, type PolyKernels } from "./poly-kernels";
import type { Srs } from "./srs";

/** Transcript labels of HyperKZG (docs/hyperkzg.md). */
export const HYPERKZG_LABELS = {
  claim: "hyperkzg.claim",
  folds: "hyperkzg.folds",
  beta: "hyperkzg.beta",
  evals: "hyperkzg.evals",
  q: "hyperkzg.q",
  w: "hyperkzg.w",
  z: "hyperkzg.z",
  wPrime: "hyperkzg.w_prime",
} as const;

/** An opening proof for a table of 2^l entries (l >= 1 after the 0-variable mapping). */
export interface HyperKzgProof {
  /** [f_j(tau)] for j = 1 .. l-1 (l - 1 points). */
  readonly folds: readonly G1Point[];
  /** f_0(beta), f_0(-beta), f_1(beta), f_1(-beta), ..., f_{l-1}(-beta), f_0(beta^2): 2l + 1 scalars. */
  readonly evals: readonly bigint[];
  /** [(B - R)/Z (tau)]. */
  readonly w: G1Point;
  /** [L/(X - z) (tau)]. */
  readonly wPrime: G1Point;
}

/** What the verifier needs from the setup: G1, G2 generators and tau·G2. */
export interface HyperKzgVerifierKey {
  readonly g1: G1Point;
  readonly g2: G2Point;
  readonly tauG2: G2Point;
}

/** A proof that does not verify, with the reason. */
export class HyperKzgError extends Error {
  override readonly name = "HyperKzgError";
}

/** The verifier key of an SRS. */
export function verifierKey(srs: Srs): HyperKzgVerifierKey {
  return { g1: srs.g1Powers.at(0), g2: srs.g2, tauG2: srs.tauG2 };
}

/** Commits to a table of evaluations (any length up to the SRS size; zero-padding does not change it). */
export function commit(srs: Srs, evals: readonly bigint[]): G1Point {
  for (let i = 0; i < evals.length; i++) {
    const x = evals[i];
    // The message is built only for a bad entry (tables run to millions of entries).
    if (typeof x !== "bigint" || x < 0n || x >= MODULUS) Fr.assertFr(x, `HyperKZG commit: evaluation ${i}`);
  }
  return commitCoefficients(srs, evals);
}

/** Inputs of {@link open}. */
export interface OpenParameters {
  readonly srs: Srs;
  /**
   * The committed table; zero-padded to 2^point.length (longer tables are refused). Bigints, or packed as
   * canonical 32-byte little-endian words (the native kernels' layout: no conversion when they run).
   */
  readonly evals: readonly bigint[] | Uint8Array;
  readonly point: readonly bigint[];
  readonly transcript: Transcript;
  /**
   * Packed evaluations the caller hands over (the batch opening's G): with the native in-place kernels, B is
   * formed over them, both quotients are computed in their words, and their buffer is released at the end (every
   * view of it empty).
   */
  readonly consumeEvals?: boolean;
  /** The commitment, if the caller has it (saves one MSM); must equal commit(srs, evals). */
  readonly commitment?: G1Point;
  /**
   * Where the polynomial arithmetic runs (./poly-kernels.ts): packed vectors in the native kernels, or
   * bigints in TypeScript. Default: native exactly when the MSM backend is. The proof is the same either way.
   */
  readonly kernels?: MsmBackendName;
}

/** Opens the committed table at `point`; returns the value f~(point) and its proof. */
export function open(params: OpenParameters): { value: bigint; proof: HyperKzgProof } {
  const { srs } = params;
  const count = params.evals instanceof Uint8Array ? packedLength(params.evals) : params.evals.length;
  if (count > 2 ** params.point.length) {
    throw new RangeError(`HyperKZG open: ${count} evaluations exceed 2^${params.point.length}`);
  }
  const point = params.point.length === 0 ? [0n] : params.point.map((u, j) => Fr.assertFr(u, `point[${j}]`));
  const l = point.length;
  if (2 ** l > srs.g1Powers.length) throw new RangeError(`HyperKZG open: 2^${l} exceeds the SRS size`);
  const commitment = params.commitment ?? (params.evals instanceof Uint8Array ? commitCoefficients(srs, params.evals) : commit(srs, params.evals));
  const kernels = polyKernels(params.kernels);
  // Two calls rather than one on a union, so each is type-checked against its own vector type.
  return kernels.backend === "native"
    ? openWith(kernels as PolyKernels<Uint8Array>, params, point, commitment)
    : openWith(kernels as PolyKernels<bigint[]>, params, point, commitment);
}

/**
 * The prover of docs/hyperkzg.md over one vector representation. The tables stay in that representation
 * from the first fold to the last MSM; only the 2l + 2 scalars the transcript absorbs become bigints.
 */
function openWith<V>(
  k: PolyKernels<V>,
  params: OpenParameters,
  point: readonly bigint[],
  commitment: G1Point,
): { value: bigint; proof: HyperKzgProof } {
  const { srs, transcript } = params;
  const l = point.length;
  // Packed evaluations of exactly 2^l words are used as they are (no kernel writes into its input): at 2^25
  // words a copy is 1 GB.
  let f0: V | undefined = params.evals instanceof Uint8Array ? k.fromWords(params.evals, 2 ** l) : k.fromBigints(params.evals, 2 ** l);

  // 1. Fold: f_{j+1} = f_j with x_j bound to u_j; the last fold, f_l = f~(u), is the value.
  const polys: V[] = [f0];
  for (let j = 0; j + 1 < l; j++) polys.push(openingStep(`fold[${j + 1}]`, () => k.fold(polys[j], point[j])));
  const value = k.toBigints(k.fold(polys[l - 1], point[l - 1]))[0];
  absorbClaim(transcript, commitment, point, value);
  const folds = polys.slice(1).map((f, j) => openingStep(`fold_msm[${j + 1}]`, () => k.commit(srs, f)));
  transcript.absorbPoints(HYPERKZG_LABELS.folds, folds);
  const beta = transcript.challengeScalar(HYPERKZG_LABELS.beta);

  // 2. Evaluations at beta, -beta (every f_j) and beta^2 (f_0 only).
  const beta2 = Fr.mul(beta, beta);
  const evals: bigint[] = [];
  openingStep("evals", () => {
    for (const f of polys) evals.push(...k.evalPlusMinus(f, beta));
    evals.push(k.evalAt(f0!, beta2));
  });
  f0 = undefined;
  transcript.absorbScalars(HYPERKZG_LABELS.evals, evals);
  const q = transcript.challengeScalar(HYPERKZG_LABELS.q);

  // 3. B = sum_j q^j f_j; W = [floor(B / Z)] with Z = (X^2 - beta^2)(X - beta^2) (the remainder is R).
  // 4. W' = [L / (X - z)] with L = B - R(z) - Z(z)·Q. The constant R(z) only changes the remainder of the
  //    division by (X - z), which is discarded, so L = B - Z(z)·Q gives the same quotient.
  const powers = Fr.powers(q, l);
  const zAt = (z: bigint) => Fr.mul(Fr.mul(Fr.sub(z, beta), Fr.add(z, beta)), Fr.sub(z, beta2));
  let w: G1Point;
  let wPrime: G1Point;
  const inPlace = k.inPlace;
  if (inPlace) {
    // One 2^l-word buffer from here on: B over f_0's words when they are ours (handed over, or the copy
    // fromWords/fromBigints made), Q in B's words (B = Q·Z + R keeps R's three words in place), Q' in Q's,
    // L never formed. The folds die with B; nothing else of 2^l words is alive during the two largest MSMs.
    const ownsF0 = params.consumeEvals === true || (polys[0] as unknown) !== params.evals;
    const b = ownsF0 ? polys[0] : inPlace.zeros(2 ** l);
    openingStep("b", () => inPlace.combineInto(b, polys, powers));
    inPlace.release(polys.slice(1));
    polys.length = 0;
    const quotient = openingStep("q", () => inPlace.quotientZ(b, beta2));
    w = openingStep("q_msm", () => k.commit(srs, quotient));
    transcript.absorbPoint(HYPERKZG_LABELS.w, w);
    const z = transcript.challengeScalar(HYPERKZG_LABELS.z);
    const qPrime = openingStep("l_quotient", () => inPlace.quotientL(b, beta2, zAt(z), z));
    wPrime = openingStep("l_msm", () => k.commit(srs, qPrime));
    inPlace.release([b]);
  } else {
    let b: V | undefined = openingStep("b", () => k.linearCombination(polys, powers));
    // The folds are not read again: drop them before the two largest MSMs (2^l words in all).
    polys.length = 0;
    let quotient: V | undefined = openingStep("q", () => k.divideBySquareTimesLinear(b!, beta2));
    w = openingStep("q_msm", () => k.commit(srs, quotient!));
    transcript.absorbPoint(HYPERKZG_LABELS.w, w);
    const z = transcript.challengeScalar(HYPERKZG_LABELS.z);
    const lPoly = openingStep("l", () => k.linearCombination([b!, quotient!], [1n, Fr.neg(zAt(z))]));
    // B and Q are not read again: released before W′'s division and MSM (2^l words each).
    b = quotient = undefined;
    const qPrime = openingStep("l_quotient", () => k.divideByLinear(lPoly, z));
    wPrime = openingStep("l_msm", () => k.commit(srs, qPrime));
  }
  transcript.absorbPoint(HYPERKZG_LABELS.wPrime, wPrime);
  return { value, proof: { folds, evals, w, wPrime } };
}

/** Words in packed evaluations (32 bytes each). */
function packedLength(words: Uint8Array): number {
  if (words.length % 32 !== 0) throw new RangeError(`HyperKZG open: packed evaluations of ${words.length} bytes are not whole 32-byte words`);
  return words.length / 32;
}

/** Inputs of {@link verify}. */
export interface VerifyParameters {
  readonly vk: HyperKzgVerifierKey;
  readonly commitment: G1Point;
  readonly point: readonly bigint[];
  readonly value: bigint;
  readonly proof: HyperKzgProof;
  readonly transcript: Transcript;
}

/**
 * Checks an opening; throws {@link HyperKzgError} naming the first failed check. Verifier work: one field
 * inversion (batched), O(l) field operations, l + 2 scalar multiplications and one 2-pair pairing check.
 */
export function assertValidOpening(params: VerifyParameters): void {
  // e(O, Q) = 1: a pair whose G1 point is infinity is dropped (noble refuses it; the precompile accepts it).
  const pairs = openingPairingInput(params).filter(([p]) => !p.equals(G1.ZERO));
  const ok = pairs.length === 0 || pairingProductIsOne(pairs);
  if (!ok) throw new HyperKzgError("HyperKZG pairing check failed");
}

/** A pairing pair (G1, G2), as the 0x08 precompile takes it. */
export type PairingPair = readonly [G1Point, G2Point];

/**
 * Everything {@link assertValidOpening} checks except the pairing itself: replays the transcript, checks the
 * shape and the fold identities, and returns the two pairs (P, G2), (-W', tau·G2) whose pairing product must
 * be 1. A Solidity verifier hands exactly these (via `encodePairingInput`) to precompile 0x08.
 * @throws {HyperKzgError} naming the first failed check.
 */
export function openingPairingInput(params: VerifyParameters): [PairingPair, PairingPair] {
  const { vk, proof, transcript } = params;
  const point = params.point.length === 0 ? [0n] : params.point;
  const l = point.length;
  point.forEach((u, j) => checkScalar(u, `point[${j}]`));
  const value = checkScalar(params.value, "value");
  if (proof.folds.length !== l - 1) {
    throw new HyperKzgError(`HyperKZG proof has ${proof.folds.length} fold commitments, expected ${l - 1}`);
  }
  if (proof.evals.length !== 2 * l + 1) {
    throw new HyperKzgError(`HyperKZG proof has ${proof.evals.length} evaluations, expected ${2 * l + 1}`);
  }
  proof.evals.forEach((e, i) => checkScalar(e, `evals[${i}]`));
  proof.folds.forEach((c, j) => assertOnCurve(c, `fold commitment C_${j + 1}`));
  assertOnCurve(proof.w, "W");
  assertOnCurve(proof.wPrime, "W'");
  assertOnCurve(params.commitment, "the commitment");

  absorbClaim(transcript, params.commitment, point, value);
  transcript.absorbPoints(HYPERKZG_LABELS.folds, proof.folds);
  const beta = transcript.challengeScalar(HYPERKZG_LABELS.beta);
  transcript.absorbScalars(HYPERKZG_LABELS.evals, proof.evals);
  const q = transcript.challengeScalar(HYPERKZG_LABELS.q);
  transcript.absorbPoint(HYPERKZG_LABELS.w, proof.w);
  const z = transcript.challengeScalar(HYPERKZG_LABELS.z);
  transcript.absorbPoint(HYPERKZG_LABELS.wPrime, proof.wPrime);

  // Fold consistency, ending in f_l = v, happens inside combinedAtZ (it needs the same f_j(beta^2) values).
  const { rAtZ, zAtZ } = combinedAtZ(proof.evals, point, beta, q, z, value);

  // C_B - R(z)·G1 - Z(z)·W + z·W' with C_B = C + sum_{j>=1} q^j C_j: one MSM of l + 3 points (l + 2 scalar
  // multiplications on the EVM: C's coefficient is 1).
  const points = [params.commitment, ...proof.folds, vk.g1, proof.w, proof.wPrime];
  const scalars = [...Fr.powers(q, l), Fr.neg(rAtZ), Fr.neg(zAtZ), z];
  const acc = linearCombination(points, scalars);
  return [
    [acc, vk.g2],
    [proof.wPrime.negate(), vk.tauG2],
  ];
}

/** True iff the opening verifies (see {@link assertValidOpening} for the reason when it does not). */
export function verify(params: VerifyParameters): boolean {
  try {
    assertValidOpening(params);
    return true;
  } catch (e) {
    if (e instanceof HyperKzgError) return false;
    throw e;
  }
}

/** The public API in one object, for callers and the bench command. */
export const HyperKZG = { commit, open, verify, assertValidOpening, openingPairingInput, verifierKey } as const;

function absorbClaim(transcript: Transcript, commitment: G1Point, point: readonly bigint[], value: bigint): void {
  transcript.absorbPoint(HYPERKZG_LABELS.claim, commitment);
  transcript.absorbScalars(HYPERKZG_LABELS.claim, [...point, value]);
}

/**
 * From the evaluations: checks every fold identity (the last one against v), then returns R(z) and Z(z).
 *   fold_j = (1 - u_j)·(a_j + b_j)/2 + u_j·(a_j - b_j)/(2·beta) = f_{j+1}(beta^2),  a_j = f_j(beta), b_j = f_j(-beta)
 *   B(beta) = sum q^j a_j, B(-beta) = sum q^j b_j, B(beta^2) = f_0(beta^2) + sum_{j>=1} q^j fold_{j-1}
 * R(z) by Lagrange over the nodes (beta, -beta, beta^2); one batched inversion of beta, 1 - beta, 1 + beta.
 * Throws HyperKzgError when beta is 0, 1 or -1 (probability 3/r) or a fold identity fails.
 */
function combinedAtZ(
  evals: readonly bigint[],
  point: readonly bigint[],
  beta: bigint,
  q: bigint,
  z: bigint,
  value: bigint,
): { rAtZ: bigint; zAtZ: bigint } {
  const l = point.length;
  if (beta === 0n || beta === 1n || beta === MODULUS - 1n) throw new HyperKzgError("HyperKZG: degenerate beta");
  const [betaInv, oneMinusInv, onePlusInv] = Fr.batchInvert([beta, Fr.sub(1n, beta), Fr.add(1n, beta)]);
  const half = (MODULUS + 1n) / 2n;
  const halfBetaInv = Fr.mul(half, betaInv);
  const beta2 = Fr.mul(beta, beta);
  let bPlus = 0n;
  let bMinus = 0n;
  let bSquare = evals[2 * l];
  let qj = 1n;
  for (let j = 0; j < l; j++) {
    const a = evals[2 * j];
    const b = evals[2 * j + 1];
    bPlus = (bPlus + qj * a) % MODULUS;
    bMinus = (bMinus + qj * b) % MODULUS;
    const even = Fr.mul(Fr.add(a, b), half);
    const odd = Fr.mul(Fr.sub(a, b), halfBetaInv);
    const fold = Fr.add(even, Fr.mul(point[j], Fr.sub(odd, even)));
    qj = Fr.mul(qj, q);
    if (j + 1 < l) bSquare = (bSquare + qj * fold) % MODULUS;
    else if (fold !== value) throw new HyperKzgError("HyperKZG: the last fold does not equal the claimed value");
  }
  // Lagrange basis at z over (beta, -beta, beta^2); denominators 2·beta^2·(1 - beta), 2·beta^2·(1 + beta),
  // beta^2·(beta^2 - 1) = -beta^2·(1 - beta)(1 + beta).
  const betaInv2 = Fr.mul(betaInv, betaInv);
  const zMinus = Fr.sub(z, beta);
  const zPlus = Fr.add(z, beta);
  const zSq = Fr.sub(z, beta2);
  const l0 = Fr.mul(Fr.mul(Fr.mul(zPlus, zSq), Fr.mul(half, betaInv2)), oneMinusInv);
  const l1 = Fr.mul(Fr.mul(Fr.mul(zMinus, zSq), Fr.mul(half, betaInv2)), onePlusInv);
  const l2 = Fr.neg(Fr.mul(Fr.mul(Fr.mul(zMinus, zPlus), betaInv2), Fr.mul(oneMinusInv, onePlusInv)));
  const rAtZ = (bPlus * l0 + bMinus * l1 + bSquare * l2) % MODULUS;
  const zAtZ = Fr.mul(Fr.mul(zMinus, zPlus), zSq);
  return { rAtZ, zAtZ };
}

/** Throws HyperKzgError unless `p` is infinity or a valid G1 point (points built in code may not be). */
function assertOnCurve(p: G1Point, what: string): void {
  try {
    if (!p.equals(G1.ZERO)) p.assertValidity();
  } catch {
    throw new HyperKzgError(`HyperKZG: ${what} is not a point on the curve`);
  }
}

function checkScalar(x: bigint, what: string): bigint {
  if (typeof x !== "bigint" || x < 0n || x >= MODULUS) {
    throw new HyperKzgError(`HyperKZG: ${what} is not a canonical field element`);
  }
  return x;
}

/** sum_i scalars[i]·points[i] through the MSM backend (much faster than one noble multiplication each). */
export function linearCombination(points: readonly G1Point[], scalars: readonly bigint[]): G1Point {
  return msm(G1Bases.fromPoints(points), scalars);
}

