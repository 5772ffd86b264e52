/**
 * Single-input re-indexing layers as factorized selector sum-checks (./selector.ts): AveragePool /
 * GlobalAveragePool (window sums), Pad, Slice (with steps) and Reshape. Each turns a claim on its output into claim(s) on its
 * input(s); the selector's MLE is evaluated by the verifier per axis.
 *
 * - Window sum (the linear part of AveragePool): acc[n, c, o] = Σ_k X[n, c, o·s + k·d − p] — a Conv with an
 *   all-ones kernel per channel, so there are no weights and the kernel taps are summed plainly. The divisor is
 *   the requantization multiplier; when windows hold different element counts, the multiplier varies with the
 *   output position and the requant step hands on a claim on M ⊙ acc: pass `weights` (M per output spatial
 *   position), and the spatial axes become one selector group with that weight (verifier O(Π O_a·K_a)).
 * - Pad: Y[o] = X[o − begin] where in range (constant; plus value·indicator of the padding), clamped (edge) or
 *   mirrored (reflect). Slice: Y[o] = X[start + o·step] per axis.
 * - Reshape across non-power-of-two boundaries: one group over every axis (verifier O(size)); the free
 *   `reshapePoint` is preferred whenever it applies.
 * Concat (several inputs) is in ./concat.ts.
 *
 * Spec: docs/prover.md ("Re-indexing layers").
 */
import * as Fr from "../../field/fr";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, type Claim } from "../claims";
import { eqTable } from "../../poly/mle";
import { LayoutError, layoutOf, splitPoint, type IntTensor } from "../tensor";
import { identityGroup, mapGroup, proveSelector, verifySelector, windowGroup, type Selector, type SelectorGroup, type SelectorProof } from "./selector";

/** Transcript labels of the re-indexing IOPs. */
export const REINDEX_LABELS = { claim: "reindex.claim" } as const;

/** A sliding-window sum over the spatial axes of X: [N, C, spatial…] → [N, C, outSpatial…]. */
export interface WindowSumSpec {
  readonly x: readonly number[];
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padsBegin: readonly number[];
  readonly outSpatial: readonly number[];
  /** Public integer weight per output spatial position (row-major over outSpatial), e.g. the per-count multiplier. */
  readonly weights?: ArrayLike<number>;
}

/**
 * ONNX Pad: "constant" (with an integer `value`, default 0), "edge" (index clamped) or "reflect" (mirrored
 * without repeating the border); negative pads crop. Every mode is a per-axis index map; a non-zero constant
 * adds value·(indicator of the padding), which the verifier evaluates per axis.
 */
export interface PadSpec {
  readonly x: readonly number[];
  readonly begin: readonly number[];
  readonly end: readonly number[];
  readonly mode?: "constant" | "edge" | "reflect";
  readonly value?: number;
}

/** Strided slice: output axis a reads input index starts[a] + o·steps[a] (steps may be negative). */
export interface SliceSpec {
  readonly x: readonly number[];
  readonly starts: readonly number[];
  readonly steps: readonly number[];
  readonly out: readonly number[];
}

/**
 * Reshape (row-major order kept). Not separable per axis: one group over all input axes whose sources are all
 * output axes, so the verifier pays O(size). Use `reshapePoint` (../tensor.ts, free) whenever it applies.
 */
export interface ReshapeSpec {
  readonly x: readonly number[];
  readonly out: readonly number[];
}

/** A single-input re-indexing layer. */
export type ReindexSpec =
  | { readonly op: "window-sum"; readonly spec: WindowSumSpec }
  | { readonly op: "pad"; readonly spec: PadSpec }
  | { readonly op: "slice"; readonly spec: SliceSpec }
  | { readonly op: "reshape"; readonly spec: ReshapeSpec };

/** The output shape of a single-input re-indexing layer (validating the spec). */
export function reindexOutShape(layer: ReindexSpec): number[] {
  switch (layer.op) {
    case "window-sum":
      return windowSumShape(layer.spec);
    case "pad":
      return padShape(layer.spec);
    case "slice":
      return sliceShape(layer.spec);
    case "reshape":
      return reshapeShape(layer.spec);
  }
}

/**
 * The selector of a single-input layer at an output point: Y~(point) = Σ_x X(x)·S(x). Exported for tests and
 * for cost accounting.
 */
