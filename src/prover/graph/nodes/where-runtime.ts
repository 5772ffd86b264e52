/**
 * Where with a RUNTIME condition (kind `select`): y = c ? a : b with c a bool activation, a and b the data
 * inputs on the plan's common scale (numpy broadcasting of all three). On 0/1 values of c,
 *
 *     y = c⊙a + (1 − c)⊙b = P − Q + b,     P = c⊙a,  Q = c⊙b   (each broadcast to y's shape)
 *
 * an identity over ℤ. c's booleanness is not proved here: every bool tensor is 0/1 by its producer (a
 * comparison's sign bit, a logic form of bools, a bool graph input the verifier range-checks, a value-blind
 * move of one of these; docs/prover.md "Exact integer values"), and compile refuses a condition that is not
 * bool-typed.
 *
 * Walk (per node): the claims on y merged (`layers/merge.ts`) into (r, v); the prover sends P~(r), Q~(r)
 * (`absorb("where.products", [P, Q])`); the claim (r, v − P + Q) on the broadcast b goes through the
 * one-operand linear combination (no message: b~ at its broadcast point); then the Hadamard IOP of (c, a) on
 * (r, P) and of (c, b) on (r, Q) (`layers/elementwise.ts`: sum-check n × 3, then both operands' values). A
 * constant data input is the committed weight `<value>@<node>` (its claims open W); a runtime input the plan
 * rescales is read through `<node>:rescaled<j>`, whose requantization follows, in input order.
 * Stream: [merge sum-check (n, 2) and value], P, Q, sum-check (n, 3), c, a, sum-check (n, 3), c, b, requants.
 */
import * as Fr from "../../../field/fr";
import { isFloatType } from "../../../model/ir";
import type { Claim } from "../../claims";
import { LayerProofError } from "../../claims";
import { proveHadamard, proveLinearCombination, verifyHadamard, verifyLinearCombination, type HadamardProof } from "../../layers/elementwise";
import { evaluateMle } from "../../../poly/mle";
import { broadcastTable, layoutOf, type IntTensor } from "../../tensor";
import type { NodeStepBase } from "../plan";
import { copiedInput, proveRescale, verifyRescale, witnessRescale, type CopiedInput } from "./copied-input";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import type { CompileContext, ProveContext, StepHandler, VerifyContext } from "./types";

/** Transcript label of the two products' values. */
export const RUNTIME_WHERE_LABELS = { products: "where.products" } as const;

/** The handler name of a runtime-condition Where step. */
export const RUNTIME_WHERE_HANDLER = "where-runtime";

/** One data input: the tensor its claims go to (activation, rescaled copy or W slot), its shape, its rescale. */
export interface RuntimeWhereInput extends CopiedInput {
  readonly shape: readonly number[];
}

/** A Where step whose condition is a runtime bool tensor. */
export type RuntimeWhereNodeStep = NodeStepBase & {
  readonly handler: typeof RUNTIME_WHERE_HANDLER;
  readonly out: readonly number[];
  readonly cond: { readonly tensor: string; readonly shape: readonly number[] };
  /** The data inputs a (chosen where c = 1) and b. */
  readonly data: readonly [RuntimeWhereInput, RuntimeWhereInput];
};

/** A 0-d tensor is seen as [1] (same single entry, no variables), as the other copies do. */
const asShape = (shape: readonly number[]): number[] => (shape.length === 0 ? [1] : [...shape]);

export function compileRuntimeWhere(ctx: CompileContext): RuntimeWhereNodeStep {
  const { node, plan, model } = ctx;
  if (node.inputs.length !== 3 || node.inputs.some((v) => v === "")) return ctx.unsupported("Where needs a condition and two data inputs");
  const condName = node.inputs[0];
  if (model.graph.values.get(condName)?.dtype !== "bool") return ctx.unsupported(`the runtime condition "${condName}" is not bool-typed (its 0/1 values are not proved)`);
  const y = node.outputs[0];
  if (!isFloatType(model.graph.values.get(y)!.dtype)) return ctx.unsupported(`integer-typed output "${y}" (a runtime Where of integer data is not proved)`);
  const out = asShape(ctx.shape(y));
  const data = [1, 2].map((j): RuntimeWhereInput => {
    const value = node.inputs[j];
    const shape = asShape(model.graph.values.get(value)?.shape ?? model.graph.initializers.get(value)!.shape);
    if (!model.graph.initializers.has(value) && !isFloatType(model.graph.values.get(value)!.dtype)) return ctx.unsupported(`data input "${value}" is integer-typed`);
    const input = copiedInput(ctx, j, "data input");
    return { tensor: input.tensor, shape, rescale: input.rescale };
  }) as [RuntimeWhereInput, RuntimeWhereInput];
  return { node: node.name, op: node.op, kind: plan.kind, handler: RUNTIME_WHERE_HANDLER, outputs: [y], out, cond: { tensor: condName, shape: asShape(ctx.shape(condName)) }, data };
}

