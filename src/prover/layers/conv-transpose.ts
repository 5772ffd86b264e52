/**
 * ConvTranspose (1-D, 2-D, 3-D; strides, dilations, pads, output padding; group 1) as a gather + MatMul + a
 * selector sum-check, exactly like Conv (./conv.ts) with the index map turned around (spec: docs/prover.md,
 * "More layers: ConvTranspose").
 *
 * ConvTranspose scatters: y[n, m, i·s + k·d − p] += X[n, c, i]·W[c, m, k]. Read from the output side, output o
 * and tap k take input i = (o + p − k·d)/s when that is an integer in [0, I) (nothing otherwise), so with
 * U[n, o, c, k] = X[n, c, (o + p − k·d)/s] (0 where there is no such i),
 *
 *     acc[n, m, o] = Σ_{c, k} U[n, o, c, k]·W[c, m, k] (+ bias[m])
 *
 * — a MatMul over (c, k), W's (c, k) variables after fixing m (W is [C, M, K…]: k lowest, m, then c). A claim
 * on acc at (r_n, r_m, r_o) becomes:
 *   1. sum-check over (c, k) of Σ U~(r_n, r_o, c, k)·W~(c, r_m, k) (degree 2), ending in u and w (sent);
 *   2. the claim on U becomes a claim on X by a factorized selector: n (eq(r_n)), c (eq(ρ_c)), and per spatial
 *      axis a group with sources (O_a, r_o,a), (K_a, ρ_k,a), index (o + p − k·d)/s. The verifier pays
 *      O(Σ_a O_a·K_a) for it.
 *
 * Transcript: absorb the claim | [bias value] | sum-check | u, w | selector sum-check | X~(ρ).
 */
