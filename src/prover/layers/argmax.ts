/**
 * ArgMax over the last axis of X [R, V] (the LLM's next-token choice) as a claims-in / claims-out IOP: the
 * public indices idx [R] are each row's FIRST maximum — the executor's and llama.cpp's greedy rule — proved by
 * range checks (spec: docs/gguf.md, "Proved generation", "The argmax IOP").
 *
 * Lexicographic gap. With n_j = log2 V' (V' = V padded to a power of two), every entry of the padded cube gets
 *
 *     D[t, j] = 2^n_j·(y[t] − X[t, j] − qmin·P(j)) + j − idx[t],    y[t] = X[t, idx[t]],  P(j) = [j ≥ V]
 *
 * D ≥ 0 for every real j says X[t, idx] ≥ X[t, j], and when they are equal j ≥ idx: idx is the lowest index
 * of the maximum, so ties are proved, not assumed. Padding columns compare against qmin (not their 0), so a
 * row of negative logits is not beaten by its padding. D < 2^(n_j + b), split into L-bit limbs
 * (L = REQUANT_LIMB_BITS) that are advice columns and arena columns against the limb range table — the
 * machinery requantization, RMSNorm and `select` use. D is linear in y, X and idx, so nothing else is
 * committed for it.
 *
 * One-hot. y and idx are tied to X by a committed one-hot H [R, V] (advice): H boolean, zero on padding
 * columns, Σ_j H[t, j] = 1 on real rows (0 on padding rows), idx[t] = Σ_j j·H[t, j], y[t] = Σ_j H[t, j]·X[t, j].
 * All five are one batched sum-check over the cube (degree 3):
 *
 *     Σ_k c^k·v_k + c^K·idx~(ρ_t) + c^(K+1)·y~(ρ_t) + c^(K+2)·1_real(ρ_t)
 *       = Σ_x F(x)·H(x) + c^(K+1)·eq(ρ_t, x_t)·X(x)·H(x) + c^(K+4)·eq(τ, x)·(H(x) − H(x)²)
 *     F(x) = J(x_j)·(Σ_k c^k·eq(r_k, x_t) + c^K·eq(ρ_t, x_t)) + c^(K+2)·eq(ρ_t, x_t) + c^(K+3)·(1 − R(x_j))
 *
 * (r_k, v_k) the claims on idx (the output step's), J(j) = j, R(j) = [j < V]; ρ a fresh point, ρ_t its row
 * part. The verifier evaluates F, eq and R in closed form.
 *
 * Transcript: absorb the idx claims and the limb columns' arena claims | ρ = `argmax.point` | absorb the limbs
 * at ρ, y~(ρ_t), idx~(ρ_t) (`argmax.evals`) | c = `argmax.batch`, τ = `argmax.tau` | sum-check | absorb H~(ρ′),
 * X~(ρ′) (`argmax.final`). X~(ρ) is not sent: the D identity at ρ derives it.
 */
import * as Fr from "../../field/fr";
import { eqEval, eqTable, evaluateMle } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { LayoutError, layoutOf, prefixIndicator, type IntTensor } from "../tensor";
import { REQUANT_LIMB_BITS } from "./requant-spec";

/** Transcript labels. */
export const ARGMAX_LABELS = {
  claims: "argmax.claims",
  arena: "argmax.arena",
  point: "argmax.point",
  evals: "argmax.evals",
  batch: "argmax.batch",
  tau: "argmax.tau",
  final: "argmax.final",
} as const;

/** Degree of the batched sum-check (eq·X·H and eq·H²). */
export const ARGMAX_DEGREE = 3;

/** An argmax over the last axis of X [rows, vocab] with b-bit entries. */
export interface ArgmaxSpec {
  readonly rows: number;
  readonly vocab: number;
  readonly bits: number;
}

/** Derived sizes. */
export interface ArgmaxGeometry {
  readonly rowVars: number;
  readonly colVars: number;
  readonly numVars: number;
  /** L-bit limbs of the gap D (< 2^(colVars + bits)). */
  readonly limbs: number;
  readonly qmin: number;
}