export const runtimeWhereHandler: StepHandler<RuntimeWhereNodeStep> = {
  witness(step, ctx) {
    for (const input of step.data) witnessRescale(input, ctx);
  },
  prove(step, ctx) {
    walk(step, ctx, null);
    for (const input of step.data) proveRescale(input, ctx);
  },
  verify(step, ctx) {
    walk(step, null, ctx);
    for (const input of step.data) verifyRescale(input, ctx);
  },
};

function walk(step: RuntimeWhereNodeStep, p: ProveContext | null, v: VerifyContext | null): void {
  const ctx = (p ?? v)!;
  const claims = ctx.take(step.outputs[0]);
  if (claims.length === 0) return;
  const what = `Where "${step.node}"`;
  const claim: Claim = p ? proveMergedClaim(p, step.outputs[0], step.out, claims) : verifyMergedClaim(v!, step.out, claims, what);
  const [a, b] = step.data;
  let products: bigint[];
  if (p) {
    const c = tensorOf(p, step.cond.tensor, step.cond.shape);
    products = [a, b].map((x) => hadamardValue(step.out, c, tensorOf(p, x.tensor, x.shape), claim.point));
    p.writer.scalars(products);
  } else products = v!.reader.scalars(2, `${what}: products`);
  ctx.transcript.absorbScalars(RUNTIME_WHERE_LABELS.products, products);
  const [pv, qv] = products;
  // b's share: v − P + Q on the broadcast b (the one-operand linear combination sends nothing).
  const rest: Claim = { point: claim.point, value: Fr.add(Fr.sub(claim.value, pv), qv) };
  const operand = { shape: b.shape, coeff: 1n };
  if (p) {
    const r = proveLinearCombination({ outShape: step.out, operands: [{ ...operand, data: tensorOf(p, b.tensor, b.shape).data }], claim: rest, transcript: p.transcript });
    p.claim(b.tensor, r.claims[0]);
  } else {
    const [bClaim] = guard(what, () => verifyLinearCombination({ outShape: step.out, operands: [operand], claim: rest, proof: { values: [] }, transcript: v!.transcript }));
    v!.claim(b.tensor, bClaim);
  }
  [a, b].forEach((x, j) => {
    const part = { point: claim.point, value: products[j] };
    if (p) {
      const r = proveHadamard({ outShape: step.out, a: tensorOf(p, step.cond.tensor, step.cond.shape), b: tensorOf(p, x.tensor, x.shape), claim: part, transcript: p.transcript });
      p.writer.sumcheck(r.proof.sumcheck);
      p.writer.scalars([r.proof.aValue, r.proof.bValue]);
      p.claim(step.cond.tensor, r.claims.a);
      p.claim(x.tensor, r.claims.b);
    } else {
      const label = `${what} product ${j === 0 ? "c·a" : "c·b"}`;
      const sumcheck = v!.reader.sumcheck(layoutOf(step.out).numVars, 3, label);
      const [aValue, bValue] = v!.reader.scalars(2, `${label}: values`);
      const proof: HadamardProof = { sumcheck, aValue, bValue };
      const r = guard(label, () => verifyHadamard({ outShape: step.out, aShape: step.cond.shape, bShape: x.shape, claim: part, proof, transcript: v!.transcript }));
      v!.claim(step.cond.tensor, r.a);
      v!.claim(x.tensor, r.b);
    }
  });
}

/** (c ⊙ x)~ at `point`, both broadcast to `out` (padded tables in out's layout, so their product is too). */
function hadamardValue(out: readonly number[], c: IntTensor, x: IntTensor, point: readonly bigint[]): bigint {
  const ct = broadcastTable(out, c);
  const xt = broadcastTable(out, x);
  return evaluateMle(ct.map((cv, i) => Fr.mul(cv, xt[i])), point);
}

/** A tensor's integers seen in `shape` (a 0-d tensor as [1]). */
function tensorOf(ctx: ProveContext, name: string, shape: readonly number[]): IntTensor {
  return { shape, data: ctx.value(name).data };
}

function guard<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof LayerProofError) throw new LayerProofError(`${what}: ${e.message}`);
    throw e;
  }
}
