/**
 * Factorized selectors: the one sum-check behind every re-indexing layer (Conv's im2col, pooling windows, Pad,
 * Slice, Concat).
 *
 * A re-indexing layer makes each output element a (weighted) sum of input elements. For a claim Y~(r) = v,
 *
 *     Y~(r) = Σ_o eq(r, o)·Y[o] = Σ_x X(x)·S(x),      S(x) = Σ_{o : f(o) = x} eq(r, o)·weight(o)
 *
 * — one sum-check of degree 2 over X's variables, ending in a claim X~(ρ) and the selector's value S~(ρ),
 * which the verifier computes itself. That is cheap only because the index map f is separable: the input axes
 * split into consecutive **groups**, each fed by its own **sources** (output-side coordinates, each either
 * weighted by eq(point, ·) or summed plainly), so that S = ⊗_g T_g (a Kronecker product of per-group tables)
 * and S~(ρ) = Π_g T~_g(ρ_g). The verifier builds each T_g in O(Π of its source sizes) and takes its inner
 * product with eq(ρ_g, ·): for Conv's height axis that is O(OH·KH), never O(size). Source tuples that map
 * outside the input (zero padding) contribute nothing.
 *
 * Messages: the sum-check, then X~(ρ). Spec: docs/prover.md ("Factorized selectors").
 */
import * as Fr from "../../field/fr";
import { MODULUS } from "../../field/fr";
import { threadCount } from "../../msm/backend";
import { eqTable } from "../../poly/mle";
import { proveSumcheck, SumcheckError, verifySumcheck, type SumcheckProof, type SumcheckTable } from "../../sumcheck";
import { NATIVE_PRODUCT_SUMCHECK_MIN } from "../../sumcheck/packed-product";
import { loadWalkKernels } from "../../sumcheck/walk-native";
import type { Transcript } from "../../transcript";
import { checkScalar, LayerProofError, provingTrueClaim, type Claim } from "../claims";
import { LayoutError, layoutOf, type IntTensor, type TensorLayout } from "../tensor";
import { integerTable } from "./fixed-table";

/** Transcript label of the selector IOP's one message. */
export const SELECTOR_LABELS = { eval: "select.eval" } as const;

/** One output-side coordinate feeding a group: `size` indices, each weighted by eq(point, i), or by 1 if the point is null. */
export interface SelectorSource {
  readonly size: number;
  /** Little-endian point of ≥ ⌈log2 size⌉ coordinates (its eq table is indexed by i), or null for a plain sum. */
  readonly point: readonly bigint[] | null;
}

/** A run of consecutive input axes and the map from its source tuples to input indices. */
export interface SelectorGroup {
  /** The input axes, ascending and consecutive. */
  readonly axes: readonly number[];
  readonly sources: readonly SelectorSource[];
  /** The input index (one per axis of the group) that a source tuple reads, or null when it reads padding. */
  readonly index: (src: readonly number[]) => readonly number[] | null;
  /** Optional public weight of a source tuple (canonical Fr), e.g. a per-position requant multiplier. */
  readonly weight?: (src: readonly number[]) => bigint;
}

/** A factorized selector over an input of `inShape`: groups that partition the input's axes in order. */
export interface Selector {
  readonly inShape: readonly number[];
  readonly groups: readonly SelectorGroup[];
}

/** The proof of one selector reduction. */
export interface SelectorProof {
  readonly sumcheck: SumcheckProof;
  /** X~ at the sum-check point. */
  readonly xValue: bigint;
}

/** A group's table over its own padded sub-layout: T[x] = Σ_{src : index(src) = x} weight(src)·Π_j eq(point_j, src_j). */
export function groupTable(inShape: readonly number[], group: SelectorGroup): bigint[] {
  const sub = layoutOf(group.axes.map((a) => inShape[a]));
  const eqs = group.sources.map((s) => {
    if (!Number.isInteger(s.size) || s.size < 0) throw new LayoutError(`selector: source size ${s.size}`);
    if (s.point === null) return null;
    if (2 ** s.point.length < s.size) throw new LayoutError(`selector: a source of ${s.size} indices has a ${s.point.length}-coordinate point`);
    return eqTable(s.point);
  });
  const table = new Array<bigint>(sub.paddedSize).fill(0n);
  const sizes = group.sources.map((s) => s.size);
  if (sizes.some((d) => d === 0)) return table;
  const src = new Array<number>(sizes.length).fill(0);
  for (;;) {
    const at = group.index(src);
    if (at !== null) {
      let w = group.weight ? group.weight(src) : 1n;
      for (let j = 0; j < src.length && w !== 0n; j++) {
        const e = eqs[j];
        if (e) w = (w * e[src[j]]) % MODULUS;
      }
      const padded = paddedIndex(sub, at);
      table[padded] = (table[padded] + w) % MODULUS;
    }
    let j = sizes.length - 1;
    for (; j >= 0; j--) {
      if (++src[j] < sizes[j]) break;
      src[j] = 0;
    }
    if (j < 0) break;
  }
  return table;
}

