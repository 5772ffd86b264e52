/**
 * Conv (1-D, 2-D, 3-D; strides, pads, dilations) as im2col + MatMul + a selector sum-check.
 *
 * With U the im2col matrix, U[(n, o), (c, k)] = X[n, c, o·s + k·d − p] (0 in the padding), the accumulator is
 * acc[n, m, o] = Σ_{c, k} U[n, o, c, k]·W[m, c, k] (+ bias[m]). U is laid out as the tensor [N, O…, C, K…], so
 * its low variables are exactly W's (c, k) variables. For a claim on acc at (r_n, r_m, r_o):
 *
 *   1. sum-check over (c, k):  acc~(r) − factor·bias~(r_m) = Σ_{c,k} U~(r_n, r_o, c, k)·W~(r_m, c, k)   (degree 2)
 *      ending at ρ_ck with U~(r_n, r_o, ρ_ck) = u and W~(r_m, ρ_ck) = w (both sent, u·w checked);
 *   2. the claim on U becomes a claim on X by the factorized selector (./selector.ts): groups n (eq(r_n, ·)),
 *      c (eq(ρ_c, ·)) and one window group per spatial axis, A_a(i) = Σ_{o,k : o·s+k·d−p = i} eq(r_o, o)·eq(ρ_k, k).
 *
 * Grouped convolutions (G > 1, W: [M, C/G, K…]): output channel m reads input channels g(m)·C/G + c with
 * g(m) = ⌊m/(M/G)⌋, so U depends on m. Then m is summed too, like a batched MatMul's batch axes:
 *
 *   acc~(r) − factor·β = Σ_{m, c, k} eq(r_m, m)·U~(r_n, m, r_o, c, k)·W~(m, c, k)               (degree 3)
 *
 * and the selector's channel group has the sources (M, ρ_m) and (C/G, ρ_c), index g(m)·C/G + c.
 *
 * Verifier work beyond the two sum-checks: Σ_a O_a·K_a + 2^{bits} per spatial axis (and M·C/G for groups),
 * never the tensor's size. Spec: docs/prover.md ("Conv").
 */
import * as Fr from "../../field/fr";
import { MODULUS } from "../../field/fr";
import { eqEval, eqTable } from "../../poly/mle";
import { proveSumcheck, type SumcheckProof } from "../../sumcheck";
import type { Transcript } from "../../transcript";
import { LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { fixVariables, LayoutError, layoutOf, paddedTable, splitPoint, type IntTensor, type TensorLayout } from "../tensor";
import { expectShape, proveAccClaim, stepIndex as step, verifyAccClaim, verifyProductSumcheck } from "./im2col-claims";
import { identityGroup, proveSelector, selectorEvalCost, verifySelector, windowGroup, type Selector, type SelectorGroup, type SelectorProof } from "./selector";

/** Transcript labels of the Conv IOP (the selector step adds its own). */
export const CONV_LABELS = { claim: "conv.claim", bias: "conv.bias", evals: "conv.evals" } as const;

/** Static description of one Conv. Spatial lists have one entry per spatial axis. */
export interface ConvSpec {
  /** X: [N, C, spatial…]. */
  readonly x: readonly number[];
  /** W: [M, C/group, kernel…]. */
  readonly w: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Padding at the start of each spatial axis (the end padding only shapes outSpatial). */
  readonly padsBegin: readonly number[];
  readonly outSpatial: readonly number[];
  /** Number of channel groups G (default 1); C and M must be multiples of G. */
  readonly group?: number;
  /** Bias shape ([M]) if any. */
  readonly bias?: readonly number[];
}

/** The proof of one Conv: [bias value], the MatMul sum-check, U and W values, the im2col selector proof. */
export interface ConvProof {
  readonly biasValue: bigint | null;
  readonly sumcheck: SumcheckProof;
  readonly uValue: bigint;
  readonly wValue: bigint;
  readonly im2col: SelectorProof;
}

/** Claims a Conv reduces to. */
export interface ConvClaims {
  readonly x: Claim;
  readonly w: Claim;
  readonly bias: Claim | null;
}

interface ConvGeometryResolved {
  readonly out: TensorLayout;
  readonly w: TensorLayout;
  /** Layout of (c, kernel…): the MatMul's inner dimension, W's low variables. */
  readonly k: TensorLayout;
  readonly nsp: number;
  /** Channel groups; when > 1 the MatMul step also sums the m variables (W's high variables). */
  readonly groups: number;
  /** The bias shape as broadcast to the output ([M, 1, …]). */
  readonly biasShape: readonly number[] | null;
}

/** Validates a spec; the output shape is [N, M, outSpatial…]. */
function geometry(spec: ConvSpec): ConvGeometryResolved {
  const { x, w } = spec;
  const fail = (msg: string): never => {
    throw new LayoutError(`conv x[${x.join(", ")}] w[${w.join(", ")}]: ${msg}`);
  };
  const nsp = x.length - 2;
  if (nsp < 1 || w.length !== x.length) fail("X must be [N, C, spatial…] and W [M, C, kernel…] of the same rank");
  const groups = spec.group ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || x[1] % groups !== 0 || w[0] % groups !== 0) {
    fail(`group = ${spec.group} does not divide the ${x[1]} input and ${w[0]} output channels`);
  }
  if (w[1] * groups !== x[1]) fail(`W has ${w[1]} input channels per group, X has ${x[1]} channels in ${groups} group(s)`);
  for (const [name, list] of [["strides", spec.strides], ["dilations", spec.dilations], ["padsBegin", spec.padsBegin], ["outSpatial", spec.outSpatial]] as const) {
    if (list.length !== nsp) fail(`${name} has ${list.length} entries for ${nsp} spatial axes`);
    if (list.some((v) => !Number.isInteger(v) || v < (name === "padsBegin" ? 0 : 1))) fail(`bad ${name} [${list.join(", ")}]`);
  }
  const biasShape = spec.bias ? [...spec.bias, ...new Array<number>(nsp).fill(1)] : null;
  if (spec.bias && (spec.bias.length !== 1 || spec.bias[0] !== w[0])) fail(`bias shape [${spec.bias.join(", ")}] is not [${w[0]}]`);
  return { out: layoutOf([x[0], w[0], ...spec.outSpatial]), w: layoutOf(w), k: layoutOf(w.slice(1)), nsp, groups, biasShape };
}