export function reindexSelector(layer: ReindexSpec, point: readonly bigint[]): Selector {
  const outShape = reindexOutShape(layer);
  const parts = splitPoint(layoutOf(outShape), point);
  const x = layer.spec.x;
  if (layer.op === "pad") {
    const { begin, mode = "constant" } = layer.spec;
    const map = (a: number, d: number) => (o: number) => {
      const i = o - begin[a];
      if (mode === "edge") return Math.min(Math.max(i, 0), d - 1);
      if (mode === "reflect") return reflect(i, d);
      return i;
    };
    return { inShape: x, groups: x.map((d, a) => mapGroup(a, outShape[a], parts[a], map(a, d), d)) };
  }
  if (layer.op === "reshape") {
    const inStrides = rowMajorStrides(x);
    const outStrides = rowMajorStrides(outShape);
    return {
      inShape: x,
      groups: [
        {
          axes: x.map((_, a) => a),
          sources: outShape.map((d, a) => ({ size: d, point: parts[a] })),
          index: (src) => {
            const flat = src.reduce((acc, o, a) => acc + o * outStrides[a], 0);
            return x.map((d, a) => Math.floor(flat / inStrides[a]) % d);
          },
        },
      ],
    };
  }
  if (layer.op === "slice") {
    const { starts, steps } = layer.spec;
    return { inShape: x, groups: x.map((d, a) => mapGroup(a, outShape[a], parts[a], (o) => starts[a] + o * steps[a], d)) };
  }
  const s = layer.spec;
  const nsp = x.length - 2;
  const groups: SelectorGroup[] = [identityGroup(0, x[0], parts[0]), identityGroup(1, x[1], parts[1])];
  if (!s.weights) {
    for (let a = 0; a < nsp; a++) {
      groups.push(windowGroup(2 + a, x[2 + a], { size: s.outSpatial[a], point: parts[2 + a] }, { size: s.kernel[a], point: null }, s.strides[a], s.dilations[a], s.padsBegin[a]));
    }
    return { inShape: x, groups };
  }
  // Position-dependent weights couple the spatial axes: one group over all of them, sources (o…, k…).
  const weights = s.weights;
  const strides = rowMajorStrides(s.outSpatial);
  groups.push({
    axes: x.slice(2).map((_, a) => 2 + a),
    sources: [...s.outSpatial.map((d, a) => ({ size: d, point: parts[2 + a] })), ...s.kernel.map((d) => ({ size: d, point: null }))],
    index: (src) => {
      const at: number[] = [];
      for (let a = 0; a < nsp; a++) {
        const i = src[a] * s.strides[a] + src[nsp + a] * s.dilations[a] - s.padsBegin[a];
        if (i < 0 || i >= x[2 + a]) return null;
        at.push(i);
      }
      return at;
    },
    weight: (src) => Fr.fromSigned(weights[src.slice(0, nsp).reduce((acc, o, a) => acc + o * strides[a], 0)]),
  });
  return { inShape: x, groups };
}

/**
 * The part of Y~(point) that does not depend on X: value·(padding indicator) for a constant Pad with a non-zero
 * value, i.e. value·(Π_a ind[0, out_a)(r_a) − Π_a ind[begin_a, begin_a + d_a)(r_a)), O(Σ_a out_a); else 0.
 */
export function reindexConstant(layer: ReindexSpec, point: readonly bigint[]): bigint {
  if (layer.op !== "pad" || (layer.spec.mode ?? "constant") !== "constant" || !layer.spec.value) return 0n;
  const { x, begin, value } = layer.spec;
  const outShape = reindexOutShape(layer);
  const parts = splitPoint(layoutOf(outShape), point);
  let all = 1n;
  let inner = 1n;
  outShape.forEach((d, a) => {
    const eq = eqTable(parts[a]);
    let sumAll = 0n;
    let sumInner = 0n;
    for (let o = 0; o < d; o++) {
      sumAll += eq[o];
      const i = o - begin[a];
      if (i >= 0 && i < x[a]) sumInner += eq[o];
    }
    all = Fr.mul(all, Fr.reduce(sumAll));
    inner = Fr.mul(inner, Fr.reduce(sumInner));
  });
  return Fr.mul(Fr.fromSigned(value), Fr.sub(all, inner));
}

/** Proves a claim on a single-input layer's output; returns the claim on its input. */
export function proveReindex(params: { layer: ReindexSpec; x: IntTensor; claim: Claim; transcript: Transcript }): { proof: SelectorProof; claim: Claim } {
  const { layer, claim, transcript } = params;
  checkClaim(claim, layoutOf(reindexOutShape(layer)).numVars, layer.op);
  absorbClaim(transcript, REINDEX_LABELS.claim, claim);
  const value = Fr.sub(claim.value, reindexConstant(layer, claim.point));
  return proveSelector({ selector: reindexSelector(layer, claim.point), x: params.x, value, transcript, what: layer.op });
}

