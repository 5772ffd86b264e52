/**
 * Kind `compare`, Equal (docs/prover.md, "Integer kinds for the tree models"; relation in ../../layers/int-equal.ts):
 * the bool output c = [qa·Ma = qb·Mb] is exact. Operands: activations of any type (integer ones are pinned by
 * their producers; float ones are b-bit), committed constants (`<input>@<node>`) or integer constants carried in
 * the step (at most MAX_CONSTANT_SIZE entries, bound by the plan hash; the verifier evaluates them).
 *
 * Advice (A): `<node>:c` (the output) and `<node>:inv`; no arena column. Walk (stream order): every claim on c →
 * an opening of A; the zero test (sum-check n rounds, degree 3; c~, inv~, d~) → openings of c and inv; the claim
 * on d = Σ coeff·operand at ρ minus the carried constant's part → the linear-combination IOP (one message when
 * two operands are tensors, none for one).
 */
import * as Fr from "../../../field/fr";
import { isFloatType } from "../../../model/ir";
import { expandTo } from "../../../model/kernels/movement";
import type { Claim } from "../../claims";
import { intEqualWitness, INT_EQUAL_DEGREE, proveIntEqual, verifyIntEqual } from "../../layers/int-equal";
import { broadcastTable, evaluateTensor, layoutOf } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStep, NodeStepBase, PlanLinear } from "../plan";
import { compileCompare } from "./compare";
import { MAX_CONSTANT_SIZE } from "./exact";
import { proveLinear, verifyLinear } from "./linear-part";
import type { CompileContext, NodeCompiler, ProveContext, StepHandler, VerifyContext } from "./types";

/** An Equal step. `operands` are the tensor operands of d (coefficient Ma or −Mb); `constant` a carried one. */
export type IntEqualNodeStep = NodeStepBase & {
  readonly handler: "int-equal";
  readonly out: readonly number[];
  readonly operands: readonly { readonly tensor: string; readonly shape: readonly number[]; readonly coeff: bigint }[];
  readonly constant?: { readonly shape: readonly number[]; readonly data: readonly number[]; readonly coeff: bigint };
  readonly advice: { readonly c: string; readonly inv: string };
};

/** Kind `compare`: Equal here, the order comparisons to ./compare.ts. */
export const compileCompareWithEqual: NodeCompiler = (ctx): NodeStep => (ctx.node.op === "Equal" ? compileIntEqual(ctx) : compileCompare(ctx));

export function compileIntEqual(ctx: CompileContext): IntEqualNodeStep {
  const { node, plan, model } = ctx;
  if (node.inputs.length !== 2 || node.inputs.some((v) => v === "")) return ctx.unsupported("Equal needs two operands");
  const p = plan.params as { multiplierA: number; multiplierB: number };
  const coeffs = [BigInt(p.multiplierA), -BigInt(p.multiplierB)];
  const operands: { tensor: string; shape: number[]; coeff: bigint }[] = [];
  let constant: IntEqualNodeStep["constant"];
  for (const [i, name] of node.inputs.entries()) {
    const coeff = Fr.fromSigned(coeffs[i]);
    const init = model.graph.initializers.get(name);
    const committed = `${name}@${node.name}`;
    if (init && ctx.isWeight(committed)) operands.push({ tensor: committed, shape: [...model.weights.get(committed)!.tensor.shape], coeff });
    else if (init) {
      if (init.data.length > MAX_CONSTANT_SIZE) return ctx.unsupported(`constant operand of ${init.data.length} entries (at most ${MAX_CONSTANT_SIZE} are carried in the plan)`);
      if (isFloatType(init.dtype)) return ctx.unsupported(`float constant "${name}" is not committed`);
      if (constant) return ctx.unsupported("both operands are constants");
      constant = { shape: [...init.shape], data: Array.from(init.data), coeff };
    } else operands.push({ tensor: name, shape: ctx.shape(name), coeff });
  }
  if (operands.length === 0) return ctx.unsupported("both operands are constants");
  const out = ctx.shape(node.outputs[0]);
  const advice = { c: ctx.advice("c", out), inv: ctx.advice("inv", out) };
  return { node: node.name, op: node.op, kind: plan.kind, handler: "int-equal", outputs: [node.outputs[0]], out, operands, ...(constant ? { constant } : {}), advice };
}

function scratchKey(step: IntEqualNodeStep): string {
  return `int-equal:${step.node}`;
}