/** @throws {LayoutError} for an empty shape or a bit width outside 2..16 */
export function argmaxGeometry(spec: ArgmaxSpec): ArgmaxGeometry {
  if (!Number.isInteger(spec.rows) || spec.rows < 1 || !Number.isInteger(spec.vocab) || spec.vocab < 1) {
    throw new LayoutError(`argmax: bad input shape [${spec.rows}, ${spec.vocab}]`);
  }
  if (!Number.isInteger(spec.bits) || spec.bits < 2 || spec.bits > 16) throw new LayoutError(`argmax: bit width ${spec.bits} is not in [2, 16]`);
  const layout = layoutOf([spec.rows, spec.vocab]);
  const colVars = layout.axes[1].count;
  const rowVars = layout.axes[0].count;
  return { rowVars, colVars, numVars: layout.numVars, limbs: Math.ceil((colVars + spec.bits) / REQUANT_LIMB_BITS), qmin: -(2 ** (spec.bits - 1)) };
}

/** The prover's columns over the padded cube (canonical Fr): the one-hot H and the limbs of D (low first). */
export interface ArgmaxWitness {
  readonly onehot: readonly bigint[];
  readonly limbs: readonly (readonly bigint[])[];
  /** Built with `unsafe` (test hook): the prover then sends its sum-check even for a false claim. */
  readonly dishonest: boolean;
}

/**
 * The witness for X and the trace's indices.
 * @param unsafe test hook (a dishonest prover): build the columns even when idx is not the first maximum (a
 *   negative gap is written as its low limbs, so the columns stay in range and only the identities fail)
 * @throws {LayoutError} when an index is not its row's first maximum or X holds a value outside b bits
 */
export function argmaxWitness(spec: ArgmaxSpec, x: IntTensor, idx: IntTensor, unsafe = false): ArgmaxWitness {
  const geo = argmaxGeometry(spec);
  const { rows, vocab } = spec;
  if (x.data.length !== rows * vocab) throw new LayoutError(`argmax: input has ${x.data.length} values, expected ${rows}·${vocab}`);
  if (idx.data.length !== rows) throw new LayoutError(`argmax: output has ${idx.data.length} values, expected ${rows}`);
  const cols = 2 ** geo.colVars;
  const size = 2 ** geo.numVars;
  const onehot = new Array<bigint>(size).fill(0n);
  const gaps = new Array<number>(size);
  const qmax = -geo.qmin - 1;
  for (let t = 0; t < 2 ** geo.rowVars; t++) {
    const real = t < rows;
    const i = real ? idx.data[t] : 0;
    const inRange = Number.isInteger(i) && i >= 0 && i < vocab;
    if (real && !inRange && !unsafe) throw new LayoutError(`argmax: row ${t}: index ${i} is outside [0, ${vocab})`);
    // A dishonest index in the padding columns selects the padding value 0.
    const y = real && inRange ? x.data[t * vocab + i] : 0;
    if (real && Number.isInteger(i) && i >= 0 && i < cols) onehot[t * cols + i] = 1n;
    for (let j = 0; j < cols; j++) {
      const v = real && j < vocab ? x.data[t * vocab + j] : 0;
      if (!Number.isInteger(v) || v < geo.qmin || v > qmax) throw new LayoutError(`argmax: X[${t}, ${j}] = ${v} is not a ${spec.bits}-bit integer`);
      const gap = cols * (y - v - (j >= vocab ? geo.qmin : 0)) + j - (real ? i : 0);
      if (gap < 0 && !unsafe) throw new LayoutError(`argmax: row ${t}: index ${i} (value ${y}) is not the first maximum (column ${j} holds ${v})`);
      gaps[t * cols + j] = gap;
    }
  }
  const base = 1n << BigInt(REQUANT_LIMB_BITS);
  const span = 1n << BigInt(geo.limbs * REQUANT_LIMB_BITS);
  const limbs = Array.from({ length: geo.limbs }, () => new Array<bigint>(size));
  gaps.forEach((g, p) => {
    // Exact in a double: |gap| < 2^(colVars + bits + 1). A negative gap (dishonest only) wraps into the limbs.
    let rest = g < 0 ? BigInt(g) + span : BigInt(g);
    for (let l = 0; l < geo.limbs; l++) {
      limbs[l][p] = rest % base;
      rest /= base;
    }
  });
  return { onehot, limbs, dishonest: unsafe };
}

/** The arena's claim on one limb column: its value at the column's point. */
export interface ArgmaxArenaClaim {
  readonly point: readonly bigint[];
  readonly value: bigint;
}

/** The messages. */
export interface ArgmaxProof {
  /** The limbs of D at ρ, then y~(ρ_t) and idx~(ρ_t). */
  readonly limbs: readonly bigint[];
  readonly y: bigint;
  readonly idx: bigint;
  readonly sumcheck: SumcheckProof;
  /** H~(ρ′), X~(ρ′). */
  readonly onehot: bigint;
  readonly x: bigint;
}

