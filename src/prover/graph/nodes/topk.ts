/**
 * ONNX TopK over the last axis of a rank-1 or rank-2 input (plan kind `select`), k constant, sorted: values and
 * indices proved EXACTLY (relation and protocol: ../../layers/topk.ts; docs/prover.md, "TopK"). A rank-1 input
 * [n] is the single row [1, n] (same layout).
 *
 * Advice (A): `onehot` [R, k, n], `g` and `u<i>` [R, k, n] (also arena range columns: the u limbs, then g), and
 * the outputs `values`, `indices` [R, k]. Walk: every claim on the values / indices output is an opening of A;
 * the arena's claims on u and g are openings of A at ρ; then the TopK IOP, whose claims go to X's producer and to A.
 * Stream: x~, V~, I~ at ρ (3), V~, I~ (2), sum-check (n_X × 3), H~, x~ (2), zero-check (n_cube × 3), H~ (1).
 *
 * X must be a b-bit activation (float-typed, |q| ≤ 2^(b−1), not rescaled), an integer graph input (int32 in the
 * statement) or an integer tensor with a static range (./int-bounds.ts).
 */
import { isFloatType } from "../../../model/ir";
import { attrInt } from "../../../model/ops/types";
import { REQUANT_LIMB_BITS } from "../../layers/requant-spec";
import { proveTopk, TOPK_DEGREE, topkGeometry, TopkMismatchError, topkWitness, verifyTopk, type TopkClaims, type TopkProof, type TopkSpec, type TopkWitness } from "../../layers/topk";
import { LayoutError } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStep, NodeStepBase } from "../plan";
import { rangeTableDef, rangeTableId } from "../tables";
import { integerRange } from "./int-bounds";
import type { CompileContext, NodeCompiler, StepHandler, WalkContext } from "./types";
import { compileSelectWithWhere } from "./where";

/** The ONNX operator proved here; both outputs are exact (compile.ts admits them through ./misc-kinds.ts). */
export const TOPK_OP = "TopK";

/** |x| ≤ 2^31 for an integer graph input (packed as int32 in the statement). */
const INT32_BOUND = 2n ** 31n;

/** A TopK step. */
export type TopkNodeStep = NodeStepBase & {
  readonly handler: "topk";
  readonly spec: TopkSpec;
  readonly x: string;
  readonly advice: { readonly onehot: string; readonly g: string; readonly u: readonly string[]; readonly values: string; readonly indices: string };
  readonly columns: { readonly u: readonly number[]; readonly g: number };
};

/** Kind `select`: TopK here, everything else to the Where / ArgMax / max-min router. */
export const compileSelectWithTopk: NodeCompiler = (ctx): NodeStep => (ctx.node.op === TOPK_OP ? compileTopk(ctx) : compileSelectWithWhere(ctx));