/** The selector's full table in the input's layout (the prover's): the Kronecker product of the group tables. */
export function selectorTable(selector: Selector): bigint[] {
  const layout = checkSelector(selector);
  let table: bigint[] = [1n];
  // Groups from the last (lowest variables) to the first: the next group's variables sit above.
  for (let g = selector.groups.length - 1; g >= 0; g--) {
    const t = groupTable(selector.inShape, selector.groups[g]);
    const next = new Array<bigint>(table.length * t.length);
    for (let hi = 0; hi < t.length; hi++) {
      const h = t[hi];
      for (let lo = 0; lo < table.length; lo++) next[hi * table.length + lo] = h === 0n ? 0n : (h * table[lo]) % MODULUS;
    }
    table = next;
  }
  if (table.length !== layout.paddedSize) throw new LayoutError("selector: group tables do not cover the input layout");
  return table;
}

/**
 * {@link selectorTable} as a sum-check takes it: with the native walk kernels and a table large enough for the
 * packed prover, the Kronecker product is formed on packed words (`walkKronecker`, one product per entry, zero rows
 * skipped) from the group tables, which alone are bigints; else the bigint table. The same values either way
 * (test/prover/selector-table.test.ts).
 */
export function selectorSumcheckTable(selector: Selector): SumcheckTable {
  const layout = checkSelector(selector);
  const native = layout.paddedSize >= NATIVE_PRODUCT_SUMCHECK_MIN ? loadWalkKernels() : undefined;
  if (!native) return selectorTable(selector);
  const threads = threadCount();
  let table: Uint8Array | undefined;
  // Groups from the last (lowest variables) to the first, as selectorTable.
  for (let g = selector.groups.length - 1; g >= 0; g--) {
    const t = groupTable(selector.inShape, selector.groups[g]);
    const words = native.frFromBigints(t, t.length);
    table = table === undefined ? words : native.walkKronecker(words, table, threads);
  }
  if (table === undefined || table.length !== 32 * layout.paddedSize) throw new LayoutError("selector: group tables do not cover the input layout");
  return table;
}

/** S~(ρ) = Π_g ⟨T_g, eq(ρ_g, ·)⟩: the verifier's evaluation, O(Σ_g (Π sources + 2^{bits of g})). */
export function selectorEval(selector: Selector, point: readonly bigint[]): bigint {
  const layout = checkSelector(selector);
  if (point.length !== layout.numVars) throw new LayoutError(`selector: point has ${point.length} coordinates, expected ${layout.numVars}`);
  let acc = 1n;
  for (const group of selector.groups) {
    const first = layout.axes[group.axes[0]];
    const last = layout.axes[group.axes[group.axes.length - 1]];
    const rho = point.slice(last.start, first.start + first.count);
    acc = Fr.mul(acc, Fr.innerProduct(groupTable(selector.inShape, group), eqTable(rho)));
  }
  return acc;
}

/**
 * Proves Y~(r) = value where Y is the re-indexing of `x` the selector describes (already fixed to r by its
 * sources). The caller absorbs the output claim first. Returns the proof and the claim on X.
 */
export function proveSelector(params: { selector: Selector; x: IntTensor; value: bigint; transcript: Transcript; what: string }): { proof: SelectorProof; claim: Claim } {
  const { selector, x, transcript, what } = params;
  const layout = checkSelector(selector);
  if (x.shape.length !== selector.inShape.length || x.shape.some((d, i) => d !== selector.inShape[i])) {
    throw new LayoutError(`${what}: input has shape [${x.shape.join(", ")}], expected [${selector.inShape.join(", ")}]`);
  }
  const tables = [integerTable(layout, x.data, `${what} input`), selectorSumcheckTable(selector)];
  const sc = provingTrueClaim(what, () =>
    proveSumcheck({ tables, terms: [{ coeff: 1n, factors: [0, 1] }], numVars: layout.numVars, degree: 2, claim: params.value, transcript }),
  );
  const xValue = sc.finalEvaluations[0];
  transcript.absorbScalars(SELECTOR_LABELS.eval, [xValue]);
  return { proof: { sumcheck: sc.proof, xValue }, claim: { point: sc.point, value: xValue } };
}