/** The output shape [N, M, outSpatial…] of a Conv spec. */
export function convOutShape(spec: ConvSpec): number[] {
  return [...geometry(spec).out.shape];
}

/** Inputs of {@link proveConv}. */
export interface ProveConvParameters {
  readonly spec: ConvSpec;
  readonly x: IntTensor;
  readonly w: IntTensor;
  readonly bias?: IntTensor;
  /** The claim on acc (output layout [N, M, O…]). The prover refuses a false claim. */
  readonly claim: Claim;
  readonly transcript: Transcript;
}

/** Proves one Conv claim; returns the proof and the claims on X, W and the bias. */
export function proveConv(params: ProveConvParameters): { proof: ConvProof; claims: ConvClaims } {
  const { spec, transcript } = params;
  const g = geometry(spec);
  checkShape(params.x, spec.x, "X");
  checkShape(params.w, spec.w, "W");
  if ((params.bias === undefined) !== (g.biasShape === null)) throw new LayoutError("conv: bias given without a bias shape, or the reverse");
  if (params.bias) checkShape(params.bias, spec.bias!, "bias");
  const { parts, target, bias: biasClaim } = proveAccClaim(accContext(g, params.claim, transcript), params.bias);

  const uTable = im2colRowTable(spec, g, params.x, parts);
  const wPadded = paddedTable(g.w, params.w.data, "W");
  let sc;
  if (g.groups === 1) {
    const wFixed = new Array<bigint | null>(g.w.numVars).fill(null);
    parts[1].forEach((r, j) => (wFixed[g.w.axes[0].start + j] = r));
    const tables = [uTable, fixVariables(wPadded, wFixed)];
    sc = provingTrueClaim("conv", () => proveSumcheck({ tables, terms: [{ coeff: 1n, factors: [0, 1] }], numVars: g.k.numVars, degree: 2, claim: target, transcript }));
  } else {
    // eq(r_m, m) as a table constant in the (c, k) variables (low): the grouped sum-check has degree 3.
    const eqM = eqTable(parts[1]);
    const eqTab = Array.from({ length: uTable.length }, (_, i) => eqM[i >> g.k.numVars]);
    const tables = [uTable, wPadded, eqTab];
    sc = provingTrueClaim("conv", () => proveSumcheck({ tables, terms: [{ coeff: 1n, factors: [0, 1, 2] }], numVars: g.w.numVars, degree: 3, claim: target, transcript }));
  }
  const [uValue, wValue] = sc.finalEvaluations;
  transcript.absorbScalars(CONV_LABELS.evals, [uValue, wValue]);
  const sel = im2colSelector(spec, g, parts, sc.point);
  const x = proveSelector({ selector: sel, x: params.x, value: uValue, transcript, what: "conv im2col" });
  return {
    proof: { biasValue: biasClaim ? biasClaim.value : null, sumcheck: sc.proof, uValue, wValue, im2col: x.proof },
    claims: { x: x.claim, w: { point: wPoint(g, parts, sc.point), value: wValue }, bias: biasClaim },
  };
}

