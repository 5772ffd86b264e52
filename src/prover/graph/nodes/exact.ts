/**
 * Kind `exact` (integer-typed operands, no rounding; docs/prover.md "Exact integer values"): Cast between
 * integer types goes to the logic kind's copy form (./logic.ts); Add / Sub / Mul of two integer tensors are proved
 * as the linear part alone, acc = y: Add / Sub by the linear-combination IOP (coefficients 1, ±1), Mul by the
 * Hadamard IOP (broadcast), one run per claim on y, in take order (stream: the IOP's messages, ./linear-part.ts).
 * No range check: the relation is an identity over ℤ of the executor's exact values (float64, |v| < 2^53 ≪ r/2),
 * so the field identity pins y once the operands are pinned. An integer constant operand (the quantizer keeps
 * them uncommitted) is carried in the step itself, at most MAX_CONSTANT_SIZE entries, and bound by the plan hash:
 * Add / Sub move its broadcast MLE at r to the other side (y − K = a: the one-operand linear combination, no
 * message), Mul proves y = a ⊙ K by the Hadamard IOP and the verifier evaluates K at the IOP's point itself.
 */
import * as Fr from "../../../field/fr";
import { isFloatType } from "../../../model/ir";
import { expandTo } from "../../../model/kernels/movement";
import type { Claim } from "../../claims";
import { LayerProofError } from "../../claims";
import { proveHadamard, verifyHadamard } from "../../layers/elementwise";
import { evaluateTensor, layoutOf } from "../../tensor";
import type { NodeStepBase, PlanLinear } from "../plan";
import { proveLinear, verifyLinear } from "./linear-part";
import { compileLogic } from "./logic";
import type { CompileContext, NodeCompiler, StepHandler } from "./types";

/** An exact arithmetic step: y = linear(operands), claim by claim. */
export type ExactNodeStep = NodeStepBase & {
  readonly handler: "exact";
  readonly out: readonly number[];
  readonly linear: PlanLinear;
  /** An integer constant operand K (then `linear` is over the other operand alone; for Mul, a Hadamard with K). */
  readonly constant?: { readonly shape: readonly number[]; readonly data: readonly number[]; readonly sign: 1 | -1 };
};

/** Largest integer constant carried in a step (entries): the verifier evaluates its MLE itself. */
export const MAX_CONSTANT_SIZE = 4096;

/** Ops proved here (the rest of kind exact: Cast → logic copy). */
const ARITH_OPS = new Set(["Add", "Sub", "Mul"]);

/** True when an `exact` node is proved by {@link compileExact}'s arithmetic (Cast is decided by ./logic.ts). */
export function provesExactArith(op: string, kind: string): boolean {
  return kind === "exact" && ARITH_OPS.has(op);
}

/** The operand at input i: an integer activation or a committed integer constant. */
function operand(ctx: CompileContext, i: number): { tensor: string; shape: number[] } {
  const name = ctx.node.inputs[i];
  if (name === undefined || name === "") return ctx.unsupported(`input ${i} is missing`);
  const info = ctx.model.graph.values.get(name);
  if (info && isFloatType(info.dtype)) return ctx.unsupported(`input ${i} ("${name}") is float-typed in an exact integer node`);
  return { tensor: name, shape: ctx.shape(name) };
}