/** Claims out: two on X, the limbs at ρ (openings of A) and H at ρ′ (an opening of A). */
export interface ArgmaxClaims {
  readonly x: readonly Claim[];
  readonly limbs: { readonly point: readonly bigint[]; readonly values: readonly bigint[] };
  readonly onehot: Claim;
}

/** Inputs of {@link proveArgmax}. */
export interface ProveArgmaxParameters {
  readonly spec: ArgmaxSpec;
  readonly x: IntTensor;
  readonly idx: IntTensor;
  readonly witness: ArgmaxWitness;
  /** Claims on idx (the output step's). */
  readonly claims: readonly Claim[];
  /** The arena's claims on the limb columns, in limb order. */
  readonly arena: readonly ArgmaxArenaClaim[];
  readonly transcript: Transcript;
}

/** Proves the claims on idx down to claims on X and on the advice. @throws {LayerProofError} on a false claim */
export function proveArgmax(params: ProveArgmaxParameters): { proof: ArgmaxProof; claims: ArgmaxClaims } {
  const { spec, witness: w, transcript } = params;
  const geo = argmaxGeometry(spec);
  absorbInputs(geo, params.claims, params.arena, transcript);
  const rho = transcript.challengeScalars(ARGMAX_LABELS.point, geo.numVars);
  const rhoT = rho.slice(geo.colVars);
  const cols = 2 ** geo.colVars;
  const rowsPadded = 2 ** geo.rowVars;
  const xTable = new Array<bigint>(2 ** geo.numVars).fill(0n);
  const yRow = new Array<bigint>(rowsPadded).fill(0n);
  const idxRow = new Array<bigint>(rowsPadded).fill(0n);
  for (let t = 0; t < spec.rows; t++) {
    for (let j = 0; j < spec.vocab; j++) xTable[t * cols + j] = Fr.fromSigned(params.x.data[t * spec.vocab + j]);
    idxRow[t] = Fr.fromSigned(params.idx.data[t]);
  }
  for (let p = 0; p < w.onehot.length; p++) if (w.onehot[p] === 1n) yRow[Math.floor(p / cols)] = xTable[p];
  const limbs = w.limbs.map((l) => evaluateMle(l as bigint[], rho));
  const y = evaluateMle(yRow, rhoT);
  const idx = evaluateMle(idxRow, rhoT);
  transcript.absorbScalars(ARGMAX_LABELS.evals, [...limbs, y, idx]);
  const xAtRho = derivedX(spec, geo, rho, limbs, y, idx);

  const batch = batchChallenges(geo, params.claims.length, transcript);
  const { f, g, claim } = batchTables(spec, geo, batch, params.claims, rho, y, idx);
  const tauEq = eqTable(batch.tau);
  const boolean = batch.powers[params.claims.length + 4];
  const s = provingTrueClaim("argmax batch", () =>
    proveSumcheck({
      tables: [f, w.onehot, g, xTable, tauEq],
      terms: [
        { coeff: 1n, factors: [0, 1] },
        { coeff: 1n, factors: [2, 3, 1] },
        { coeff: boolean, factors: [4, 1] },
        { coeff: Fr.neg(boolean), factors: [4, 1, 1] },
      ],
      numVars: geo.numVars,
      degree: ARGMAX_DEGREE,
      // A dishonest witness (test hook) sends its true sum, which the verifier's claim then refuses.
      claim: w.dishonest ? undefined : claim,
      transcript,
    }),
  );
  const onehot = s.finalEvaluations[1];
  const x = s.finalEvaluations[3];
  transcript.absorbScalars(ARGMAX_LABELS.final, [onehot, x]);
  const proof: ArgmaxProof = { limbs, y, idx, sumcheck: s.proof, onehot, x };
  return { proof, claims: outClaims(rho, xAtRho, s.point, proof) };
}