import * as Fr from "../../field/fr";
import { MODULUS } from "../../field/fr";
import { eqTable } from "../../poly/mle";
import { proveSumcheck, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { fixVariables, joinPoint, LayoutError, layoutOf, paddedTable, splitPoint, type IntTensor, type TensorLayout } from "../tensor";
import { expectShape, proveAccClaim, stepIndex as step, verifyAccClaim, verifyProductSumcheck } from "./im2col-claims";
import { identityGroup, proveSelector, selectorEvalCost, verifySelector, type Selector, type SelectorGroup, type SelectorProof } from "./selector";

/** Transcript labels of the ConvTranspose IOP (the selector step adds its own). */
export const CONV_TRANSPOSE_LABELS = { claim: "convt.claim", bias: "convt.bias", evals: "convt.evals" } as const;

/** Static description of one ConvTranspose (group 1). Spatial lists have one entry per spatial axis. */
export interface ConvTransposeSpec {
  /** X: [N, C, spatial…]. */
  readonly x: readonly number[];
  /** W: [C, M, kernel…]. */
  readonly w: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Begin pads (may be negative when output_shape asks for more than the full output). */
  readonly padsBegin: readonly number[];
  readonly outSpatial: readonly number[];
  /** Bias shape ([M]) if any. */
  readonly bias?: readonly number[];
}

/** The proof: [bias value], the MatMul sum-check, U and W values, the gather selector proof. */
export interface ConvTransposeProof {
  readonly biasValue: bigint | null;
  readonly sumcheck: SumcheckProof;
  readonly uValue: bigint;
  readonly wValue: bigint;
  readonly gather: SelectorProof;
}

/** Claims the step reduces to. */
export interface ConvTransposeClaims {
  readonly x: Claim;
  readonly w: Claim;
  readonly bias: Claim | null;
}

export interface Geometry {
  readonly out: TensorLayout;
  readonly w: TensorLayout;
  /** (c, kernel…): the MatMul's inner dimension. */
  readonly k: TensorLayout;
  readonly nsp: number;
  readonly biasShape: readonly number[] | null;
}

export function geometry(spec: ConvTransposeSpec): Geometry {
  const { x, w } = spec;
  const fail = (msg: string): never => {
    throw new LayoutError(`conv-transpose x[${x.join(", ")}] w[${w.join(", ")}]: ${msg}`);
  };
  const nsp = x.length - 2;
  if (nsp < 1 || w.length !== x.length) fail("X must be [N, C, spatial…] and W [C, M, kernel…] of the same rank");
  if (w[0] !== x[1]) fail(`W has ${w[0]} input channels, X has ${x[1]}`);
  for (const [name, list] of [["strides", spec.strides], ["dilations", spec.dilations], ["padsBegin", spec.padsBegin], ["outSpatial", spec.outSpatial]] as const) {
    if (list.length !== nsp) fail(`${name} has ${list.length} entries for ${nsp} spatial axes`);
    if (list.some((v) => !Number.isInteger(v) || (name !== "padsBegin" && v < 1))) fail(`bad ${name} [${list.join(", ")}]`);
  }
  if (spec.bias && (spec.bias.length !== 1 || spec.bias[0] !== w[1])) fail(`bias shape [${spec.bias.join(", ")}] is not [${w[1]}]`);
  const biasShape = spec.bias ? [w[1], ...new Array<number>(nsp).fill(1)] : null;
  return { out: layoutOf([x[0], w[1], ...spec.outSpatial]), w: layoutOf(w), k: layoutOf([w[0], ...w.slice(2)]), nsp, biasShape };
}

/** The output shape [N, M, outSpatial…]. */
export function convTransposeOutShape(spec: ConvTransposeSpec): number[] {
  return [...geometry(spec).out.shape];
}

/** The input index that output o and tap k read on one axis, or null. */
function gatherIndex(o: number, k: number, stride: number, dilation: number, pad: number, inSize: number): number | null {
  const t = o + pad - k * dilation;
  if (t < 0 || t % stride !== 0) return null;
  const i = t / stride;
  return i < inSize ? i : null;
}

/** The exact accumulator (reference; row-major [N, M, O…]). */
export function convTransposeAcc(spec: ConvTransposeSpec, x: IntTensor, w: IntTensor, bias?: IntTensor): IntTensor {
  const g = geometry(spec);
  const out = g.out.shape;
  const [N, C] = spec.x;
  const M = spec.w[1];
  const inSp = spec.x.slice(2);
  const kernel = spec.w.slice(2);
  const inPlane = inSp.reduce((p, d) => p * d, 1);
  const outPlane = spec.outSpatial.reduce((p, d) => p * d, 1);
  const kCount = kernel.reduce((p, d) => p * d, 1);
  const data = new Array<number>(N * M * outPlane).fill(0);
  const i = new Array<number>(g.nsp).fill(0);
  const k = new Array<number>(g.nsp).fill(0);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) if (bias) for (let o = 0; o < outPlane; o++) data[(n * M + m) * outPlane + o] = bias.data[m];
    i.fill(0);
    for (let ii = 0; ii < inPlane; ii++) {
      k.fill(0);
      for (let ki = 0; ki < kCount; ki++) {
        let off = 0;
        let inside = true;
        for (let a = 0; a < g.nsp && inside; a++) {
          const o = i[a] * spec.strides[a] + k[a] * spec.dilations[a] - spec.padsBegin[a];
          inside = o >= 0 && o < spec.outSpatial[a];
          off = off * spec.outSpatial[a] + o;
        }
        if (inside) {
          for (let c = 0; c < C; c++) {
            const xv = x.data[(n * C + c) * inPlane + ii];
            if (xv === 0) continue;
            for (let m = 0; m < M; m++) data[(n * M + m) * outPlane + off] += xv * w.data[(c * M + m) * kCount + ki];
          }
        }
        step(k, kernel);
      }
      step(i, inSp);
    }
  }
  return { shape: out, data };
}