interface Witness {
  readonly c: bigint[];
  readonly inv: bigint[];
  readonly d: bigint[];
  readonly unsafe: boolean;
}

/** d's padded table over the output layout: Σ coeff·broadcast(operand). */
function differenceTable(step: IntEqualNodeStep, value: (name: string) => { shape: readonly number[]; data: ArrayLike<number> }): bigint[] {
  const parts = step.operands.map((op) => ({ coeff: op.coeff, table: broadcastTable(step.out, { shape: op.shape, data: value(op.tensor).data }) }));
  if (step.constant) parts.push({ coeff: step.constant.coeff, table: broadcastTable(step.out, step.constant) });
  const size = layoutOf(step.out).paddedSize;
  return Array.from({ length: size }, (_, i) => parts.reduce((acc, p) => Fr.add(acc, Fr.mul(p.coeff, Fr.fromSigned(BigInt(p.table[i])))), 0n));
}

/** The linear part: d minus the carried constant, over the tensor operands. */
function linearPart(step: IntEqualNodeStep): PlanLinear {
  return { iop: "lincomb", outShape: step.out, operands: step.operands.map((op) => ({ tensor: op.tensor, shape: op.shape, coeff: op.coeff })) };
}

/** A claim on d at ρ as a claim on the tensor operands' combination (the constant's part moved over). */
function withoutConstant(step: IntEqualNodeStep, d: Claim): Claim {
  const k = step.constant;
  if (!k) return d;
  const full = expandTo({ dtype: "float64", shape: [...k.shape], data: Float64Array.from(k.data) }, step.out);
  return { point: d.point, value: Fr.sub(d.value, Fr.mul(k.coeff, evaluateTensor(layoutOf(step.out), full.data, d.point))) };
}

function takeClaims(step: IntEqualNodeStep, ctx: ProveContext | VerifyContext): void {
  for (const c of ctx.take(step.outputs[0])) ctx.claimAdvice(step.advice.c, c);
}

export const intEqualHandler: StepHandler<IntEqualNodeStep> = {
  witness(step, ctx) {
    const d = differenceTable(step, (n) => ctx.value(n));
    const w = intEqualWitness(step.out, d);
    const y = ctx.value(step.outputs[0]).data;
    const layout = layoutOf(step.out);
    const c = ctx.unsafe ? broadcastTable(step.out, { shape: step.out, data: y }).map((v) => Fr.fromSigned(BigInt(v))) : w.c;
    if (!ctx.unsafe) {
      const traced = broadcastTable(step.out, { shape: step.out, data: y });
      for (let i = 0; i < layout.paddedSize; i++) if (BigInt(traced[i]) !== c[i]) throw new ProverInputError(`trace: node ${step.node}: the output is not the operands' equality`);
    }
    ctx.setAdvice(step.advice.c, c);
    ctx.setAdvice(step.advice.inv, w.inv);
    ctx.scratch.set(scratchKey(step), { c, inv: w.inv, d, unsafe: ctx.unsafe } satisfies Witness);
  },
  prove(step, ctx) {
    const w = ctx.scratch.get(scratchKey(step)) as Witness | undefined;
    if (!w) throw new RangeError(`int-equal "${step.node}": no witness (the witness phase did not run)`);
    takeClaims(step, ctx);
    const { proof, claims } = proveIntEqual({ out: step.out, c: w.c, inv: w.inv, d: w.d, transcript: ctx.transcript, unsafe: w.unsafe });
    ctx.writer.sumcheck(proof.sumcheck);
    ctx.writer.scalars([proof.c, proof.inv, proof.d]);
    ctx.claimAdvice(step.advice.c, claims.c);
    ctx.claimAdvice(step.advice.inv, claims.inv);
    proveLinear(linearPart(step), withoutConstant(step, claims.d), step.out, ctx);
  },
  verify(step, ctx) {
    const what = `Equal "${step.node}"`;
    takeClaims(step, ctx);
    const sumcheck = ctx.reader.sumcheck(layoutOf(step.out).numVars, INT_EQUAL_DEGREE, what);
    const [c, inv, d] = ctx.reader.scalars(3, `${what}: c, inv, d`);
    const claims = verifyIntEqual({ out: step.out, proof: { sumcheck, c, inv, d }, transcript: ctx.transcript });
    ctx.claimAdvice(step.advice.c, claims.c);
    ctx.claimAdvice(step.advice.inv, claims.inv);
    verifyLinear(linearPart(step), withoutConstant(step, claims.d), step.out, ctx);
  },
};
