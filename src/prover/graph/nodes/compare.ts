/**
 * Kind `compare` (Less, Greater, LessOrEqual, GreaterOrEqual; relation in ../../layers/compare.ts): the bool
 * output c is exact. Advice (A): `<node>:g` (the strict sign bit g, c's shape) and `<node>:u<j>` (the L-bit limbs
 * of u = δ + 2^K·g); arena: one `range:12` column per u limb, then one for g (all over c's layout).
 *
 * Walk (stream order): every claim on c becomes a claim on g (an opening of A: c itself, or 1_real − c for ≤ / ≥);
 * the arena's claims on the u-limb and g columns become openings of A at ρ, and δ(ρ) = Σ 2^(jL)·u_j(ρ) − 2^K·g(ρ)
 * goes to the linear-combination IOP δ = ca·qa + cb·qb (its one message: qa's value at ρ, broadcast-reduced).
 * Operands are b-bit activations or committed constants (`<input>@<node>`); Equal is not proved here.
 */
import * as Fr from "../../../field/fr";
import { isFloatType } from "../../../model/ir";
import { COMPARE_OPS, CompareMismatchError, compareGeometry, compareWitness, deltaAt, gFromC, type CompareSpec, type CompareWitness } from "../../layers/compare";
import { REQUANT_LIMB_BITS } from "../../layers/requant-spec";
import { LayoutError } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStepBase, PlanLinear } from "../plan";
import { rangeTableDef, rangeTableId } from "../tables";
import { proveLinear, verifyLinear } from "./linear-part";
import type { CompileContext, ProveContext, StepHandler, VerifyContext } from "./types";

/** A comparison step: the spec, the operand tensors, A slots and arena columns. */
export type CompareNodeStep = NodeStepBase & {
  readonly handler: "compare";
  readonly spec: CompareSpec;
  readonly a: string;
  readonly b: string;
  readonly advice: { readonly g: string; readonly u: readonly string[] };
  readonly columns: { readonly g: number; readonly u: readonly number[] };
};

/** The tensor behind input i (a committed constant's copy, or the activation) and its bound |q| ≤ bound. */
function operand(ctx: CompileContext, i: number): { tensor: string; shape: number[]; bound: bigint } {
  const name = ctx.node.inputs[i];
  if (name === undefined || name === "") return ctx.unsupported(`input ${i} is missing`);
  if (ctx.model.graph.initializers.has(name)) {
    const tensor = `${name}@${ctx.node.name}`;
    const w = ctx.model.weights.get(tensor);
    if (!w) return ctx.unsupported(`constant input ${i} ("${name}") is not committed`);
    let m = 0;
    for (const v of w.tensor.data) m = Math.max(m, Math.abs(v));
    return { tensor, shape: [...w.tensor.shape], bound: BigInt(m) };
  }
  if (!isFloatType(ctx.model.graph.values.get(name)!.dtype)) return ctx.unsupported(`input ${i} ("${name}") is integer-typed (its range is not proved)`);
  return { tensor: name, shape: ctx.shape(name), bound: 2n ** BigInt(ctx.bits - 1) };
}

/** True when a node's integer (bool) output is proved exactly by this kind. */
export function provesCompare(op: string): boolean {
  return op in COMPARE_OPS;
}

export function compileCompare(ctx: CompileContext): CompareNodeStep {
  const { node, plan } = ctx;
  const form = COMPARE_OPS[node.op];
  if (!form) return ctx.unsupported(`${node.op} is not proved (Less, Greater, LessOrEqual, GreaterOrEqual are)`);
  const p = plan.params as { multiplierA: number; multiplierB: number };
  const [a, b] = [operand(ctx, 0), operand(ctx, 1)];
  const y = node.outputs[0];
  const ma = BigInt(p.multiplierA);
  const mb = BigInt(p.multiplierB);
  const abs = (v: bigint) => (v < 0n ? -v : v);
  const spec: CompareSpec = {
    out: ctx.shape(y),
    a: a.shape,
    b: b.shape,
    ca: form.swap ? -ma : ma,
    cb: form.swap ? mb : -mb,
    negate: form.negate,
    bound: abs(ma) * a.bound + abs(mb) * b.bound,
    limbBits: REQUANT_LIMB_BITS,
  };
  const geo = compareGeometry(spec);
  ctx.table(rangeTableDef(spec.limbBits));
  const range = rangeTableId(spec.limbBits);
  const n = geo.layout.numVars;
  const limbs = Array.from({ length: geo.limbs }, (_, j) => j);
  const advice = { g: ctx.advice("g", spec.out), u: limbs.map((j) => ctx.advice(`u${j}`, spec.out)) };
  const columns = { u: limbs.map((j) => ctx.arenaColumn(range, n, `${node.name}:u${j}`)), g: ctx.arenaColumn(range, n, `${node.name}:g`) };
  return { node: node.name, op: node.op, kind: plan.kind, handler: "compare", outputs: [y], spec, a: a.tensor, b: b.tensor, advice, columns };
}

function scratchKey(step: CompareNodeStep): string {
  return `compare:${step.node}`;
}

/** δ = ca·qa + cb·qb as the linear-combination IOP's plan. */
function deltaLinear(step: CompareNodeStep): PlanLinear {
  const { spec } = step;
  return {
    iop: "lincomb",
    outShape: spec.out,
    operands: [
      { tensor: step.a, shape: spec.a, coeff: Fr.fromSigned(spec.ca) },
      { tensor: step.b, shape: spec.b, coeff: Fr.fromSigned(spec.cb) },
    ],
  };
}

/** Claims on c → claims on g; the arena's limb / g claims → openings of A; returns the claim on δ at ρ. */
function walk(step: CompareNodeStep, ctx: ProveContext | VerifyContext): { point: readonly bigint[]; value: bigint } {
  for (const c of ctx.take(step.outputs[0])) ctx.claimAdvice(step.advice.g, { point: c.point, value: gFromC(step.spec, c.point, c.value) });
  const u = step.columns.u.map((i) => ctx.arenaColumn(i));
  const g = ctx.arenaColumn(step.columns.g);
  u.forEach((c, j) => ctx.claimAdvice(step.advice.u[j], { point: c.point, value: c.values[0] }));
  ctx.claimAdvice(step.advice.g, { point: g.point, value: g.values[0] });
  return { point: g.point, value: deltaAt(step.spec, u.map((c) => c.values[0]), g.values[0]) };
}

export const compareHandler: StepHandler<CompareNodeStep> = {
  witness(step, ctx) {
    let w: CompareWitness;
    try {
      w = compareWitness(step.spec, ctx.value(step.a), ctx.value(step.b), ctx.value(step.outputs[0]), ctx.unsafe);
    } catch (e) {
      if (e instanceof CompareMismatchError || e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    ctx.setAdvice(step.advice.g, w.g);
    ctx.setColumn(step.columns.g, [w.g]);
    step.advice.u.forEach((slot, j) => ctx.setAdvice(slot, w.u[j]));
    step.columns.u.forEach((i, j) => ctx.setColumn(i, [w.u[j]]));
    ctx.scratch.set(scratchKey(step), w);
  },
  prove(step, ctx) {
    if (!ctx.scratch.has(scratchKey(step))) throw new RangeError(`compare "${step.node}": no witness (the witness phase did not run)`);
    proveLinear(deltaLinear(step), walk(step, ctx), step.spec.out, ctx);
  },
  verify(step, ctx) {
    verifyLinear(deltaLinear(step), walk(step, ctx), step.spec.out, ctx);
  },
};
