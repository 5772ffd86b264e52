/**
 * ONNX ArgMax over the last axis of a rank-2 (or rank-1, seen as one row) b-bit tensor (plan kind `select`; the LLM's next-token choice):
 * its int64 indices are proved EXACTLY — each is its row's first maximum (../../layers/argmax.ts; spec:
 * docs/gguf.md, "Proved generation", "The argmax IOP").
 *
 * Advice (A): the one-hot H [R, V] and the L-bit limbs of the lexicographic gap D [R, V]; each limb is one
 * arena column against the limb range table. Walk: the arena's claims on the limbs (openings of A), then the
 * argmax IOP on every claim on the indices → two claims on X (to its producer), the limbs at ρ and H at ρ′
 * (openings of A). Stream: the limbs at ρ, y~(ρ_t), idx~(ρ_t), the batched sum-check, H~(ρ′), X~(ρ′).
 *
 * The registry routes kind `select` here for ArgMax ({@link compileSelectKind}); every other `select` operator
 * goes to ./select.ts.
 */
import { isFloatType } from "../../../model/ir";
import { attrInt } from "../../../model/ops/types";
import { argmaxGeometry, argmaxWitness, ARGMAX_DEGREE, proveArgmax, verifyArgmax, type ArgmaxClaims, type ArgmaxSpec, type ArgmaxWitness } from "../../layers/argmax";
import { LayoutError } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStepBase } from "../plan";
import { RANGE_TABLE_ID, rangeTableDef } from "../tables";
import { integerRange } from "./int-bounds";
import { compileSelect } from "./select";
import type { CompileContext, NodeCompiler, StepHandler, WalkContext } from "./types";

/** The ONNX operator this step proves; its integer-typed output is proved exactly (compile.ts admits it). */
export const ARGMAX_OP = "ArgMax";

/** An argmax step: spec, input X, the A slots of H and of the gap limbs, the limbs' arena columns. */
export type ArgmaxNodeStep = NodeStepBase & {
  readonly handler: "argmax";
  readonly spec: ArgmaxSpec;
  readonly x: string;
  readonly advice: { readonly onehot: string; readonly limbs: readonly string[] };
  readonly columns: readonly number[];
};

/** Kind `select`: ArgMax here, every other operator to the select IOP. */
export const compileSelectKind: NodeCompiler = (ctx) => (ctx.node.op === ARGMAX_OP ? compileArgmax(ctx) : compileSelect(ctx));

