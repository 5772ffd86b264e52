/**
 * Kind `div` (Div by a runtime tensor or a non-scalar constant): y = clamp(roundDiv(qa·M, qb·2^s)) through the
 * division IOP (../../layers/div.ts) and a requantization y = requant(q; 1, 0) of the committed quotient q.
 * Advice (A): `<node>:sign` (sign of qb, qb's shape), `<node>:quot` (q), `<node>:rem<j>`, `<node>:t<j>` (the
 * L-bit limbs of rem and t = D − 1 − rem); arena: one range column per limb (`range:<L>`), then the
 * requantization's CLAMP and e-limb columns.
 *
 * Walk (stream order): the requantization of every claim on y (→ an opening of q); the arena's claims on the
 * limb columns (openings of A, no messages); the zero-check (sum-check n × 3) and a, b, s, q, rem…, t….
 * A zero divisor in the trace is refused with a ProverInputError naming the node and the output index.
 */
import { divGeometry, divWitness, DIV_DEGREE, proveDiv, verifyDiv, ZeroDivisorError, type DivClaims, type DivSpec, type DivWitness } from "../../layers/div";
import { LayoutError } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStepBase, PlanRequant } from "../plan";
import { REQUANT_LIMB_BITS } from "../../layers/requant-spec";
import { rangeTableDef, rangeTableId } from "../tables";
import { floatOperand } from "./float-operand";
import { proveRequantStep, verifyRequantStep, witnessRequant } from "./requant-step";
import type { CompileContext, StepHandler, WalkContext } from "./types";

/** A division step: the spec, its operands, A slots, limb columns and the clamp of q. */
export type DivNodeStep = NodeStepBase & {
  readonly handler: "div";
  readonly spec: DivSpec;
  /** Numerator and divisor tensors (activations or committed constants). */
  readonly a: string;
  readonly b: string;
  readonly advice: { readonly sign: string; readonly quotient: string; readonly rem: readonly string[]; readonly t: readonly string[] };
  readonly columns: { readonly rem: readonly number[]; readonly t: readonly number[] };
  /** y = requant(q; 1, 0): consumes the claims on y, hands on a claim on q (an opening of A). */
  readonly requant: PlanRequant;
};

export function compileDiv(ctx: CompileContext): DivNodeStep {
  const { node, plan } = ctx;
  const p = plan.params as { multiplier: number; shift: number };
  const [a, b] = [floatOperand(ctx, 0), floatOperand(ctx, 1)];
  const y = node.outputs[0];
  const out = ctx.shape(y);
  const spec: DivSpec = { a: ctx.shape(a), b: ctx.shape(b), out, multiplier: BigInt(p.multiplier), shift: p.shift, bits: ctx.bits, limbBits: REQUANT_LIMB_BITS };
  let geo;
  try {
    geo = divGeometry(spec);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  ctx.table(rangeTableDef(geo.limbBits));
  const range = rangeTableId(geo.limbBits);
  const limbs = Array.from({ length: geo.limbs }, (_, j) => j);
  const n = geo.layout.numVars;
  const advice = {
    sign: ctx.advice("sign", spec.b),
    quotient: ctx.advice("quot", out),
    rem: limbs.map((j) => ctx.advice(`rem${j}`, out)),
    t: limbs.map((j) => ctx.advice(`t${j}`, out)),
  };
  const columns = {
    rem: limbs.map((j) => ctx.arenaColumn(range, n, `${node.name}:rem${j}`)),
    t: limbs.map((j) => ctx.arenaColumn(range, n, `${node.name}:t${j}`)),
  };
  const requant = ctx.requant({ y, shape: out, multiplier: 1n, shift: 0, accBound: geo.quotientBound });
  return { node: node.name, op: node.op, kind: plan.kind, handler: "div", outputs: [y], spec, a, b, advice, columns, requant };
}

function scratchKey(step: DivNodeStep): string {
  return `div:${step.node}`;
}

export const divHandler: StepHandler<DivNodeStep> = {
  witness(step, ctx) {
    const y = ctx.value(step.outputs[0]);
    let w: DivWitness;
    try {
      w = divWitness(step.spec, ctx.value(step.a), ctx.value(step.b), y, ctx.unsafe);
    } catch (e) {
      if (e instanceof ZeroDivisorError) throw new ProverInputError(`trace: node ${step.node}: divisor "${step.b}" is 0 at output index ${e.index}; the executor saturates there, which is not proved`);
      if (e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    const { advice, columns } = step;
    ctx.setAdvice(advice.sign, w.tables.sign);
    ctx.setAdvice(advice.quotient, w.tables.quotient);
    advice.rem.forEach((slot, j) => ctx.setAdvice(slot, w.tables.rem[j]));
    advice.t.forEach((slot, j) => ctx.setAdvice(slot, w.tables.t[j]));
    columns.rem.forEach((i, j) => ctx.setColumn(i, [w.tables.rem[j]]));
    columns.t.forEach((i, j) => ctx.setColumn(i, [w.tables.t[j]]));
    witnessRequant(step.requant, w.quotient, y, ctx);
    ctx.scratch.set(scratchKey(step), w);
  },
  prove(step, ctx) {
    const w = ctx.scratch.get(scratchKey(step)) as DivWitness | undefined;
    if (!w) throw new RangeError(`div "${step.node}": no witness (the witness phase did not run)`);
    ctx.claimAdvice(step.advice.quotient, proveRequantStep(step.requant, ctx));
    limbWalk(step, ctx);
    const { proof, claims } = proveDiv({ spec: step.spec, a: ctx.value(step.a), b: ctx.value(step.b), witness: w, transcript: ctx.transcript });
    ctx.writer.sumcheck(proof.sumcheck);
    ctx.writer.scalars([proof.a, proof.b, proof.s, proof.q, ...proof.rem, ...proof.t]);
    route(step, claims, ctx);
  },
  verify(step, ctx) {
    const what = `div "${step.node}"`;
    ctx.claimAdvice(step.advice.quotient, verifyRequantStep(step.requant, ctx));
    limbWalk(step, ctx);
    const geo = divGeometry(step.spec);
    const sumcheck = ctx.reader.sumcheck(geo.layout.numVars, DIV_DEGREE, what);
    const [a, b, s, q, ...limbs] = ctx.reader.scalars(4 + 2 * geo.limbs, `${what}: values`);
    const proof = { sumcheck, a, b, s, q, rem: limbs.slice(0, geo.limbs), t: limbs.slice(geo.limbs) };
    route(step, verifyDiv({ spec: step.spec, proof, transcript: ctx.transcript }), ctx);
  },
};

/** The arena's claims on the limb columns: openings of A at the columns' point (no messages). */
function limbWalk(step: DivNodeStep, ctx: WalkContext): void {
  const open = (slots: readonly string[], cols: readonly number[]) =>
    cols.forEach((i, j) => {
      const c = ctx.arenaColumn(i);
      ctx.claimAdvice(slots[j], { point: c.point, value: c.values[0] });
    });
  open(step.advice.rem, step.columns.rem);
  open(step.advice.t, step.columns.t);
}

function route(step: DivNodeStep, claims: DivClaims, ctx: WalkContext): void {
  ctx.claim(step.a, claims.a);
  ctx.claim(step.b, claims.b);
  ctx.claimAdvice(step.advice.sign, claims.s);
  ctx.claimAdvice(step.advice.quotient, claims.q);
  step.advice.rem.forEach((slot, j) => ctx.claimAdvice(slot, claims.rem[j]));
  step.advice.t.forEach((slot, j) => ctx.claimAdvice(slot, claims.t[j]));
}