/** Proves one ConvTranspose claim on acc; returns the proof and the claims on X, W and the bias. */
export function proveConvTranspose(params: {
  spec: ConvTransposeSpec;
  x: IntTensor;
  w: IntTensor;
  bias?: IntTensor;
  claim: Claim;
  transcript: Transcript;
}): { proof: ConvTransposeProof; claims: ConvTransposeClaims } {
  const { spec, transcript } = params;
  const g = geometry(spec);
  checkShape(params.x, spec.x, "X");
  checkShape(params.w, spec.w, "W");
  if ((params.bias === undefined) !== (g.biasShape === null)) throw new LayoutError("conv-transpose: bias given without a bias shape, or the reverse");
  if (params.bias) checkShape(params.bias, spec.bias!, "bias");
  const { parts, target, bias: biasClaim } = proveAccClaim(accContext(g, params.claim, transcript), params.bias);
  const wFixed = new Array<bigint | null>(g.w.numVars).fill(null);
  parts[1].forEach((r, j) => (wFixed[g.w.axes[1].start + j] = r));
  const tables = [gatherRowTable(spec, g, params.x, parts), fixVariables(paddedTable(g.w, params.w.data, "W"), wFixed)];
  const sc = provingTrueClaim("conv-transpose", () => proveSumcheck({ tables, terms: [{ coeff: 1n, factors: [0, 1] }], numVars: g.k.numVars, degree: 2, claim: target, transcript }));
  const [uValue, wValue] = sc.finalEvaluations;
  transcript.absorbScalars(CONV_TRANSPOSE_LABELS.evals, [uValue, wValue]);
  const x = proveSelector({ selector: gatherSelector(spec, g, parts, sc.point), x: params.x, value: uValue, transcript, what: "conv-transpose gather" });
  return {
    proof: { biasValue: biasClaim ? biasClaim.value : null, sumcheck: sc.proof, uValue, wValue, gather: x.proof },
    claims: { x: x.claim, w: { point: wPoint(g, parts, sc.point), value: wValue }, bias: biasClaim },
  };
}

/** Verifies a ConvTranspose proof; returns the claims on X, W and the bias. @throws {LayerProofError} */
export function verifyConvTranspose(params: { spec: ConvTransposeSpec; claim: Claim; proof: ConvTransposeProof; transcript: Transcript }): ConvTransposeClaims {
  const { spec, proof, transcript } = params;
  const g = geometry(spec);
  const { parts, target, bias: biasClaim } = verifyAccClaim(accContext(g, params.claim, transcript), proof.biasValue);
  const mm = { numVars: g.k.numVars, degree: 2 };
  const { sub, uValue, wValue } = verifyProductSumcheck("conv-transpose", CONV_TRANSPOSE_LABELS.evals, proof, target, mm, transcript);
  if (Fr.mul(uValue, wValue) !== sub.expectedEvaluation) throw new LayerProofError("conv-transpose: U·W at the sum-check point does not match the final claim");
  const x = verifySelector({ selector: gatherSelector(spec, g, parts, sub.point), value: uValue, proof: proof.gather, transcript, what: "conv-transpose gather" });
  return { x, w: { point: wPoint(g, parts, sub.point), value: wValue }, bias: biasClaim };
}

/** Calldata words, sum-check rounds and the selector's field multiplications of one step. */
export function convTransposeVerifierCost(spec: ConvTransposeSpec): { words: number; rounds: number; selectorMuls: number } {
  const g = geometry(spec);
  const xVars = layoutOf(spec.x).numVars;
  const zeros = (n: number) => new Array<bigint>(n).fill(0n);
  const sel = gatherSelector(spec, g, splitPoint(g.out, zeros(g.out.numVars)), zeros(g.k.numVars));
  return { words: 2 * g.k.numVars + 2 * xVars + 3 + (g.biasShape ? 1 : 0), rounds: g.k.numVars + xVars, selectorMuls: selectorEvalCost(sel) };
}

/** The accumulator-claim context of one ConvTranspose (./im2col-claims.ts). */
function accContext(g: Geometry, claim: Claim, transcript: Transcript) {
  return { name: "conv-transpose", labels: CONV_TRANSPOSE_LABELS, out: g.out, biasShape: g.biasShape, claim, transcript };
}

