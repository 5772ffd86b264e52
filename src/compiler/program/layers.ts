/**
 * Program fragments of the layer IOPs: for each layer spec, the instruction `LayerOps.sol` runs to verify that
 * layer's proof — its opcode and every numeric parameter, with the layout algebra resolved at compile time.
 * The geometry comes from the TypeScript IOPs themselves (run on symbolic points, ./writer.ts `symbols`), so
 * prover, TypeScript verifier and Solidity verifier share one source of truth. Byte layouts: the NatSpec of
 * contracts/verifier/layers/*.sol and docs/verifier-gen.md.
 */
import * as Fr from "../../field/fr";
import { matmulGeometry, type MatMulSpec } from "../../prover/layers/matmul";
import type { ConvSpec } from "../../prover/layers/conv";
import { convOutShape } from "../../prover/layers/conv";
import { concatOutShape, concatSelector, type ConcatSpec } from "../../prover/layers/concat";
import { reindexOutShape, reindexSelector, type ReindexSpec } from "../../prover/layers/reindex";
import { identityGroup, windowGroup, type Selector, type SelectorGroup } from "../../prover/layers/selector";
import type { LinearOperand } from "../../prover/layers/elementwise";
import { broadcastPoint, joinPoint, layoutOf, splitPoint, type TensorLayout } from "../../prover/tensor";
import { LAYER_OP, PRODUCT_FAMILY } from "./opcodes";
import { poolIndices, ProgramError, ProgramWriter, symbols } from "./writer";
import { selectorWords, sumcheckWords } from "./proof-words";

/** Index width (bytes) of a selector group whose ρ_g table has 2^bits entries; all ones marks padding. */
function indexWidth(bits: number): 2 | 4 {
  return 2 ** bits < 0xffff ? 2 : 4;
}

/**
 * The broadcast factor of an operand of `operandShape` broadcast to `outShape`: the output axes it does not
 * keep whose size is not a power of two (the others contribute 1), as (d, start, bits) of the output layout.
 */
export function writeFactor(w: ProgramWriter, outShape: readonly number[], operandShape: readonly number[]): void {
  const layout = layoutOf(outShape);
  const lead = outShape.length - operandShape.length;
  const axes: { d: number; start: number; bits: number }[] = [];
  outShape.forEach((d, a) => {
    const od = a < lead ? 1 : operandShape[a - lead];
    if (a >= lead && od === d) return;
    const { start, count } = layout.axes[a];
    if (2 ** count !== d) axes.push({ d, start, bits: count });
  });
  w.u8(axes.length, "broadcast axes");
  for (const ax of axes) w.u32(ax.d, "broadcast dim").u8(ax.start, "broadcast start").u8(ax.bits, "broadcast bits");
}

/** An operand's broadcast point as a gather from the output point's pool (positions offset … offset + n). */
export function writeBroadcastGather(w: ProgramWriter, outShape: readonly number[], operandShape: readonly number[], offset: number, what: string): void {
  const out = symbols(offset, layoutOf(outShape).numVars);
  w.gather(poolIndices(broadcastPoint(outShape, operandShape, out).point, what), what);
}

/** MATMUL: the instruction verifying a MatMul/Gemm proof (claims out: X, W, [bias]). */
export function matmulProgram(spec: MatMulSpec): Uint8Array {
  const g = matmulGeometry(spec);
  const n = g.out.numVars;
  const numVars = g.kVars + g.batch.numVars;
  const claim = symbols(0, n);
  const rho = symbols(n, numVars);
  const w = new ProgramWriter().u8(LAYER_OP.matmul, "op").u8(PRODUCT_FAMILY.matmul, "family");
  w.u8(numVars, "matmul rounds").u8(g.batchAxes > 0 ? 3 : 2, "matmul degree").u8(g.bias ? 1 : 0, "bias");
  if (g.bias) {
    writeBroadcastGather(w, g.out.shape, g.bias, 0, "matmul bias point");
    writeFactor(w, g.out.shape, g.bias);
  }
  const outParts = splitPoint(g.out, claim);
  if (g.batchAxes > 0) {
    w.gather(poolIndices(joinPoint(g.batch, outParts.slice(0, g.batchAxes)), "matmul batch"), "matmul batch").u8(g.kVars, "batch offset");
  } else {
    w.gather([], "matmul batch").u8(0, "batch offset");
  }
  const rhoK = rho.slice(0, g.kVars);
  const rhoB = splitPoint(g.batch, rho.slice(g.kVars));
  const parts = (toOut: readonly number[]) => toOut.map((o) => (o < 0 ? rhoK : o < g.batchAxes ? rhoB[o] : outParts[o]));
  w.gather(poolIndices(joinPoint(g.x, parts(g.xToOut)), "matmul X"), "matmul X");
  w.gather(poolIndices(joinPoint(g.w, parts(g.wToOut)), "matmul W"), "matmul W");
  return w.bytes();
}

