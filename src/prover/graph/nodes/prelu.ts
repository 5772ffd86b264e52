/**
 * Kind `prelu` (PRelu with a per-channel slope α, a committed weight): y = x ≥ 0 ? y₊ : y₋ with
 * y₊ = requant(x; M₊, s₊) and y₋ = requant(x·α; M₋, s₋) (../../layers/prelu.ts). Witness: the sign bit
 * n = [x < 0] is an advice column (A) with one arena column (x, n) against `act:negative:<b>` (the table of
 * [v < 0] on [qmin, qmax]; [0 < 0] = 0, so padding entries (0, 0) are rows); y₊ and y₋ are virtual tensors
 * `<node>:pos` / `<node>:neg` with their own requantizations (tags `pos:` / `neg:`).
 * Walk: the selection sum-check (every claim on y → claims on y₊, y₋, n), the arena's claim (→ x and n), the
 * requantization of y₊ (its acc claim is a claim on x), the requantization of y₋ (→ acc = x·α) and the Hadamard
 * product (→ x and α, an opening of W).
 * Stream: selection sum-check (n rounds, degree 3) and y₊, y₋, n; the y₊ requant's messages; the y₋ requant's;
 * the Hadamard sum-check (degree 3) and x, α values.
 */
import type { Tensor } from "../../../model/ir";
import { expandTo } from "../../../model/kernels/movement";
import { proveHadamard, verifyHadamard } from "../../layers/elementwise";
import { provePrelu, verifyPrelu } from "../../layers/prelu";
import { requantWitness } from "../../layers/requant-spec";
import { layoutOf, paddedTable, type IntTensor } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStepBase, PlanRequant } from "../plan";
import { activationTableDef } from "../tables";
import { proveRequantStep, requantSpec, verifyRequantStep, witnessRequant } from "./requant-step";
import type { CompileContext, StepHandler, WalkContext } from "./types";

/** A per-channel PReLU step. */
export type PreluNodeStep = NodeStepBase & {
  readonly handler: "prelu";
  readonly x: string;
  /** The slope weight and its shape (broadcast to `shape`). */
  readonly slope: string;
  readonly slopeShape: readonly number[];
  readonly shape: readonly number[];
  /** The A slot of n = [x < 0] and its arena column (x, n). */
  readonly sign: { readonly slot: string; readonly column: number };
  /** Requantizations of y₊ (acc = x) and y₋ (acc = x·α). */
  readonly pos: PlanRequant;
  readonly neg: PlanRequant;
};

export function compilePrelu(ctx: CompileContext): PreluNodeStep {
  const { node, plan, model } = ctx;
  const [x, slope] = node.inputs;
  const y = node.outputs[0];
  const shape = ctx.shape(y);
  if (ctx.shape(x).join(",") !== shape.join(",")) return ctx.unsupported("the slope broadcasts beyond the input's shape");
  if (!ctx.isWeight(slope)) return ctx.unsupported(`the slope "${slope}" is not a committed constant`);
  const p = plan.params as { positive: { multiplier: number; shift: number }; negative: { multiplier: number; shift: number } };
  const qmin = -(2 ** (ctx.bits - 1));
  const def = activationTableDef(`negative:${ctx.bits}`, ctx.bits, qmin, Array.from({ length: 2 ** ctx.bits }, (_, i) => (qmin + i < 0 ? 1 : 0)));
  ctx.table(def.table);
  const sign = { slot: ctx.advice("sign", shape), column: ctx.arenaColumn(def.table.id, layoutOf(shape).numVars, `${node.name}:sign`) };
  const half = 2n ** BigInt(ctx.bits - 1);
  let maxSlope = 0;
  for (const v of Array.from(model.weights.get(slope)!.tensor.data)) maxSlope = Math.max(maxSlope, Math.abs(v));
  const pos = ctx.requant({ y: `${node.name}:pos`, shape, multiplier: BigInt(p.positive.multiplier), shift: p.positive.shift, accBound: half, tag: "pos:" });
  const neg = ctx.requant({ y: `${node.name}:neg`, shape, multiplier: BigInt(p.negative.multiplier), shift: p.negative.shift, accBound: half * BigInt(maxSlope), tag: "neg:" });
  return { node: node.name, op: node.op, kind: plan.kind, handler: "prelu", outputs: [y], x, slope, slopeShape: ctx.shape(slope), shape, sign, pos, neg };
}

