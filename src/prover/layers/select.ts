/**
 * MaxPool / GlobalMaxPool / ReduceMax / ReduceMin (plan kind `select`) as a claims-in / claims-out IOP, by range
 * checks instead of comparisons (spec: docs/prover.md, "More layers: max and min").
 *
 * Every output is the max (or min) of its **taps**: T[o, k] = X[o·stride + k·dilation − pad] per axis, a fixed
 * re-indexing of the input (./selector.ts). The prover commits, in the advice polynomial A, the output y and a
 * one-hot choice s[o, k], and puts one arity-2 column into the proof's lookup arena, against the CLAMP table of
 * the bit width that requantization already uses (rows (v, 0) for v in [qmin, qmax], (qmax, +1), (qmin, −1)):
 *
 *     (qmin + D[o, k], −s[o, k]) ∈ CLAMP_b,      D[o, k] = σ·(y[o] − T[o, k])   (σ = +1 max, −1 min)
 *
 * so every tap is on the right side of y (0 ≤ D < 2^b), s ∈ {−1, 0, 1}, and s = 1 forces D = 0. With
 * Σ_k s[o, k] = 1 for every o of the padded cube (one opening of s at the half point in the tap variables) some
 * tap has s = 1, so it equals y, and y is exactly the max (min). In the output's padding the taps are 0, so y is
 * 0 there too (A's padding is zero, as every claim on a tensor assumes). Taps outside the input (MaxPool
 * padding, kernel padding) read the fill F = qmin (max) / qmax (min), which never beats a real tap.
 *
 * D is not committed: the arena's claim on component 0 becomes D~(ρ) = σ·(y~(ρ_o) − T~(ρ)), an opening of y
 * (its value sent) and a selector sum-check on X; component 1 is −s~(ρ), an opening of A. No sum-check over
 * the taps, no product of degree K, and no table of its own (CLAMP_b is in W for requantization anyway).
 *
 * Transcript: absorb the y claims and the arena claims | y~(ρ_o) | selector sum-check | X~(ρ').
 */
import * as Fr from "../../field/fr";
import { evaluateMle } from "../../poly/mle";
import type { Transcript } from "../../transcript";
import { absorbClaim, checkClaim, checkScalar, LayerProofError, type Claim } from "../claims";
import { forEachIndex, LayoutError, layoutOf, prefixIndicator, splitPoint, type IntTensor, type TensorLayout } from "../tensor";
import { groupTable, proveSelector, verifySelector, windowGroup, type Selector, type SelectorProof } from "./selector";

/** Transcript labels of the select IOP. */
export const SELECT_LABELS = {
  claims: "select.claims",
  arena: "select.arena",
  y: "select.y",
} as const;

/** Widest activations (docs/quantization.md: b ≤ 16; the CLAMP_b table of requantization). */
export const MAX_SELECT_BITS = 16;

/** Max or min over the taps. */
export type SelectMode = "max" | "min";

/**
 * One max/min node. Every list has one entry per input axis (rank R); an axis the node does not touch has
 * kernel 1, stride 1, dilation 1, pad 0 and out = its size; a reduced axis has out 1 and kernel = its size (the
 * keepdims form: size-1 axes own no variables, so dropping them changes no point).
 */
export interface SelectSpec {
  readonly x: readonly number[];
  readonly out: readonly number[];
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padsBegin: readonly number[];
  readonly mode: SelectMode;
  /** Activation width b: inputs and outputs lie in [−2^(b−1), 2^(b−1)), so every D lies in [0, 2^b). */
  readonly bits: number;
}

/** Layouts of a spec: the output, the kernel and the tap tensor [out…, kernel…] (kernel variables lowest). */
export interface SelectGeometry {
  readonly outLayout: TensorLayout;
  readonly kernelLayout: TensorLayout;
  readonly tapLayout: TensorLayout;
  /** The fill F of taps outside the input: qmin for max, qmax for min. */
  readonly fill: bigint;
  /** σ: D = σ·(y − T). */
  readonly sign: 1n | -1n;
}

