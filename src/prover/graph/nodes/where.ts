/**
 * Copies by public maps (handler `where`): y = Σ_j G_j(x_j), G_j the copy by a public map (../../layers/gather.ts):
 * map_j[o] = the flat index of x_j that output o reads when o selects input j, −1 otherwise. ScatterND /
 * ScatterElements with constant indices are proved by this step (./scatter.ts `copyStep`); a Where with a constant
 * condition is proved by its committed-mask step (./where-mask.ts: O(log) for the verifier instead of this step's
 * O(output size)), which `compileSelectWithWhere` routes to.
 *
 * A claim on y splits into one gather claim per data input. A data input that is a constant is a committed weight
 * `<value>@<node>` (the plan quantizes it at the common scale), so its claim is an opening of W — the verifier
 * never needs the constant's values, only the public maps.
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
import type { Tensor } from "../../../model/ir";
import type { Claim } from "../../claims";
import { LayerProofError } from "../../claims";
import { gatherApply, proveGather, verifyGather, type GatherSpec } from "../../layers/gather";
import { evaluateTensor, layoutOf, LayoutError } from "../../tensor";
import type { NodeStep, NodeStepBase } from "../plan";
import { copiedInput, proveRescale, verifyRescale, witnessRescale, type CopiedInput } from "./copied-input";
import { probedCopyMap } from "./probe-map";
import { compileSelectKind } from "./argmax";
import { compileRuntimeWhere } from "./where-runtime";
import { compileMaskWhere } from "./where-mask";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import type { CompileContext, NodeCompiler, ProveContext, StepHandler, VerifyContext } from "./types";

/** Transcript label of the parts message. */
export const WHERE_LABELS = { parts: "where.parts" } as const;

/**
 * One data input of a Where: the tensor the claim goes to (an activation, its rescaled copy, or a W slot), its
 * copy map, and — when the plan brings the input to the common scale first — the input and the requantization
 * (its `y` is the rescaled copy `<node>:rescaled<j>`) that turns the copy's claim into a claim on the input.
 */
export interface WhereInput extends CopiedInput {
  readonly spec: GatherSpec;
}

/** A Where step with a constant condition. */
export type WhereNodeStep = NodeStepBase & {
  readonly handler: "where";
  readonly out: readonly number[];
  readonly inputs: readonly WhereInput[];
};

/**
 * Kind `select`: Where with a constant condition to its committed-mask step (./where-mask.ts), with a runtime
 * one to ./where-runtime.ts, every other operator to the existing router (ArgMax, max/min).
 */
export const compileSelectWithWhere: NodeCompiler = (ctx): NodeStep =>
  ctx.node.op !== "Where" ? compileSelectKind(ctx) : ctx.model.graph.initializers.has(ctx.node.inputs[0]) ? compileMaskWhere(ctx) : compileRuntimeWhere(ctx);

/**
 * A `where` step that copies the node's inputs at `positions` (each as ./copied-input.ts resolves it, refused as
 * `what` when an uncommitted constant) by the maps probed with the operands `fixed` (./probe-map.ts): the constant
 * condition's Where, and the constant indices' ScatterND / ScatterElements (./scatter.ts).
 */
export function copyStep(ctx: CompileContext, positions: readonly number[], fixed: ReadonlyMap<number, Tensor>, what: string): WhereNodeStep {
  const { node, plan } = ctx;
  const out = ctx.shape(node.outputs[0]);
  const inputs: WhereInput[] = [];
  for (const j of positions) {
    const input = copiedInput(ctx, j, what);
    let spec: GatherSpec;
    try {
      spec = probedCopyMap(ctx, j, out, fixed);
    } catch (e) {
      if (e instanceof LayoutError) return ctx.unsupported(e.message);
      throw e;
    }
    inputs.push({ tensor: input.tensor, spec, rescale: input.rescale });
  }
  return { node: node.name, op: node.op, kind: plan.kind, handler: "where", outputs: [node.outputs[0]], out, inputs };
}

export const whereHandler: StepHandler<WhereNodeStep> = {
  witness(step, ctx) {
    // Copies: no advice, no lookups — but for a rescaled input's requantization.
    for (const input of step.inputs) witnessRescale(input, ctx);
  },
  prove(step, ctx) {
    walk(step, ctx, null);
    for (const input of step.inputs) proveRescale(input, ctx);
  },
  verify(step, ctx) {
    walk(step, null, ctx);
    for (const input of step.inputs) verifyRescale(input, ctx);
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