export function compileTopk(ctx: CompileContext): TopkNodeStep {
  const { node, plan, model } = ctx;
  const [x, kName] = node.inputs;
  if (node.outputs.length !== 2 || node.outputs.some((o) => o === "")) return ctx.unsupported("TopK needs both its outputs (values, indices)");
  const kTensor = model.graph.initializers.get(kName ?? "");
  if (!kTensor || kTensor.data.length !== 1) return ctx.unsupported("k must be a constant scalar");
  const k = kTensor.data[0];
  const inShape = ctx.shape(x);
  if (inShape.length !== 1 && inShape.length !== 2) return ctx.unsupported(`TopK is proved over the last axis of a rank-1 or rank-2 input; input "${x}" has rank ${inShape.length}`);
  const axis = attrInt(node, "axis", -1);
  if (axis !== -1 && axis !== inShape.length - 1) return ctx.unsupported(`TopK is proved over the last axis only (axis = ${axis})`);
  if (attrInt(node, "sorted", 1) !== 1) return ctx.unsupported("sorted = 0 (the proved order is sorted)");
  if (((plan.params as { rescale?: readonly unknown[] }).rescale ?? []).some((r) => r !== null && r !== undefined)) return ctx.unsupported("the plan rescales its input");
  const [rows, cols] = inShape.length === 1 ? [1, inShape[0]] : inShape;
  let xBound: bigint;
  if (isFloatType(model.graph.values.get(x)!.dtype)) xBound = 2n ** BigInt(ctx.bits - 1);
  else if (model.graph.inputs.some((i) => i.name === x)) xBound = INT32_BOUND;
  else {
    const range = integerRange(model, x);
    if (!range) return ctx.unsupported(`input "${x}" has no static range (an integer graph input or a range-known integer tensor is needed)`);
    xBound = BigInt(Math.max(Math.abs(range.lo), Math.abs(range.hi)));
  }
  const spec: TopkSpec = { rows, cols, k, largest: attrInt(node, "largest", 1) === 1, xBound, limbBits: REQUANT_LIMB_BITS };
  let geo;
  try {
    geo = topkGeometry(spec);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  ctx.table(rangeTableDef(spec.limbBits));
  const range = rangeTableId(spec.limbBits);
  const cube = [rows, k, cols];
  const out = [rows, k];
  const u = Array.from({ length: geo.limbs }, (_, i) => ctx.advice(`u${i}`, cube));
  const advice = { onehot: ctx.advice("onehot", cube), g: ctx.advice("g", cube), u, values: ctx.advice("values", out), indices: ctx.advice("indices", out) };
  const columns = { u: u.map((_, i) => ctx.arenaColumn(range, geo.cube.numVars, `${node.name}:u${i}`)), g: ctx.arenaColumn(range, geo.cube.numVars, `${node.name}:g`) };
  return { node: node.name, op: node.op, kind: plan.kind, handler: "topk", outputs: [node.outputs[0], node.outputs[1]], spec, x, advice, columns };
}

function scratchKey(step: TopkNodeStep): string {
  return `topk:${step.node}`;
}

export const topkHandler: StepHandler<TopkNodeStep> = {
  witness(step, ctx) {
    let w: TopkWitness;
    try {
      const [v, i] = step.outputs;
      w = topkWitness(step.spec, ctx.value(step.x), ctx.value(v), ctx.value(i), ctx.unsafe);
    } catch (e) {
      if (e instanceof TopkMismatchError || e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    ctx.setAdvice(step.advice.onehot, w.onehot);
    ctx.setAdvice(step.advice.g, w.g);
    ctx.setAdvice(step.advice.values, w.values);
    ctx.setAdvice(step.advice.indices, w.indices);
    w.u.forEach((t, i) => {
      ctx.setAdvice(step.advice.u[i], t);
      ctx.setColumn(step.columns.u[i], [t]);
    });
    ctx.setColumn(step.columns.g, [w.g]);
    ctx.scratch.set(scratchKey(step), w);
  },
  prove(step, ctx) {
    const w = ctx.scratch.get(scratchKey(step)) as TopkWitness | undefined;
    if (!w) throw new RangeError(`topk "${step.node}": no witness (the witness phase did not run)`);
    const arena = outputsAndArena(step, ctx);
    const { proof, claims } = proveTopk({ spec: step.spec, x: ctx.value(step.x), witness: w, arena, transcript: ctx.transcript });
    ctx.writer.scalars([...proof.delta, ...proof.select]);
    ctx.writer.sumcheck(proof.selectSumcheck);
    ctx.writer.scalars([...proof.selectEvals]);
    ctx.writer.sumcheck(proof.onehotSumcheck);
    ctx.writer.scalar(proof.onehot);
    route(step, claims, ctx);
  },
  verify(step, ctx) {
    const what = `topk "${step.node}"`;
    const geo = topkGeometry(step.spec);
    const arena = outputsAndArena(step, ctx);
    const [x, v, i, sv, si] = ctx.reader.scalars(5, `${what}: x, V, I at ρ; V, I`);
    const selectSumcheck = ctx.reader.sumcheck(geo.x.numVars, TOPK_DEGREE, `${what} selection`);
    const [h, xs] = ctx.reader.scalars(2, `${what}: H, x`);
    const onehotSumcheck = ctx.reader.sumcheck(geo.cube.numVars, TOPK_DEGREE, `${what} one-hot`);
    const onehot = ctx.reader.scalar(`${what}: H`);
    const proof: TopkProof = { delta: [x, v, i], select: [sv, si], selectSumcheck, selectEvals: [h, xs], onehotSumcheck, onehot };
    route(step, verifyTopk({ spec: step.spec, arena, proof, transcript: ctx.transcript }), ctx);
  },
};

/** Claims on the outputs → openings of A; the arena's claims on u and g → openings of A (returned for the IOP). */
function outputsAndArena(step: TopkNodeStep, ctx: WalkContext): { point: readonly bigint[]; u: bigint[]; g: bigint } {
  const [v, i] = step.outputs;
  for (const c of ctx.take(v)) ctx.claimAdvice(step.advice.values, c);
  for (const c of ctx.take(i)) ctx.claimAdvice(step.advice.indices, c);
  const u = step.columns.u.map((col, j) => {
    const c = ctx.arenaColumn(col);
    ctx.claimAdvice(step.advice.u[j], { point: c.point, value: c.values[0] });
    return c.values[0];
  });
  const g = ctx.arenaColumn(step.columns.g);
  ctx.claimAdvice(step.advice.g, { point: g.point, value: g.values[0] });
  return { point: g.point, u, g: g.values[0] };
}

function route(step: TopkNodeStep, claims: TopkClaims, ctx: WalkContext): void {
  for (const c of claims.x) ctx.claim(step.x, c);
  for (const c of claims.values) ctx.claimAdvice(step.advice.values, c);
  for (const c of claims.indices) ctx.claimAdvice(step.advice.indices, c);
  for (const c of claims.onehot) ctx.claimAdvice(step.advice.onehot, c);
  for (const c of claims.g) ctx.claimAdvice(step.advice.g, c);
}
