/**
 * Where with a constant condition (kind `select`; the causal mask of attention): y = cond ? X : Y with cond a
 * constant initializer, X and Y the data inputs on the plan's common scale. With the mask fixed, every output
 * element copies one element of exactly one data input (broadcasting included), so
 *
 *     y = Σ_j G_j(x_j),   G_j the copy by a public map (../../layers/gather.ts): map_j[o] = the flat index of
 *                         x_j that output o reads when o selects input j, −1 otherwise
 *
 * and a claim on y splits into one gather claim per data input. A data input that is a constant (the mask's
 * fill value) is a committed weight `<value>@<node>` (the plan quantizes it at the common scale), so its
 * claim is an opening of W — the verifier never needs the constant's values, only the public maps.
 *
 * Walk: the claims on y merged (`layers/merge.ts`) when several at different points; then, with k data inputs,
 * the prover sends the parts v_j = G_j~(r) for j < k − 1 (`absorb("where.parts", parts)`; the verifier sets
 * v_{k−1} = v − Σ v_j) and one gather selector sum-check per input in input order. Stream: [merge sum-check
 * and value], the k − 1 parts, then per input the selector sum-check (n_{x_j} rounds, degree 2) and x_j~.
 * The maps are read off the executor's own kernel (probes whose element i holds i + 1), as for the gathers.
 * A runtime input the plan rescales to the common scale is selected through its rescaled copy
 * (`<node>:rescaled<j>`, never committed), whose requantization follows the gathers in the stream.
 */
import * as Fr from "../../../field/fr";
import { where as whereOf } from "../../../model/errors";
import type { Tensor } from "../../../model/ir";
import { opFor } from "../../../model/ops";
import type { Claim } from "../../claims";
import { LayerProofError } from "../../claims";
import { checkGatherSpec, gatherApply, proveGather, verifyGather, type GatherSpec } from "../../layers/gather";
import { evaluateTensor, layoutOf, LayoutError } from "../../tensor";
import { requantWitness } from "../../layers/requant-spec";
import type { NodeStep, NodeStepBase, PlanRequant } from "../plan";
import { proveRequantStep, requantSpec, verifyRequantStep, witnessRequant } from "./requant-step";
import { compileSelectKind } from "./argmax";
import { compileRuntimeWhere } from "./where-runtime";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import type { CompileContext, NodeCompiler, ProveContext, StepHandler, VerifyContext } from "./types";

/** Transcript label of the parts message. */
export const WHERE_LABELS = { parts: "where.parts" } as const;

/**
 * One data input of a Where: the tensor the claim goes to (an activation, its rescaled copy, or a W slot), its
 * copy map, and — when the plan brings the input to the common scale first — the input and the requantization
 * (its `y` is the rescaled copy `<node>:rescaled<j>`) that turns the copy's claim into a claim on the input.
 */
export interface WhereInput {
  readonly tensor: string;
  readonly spec: GatherSpec;
  readonly rescale: { readonly input: string; readonly requant: PlanRequant } | null;
}

/** A Where step with a constant condition. */
export type WhereNodeStep = NodeStepBase & {
  readonly handler: "where";
  readonly out: readonly number[];
  readonly inputs: readonly WhereInput[];
};

/** Kind `select`: Where here, every other operator to the existing router (ArgMax, max/min). */
export const compileSelectWithWhere: NodeCompiler = (ctx): NodeStep =>
  ctx.node.op !== "Where" ? compileSelectKind(ctx) : ctx.model.graph.initializers.has(ctx.node.inputs[0]) ? compileWhere(ctx) : compileRuntimeWhere(ctx);

export function compileWhere(ctx: CompileContext): WhereNodeStep {
  const { node, plan, model } = ctx;
  if (node.inputs.length !== 3 || node.inputs.some((v) => v === "")) return ctx.unsupported("Where needs a condition and two data inputs");
  const rescale = ((plan.params as { rescale?: readonly (RescaleParams | null | undefined)[] }).rescale ?? []) as readonly (RescaleParams | null | undefined)[];
  const cond = model.graph.initializers.get(node.inputs[0]);
  if (!cond) return ctx.unsupported(`the condition "${node.inputs[0]}" is not a constant (a runtime condition is not proved)`);
  const out = ctx.shape(node.outputs[0]);
  const inputs: WhereInput[] = [];
  for (const j of [1, 2]) {
    const value = node.inputs[j];
    let tensor = value;
    let rescaled: WhereInput["rescale"] = null;
    if (model.graph.initializers.has(value)) {
      tensor = `${value}@${node.name}`;
      if (!ctx.isWeight(tensor)) return ctx.unsupported(`constant data input "${value}" is not committed`);
    } else if (rescale[j]) {
      // The plan requantizes this input to the common scale before selecting (docs/quantization.md, movement).
      const r = rescale[j]!;
      tensor = `${node.name}:rescaled${j}`;
      const half = 2n ** BigInt(ctx.bits - 1);
      rescaled = { input: value, requant: ctx.requant({ y: tensor, shape: ctx.shape(value), multiplier: BigInt(r.multiplier), shift: r.shift, accBound: half, tag: `rescaled${j}:` }) };
    }
    let spec: GatherSpec;
    try {
      spec = copyMap(ctx, cond, j, out);
    } catch (e) {
      if (e instanceof LayoutError) return ctx.unsupported(e.message);
      throw e;
    }
    inputs.push({ tensor, spec, rescale: rescaled });
  }
  return { node: node.name, op: node.op, kind: plan.kind, handler: "where", outputs: [node.outputs[0]], out, inputs };
}