/** Verifies the claims on idx; returns the claims on X and on the advice. @throws {LayerProofError} */
export function verifyArgmax(params: { spec: ArgmaxSpec; claims: readonly Claim[]; arena: readonly ArgmaxArenaClaim[]; proof: ArgmaxProof; transcript: Transcript }): ArgmaxClaims {
  const { spec, proof, transcript } = params;
  const geo = argmaxGeometry(spec);
  absorbInputs(geo, params.claims, params.arena, transcript);
  if (proof.limbs.length !== geo.limbs) throw new LayerProofError(`argmax: ${proof.limbs.length} limb values, expected ${geo.limbs}`);
  [...proof.limbs, proof.y, proof.idx, proof.onehot, proof.x].forEach((v, i) => checkScalar(v, `argmax: message ${i}`));
  const rho = transcript.challengeScalars(ARGMAX_LABELS.point, geo.numVars);
  transcript.absorbScalars(ARGMAX_LABELS.evals, [...proof.limbs, proof.y, proof.idx]);
  const xAtRho = derivedX(spec, geo, rho, proof.limbs, proof.y, proof.idx);

  const batch = batchChallenges(geo, params.claims.length, transcript);
  const claim = batchClaim(spec, geo, batch, params.claims, rho, proof.y, proof.idx);
  let s;
  try {
    s = verifySumcheck({ claim, numVars: geo.numVars, degree: ARGMAX_DEGREE, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`argmax: ${e.message}`);
    throw e;
  }
  const at = s.point;
  const { f, g } = batchWeightsAt(spec, geo, batch, params.claims, rho, at);
  const h = proof.onehot;
  const expected = Fr.add(Fr.add(Fr.mul(f, h), Fr.mul(g, Fr.mul(proof.x, h))), Fr.mul(batch.powers[params.claims.length + 4], Fr.mul(eqEval(batch.tau, at), Fr.sub(h, Fr.mul(h, h)))));
  if (expected !== s.expectedEvaluation) throw new LayerProofError("argmax: the batched sum-check's final value does not match H and X");
  transcript.absorbScalars(ARGMAX_LABELS.final, [proof.onehot, proof.x]);
  return outClaims(rho, xAtRho, at, proof);
}

/** Proof size of one argmax step in 32-byte words. */
export function argmaxWords(spec: ArgmaxSpec): number {
  const geo = argmaxGeometry(spec);
  return geo.limbs + 2 + ARGMAX_DEGREE * geo.numVars + 2;
}

function absorbInputs(geo: ArgmaxGeometry, claims: readonly Claim[], arena: readonly ArgmaxArenaClaim[], transcript: Transcript): void {
  claims.forEach((c, i) => {
    checkClaim(c, geo.rowVars, `argmax: index claim ${i}`);
    absorbClaim(transcript, ARGMAX_LABELS.claims, c);
  });
  if (arena.length !== geo.limbs) throw new LayerProofError(`argmax: ${arena.length} arena limb claims, expected ${geo.limbs}`);
  arena.forEach((c, i) => {
    checkClaim(c, geo.numVars, `argmax: arena limb claim ${i}`);
    absorbClaim(transcript, ARGMAX_LABELS.arena, c);
  });
}

/** X~(ρ) from D~(ρ) = Σ 2^(L·l)·limb_l = 2^n_j·(y − X − qmin·(1 − R~(ρ_j))) + J~(ρ_j) − idx. */
function derivedX(spec: ArgmaxSpec, geo: ArgmaxGeometry, rho: readonly bigint[], limbs: readonly bigint[], y: bigint, idx: bigint): bigint {
  const rhoJ = rho.slice(0, geo.colVars);
  const gap = limbs.reduce((acc, v, l) => Fr.add(acc, Fr.mul(v, 1n << BigInt(l * REQUANT_LIMB_BITS))), 0n);
  const scaled = Fr.mul(Fr.sub(Fr.sub(gap, columnIndex(rhoJ)), Fr.neg(idx)), Fr.inv(1n << BigInt(geo.colVars)));
  // scaled = y − X − qmin·(1 − R)  ⇒  X = y − qmin·(1 − R) − scaled
  const pad = Fr.mul(Fr.fromSigned(geo.qmin), Fr.sub(1n, prefixIndicator(spec.vocab, rhoJ)));
  return Fr.sub(Fr.sub(y, pad), scaled);
}

/** J~(ρ_j) = Σ_k 2^k·ρ_k: the MLE of the column index. */
function columnIndex(rhoJ: readonly bigint[]): bigint {
  return rhoJ.reduce((acc, r, k) => Fr.add(acc, Fr.mul(r, 1n << BigInt(k))), 0n);
}

/** The batch's challenges: the powers c^0 … c^(K+4) of c, and τ of the boolean term. */
interface BatchChallenges {
  readonly powers: readonly bigint[];
  readonly tau: readonly bigint[];
}

function batchChallenges(geo: ArgmaxGeometry, claims: number, transcript: Transcript): BatchChallenges {
  const c = transcript.challengeScalar(ARGMAX_LABELS.batch);
  const tau = transcript.challengeScalars(ARGMAX_LABELS.tau, geo.numVars);
  return { powers: Fr.powers(c, claims + 5), tau };
}

/** Σ_k c^k·v_k + c^K·idx + c^(K+1)·y + c^(K+2)·1_real(ρ_t). */
function batchClaim(spec: ArgmaxSpec, geo: ArgmaxGeometry, batch: BatchChallenges, claims: readonly Claim[], rho: readonly bigint[], y: bigint, idx: bigint): bigint {
  const K = claims.length;
  const c = batch.powers;
  let sum = 0n;
  claims.forEach((claim, k) => (sum = Fr.add(sum, Fr.mul(c[k], claim.value))));
  sum = Fr.add(sum, Fr.mul(c[K], idx));
  sum = Fr.add(sum, Fr.mul(c[K + 1], y));
  return Fr.add(sum, Fr.mul(c[K + 2], prefixIndicator(spec.rows, rho.slice(geo.colVars))));
}

/** The prover's tables F and G (see the file comment) and the claimed sum. */
function batchTables(spec: ArgmaxSpec, geo: ArgmaxGeometry, batch: BatchChallenges, claims: readonly Claim[], rho: readonly bigint[], y: bigint, idx: bigint) {
  const claim = batchClaim(spec, geo, batch, claims, rho, y, idx);
  const K = claims.length;
  const rhoT = rho.slice(geo.colVars);
  const cols = 2 ** geo.colVars;
  const rowsPadded = 2 ** geo.rowVars;
  // Row weights: a(t) multiplies J, b(t) stands alone, e(t) = c^(K+1)·eq(ρ_t, t) weighs X·H.
  const eqRho = eqTable(rhoT);
  const a = Array.from(eqRho, (v) => Fr.mul(batch.powers[K], v));
  claims.forEach((c, k) => eqTable(c.point).forEach((v, t) => (a[t] = Fr.add(a[t], Fr.mul(batch.powers[k], v)))));
  const cPad = batch.powers[K + 3];
  const cOne = batch.powers[K + 2];
  const cY = batch.powers[K + 1];
  const f = new Array<bigint>(rowsPadded * cols);
  const g = new Array<bigint>(rowsPadded * cols);
  for (let t = 0; t < rowsPadded; t++) {
    const b = Fr.mul(cOne, eqRho[t]);
    const e = Fr.mul(cY, eqRho[t]);
    for (let j = 0; j < cols; j++) {
      const p = t * cols + j;
      f[p] = Fr.add(Fr.add(Fr.mul(a[t], BigInt(j)), b), j >= spec.vocab ? cPad : 0n);
      g[p] = e;
    }
  }
  return { f, g, claim };
}

/** F(ρ′) and G(ρ′) in closed form. */
function batchWeightsAt(spec: ArgmaxSpec, geo: ArgmaxGeometry, batch: BatchChallenges, claims: readonly Claim[], rho: readonly bigint[], at: readonly bigint[]): { f: bigint; g: bigint } {
  const K = claims.length;
  const atJ = at.slice(0, geo.colVars);
  const atT = at.slice(geo.colVars);
  const eqRho = eqEval(rho.slice(geo.colVars), atT);
  let rowWeight = Fr.mul(batch.powers[K], eqRho);
  claims.forEach((c, k) => (rowWeight = Fr.add(rowWeight, Fr.mul(batch.powers[k], eqEval(c.point, atT)))));
  const f = Fr.add(Fr.add(Fr.mul(rowWeight, columnIndex(atJ)), Fr.mul(batch.powers[K + 2], eqRho)), Fr.mul(batch.powers[K + 3], Fr.sub(1n, prefixIndicator(spec.vocab, atJ))));
  return { f, g: Fr.mul(batch.powers[K + 1], eqRho) };
}

function outClaims(rho: readonly bigint[], xAtRho: bigint, at: readonly bigint[], proof: ArgmaxProof): ArgmaxClaims {
  return {
    x: [
      { point: [...rho], value: xAtRho },
      { point: [...at], value: proof.x },
    ],
    limbs: { point: [...rho], values: [...proof.limbs] },
    onehot: { point: [...at], value: proof.onehot },
  };
}