/** CONV: the instruction verifying a Conv proof (claims out: X, W, [bias]). */
export function convProgram(spec: ConvSpec): Uint8Array {
  const outShape = convOutShape(spec); // validates the spec
  const out = layoutOf(outShape);
  const wLayout = layoutOf(spec.w);
  const k = layoutOf(spec.w.slice(1));
  const groups = spec.group ?? 1;
  const numVars = groups === 1 ? k.numVars : wLayout.numVars;
  const claim = symbols(0, out.numVars);
  const rho = symbols(out.numVars, numVars);
  const parts = splitPoint(out, claim);
  const w = new ProgramWriter().u8(LAYER_OP.conv, "op").u8(PRODUCT_FAMILY.conv, "family");
  w.u8(numVars, "conv rounds").u8(groups === 1 ? 2 : 3, "conv degree").u8(spec.bias ? 1 : 0, "bias");
  if (spec.bias) {
    const biasShape = [...spec.bias, ...new Array<number>(spec.x.length - 2).fill(1)];
    writeBroadcastGather(w, outShape, biasShape, 0, "conv bias point");
    writeFactor(w, outShape, biasShape);
  }
  if (groups === 1) w.gather([], "conv groups").u8(0, "group offset");
  else w.gather(poolIndices(parts[1], "conv groups"), "conv groups").u8(k.numVars, "group offset");
  // U's claim is consumed by the im2col selector (its point is never handed on).
  w.gather([], "conv U");
  w.gather(poolIndices(groups === 1 ? [...rho, ...parts[1]] : rho, "conv W"), "conv W");
  writeSelector(w, im2colSelector(spec, k, parts, rho), "conv im2col");
  return w.bytes();
}

/**
 * The im2col selector of docs/prover.md ("Conv"), as `verifyConv` builds it: identity on n; channels (identity,
 * or sources (M, ρ_m), (C/G, ρ_c) when grouped); one window group per spatial axis.
 */
function im2colSelector(spec: ConvSpec, k: TensorLayout, outParts: readonly bigint[][], rho: readonly bigint[]): Selector {
  const groups = spec.group ?? 1;
  const kParts = splitPoint(k, rho.slice(0, k.numVars));
  const perGroupIn = spec.w[1];
  const perGroupOut = spec.w[0] / groups;
  const channels: SelectorGroup =
    groups === 1
      ? identityGroup(1, spec.x[1], kParts[0])
      : {
          axes: [1],
          sources: [
            { size: spec.w[0], point: rho.slice(k.numVars) },
            { size: perGroupIn, point: kParts[0] },
          ],
          index: ([m, c]) => [Math.floor(m / perGroupOut) * perGroupIn + c],
        };
  const list: SelectorGroup[] = [identityGroup(0, spec.x[0], outParts[0]), channels];
  for (let a = 0; a < spec.x.length - 2; a++) {
    list.push(
      windowGroup(2 + a, spec.x[2 + a], { size: spec.outSpatial[a], point: outParts[2 + a] }, { size: spec.w[2 + a], point: kParts[1 + a] }, spec.strides[a], spec.dilations[a], spec.padsBegin[a]),
    );
  }
  return { inShape: spec.x, groups: list };
}

/** The proof words MATMUL reads on one claim (ProductStep.verify): [the bias], the sum-check, (X~, W~). */
export function matmulWords(spec: MatMulSpec): number {
  const g = matmulGeometry(spec);
  return (g.bias ? 1 : 0) + sumcheckWords(g.kVars + g.batch.numVars, g.batchAxes > 0 ? 3 : 2) + 2;
}

/** REINDEX: window sum, Pad, Slice or Reshape (claim out: X). */
export function reindexProgram(layer: ReindexSpec): Uint8Array {
  const outShape = reindexOutShape(layer);
  const out = layoutOf(outShape);
  const claim = symbols(0, out.numVars);
  const w = new ProgramWriter().u8(LAYER_OP.reindex, "op");
  if (layer.op === "pad" && (layer.spec.mode ?? "constant") === "constant" && layer.spec.value) {
    const { x, begin, value } = layer.spec;
    w.u8(1, "pad constant").word(Fr.fromSigned(value), "pad value").u8(outShape.length, "pad axes");
    outShape.forEach((d, a) => {
      const lo = Math.min(Math.max(begin[a], 0), d);
      const hi = Math.max(Math.min(begin[a] + x[a], d), lo);
      w.u8(out.axes[a].start, "axis start").u8(out.axes[a].count, "axis bits").u32(d, "axis size").u32(lo, "pad lo").u32(hi, "pad hi");
    });
  } else {
    w.u8(0, "pad constant");
  }
  writeSelector(w, reindexSelector(layer, claim), layer.op);
  return w.bytes();
}