export function compileArgmax(ctx: CompileContext): ArgmaxNodeStep {
  const { node, plan, model } = ctx;
  const x = node.inputs[0];
  const inShape = ctx.shape(x);
  if (inShape.length !== 1 && inShape.length !== 2) return ctx.unsupported(`ArgMax is proved over the last axis of a rank-1 or rank-2 input; input "${x}" has rank ${inShape.length}`);
  const axis = attrInt(node, "axis", 0);
  if (axis !== inShape.length - 1 && axis !== -1) return ctx.unsupported(`ArgMax is proved over the last axis only (axis = ${axis})`);
  // A rank-1 input [n] is the single row [1, n]: same row-major values, and its one index is the row's.
  const shape = inShape.length === 1 ? [1, inShape[0]] : inShape;
  if (attrInt(node, "select_last_index", 0) !== 0) return ctx.unsupported("select_last_index = 1 (the proved rule is the first maximum)");
  // An integer input qualifies when its static range (./int-bounds.ts) lies in the b-bit range the IOP assumes.
  const range = isFloatType(model.graph.values.get(x)!.dtype) ? null : integerRange(model, x);
  if (!isFloatType(model.graph.values.get(x)!.dtype) && !(range && range.lo >= -(2 ** (ctx.bits - 1)) && range.hi < 2 ** (ctx.bits - 1))) return ctx.unsupported(`input "${x}" is integer-typed (not clamped to b bits)`);
  const rescale = ((plan.params as { rescale?: readonly unknown[] }).rescale ?? []).some((r) => r !== null && r !== undefined);
  if (rescale) return ctx.unsupported("the plan rescales its input");
  const spec: ArgmaxSpec = { rows: shape[0], vocab: shape[1], bits: ctx.bits };
  let geo;
  try {
    geo = argmaxGeometry(spec);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  ctx.table(rangeTableDef());
  const onehot = ctx.advice("onehot", shape);
  const limbs = Array.from({ length: geo.limbs }, (_, l) => ctx.advice(`gap${l}`, shape));
  const columns = limbs.map((_, l) => ctx.arenaColumn(RANGE_TABLE_ID, geo.numVars, `${node.name}:gap${l}`));
  return { node: node.name, op: node.op, kind: plan.kind, handler: "argmax", outputs: [node.outputs[0]], spec, x, advice: { onehot, limbs }, columns };
}

function scratchKey(step: ArgmaxNodeStep): string {
  return `argmax:${step.node}`;
}

export const argmaxHandler: StepHandler<ArgmaxNodeStep> = {
  witness(step, ctx) {
    let w: ArgmaxWitness;
    try {
      w = argmaxWitness(step.spec, ctx.value(step.x), ctx.value(step.outputs[0]), ctx.unsafe);
    } catch (e) {
      if (e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    ctx.setAdvice(step.advice.onehot, w.onehot);
    w.limbs.forEach((limb, l) => {
      ctx.setAdvice(step.advice.limbs[l], limb);
      ctx.setColumn(step.columns[l], [limb]);
    });
    ctx.scratch.set(scratchKey(step), w);
  },
  prove(step, ctx) {
    const w = ctx.scratch.get(scratchKey(step)) as ArgmaxWitness | undefined;
    if (!w) throw new RangeError(`argmax "${step.node}": no witness (the witness phase did not run)`);
    const { proof, claims } = proveArgmax({
      spec: step.spec,
      x: ctx.value(step.x),
      idx: ctx.value(step.outputs[0]),
      witness: w,
      claims: ctx.take(step.outputs[0]),
      arena: arenaClaims(step, ctx),
      transcript: ctx.transcript,
    });
    ctx.writer.scalars([...proof.limbs, proof.y, proof.idx]);
    ctx.writer.sumcheck(proof.sumcheck);
    ctx.writer.scalars([proof.onehot, proof.x]);
    route(step, claims, ctx);
  },
  verify(step, ctx) {
    const what = `argmax "${step.node}"`;
    const geo = argmaxGeometry(step.spec);
    const arena = arenaClaims(step, ctx);
    const claims = ctx.take(step.outputs[0]);
    const evals = ctx.reader.scalars(geo.limbs + 2, `${what}: limbs, y, idx`);
    const sumcheck = ctx.reader.sumcheck(geo.numVars, ARGMAX_DEGREE, what);
    const [onehot, x] = ctx.reader.scalars(2, `${what}: H, X`);
    const proof = { limbs: evals.slice(0, geo.limbs), y: evals[geo.limbs], idx: evals[geo.limbs + 1], sumcheck, onehot, x };
    route(step, verifyArgmax({ spec: step.spec, claims, arena, proof, transcript: ctx.transcript }), ctx);
  },
};

/** The arena's claim on every limb column → an opening of its A slot; returned in limb order for the IOP. */
function arenaClaims(step: ArgmaxNodeStep, ctx: WalkContext): { point: readonly bigint[]; value: bigint }[] {
  return step.columns.map((col, l) => {
    const c = ctx.arenaColumn(col);
    const claim = { point: c.point, value: c.values[0] };
    ctx.claimAdvice(step.advice.limbs[l], claim);
    return claim;
  });
}

function route(step: ArgmaxNodeStep, claims: ArgmaxClaims, ctx: WalkContext): void {
  for (const c of claims.x) ctx.claim(step.x, c);
  claims.limbs.values.forEach((v, l) => ctx.claimAdvice(step.advice.limbs[l], { point: claims.limbs.point, value: v }));
  ctx.claimAdvice(step.advice.onehot, claims.onehot);
}
