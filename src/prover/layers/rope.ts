/**
 * Rotary position embedding (plan kind `rope`, docs/gguf.md §6) as a claims-in / claims-out IOP: a claim on the
 * accumulator acc (the tensor the RoPE requantization rounds) becomes one claim on the input X and two openings of
 * the model polynomial W (the cos and sin tables). Spec: docs/gguf.md, "LLM layers: RoPE".
 *
 * X is [T, W] with W = heads·hd, hd a power of two, so the row-major column index w = hd·h + 2i + k splits into
 * bits: k (bit 0, the member of the pair), i (the next log2(hd/2) bits, the pair) and h (the rest). With C, S the
 * cos / sin tables over [T][hd/2] (pairs past rotary_dim hold C = 2^ROPE_BITS, S = 0: the pass-through dims),
 *
 *     acc[t, h, i, o] = Σ_k R[t, i, o, k] · X[t, h, i, k],   R[t, i] = [[C, −S], [S, C]],
 *
 * so at a claim point r = (r_o, r_i, r_h, r_t):
 *
 *     acc~(r) = Σ_x eq(r, x)·C~(x_i, x_t)·X~(x) + Σ_x eq(r_{¬o}, x_{¬k})·v(x_k)·S~(x_i, x_t)·X~(x),
 *
 * v(k) = r_o·(1 − k) − (1 − r_o)·k (the sign pattern of S). One sum-check of degree 3 over X's variables; the
 * verifier evaluates both eq factors itself and checks the final value with the three sent evaluations.
 *
 * Transcript: absorb the claim | sum-check | absorb C~(ρ_i, ρ_t), S~(ρ_i, ρ_t), X~(ρ).
 */
import * as Fr from "../../field/fr";
import { eqEval, eqTable } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { LayoutError, layoutOf, paddedTable, type IntTensor } from "../tensor";

/** Transcript labels of the RoPE IOP. */
export const ROPE_LABELS = { claim: "rope.claim", eval: "rope.eval" } as const;

/** Degree of the sum-check (eq · table · X). */
export const ROPE_DEGREE = 3;

/** One RoPE: X's shape [T, heads·hd] and the head size hd (a power of two ≥ 2). */
export interface RopeSpec {
  readonly x: readonly [number, number];
  readonly headDim: number;
}

/** Variables of the spec's pieces. */
export interface RopeGeometry {
  /** Variables of X (= of acc). */
  readonly numVars: number;
  /** Variables of the column axis (k, i, h bits) and of the row axis. */
  readonly colVars: number;
  readonly rowVars: number;
  /** Variables of the pair index i (log2(hd/2)). */
  readonly pairVars: number;
  /** Variables of the cos / sin tables: pairVars + rowVars (index i + 2^pairVars·t). */
  readonly tableVars: number;
}

/** Derived sizes. @throws {LayoutError} for a head size that is not a power of two ≥ 2 or a width it does not divide */
export function ropeGeometry(spec: RopeSpec): RopeGeometry {
  const [t, w] = spec.x;
  const hd = spec.headDim;
  if (!Number.isInteger(hd) || hd < 2 || (hd & (hd - 1)) !== 0) throw new LayoutError(`rope: head size ${hd} is not a power of two ≥ 2`);
  if (w % hd !== 0) throw new LayoutError(`rope: head size ${hd} does not divide the width ${w}`);
  const layout = layoutOf([t, w]);
  const pairVars = Math.log2(hd / 2);
  return { numVars: layout.numVars, colVars: layout.axes[1].count, rowVars: layout.axes[0].count, pairVars, tableVars: pairVars + layout.axes[0].count };
}

/** The point on the cos / sin tables that X's point x projects to: (x_i, x_t). */
export function ropeTablePoint(geo: RopeGeometry, point: readonly bigint[]): bigint[] {
  return [...point.slice(1, 1 + geo.pairVars), ...point.slice(geo.colVars)];
}

/** The exact accumulator (bigint-free: |acc| ≤ 2^(b+14) fits a double) from X and the padded tables. */
export function ropeAcc(spec: RopeSpec, x: IntTensor, cos: readonly number[], sin: readonly number[]): IntTensor {
  const geo = ropeGeometry(spec);
  const [t, w] = spec.x;
  const out = new Float64Array(t * w);
  for (let p = 0; p < t; p++) {
    for (let c = 0; c < w; c += 2) {
      const i = (c % spec.headDim) / 2;
      const ci = cos[i + p * 2 ** geo.pairVars];
      const si = sin[i + p * 2 ** geo.pairVars];
      const x0 = x.data[p * w + c];
      const x1 = x.data[p * w + c + 1];
      out[p * w + c] = x0 * ci - x1 * si;
      out[p * w + c + 1] = x0 * si + x1 * ci;
    }
  }
  return { shape: [t, w], data: out };
}