/** The proof words REINDEX reads on one claim (Reindex.single): its selector's sum-check and X~. */
export function reindexWords(layer: ReindexSpec): number {
  return selectorWords(reindexSelector(layer, symbols(0, layoutOf(reindexOutShape(layer)).numVars)));
}

/** CONCAT: claims out, one per input in order. */
export function concatProgram(spec: ConcatSpec): Uint8Array {
  const outShape = concatOutShape(spec);
  const claim = symbols(0, layoutOf(outShape).numVars);
  const w = new ProgramWriter().u8(LAYER_OP.concat, "op").u8(spec.inShapes.length, "concat inputs");
  spec.inShapes.forEach((_, j) => writeSelector(w, concatSelector(spec, j, claim), `concat input ${j}`));
  return w.bytes();
}

/** LINEAR: acc = Σ c_i·op_i (broadcast); claims out, one per operand. */
export function linearProgram(outShape: readonly number[], operands: readonly LinearOperand[]): Uint8Array {
  if (operands.length === 0 || operands[operands.length - 1].coeff === 0n) {
    throw new ProgramError("linear combination: needs operands and a non-zero last coefficient");
  }
  const w = new ProgramWriter().u8(LAYER_OP.linear, "op").u8(operands.length, "operands");
  operands.forEach((op, i) => {
    w.word(op.coeff, `coefficient ${i}`);
    writeBroadcastGather(w, outShape, op.shape, 0, `operand ${i} point`);
    writeFactor(w, outShape, op.shape);
  });
  w.word(Fr.inv(operands[operands.length - 1].coeff), "last coefficient inverse");
  return w.bytes();
}

/** HADAMARD: acc = a ⊙ b (broadcast); claims out: a, b. */
export function hadamardProgram(outShape: readonly number[], aShape: readonly number[], bShape: readonly number[]): Uint8Array {
  const w = new ProgramWriter().u8(LAYER_OP.hadamard, "op").u8(layoutOf(outShape).numVars, "hadamard rounds");
  for (const [shape, what] of [[aShape, "a"], [bShape, "b"]] as const) {
    writeBroadcastGather(w, outShape, shape, 0, `hadamard ${what} point`);
    writeFactor(w, outShape, shape);
  }
  return w.bytes();
}

/** MERGE: all claims on a tensor of `numVars` variables become one. */
export function mergeProgram(numVars: number): Uint8Array {
  return new ProgramWriter().u8(LAYER_OP.merge, "op").u8(numVars, "merge variables").bytes();
}

/** Group kinds of SelectorStep.sol. */
const GROUP_KIND = { identity: 0, affine: 1, explicit: 2 } as const;

/** Every source tuple of a group, row-major (last source fastest). */
function tuplesOf(sizes: readonly number[]): number[][] {
  if (sizes.some((d) => d === 0)) return [];
  const out: number[][] = [];
  const src = new Array<number>(sizes.length).fill(0);
  for (;;) {
    out.push([...src]);
    let j = sizes.length - 1;
    for (; j >= 0; j--) {
      if (++src[j] < sizes[j]) break;
      src[j] = 0;
    }
    if (j < 0) return out;
  }
}

const I32 = 2 ** 31;
const fitsI32 = (v: number) => Number.isSafeInteger(v) && v >= -I32 && v < I32;

/**
 * An affine description of a one-axis group with one or two sources — index = offset + Σ_j c_j·t_j, padding
 * exactly outside [0, inSize) — or null. Fitted from the tuples and then checked against every one of them, so
 * a group is only ever encoded as what it is.
 */