/** Checks a spec and derives its layouts. @throws {LayoutError} */
export function selectGeometry(spec: SelectSpec): SelectGeometry {
  const rank = spec.x.length;
  const fail = (msg: string): never => {
    throw new LayoutError(`select x[${spec.x.join(", ")}]: ${msg}`);
  };
  if (spec.mode !== "max" && spec.mode !== "min") fail(`unknown mode "${String(spec.mode)}"`);
  if (!Number.isInteger(spec.bits) || spec.bits < 2 || spec.bits > MAX_SELECT_BITS) fail(`bit width ${spec.bits} is not in [2, ${MAX_SELECT_BITS}]`);
  for (const [name, list, min] of [
    ["out", spec.out, 1],
    ["kernel", spec.kernel, 1],
    ["strides", spec.strides, 1],
    ["dilations", spec.dilations, 1],
    ["padsBegin", spec.padsBegin, 0],
  ] as const) {
    if (list.length !== rank) fail(`${name} has ${list.length} entries for ${rank} axes`);
    if (list.some((v) => !Number.isInteger(v) || v < min)) fail(`bad ${name} [${list.join(", ")}]`);
  }
  if (spec.x.some((d) => !Number.isInteger(d) || d < 1)) fail("every input axis must be non-empty");
  const half = 1n << BigInt(spec.bits - 1);
  return {
    outLayout: layoutOf(spec.out),
    kernelLayout: layoutOf(spec.kernel),
    tapLayout: layoutOf([...spec.out, ...spec.kernel]),
    fill: spec.mode === "max" ? Fr.fromSigned(-half) : Fr.fromSigned(half - 1n),
    sign: spec.mode === "max" ? 1n : -1n,
  };
}

/**
 * The selector of the tap tensor at a tap-layout point: T~(ρ) restricted to in-bounds taps is Σ_x X(x)·S(x),
 * one window group per input axis (sources: the output index with ρ_o,a, the tap with ρ_k,a).
 */
export function selectTapSelector(spec: SelectSpec, tapPoint: readonly bigint[]): Selector {
  const rank = spec.x.length;
  const parts = splitPoint(selectGeometry(spec).tapLayout, tapPoint);
  return {
    inShape: spec.x,
    groups: spec.x.map((d, a) =>
      windowGroup(a, d, { size: spec.out[a], point: parts[a] }, { size: spec.kernel[a], point: parts[rank + a] }, spec.strides[a], spec.dilations[a], spec.padsBegin[a]),
    ),
  };
}

/**
 * The MLE at a tap point of the fill pattern P[o, k] = 1 when o is real and tap k is not an in-bounds tap:
 * 1_real~(ρ_o) − V~(ρ), V the in-bounds indicator, Π_a Σ (window group table of axis a). O(Σ_a O_a·K_a).
 */
export function selectFillEval(spec: SelectSpec, tapPoint: readonly bigint[]): bigint {
  const rank = spec.x.length;
  const parts = splitPoint(selectGeometry(spec).tapLayout, tapPoint);
  let real = 1n;
  for (let a = 0; a < rank; a++) real = Fr.mul(real, prefixIndicator(spec.out[a], parts[a]));
  const selector = selectTapSelector(spec, tapPoint);
  let valid = 1n;
  for (const g of selector.groups) valid = Fr.mul(valid, groupTable(spec.x, g).reduce((s, v) => Fr.add(s, v), 0n));
  return Fr.sub(real, valid);
}

/**
 * The prover's columns (full cubes, canonical Fr): the advice y (output layout) and s (tap layout), and the
 * arena column's two components over the tap layout, (qmin + D, −s).
 */
export interface SelectWitness {
  readonly y: readonly bigint[];
  readonly s: readonly bigint[];
  readonly column: readonly [readonly bigint[], readonly bigint[]];
}

/**
 * The witness for input x and the trace's output y: D for every tap of the padded cube, s choosing the first
 * tap that attains y (in the output's padding: tap 0, where D = 0).
 * @param unsafe test hook (a dishonest prover): build the columns even when y is not the max (min); an output
 *   that no tap attains then chooses no tap
 * @throws {LayoutError} when y is not the max (min) of its in-bounds taps, or a window has no in-bounds tap
 */