function compileArith(ctx: CompileContext): ExactNodeStep {
  const { node, plan } = ctx;
  if (node.inputs.filter((v) => v !== "").length !== 2) return ctx.unsupported("an exact arithmetic node of other than two operands");
  const y = node.outputs[0];
  const out = ctx.shape(y);
  const consts = node.inputs.map((v) => ctx.model.graph.initializers.get(v));
  if (consts[0] && consts[1]) return ctx.unsupported("both operands are constants");
  if (consts[0] && node.op === "Sub") return ctx.unsupported("a constant minus a tensor");
  const k = consts[0] ?? consts[1];
  if (k) {
    if (k.data.length > MAX_CONSTANT_SIZE) return ctx.unsupported(`constant operand of ${k.data.length} entries (at most ${MAX_CONSTANT_SIZE} are carried in the plan)`);
    const x = operand(ctx, consts[0] ? 1 : 0);
    const constant = { shape: [...k.shape], data: Array.from(k.data), sign: (node.op === "Sub" ? -1 : 1) as 1 | -1 };
    const linear: PlanLinear = { iop: "lincomb", outShape: out, operands: [{ tensor: x.tensor, shape: x.shape, coeff: 1n }] };
    // Mul by K: the handler runs the Hadamard of x and K itself (K is no tensor of the proof: b names nothing).
    const had: PlanLinear = { iop: "hadamard", outShape: out, a: x.tensor, aShape: x.shape, b: "", bShape: constant.shape };
    return { node: node.name, op: node.op, kind: plan.kind, handler: "exact", outputs: [y], out, linear: node.op === "Mul" ? had : linear, constant };
  }
  const [a, b] = [operand(ctx, 0), operand(ctx, 1)];
  const linear: PlanLinear =
    node.op === "Mul"
      ? { iop: "hadamard", outShape: out, a: a.tensor, aShape: a.shape, b: b.tensor, bShape: b.shape }
      : {
          iop: "lincomb",
          outShape: out,
          operands: [
            { tensor: a.tensor, shape: a.shape, coeff: 1n },
            { tensor: b.tensor, shape: b.shape, coeff: Fr.fromSigned(node.op === "Sub" ? -1n : 1n) },
          ],
        };
  return { node: node.name, op: node.op, kind: plan.kind, handler: "exact", outputs: [y], out, linear };
}

/** Kind `exact`: Add / Sub / Mul here, Cast to the logic kind's copy form, anything else refused. */
export const compileExact: NodeCompiler = (ctx) => (ARITH_OPS.has(ctx.node.op) ? compileArith(ctx) : compileLogic(ctx));

export const exactHandler: StepHandler<ExactNodeStep> = {
  witness() {
    // No advice: y is the operands' exact combination.
  },
  prove(step, ctx) {
    for (const c of ctx.take(step.outputs[0])) {
      const k = step.constant;
      if (k && step.linear.iop === "hadamard") {
        const { proof, claims } = proveHadamard({ outShape: step.out, a: ctx.value(step.linear.a), b: { shape: k.shape, data: k.data }, claim: c, transcript: ctx.transcript });
        ctx.writer.sumcheck(proof.sumcheck);
        ctx.writer.scalars([proof.aValue, proof.bValue]);
        ctx.claim(step.linear.a, claims.a);
      } else proveLinear(step.linear, k ? withoutConstant(step, c) : c, step.out, ctx);
    }
  },
  verify(step, ctx) {
    for (const c of ctx.take(step.outputs[0])) {
      const k = step.constant;
      if (k && step.linear.iop === "hadamard") {
        const what = `exact "${step.node}"`;
        const sumcheck = ctx.reader.sumcheck(layoutOf(step.out).numVars, 3, `${what}: hadamard`);
        const [aValue, bValue] = ctx.reader.scalars(2, `${what}: hadamard evaluations`);
        const claims = verifyHadamard({ outShape: step.out, aShape: step.linear.aShape, bShape: k.shape, claim: c, proof: { sumcheck, aValue, bValue }, transcript: ctx.transcript });
        if (evaluateTensor(layoutOf(k.shape), k.data, claims.b.point) !== claims.b.value) throw new LayerProofError(`${what}: the constant operand's value is wrong`);
        ctx.claim(step.linear.a, claims.a);
      } else verifyLinear(step.linear, k ? withoutConstant(step, c) : c, step.out, ctx);
    }
  },
};

/** A claim (r, v) on y = x ± K as the claim (r, v ∓ K̃(r)) on x (K broadcast to y's shape, evaluated in the clear). */
function withoutConstant(step: ExactNodeStep, c: Claim): Claim {
  const k = step.constant!;
  const full = expandTo({ dtype: "float64", shape: [...k.shape], data: Float64Array.from(k.data) }, step.out);
  const kr = evaluateTensor(layoutOf(step.out), full.data, c.point);
  return { point: c.point, value: Fr.sub(c.value, Fr.mul(Fr.fromSigned(BigInt(k.sign)), kr)) };
}