function fitAffine(group: SelectorGroup, inSize: number): { offset: number; coefs: number[] } | null {
  if (group.axes.length !== 1 || group.weight || group.sources.length < 1 || group.sources.length > 2) return null;
  const sizes = group.sources.map((src) => src.size);
  const tuples = tuplesOf(sizes);
  const hits = new Map<string, number>();
  for (const t of tuples) {
    const at = group.index(t);
    if (at !== null) hits.set(t.join(","), at[0]);
  }
  const coefs: number[] = [];
  for (let j = 0; j < sizes.length; j++) {
    if (sizes[j] <= 1) {
      coefs.push(0);
      continue;
    }
    // Two in-range tuples that differ only in source j (by one step) give its coefficient.
    let found: number | null = null;
    for (const t of tuples) {
      if (t[j] + 1 >= sizes[j]) continue;
      const u = [...t];
      u[j]++;
      const a = hits.get(t.join(","));
      const b = hits.get(u.join(","));
      if (a !== undefined && b !== undefined) {
        found = b - a;
        break;
      }
    }
    if (found === null) return null;
    coefs.push(found);
  }
  const first = [...hits.entries()][0];
  const offset = first === undefined ? inSize : first[1] - first[0].split(",").reduce((acc, v, j) => acc + Number(v) * coefs[j], 0);
  if (!fitsI32(offset) || !coefs.every(fitsI32)) return null;
  for (const t of tuples) {
    const i = offset + t.reduce((acc, v, j) => acc + v * coefs[j], 0);
    const at = group.index(t);
    const expected = i >= 0 && i < inSize ? i : null;
    if ((at === null ? null : at[0]) !== expected) return null;
  }
  return { offset, coefs };
}

/** A gathered source point (or "plain sum"). */
function writeSourcePoint(w: ProgramWriter, point: readonly bigint[] | null, what: string): void {
  w.u8(point === null ? 0 : 1, `${what}: pointed`);
  if (point !== null) w.gather(poolIndices(point, `${what}: source point`), `${what}: source point`);
}

/**
 * A selector (built on symbolic points) as SelectorStep.sol reads it: per group its kind and ρ range, then
 * IDENTITY (O(bits) for the verifier), AFFINE (index arithmetic, no per-tuple program bytes) or EXPLICIT (the
 * index, and weight, of every source tuple).
 */
export function writeSelector(w: ProgramWriter, selector: Selector, what: string): void {
  const layout = layoutOf(selector.inShape);
  w.u8(layout.numVars, `${what}: variables`).u8(selector.groups.length, `${what}: groups`);
  for (const group of selector.groups) {
    const first = layout.axes[group.axes[0]];
    const last = layout.axes[group.axes[group.axes.length - 1]];
    const bits = first.start + first.count - last.start;
    const inSize = selector.inShape[group.axes[0]];
    const affine = fitAffine(group, inSize);
    const only = group.sources[0];
    if (affine && group.sources.length === 1 && affine.offset === 0 && affine.coefs[0] === 1 && only.size === inSize && only.point !== null && only.point.length === bits) {
      w.u8(GROUP_KIND.identity, `${what}: kind`).u8(last.start, `${what}: group start`).u8(bits, `${what}: group bits`);
      w.u32(only.size, `${what}: source size`).gather(poolIndices(only.point, `${what}: identity point`), `${what}: identity point`);
      continue;
    }
    if (affine) {
      w.u8(GROUP_KIND.affine, `${what}: kind`).u8(last.start, `${what}: group start`).u8(bits, `${what}: group bits`);
      w.u32(inSize, `${what}: input size`).uint(affine.offset >>> 0, 4, `${what}: offset`).u8(group.sources.length, `${what}: sources`);
      group.sources.forEach((src, j) => {
        w.u32(src.size, `${what}: source size`).uint(affine.coefs[j] >>> 0, 4, `${what}: coefficient`);
        writeSourcePoint(w, src.point, what);
      });
      continue;
    }
    w.u8(GROUP_KIND.explicit, `${what}: kind`).u8(last.start, `${what}: group start`).u8(bits, `${what}: group bits`);
    w.u8(group.sources.length, `${what}: sources`);
    for (const src of group.sources) {
      w.u32(src.size, `${what}: source size`);
      writeSourcePoint(w, src.point, what);
    }
    const width = indexWidth(bits);
    const none = 2 ** (8 * width) - 1;
    w.u8(group.weight ? 1 : 0, `${what}: weighted`).u8(width, `${what}: index width`);
    const sub = layoutOf(group.axes.map((a) => selector.inShape[a]));
    for (const t of tuplesOf(group.sources.map((src) => src.size))) {
      const at = group.index(t);
      let padded = none;
      if (at !== null) {
        padded = 0;
        at.forEach((i, a) => {
          if (!Number.isInteger(i) || i < 0 || i >= sub.shape[a]) throw new ProgramError(`${what}: index ${i} outside axis of size ${sub.shape[a]}`);
          padded += i * 2 ** sub.axes[a].start;
        });
      }
      w.uint(padded, width, `${what}: index`);
      if (group.weight) w.word(group.weight(t), `${what}: weight`);
    }
  }
}