/**
 * The copy map of data input j (1 or 2): the node's float kernel on the constant condition, a probe whose
 * element i holds i + 1 at input j and zeros at the other data input; output o then holds map[o] + 1.
 */
function copyMap(ctx: CompileContext, cond: Tensor, j: number, out: readonly number[]): GatherSpec {
  const { node, model } = ctx;
  const shapeOf = (v: string) => model.graph.values.get(v)?.shape ?? model.graph.initializers.get(v)!.shape;
  const probes = [1, 2].map((k): Tensor => {
    const shape = [...shapeOf(node.inputs[k])];
    const size = shape.reduce((p, d) => p * d, 1);
    return { dtype: "float32", shape, data: Float64Array.from({ length: size }, (_, i) => (k === j ? i + 1 : 0)) };
  });
  const [y] = opFor(node).run(node, [cond, ...probes], model.graph.opset);
  if (y.shape.length !== out.length || y.shape.some((d, a) => d !== out[a])) throw new LayoutError(`${whereOf(node)}: the kernel's output shape differs from the graph's`);
  // A 0-d input is seen as [1] (same single entry, no variables), since a gather input needs an axis.
  const x = probes[j - 1].shape.length === 0 ? [1] : probes[j - 1].shape;
  const spec: GatherSpec = { x, out, map: Array.from(y.data, (v) => v - 1) };
  checkGatherSpec(spec);
  return spec;
}

/** A rescale entry of the movement plan's params. */
interface RescaleParams {
  readonly multiplier: number;
  readonly shift: number;
}

export const whereHandler: StepHandler<WhereNodeStep> = {
  witness(step, ctx) {
    // Copies: no advice, no lookups — but for a rescaled input's requantization.
    for (const input of step.inputs) {
      if (!input.rescale) continue;
      const x = ctx.value(input.rescale.input);
      const y = { shape: x.shape, data: requantWitness(requantSpec(input.rescale.requant), x).y.map(Number) };
      ctx.setValue(input.tensor, y);
      witnessRequant(input.rescale.requant, x, y, ctx);
    }
  },
  prove(step, ctx) {
    walk(step, ctx, null);
    for (const input of step.inputs) if (input.rescale) ctx.claim(input.rescale.input, proveRequantStep(input.rescale.requant, ctx));
  },
  verify(step, ctx) {
    walk(step, null, ctx);
    for (const input of step.inputs) if (input.rescale) ctx.claim(input.rescale.input, verifyRequantStep(input.rescale.requant, ctx));
  },
};

function walk(step: WhereNodeStep, p: ProveContext | null, v: VerifyContext | null): void {
  const ctx = (p ?? v)!;
  const claims = ctx.take(step.outputs[0]);
  if (claims.length === 0) return;
  const what = `Where "${step.node}"`;
  const claim: Claim = p ? proveMergedClaim(p, step.outputs[0], step.out, claims) : verifyMergedClaim(v!, step.out, claims, what);
  const k = step.inputs.length;
  let parts: bigint[];
  if (p) {
    parts = step.inputs.slice(0, k - 1).map((input) => {
      const x = inputValue(p, input);
      return evaluateTensor(layoutOf(step.out), gatherApply(input.spec, x).data, claim.point);
    });
    p.writer.scalars(parts);
  } else parts = v!.reader.scalars(k - 1, `${what}: parts`);
  ctx.transcript.absorbScalars(WHERE_LABELS.parts, parts);
  const last = parts.reduce((acc, x) => Fr.sub(acc, x), claim.value);
  const values = [...parts, last];
  step.inputs.forEach((input, j) => {
    const c = { point: claim.point, value: values[j] };
    if (p) {
      const r = proveGather({ spec: input.spec, x: inputValue(p, input), claim: c, transcript: p.transcript });
      p.writer.sumcheck(r.proof.sumcheck);
      p.writer.scalar(r.proof.xValue);
      p.claim(input.tensor, r.claim);
    } else {
      const proof = { sumcheck: v!.reader.sumcheck(layoutOf(input.spec.x).numVars, 2, `${what} input ${j}`), xValue: v!.reader.scalar(`${what}: input ${j} value`) };
      let out: Claim;
      try {
        out = verifyGather({ spec: input.spec, claim: c, proof, transcript: v!.transcript });
      } catch (e) {
        if (e instanceof LayerProofError) throw new LayerProofError(`${what} input ${j}: ${e.message}`);
        throw e;
      }
      v!.claim(input.tensor, out);
    }
  });
}

/** A data input's integers in the gather's input shape (a 0-d constant becomes [1]). */
function inputValue(ctx: ProveContext, input: WhereInput): { shape: readonly number[]; data: readonly number[] } {
  const t = ctx.value(input.tensor);
  return { shape: input.spec.x, data: Array.from(t.data) };
}