export function selectWitness(spec: SelectSpec, x: IntTensor, y: IntTensor, unsafe = false): SelectWitness {
  const geo = selectGeometry(spec);
  const { outLayout, kernelLayout, tapLayout } = geo;
  checkShape(x, spec.x, "select input");
  checkShape(y, spec.out, "select output", true);
  const kSize = kernelLayout.paddedSize;
  const yt = new Array<bigint>(outLayout.paddedSize).fill(0n);
  const s = new Array<bigint>(tapLayout.paddedSize).fill(0n);
  const d = new Array<bigint>(tapLayout.paddedSize).fill(0n);
  for (let po = 0; po < outLayout.paddedSize; po++) s[po * kSize] = 1n; // padding outputs: tap 0 (D = 0)
  const rank = spec.x.length;
  const xStrides = rowMajorStrides(spec.x);
  const outIdx = new Array<number>(rank).fill(0);
  const fill = Fr.toSigned(geo.fill);
  forEachIndex(outLayout, (flat, po) => {
    unflatten(flat, spec.out, outIdx);
    const v = BigInt(y.data[flat]);
    yt[po] = Fr.fromSigned(v);
    const base = po * kSize;
    s[base] = 0n;
    for (let pk = 0; pk < kSize; pk++) d[base + pk] = Fr.fromSigned(geo.sign * (v - fill));
    let best: bigint | null = null;
    let chosen = -1;
    forEachIndex(kernelLayout, (kflat, pk) => {
      let at = 0;
      let k = kflat;
      for (let a = rank - 1; a >= 0; a--) {
        const ka = k % spec.kernel[a];
        k = Math.floor(k / spec.kernel[a]);
        const i = outIdx[a] * spec.strides[a] + ka * spec.dilations[a] - spec.padsBegin[a];
        if (i < 0 || i >= spec.x[a]) return;
        at += i * xStrides[a];
      }
      const t = BigInt(x.data[at]);
      d[base + pk] = Fr.fromSigned(geo.sign * (v - t));
      if (best === null || geo.sign * (t - best) > 0n) best = t;
      if (t === v && chosen < 0) chosen = pk;
    });
    if (best === null && !unsafe) throw new LayoutError(`select: output at flat index ${flat} has no in-bounds tap`);
    if (best !== v && !unsafe) throw new LayoutError(`select: output ${v} at flat index ${flat} is not the ${spec.mode} ${best} of its taps`);
    if (chosen >= 0) s[base + chosen] = 1n;
  });
  const qmin = Fr.fromSigned(-(1n << BigInt(spec.bits - 1)));
  return { y: yt, s, column: [d.map((v) => Fr.add(qmin, v)), s.map((v) => Fr.neg(v))] };
}

/** The arena component values (qmin + D~, −s~) → D~ and s~. */
function fromComponents(spec: SelectSpec, arena: SelectArenaClaims): { d: bigint; s: bigint } {
  const qmin = Fr.fromSigned(-(1n << BigInt(spec.bits - 1)));
  return { d: Fr.sub(arena.values[0], qmin), s: Fr.neg(arena.values[1]) };
}

/** The arena's claim on the node's column: components (qmin + D, −s) at the column's point ρ (tap layout). */
export interface SelectArenaClaims {
  readonly point: readonly bigint[];
  readonly values: readonly bigint[];
}

/** The node's messages: y~(ρ_o) and the selector reduction of T~(ρ) to X. */
export interface SelectProof {
  readonly yValue: bigint;
  readonly selector: SelectorProof;
}

/** What the step hands on: one claim on X, and claims on the advice columns y and s (openings of A). */
export interface SelectClaims {
  readonly x: Claim;
  /** The consumers' claims (unchanged), then y at ρ_o. */
  readonly y: readonly Claim[];
  /** s at ρ (the arena's), then s at (½^κ ‖ ρ_o) with value 2^−κ (every output chooses exactly one tap). */
  readonly s: readonly Claim[];
}

/** Inputs of {@link proveSelect}. */
export interface ProveSelectParameters {
  readonly spec: SelectSpec;
  readonly x: IntTensor;
  /** Claims on the output y (from consumers, the output step). */
  readonly claims: readonly Claim[];
  readonly arena: SelectArenaClaims;
  /** y as committed in A (over the output layout); for {@link SelectProof.yValue}. */
  readonly y: readonly bigint[];
  readonly transcript: Transcript;
}

/** Proves the select step down to claims on X and A. @throws {LayerProofError} when a claim is false */
export function proveSelect(params: ProveSelectParameters): { proof: SelectProof; claims: SelectClaims } {
  const { spec, transcript, arena } = params;
  const geo = selectGeometry(spec);
  absorbInputs(geo, params.claims, arena, transcript);
  const rhoO = outPart(geo, arena.point);
  const yValue = evaluateMle(params.y, rhoO);
  transcript.absorbScalars(SELECT_LABELS.y, [yValue]);
  const value = selectorValue(spec, geo, arena, yValue);
  const { proof, claim } = proveSelector({ selector: selectTapSelector(spec, arena.point), x: params.x, value, transcript, what: "select" });
  return { proof: { yValue, selector: proof }, claims: handOn(spec, geo, params.claims, arena, yValue, claim) };
}