/** The sent evaluations: C~, S~ at the table point, X~ at the sum-check point. */
export interface RopeProof {
  readonly sumcheck: SumcheckProof;
  readonly cos: bigint;
  readonly sin: bigint;
  readonly x: bigint;
}

/** What a claim on acc reduces to: a claim on X and the two table claims (at `tablePoint`). */
export interface RopeClaims {
  readonly x: Claim;
  readonly cos: Claim;
  readonly sin: Claim;
}

/** v(k) = r_o·(1 − k) − (1 − r_o)·k, the sign pattern of S, at k. */
function signAt(ro: bigint, k: bigint): bigint {
  return Fr.sub(Fr.mul(ro, Fr.sub(1n, k)), Fr.mul(Fr.sub(1n, ro), k));
}

/** Proves a claim on acc given X and the padded cos / sin tables (2^tableVars entries each, canonical Fr). */
export function proveRope(params: { spec: RopeSpec; x: IntTensor; cos: readonly bigint[]; sin: readonly bigint[]; claim: Claim; transcript: Transcript }): { proof: RopeProof; claims: RopeClaims } {
  const { spec, claim, transcript } = params;
  const geo = ropeGeometry(spec);
  checkClaim(claim, geo.numVars, "rope");
  absorbClaim(transcript, ROPE_LABELS.claim, claim);
  const r = claim.point;
  const xTable = paddedTable(layoutOf(spec.x), params.x.data, "rope input");
  const e1 = eqTable(r);
  const rest = eqTable(r.slice(1));
  const v = [signAt(r[0], 0n), signAt(r[0], 1n)];
  const size = 2 ** geo.numVars;
  const e2 = new Array<bigint>(size);
  const cb = new Array<bigint>(size);
  const sb = new Array<bigint>(size);
  const pairMask = 2 ** geo.pairVars - 1;
  for (let idx = 0; idx < size; idx++) {
    e2[idx] = Fr.mul(rest[idx >> 1], v[idx & 1]);
    const at = ((idx >> 1) & pairMask) + (idx >> geo.colVars) * 2 ** geo.pairVars;
    cb[idx] = params.cos[at];
    sb[idx] = params.sin[at];
  }
  const sc = provingTrueClaim("rope", () =>
    proveSumcheck({
      tables: [e1, cb, xTable, e2, sb],
      terms: [
        { coeff: 1n, factors: [0, 1, 2] },
        { coeff: 1n, factors: [3, 4, 2] },
      ],
      numVars: geo.numVars,
      degree: ROPE_DEGREE,
      claim: claim.value,
      transcript,
    }),
  );
  const [, cos, x, , sin] = sc.finalEvaluations;
  transcript.absorbScalars(ROPE_LABELS.eval, [cos, sin, x]);
  return { proof: { sumcheck: sc.proof, cos, sin, x }, claims: claimsAt(geo, sc.point, cos, sin, x) };
}

/** Verifies a claim on acc; returns the claims on X and on the tables. @throws {LayerProofError} */
export function verifyRope(params: { spec: RopeSpec; claim: Claim; proof: RopeProof; transcript: Transcript }): RopeClaims {
  const { spec, claim, proof, transcript } = params;
  const geo = ropeGeometry(spec);
  checkClaim(claim, geo.numVars, "rope");
  absorbClaim(transcript, ROPE_LABELS.claim, claim);
  let sub;
  try {
    sub = verifySumcheck({ claim: claim.value, numVars: geo.numVars, degree: ROPE_DEGREE, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`rope: ${e.message}`);
    throw e;
  }
  const cos = checkScalar(proof.cos, "rope: cos value");
  const sin = checkScalar(proof.sin, "rope: sin value");
  const x = checkScalar(proof.x, "rope: input value");
  const r = claim.point;
  const rho = sub.point;
  const e1 = eqEval(r, rho);
  const e2 = Fr.mul(eqEval(r.slice(1), rho.slice(1)), signAt(r[0], rho[0]));
  const expected = Fr.mul(x, Fr.add(Fr.mul(e1, cos), Fr.mul(e2, sin)));
  if (expected !== sub.expectedEvaluation) throw new LayerProofError("rope: the sum-check's final value does not match the evaluations");
  transcript.absorbScalars(ROPE_LABELS.eval, [cos, sin, x]);
  return claimsAt(geo, rho, cos, sin, x);
}

function claimsAt(geo: RopeGeometry, rho: readonly bigint[], cos: bigint, sin: bigint, x: bigint): RopeClaims {
  const tp = ropeTablePoint(geo, rho);
  return { x: { point: [...rho], value: x }, cos: { point: tp, value: cos }, sin: { point: tp, value: sin } };
}