/** Inputs of {@link verifyConv}. */
export interface VerifyConvParameters {
  readonly spec: ConvSpec;
  readonly claim: Claim;
  readonly proof: ConvProof;
  readonly transcript: Transcript;
}

/** Verifies a Conv proof; returns the claims on X, W and the bias to discharge. @throws {LayerProofError} */
export function verifyConv(params: VerifyConvParameters): ConvClaims {
  const { spec, proof, transcript } = params;
  const g = geometry(spec);
  const { parts, target, bias: biasClaim } = verifyAccClaim(accContext(g, params.claim, transcript), proof.biasValue);
  const grouped = g.groups > 1;
  const mm = { numVars: grouped ? g.w.numVars : g.k.numVars, degree: grouped ? 3 : 2 };
  const { sub, uValue, wValue } = verifyProductSumcheck("conv", CONV_LABELS.evals, proof, target, mm, transcript);
  let expected = Fr.mul(uValue, wValue);
  if (grouped) expected = Fr.mul(expected, eqEval(parts[1], sub.point.slice(g.k.numVars)));
  if (expected !== sub.expectedEvaluation) throw new LayerProofError("conv: U·W at the sum-check point does not match the final claim");
  const sel = im2colSelector(spec, g, parts, sub.point);
  const x = verifySelector({ selector: sel, value: uValue, proof: proof.im2col, transcript, what: "conv im2col" });
  return { x, w: { point: wPoint(g, parts, sub.point), value: wValue }, bias: biasClaim };
}

/** The accumulator-claim context of one Conv (./im2col-claims.ts). */
function accContext(g: ConvGeometryResolved, claim: Claim, transcript: Transcript) {
  return { name: "conv", labels: CONV_LABELS, out: g.out, biasShape: g.biasShape, claim, transcript };
}

/** W's claim point: the sum-check point ρ_ck, then r_m (ungrouped) — or the whole point (ρ_ck ‖ ρ_m) when grouped. */
function wPoint(g: ConvGeometryResolved, outParts: readonly bigint[][], rho: readonly bigint[]): bigint[] {
  return g.groups === 1 ? [...rho, ...outParts[1]] : [...rho];
}

/**
 * The selector taking U~ at (r_n, r_o, ρ_c, ρ_k) [and ρ_m when grouped] to X: identity on n, channel group
 * (identity, or the sources (M, ρ_m), (C/G, ρ_c) when grouped), one window group per spatial axis.
 */
function im2colSelector(spec: ConvSpec, g: ConvGeometryResolved, outParts: readonly bigint[][], rho: readonly bigint[]): Selector {
  const kParts = splitPoint(g.k, rho.slice(0, g.k.numVars));
  const perGroupIn = spec.w[1];
  const perGroupOut = spec.w[0] / g.groups;
  const channels: SelectorGroup =
    g.groups === 1
      ? identityGroup(1, spec.x[1], kParts[0])
      : {
          axes: [1],
          sources: [
            { size: spec.w[0], point: rho.slice(g.k.numVars) },
            { size: perGroupIn, point: kParts[0] },
          ],
          index: ([m, c]) => [Math.floor(m / perGroupOut) * perGroupIn + c],
        };
  const groups = [identityGroup(0, spec.x[0], outParts[0]), channels];
  for (let a = 0; a < g.nsp; a++) {
    groups.push(
      windowGroup(2 + a, spec.x[2 + a], { size: spec.outSpatial[a], point: outParts[2 + a] }, { size: spec.w[2 + a], point: kParts[1 + a] }, spec.strides[a], spec.dilations[a], spec.padsBegin[a]),
    );
  }
  return { inShape: spec.x, groups };
}