export const preluHandler: StepHandler<PreluNodeStep> = {
  witness(step, ctx) {
    const x = ctx.value(step.x);
    const layout = layoutOf(step.shape);
    const n = { shape: x.shape, data: Array.from(x.data, (v) => (v < 0 ? 1 : 0)) };
    const nTable = paddedTable(layout, n.data, `sign of "${step.x}"`);
    ctx.setAdvice(step.sign.slot, nTable);
    ctx.setColumn(step.sign.column, [paddedTable(layout, x.data, `"${step.x}"`), nTable]);
    const accNeg = negAcc(step, x, ctx.value(step.slope));
    const yPos = branch(step.pos, x);
    const yNeg = branch(step.neg, accNeg);
    const y = ctx.value(step.outputs[0]);
    const bad = Array.from(y.data).findIndex((v, i) => v !== (n.data[i] ? yNeg.data[i] : yPos.data[i]));
    if (bad >= 0 && !ctx.unsafe) throw new ProverInputError(`trace: "${step.outputs[0]}"[${bad}] = ${y.data[bad]} is not PRelu's requantized branch`);
    ctx.setValue(step.pos.y, yPos);
    ctx.setValue(step.neg.y, yNeg);
    witnessRequant(step.pos, x, yPos, ctx);
    witnessRequant(step.neg, accNeg, yNeg, ctx);
  },
  prove(step, ctx) {
    const claims = ctx.take(step.outputs[0]);
    if (claims.length > 0) {
      const layout = layoutOf(step.shape);
      const table = (name: string) => paddedTable(layout, ctx.value(name).data, `"${name}"`);
      const x = ctx.value(step.x);
      const { proof, claims: out } = provePrelu({
        shape: step.shape,
        claims,
        tables: { pos: table(step.pos.y), neg: table(step.neg.y), sign: paddedTable(layout, Array.from(x.data, (v) => (v < 0 ? 1 : 0))) },
        transcript: ctx.transcript,
      });
      ctx.writer.sumcheck(proof.sumcheck);
      ctx.writer.scalars(proof.evals);
      routeSelection(step, out, ctx);
    }
    arenaClaims(step, ctx);
    ctx.claim(step.x, proveRequantStep(step.pos, ctx));
    const acc = proveRequantStep(step.neg, ctx);
    const { proof, claims: h } = proveHadamard({ outShape: step.shape, a: ctx.value(step.x), b: ctx.value(step.slope), claim: acc, transcript: ctx.transcript });
    ctx.writer.sumcheck(proof.sumcheck);
    ctx.writer.scalars([proof.aValue, proof.bValue]);
    ctx.claim(step.x, h.a);
    ctx.claim(step.slope, h.b);
  },
  verify(step, ctx) {
    const claims = ctx.take(step.outputs[0]);
    const n = layoutOf(step.shape).numVars;
    const what = `prelu "${step.node}"`;
    if (claims.length > 0) {
      const sumcheck = ctx.reader.sumcheck(n, 3, what);
      const [p, q, s] = ctx.reader.scalars(3, `${what}: evaluations`);
      routeSelection(step, verifyPrelu({ shape: step.shape, claims, proof: { sumcheck, evals: [p, q, s] }, transcript: ctx.transcript }), ctx);
    }
    arenaClaims(step, ctx);
    ctx.claim(step.x, verifyRequantStep(step.pos, ctx));
    const acc = verifyRequantStep(step.neg, ctx);
    const sumcheck = ctx.reader.sumcheck(n, 3, `${what} x·α`);
    const [aValue, bValue] = ctx.reader.scalars(2, `${what} x·α: values`);
    const h = verifyHadamard({ outShape: step.shape, aShape: step.shape, bShape: step.slopeShape, claim: acc, proof: { sumcheck, aValue, bValue }, transcript: ctx.transcript });
    ctx.claim(step.x, h.a);
    ctx.claim(step.slope, h.b);
  },
};

function routeSelection(step: PreluNodeStep, out: ReturnType<typeof verifyPrelu>, ctx: WalkContext): void {
  ctx.claim(step.pos.y, out.pos);
  ctx.claim(step.neg.y, out.neg);
  ctx.claimAdvice(step.sign.slot, out.sign);
}

/** The arena's claim on (x, n): component 0 is a claim on x, component 1 an opening of n. */
function arenaClaims(step: PreluNodeStep, ctx: WalkContext): void {
  const col = ctx.arenaColumn(step.sign.column);
  ctx.claim(step.x, { point: col.point, value: col.values[0] });
  ctx.claimAdvice(step.sign.slot, { point: col.point, value: col.values[1] });
}

/** x·α with α broadcast to the output (exact: |x·α| < 2^(2(b−1))). */
function negAcc(step: PreluNodeStep, x: IntTensor, slope: IntTensor): IntTensor {
  const a: Tensor = { dtype: "float32", shape: [...slope.shape], data: Float64Array.from(slope.data) };
  const e = expandTo(a, step.shape);
  return { shape: step.shape, data: Array.from(x.data, (v, i) => v * e.data[i]) };
}

/** A branch's requantized values (the honest y of its requantization). */
function branch(plan: PlanRequant, acc: IntTensor): IntTensor {
  return { shape: acc.shape, data: requantWitness(requantSpec(plan), acc).y.map(Number) };
}