/** Verifies a single-input re-indexing step; returns the claim on its input. @throws {LayerProofError} */
export function verifyReindex(params: { layer: ReindexSpec; claim: Claim; proof: SelectorProof; transcript: Transcript }): Claim {
  const { layer, claim, transcript } = params;
  checkClaim(claim, layoutOf(reindexOutShape(layer)).numVars, layer.op);
  absorbClaim(transcript, REINDEX_LABELS.claim, claim);
  const value = Fr.sub(claim.value, reindexConstant(layer, claim.point));
  return verifySelector({ selector: reindexSelector(layer, claim.point), value, proof: params.proof, transcript, what: layer.op });
}

function windowSumShape(s: WindowSumSpec): number[] {
  const nsp = s.x.length - 2;
  const fail = (msg: string): never => {
    throw new LayoutError(`window sum x[${s.x.join(", ")}]: ${msg}`);
  };
  if (nsp < 1) fail("X must be [N, C, spatial…]");
  for (const [name, list] of [["kernel", s.kernel], ["strides", s.strides], ["dilations", s.dilations], ["padsBegin", s.padsBegin], ["outSpatial", s.outSpatial]] as const) {
    if (list.length !== nsp) fail(`${name} has ${list.length} entries for ${nsp} spatial axes`);
    if (list.some((v) => !Number.isInteger(v) || v < (name === "padsBegin" ? 0 : 1))) fail(`bad ${name} [${list.join(", ")}]`);
  }
  const count = s.outSpatial.reduce((p, d) => p * d, 1);
  if (s.weights && s.weights.length !== count) fail(`${s.weights.length} weights for ${count} output positions`);
  if (s.weights && Array.from(s.weights).some((v) => !Number.isSafeInteger(v))) fail("weights must be integers");
  return [s.x[0], s.x[1], ...s.outSpatial];
}

/** ONNX "reflect": index i mirrored into [0, d) without repeating the border (…, 2, 1, 0, 1, 2, …). */
function reflect(i: number, d: number): number {
  if (d === 1) return 0;
  const period = 2 * (d - 1);
  const m = ((i % period) + period) % period;
  return m < d ? m : period - m;
}

function padShape(s: PadSpec): number[] {
  if (s.begin.length !== s.x.length || s.end.length !== s.x.length) throw new LayoutError(`pad x[${s.x.join(", ")}]: pads need ${s.x.length} entries at each end`);
  const mode = s.mode ?? "constant";
  if (!["constant", "edge", "reflect"].includes(mode)) throw new LayoutError(`pad: unknown mode "${mode}"`);
  if (s.value !== undefined && (!Number.isSafeInteger(s.value) || mode !== "constant")) throw new LayoutError(`pad: value ${s.value} needs mode "constant" and an integer`);
  if (mode !== "constant" && s.x.some((d) => d === 0)) throw new LayoutError(`pad: mode "${mode}" needs a non-empty input`);
  const out = s.x.map((d, a) => d + s.begin[a] + s.end[a]);
  if (out.some((d, a) => !Number.isInteger(d) || d < 0 || !Number.isInteger(s.begin[a]))) {
    throw new LayoutError(`pad x[${s.x.join(", ")}]: bad pads [${s.begin.join(", ")}] / [${s.end.join(", ")}]`);
  }
  return out;
}

function sliceShape(s: SliceSpec): number[] {
  const fail = (a: number, msg: string): never => {
    throw new LayoutError(`slice x[${s.x.join(", ")}] axis ${a}: ${msg}`);
  };
  if (s.starts.length !== s.x.length || s.steps.length !== s.x.length || s.out.length !== s.x.length) {
    throw new LayoutError(`slice x[${s.x.join(", ")}]: starts, steps and out need ${s.x.length} entries`);
  }
  s.x.forEach((d, a) => {
    const [start, step, n] = [s.starts[a], s.steps[a], s.out[a]];
    if (!Number.isInteger(step) || step === 0) fail(a, `bad step ${step}`);
    if (!Number.isInteger(n) || n < 0) fail(a, `bad output size ${n}`);
    if (n > 0 && [start, start + (n - 1) * step].some((i) => !Number.isInteger(i) || i < 0 || i >= d)) fail(a, `reads outside [0, ${d})`);
  });
  return [...s.out];
}

function reshapeShape(s: ReshapeSpec): number[] {
  const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
  if (s.x.length === 0 || s.out.some((d) => !Number.isInteger(d) || d < 0) || size(s.x) !== size(s.out)) {
    throw new LayoutError(`reshape [${s.x.join(", ")}] -> [${s.out.join(", ")}]: sizes differ`);
  }
  return [...s.out];
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) s[a] = s[a + 1] * shape[a + 1];
  return s;
}