/**
 * The prover's table of U~(r_n, r_o, ·) over (c, k…) — over (m, c, k…) when grouped, reading input channel
 * g(m)·C/G + c: Σ_{n, o} eq(r_n, n)·eq(r_o, o)·X[n, c_in, o·s + k·d − p], in O(N·O·K·C) (the convolution's cost).
 */
function im2colRowTable(spec: ConvSpec, g: ConvGeometryResolved, x: IntTensor, outParts: readonly bigint[][]): bigint[] {
  const [N, C] = spec.x;
  const sp = spec.x.slice(2);
  const kernel = spec.w.slice(2);
  const eqN = eqTable(outParts[0]);
  const eqO = spec.outSpatial.map((_, a) => eqTable(outParts[2 + a]));
  const inPlane = sp.reduce((p, d) => p * d, 1);
  const outCount = spec.outSpatial.reduce((p, d) => p * d, 1);
  const kCount = kernel.reduce((p, d) => p * d, 1);
  // Padded index of (c, k…) in the k layout, and the input plane offset of (o, k) or -1 in the padding.
  const kPadded = (c: number, k: readonly number[]) => c * 2 ** g.k.axes[0].start + k.reduce((acc, v, a) => acc + v * 2 ** g.k.axes[1 + a].start, 0);
  const acc = new Array<bigint>(C * kCount).fill(0n);
  const o = new Array<number>(g.nsp).fill(0);
  const k = new Array<number>(g.nsp).fill(0);
  for (let n = 0; n < N; n++) {
    o.fill(0);
    for (let oi = 0; oi < outCount; oi++) {
      let w = eqN[n];
      for (let a = 0; a < g.nsp; a++) w = (w * eqO[a][o[a]]) % MODULUS;
      k.fill(0);
      for (let ki = 0; ki < kCount; ki++) {
        let off = 0;
        let inside = true;
        for (let a = 0; a < g.nsp && inside; a++) {
          const i = o[a] * spec.strides[a] + k[a] * spec.dilations[a] - spec.padsBegin[a];
          inside = i >= 0 && i < sp[a];
          off = off * sp[a] + i;
        }
        if (inside) {
          for (let c = 0; c < C; c++) {
            const v = x.data[(n * C + c) * inPlane + off];
            if (v !== 0) acc[c * kCount + ki] += w * BigInt(v);
          }
        }
        step(k, kernel);
      }
      step(o, spec.outSpatial);
    }
  }
  // Ungrouped: the (c, k) table. Grouped: one (c, k) block per output channel m (m the high variables).
  const M = g.groups === 1 ? 1 : spec.w[0];
  const perGroupIn = spec.w[1];
  const perGroupOut = spec.w[0] / g.groups;
  const table = new Array<bigint>(g.groups === 1 ? g.k.paddedSize : g.w.paddedSize).fill(0n);
  const block = g.k.paddedSize;
  for (let m = 0; m < M; m++) {
    const base = g.groups === 1 ? 0 : Math.floor(m / perGroupOut) * perGroupIn;
    k.fill(0);
    for (let ki = 0; ki < kCount; ki++) {
      for (let c = 0; c < perGroupIn; c++) table[m * block + kPadded(c, k)] = Fr.reduce(acc[(base + c) * kCount + ki]);
      step(k, kernel);
    }
  }
  return table;
}

function checkShape(t: IntTensor, shape: readonly number[], what: string): void {
  expectShape("conv", t, shape, what);
}

/** What verifying one Conv costs: calldata words, sum-check rounds and the selector's field multiplications. */
export function convVerifierCost(spec: ConvSpec): { words: number; rounds: number; selectorMuls: number } {
  const g = geometry(spec);
  const xVars = layoutOf(spec.x).numVars;
  const zeros = (n: number) => new Array<bigint>(n).fill(0n);
  const sel = im2colSelector(spec, g, splitPoint(g.out, zeros(g.out.numVars)), zeros(g.groups === 1 ? g.k.numVars : g.w.numVars));
  // Degree-d rounds send d words each (grouped: degree 3 over (c, k, m)); then U, W, X values and the bias.
  const mmRounds = g.groups === 1 ? g.k.numVars : g.w.numVars;
  const words = (g.groups === 1 ? 2 : 3) * mmRounds + 2 * xVars + 3 + (g.biasShape ? 1 : 0);
  return { words, rounds: mmRounds + xVars, selectorMuls: selectorEvalCost(sel) };
}