/** Verifies the select step; returns the claims on X and A. @throws {LayerProofError} */
export function verifySelect(params: {
  spec: SelectSpec;
  claims: readonly Claim[];
  arena: SelectArenaClaims;
  proof: SelectProof;
  transcript: Transcript;
}): SelectClaims {
  const { spec, transcript, arena, proof } = params;
  const geo = selectGeometry(spec);
  absorbInputs(geo, params.claims, arena, transcript);
  const yValue = checkScalar(proof.yValue, "select: y value");
  transcript.absorbScalars(SELECT_LABELS.y, [yValue]);
  const value = selectorValue(spec, geo, arena, yValue);
  const claim = verifySelector({ selector: selectTapSelector(spec, arena.point), value, proof: proof.selector, transcript, what: "select" });
  return handOn(spec, geo, params.claims, arena, yValue, claim);
}

/** Proof size and what the step adds to the shared polynomials. */
export interface SelectCost {
  /** 32-byte calldata words of the node's own messages: y~(ρ_o), the selector sum-check (degree 2) and X~. */
  readonly words: number;
  /** Sum-check rounds (the selector's: the input's variables). */
  readonly rounds: number;
  /** Entries the step adds to A (y over the output layout, s over the tap layout). */
  readonly adviceEntries: number;
  /** Variables of the one arena column (arity 2, against CLAMP_b). */
  readonly columnVars: number;
}

/** The cost of one select step (docs/prover.md, "More layers"). */
export function selectCost(spec: SelectSpec): SelectCost {
  const geo = selectGeometry(spec);
  const nx = layoutOf(spec.x).numVars;
  return {
    words: 1 + 2 * nx + 1,
    rounds: nx,
    adviceEntries: geo.outLayout.paddedSize + geo.tapLayout.paddedSize,
    columnVars: geo.tapLayout.numVars,
  };
}

function absorbInputs(geo: SelectGeometry, claims: readonly Claim[], arena: SelectArenaClaims, transcript: Transcript): void {
  claims.forEach((c, i) => {
    checkClaim(c, geo.outLayout.numVars, `select: output claim ${i}`);
    absorbClaim(transcript, SELECT_LABELS.claims, c);
  });
  if (arena.values.length !== 2) throw new LayerProofError(`select: the arena claim has ${arena.values.length} components, expected 2`);
  checkClaim({ point: arena.point, value: arena.values[0] }, geo.tapLayout.numVars, "select: arena claim");
  checkScalar(arena.values[1], "select: arena claim component 1");
  transcript.absorbScalars(SELECT_LABELS.arena, [...arena.point, ...arena.values]);
}

/** ρ_o: the output coordinates of a tap point (the kernel variables are the low κ). */
function outPart(geo: SelectGeometry, tapPoint: readonly bigint[]): bigint[] {
  return tapPoint.slice(geo.kernelLayout.numVars);
}

/** Sel~(ρ) = T~(ρ) − F·P~(ρ), T~(ρ) = y~(ρ_o) − σ·D~(ρ): what the selector sum-check must show of X. */
function selectorValue(spec: SelectSpec, geo: SelectGeometry, arena: SelectArenaClaims, yValue: bigint): bigint {
  const taps = Fr.sub(yValue, Fr.mul(Fr.fromSigned(geo.sign), fromComponents(spec, arena).d));
  return Fr.sub(taps, Fr.mul(geo.fill, selectFillEval(spec, arena.point)));
}

function handOn(spec: SelectSpec, geo: SelectGeometry, claims: readonly Claim[], arena: SelectArenaClaims, yValue: bigint, x: Claim): SelectClaims {
  const kappa = geo.kernelLayout.numVars;
  const rhoO = outPart(geo, arena.point);
  const half = Fr.inv(2n);
  return {
    x,
    y: [...claims.map((c) => ({ point: [...c.point], value: c.value })), { point: rhoO, value: yValue }],
    s: [
      { point: [...arena.point], value: fromComponents(spec, arena).s },
      { point: [...new Array<bigint>(kappa).fill(half), ...rhoO], value: Fr.pow(half, BigInt(kappa)) },
    ],
  };
}

function checkShape(t: IntTensor, shape: readonly number[], what: string, sizeOnly = false): void {
  const size = shape.reduce((p, d) => p * d, 1);
  if (t.data.length !== size || (!sizeOnly && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])))) {
    throw new LayoutError(`${what}: shape [${t.shape.join(", ")}] does not match [${shape.join(", ")}]`);
  }
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isSafeInteger(t.data[i])) throw new LayoutError(`${what}: value ${t.data[i]} at flat index ${i} is not an integer`);
  }
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) s[a] = s[a + 1] * shape[a + 1];
  return s;
}

function unflatten(flat: number, shape: readonly number[], out: number[]): void {
  for (let a = shape.length - 1; a >= 0; a--) {
    out[a] = flat % shape[a];
    flat = Math.floor(flat / shape[a]);
  }
}