/** W's claim point in W's layout [C, M, K…]: (ρ_c, r_m, ρ_k…). */
export function wPoint(g: Geometry, outParts: readonly bigint[][], rho: readonly bigint[]): bigint[] {
  const kParts = splitPoint(g.k, rho);
  return joinPoint(g.w, [kParts[0], outParts[1], ...kParts.slice(1)]);
}

/** The selector taking U~ at (r_n, r_o, ρ_c, ρ_k) to X. */
export function gatherSelector(spec: ConvTransposeSpec, g: Geometry, outParts: readonly bigint[][], rho: readonly bigint[]): Selector {
  const kParts = splitPoint(g.k, rho);
  const groups: SelectorGroup[] = [identityGroup(0, spec.x[0], outParts[0]), identityGroup(1, spec.x[1], kParts[0])];
  for (let a = 0; a < g.nsp; a++) {
    const [s, d, p, inSize] = [spec.strides[a], spec.dilations[a], spec.padsBegin[a], spec.x[2 + a]];
    groups.push({
      axes: [2 + a],
      sources: [
        { size: spec.outSpatial[a], point: outParts[2 + a] },
        { size: spec.w[2 + a], point: kParts[1 + a] },
      ],
      index: ([o, k]) => {
        const i = gatherIndex(o, k, s, d, p, inSize);
        return i === null ? null : [i];
      },
    });
  }
  return { inShape: spec.x, groups };
}

/**
 * U~(r_n, r_o, ·) over (c, k…): Σ_{n, i} eq(r_n, n)·eq(r_o, o(i, k))·X[n, c, i] with o = i·s + k·d − p inside
 * the output, in O(N·C·I·K) (the layer's own cost).
 */
function gatherRowTable(spec: ConvTransposeSpec, g: Geometry, x: IntTensor, outParts: readonly bigint[][]): bigint[] {
  const [N, C] = spec.x;
  const inSp = spec.x.slice(2);
  const kernel = spec.w.slice(2);
  const eqN = eqTable(outParts[0]);
  const eqO = spec.outSpatial.map((_, a) => eqTable(outParts[2 + a]));
  const inPlane = inSp.reduce((p, d) => p * d, 1);
  const kCount = kernel.reduce((p, d) => p * d, 1);
  const acc = new Array<bigint>(C * kCount).fill(0n);
  const i = new Array<number>(g.nsp).fill(0);
  const k = new Array<number>(g.nsp).fill(0);
  for (let n = 0; n < N; n++) {
    i.fill(0);
    for (let ii = 0; ii < inPlane; ii++) {
      k.fill(0);
      for (let ki = 0; ki < kCount; ki++) {
        let w = eqN[n];
        for (let a = 0; a < g.nsp && w !== 0n; a++) {
          const o = i[a] * spec.strides[a] + k[a] * spec.dilations[a] - spec.padsBegin[a];
          w = o >= 0 && o < spec.outSpatial[a] ? (w * eqO[a][o]) % MODULUS : 0n;
        }
        if (w !== 0n) {
          for (let c = 0; c < C; c++) {
            const v = x.data[(n * C + c) * inPlane + ii];
            if (v !== 0) acc[c * kCount + ki] += w * BigInt(v);
          }
        }
        step(k, kernel);
      }
      step(i, inSp);
    }
  }
  const table = new Array<bigint>(g.k.paddedSize).fill(0n);
  k.fill(0);
  for (let ki = 0; ki < kCount; ki++) {
    const kOff = k.reduce((s, v, a) => s + v * 2 ** g.k.axes[1 + a].start, 0);
    for (let c = 0; c < C; c++) table[c * 2 ** g.k.axes[0].start + kOff] = Fr.reduce(acc[c * kCount + ki]);
    step(k, kernel);
  }
  return table;
}

function checkShape(t: IntTensor, shape: readonly number[], what: string): void {
  expectShape("conv-transpose", t, shape, what);
}