/** Verifies a selector reduction of `value` and returns the claim on X. @throws {LayerProofError} */
export function verifySelector(params: { selector: Selector; value: bigint; proof: SelectorProof; transcript: Transcript; what: string }): Claim {
  const { selector, proof, transcript, what } = params;
  const layout = checkSelector(selector);
  let sub;
  try {
    sub = verifySumcheck({ claim: params.value, numVars: layout.numVars, degree: 2, proof: proof.sumcheck, transcript });
  } catch (e) {
    if (e instanceof SumcheckError) throw new LayerProofError(`${what}: ${e.message}`);
    throw e;
  }
  const xValue = checkScalar(proof.xValue, `${what}: input value`);
  transcript.absorbScalars(SELECTOR_LABELS.eval, [xValue]);
  if (Fr.mul(xValue, selectorEval(selector, sub.point)) !== sub.expectedEvaluation) {
    throw new LayerProofError(`${what}: input value times selector does not match the final claim`);
  }
  return { point: sub.point, value: xValue };
}

/** Validates that the groups partition the input's axes in order; returns the input layout. */
function checkSelector(selector: Selector): TensorLayout {
  const layout = layoutOf(selector.inShape);
  let next = 0;
  for (const g of selector.groups) {
    if (g.axes.length === 0 || g.axes.some((a, i) => a !== next + i)) throw new LayoutError("selector: groups must cover the input axes in order");
    next += g.axes.length;
  }
  if (next !== selector.inShape.length) throw new LayoutError("selector: groups must cover every input axis");
  return layout;
}

/** Padded index of a multi-index in a layout (throws when out of range: a bug in a group's index map). */
function paddedIndex(layout: TensorLayout, at: readonly number[]): number {
  if (at.length !== layout.shape.length) throw new LayoutError(`selector: index map returned ${at.length} coordinates for ${layout.shape.length} axes`);
  let p = 0;
  at.forEach((i, a) => {
    if (!Number.isInteger(i) || i < 0 || i >= layout.shape[a]) throw new LayoutError(`selector: index ${i} outside axis of size ${layout.shape[a]}`);
    p += i * 2 ** layout.axes[a].start;
  });
  return p;
}

/** An identity group for input axis `axis` of size `size`, weighted by eq(point, ·) (the claim's own coordinates). */
export function identityGroup(axis: number, size: number, point: readonly bigint[]): SelectorGroup {
  return { axes: [axis], sources: [{ size, point }], index: (s) => [s[0]] };
}

/** A one-axis group: output index o (weighted by eq(point, o)) reads input index map(o), or nothing outside [0, inSize). */
export function mapGroup(axis: number, outSize: number, point: readonly bigint[], map: (o: number) => number, inSize: number): SelectorGroup {
  return {
    axes: [axis],
    sources: [{ size: outSize, point }],
    index: ([o]) => {
      const i = map(o);
      return i >= 0 && i < inSize ? [i] : null;
    },
  };
}

/**
 * A sliding-window group for one spatial axis: input index o·stride + k·dilation − pad for output position o
 * (weighted by eq(outPoint, o)) and kernel tap k (weighted by eq(kernelPoint, k), or summed when null).
 */
export function windowGroup(
  axis: number,
  inSize: number,
  out: { size: number; point: readonly bigint[] },
  kernel: { size: number; point: readonly bigint[] | null },
  stride: number,
  dilation: number,
  pad: number,
): SelectorGroup {
  return {
    axes: [axis],
    sources: [out, kernel],
    index: ([o, k]) => {
      const i = o * stride + k * dilation - pad;
      return i >= 0 && i < inSize ? [i] : null;
    },
  };
}

/**
 * The verifier's field multiplications for {@link selectorEval} (what the Solidity twin pays, ≈ one `mulmod`
 * each): per group, the eq tables of its pointed sources (2^bits each), one product per source tuple and
 * pointed source (plus one for a weight), the eq table of ρ_g and the inner product (2·2^{bits of g}).
 */
export function selectorEvalCost(selector: Selector): number {
  const layout = checkSelector(selector);
  let muls = 0;
  for (const g of selector.groups) {
    const pointed = g.sources.filter((s) => s.point !== null);
    const tuples = g.sources.reduce((p, s) => p * s.size, 1);
    muls += pointed.reduce((acc, s) => acc + 2 ** s.point!.length, 0);
    muls += tuples * (pointed.length + (g.weight ? 1 : 0));
    const bits = g.axes.reduce((acc, a) => acc + layout.axes[a].count, 0);
    muls += 2 * 2 ** bits;
  }
  return muls + selector.groups.length;
}
