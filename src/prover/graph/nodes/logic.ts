/**
 * Exact boolean logic and integer copies (kinds `logic`, `exact` Cast; value-blind moves of integers), proved
 * claim by claim on the output y with no advice (docs/prover.md, "Exact integer values"):
 * - `copy` (Cast int→int not to bool, Cast bool→any int or bool): y = x, a claim on y is the same claim on x;
 * - `not`: y = 1_real − x, a claim (r, v) on y is the claim (r, 1_real(r) − v) on x;
 * - `and`: y = a ⊙ b (broadcast), each claim on y goes through the Hadamard IOP (../../layers/elementwise.ts);
 * - `or` / `xor`: y = a + b + k·a⊙b with k = −1 / −2 (a, b and y of one shape): per claim (r, v) the prover
 *   sends a(r), b(r) (absorbed under LOGIC_LABEL), the verifier derives (a⊙b)(r) = (v − a(r) − b(r))·k⁻¹ and the
 *   Hadamard IOP proves it; claims on a and b at r and at the Hadamard's point go to their producers.
 * On 0/1 inputs these polynomials are the executor's truth tables and give 0/1 again, so booleanness propagates:
 * every bool tensor of a proved model is the output of a comparison (proved 0/1), of one of these forms, or a
 * graph input (the verifier checks a bool input's public values are 0/1: PlanValue.boolean).
 * Stream per claim on y, in take order: and — Hadamard (sum-check, a, b); or / xor — a(r), b(r), then the Hadamard.
 */
import * as Fr from "../../../field/fr";
import { isFloatType, type DType } from "../../../model/ir";
import type { Claim } from "../../claims";
import { proveHadamard, verifyHadamard } from "../../layers/elementwise";
import { realIndicator } from "../../layers/compare";
import { evaluateTensor, layoutOf } from "../../tensor";
import type { NodeStepBase } from "../plan";
import type { CompileContext, ProveContext, StepHandler, VerifyContext } from "./types";

/** Transcript label of the operand values an or / xor step sends. */
export const LOGIC_LABEL = "logic.values";

type LogicForm = "copy" | "not" | "and" | "or" | "xor";

/** A logic step: the form, its operands (one for copy / not) and their shapes. */
export type LogicNodeStep = NodeStepBase & {
  readonly handler: "logic";
  readonly form: LogicForm;
  readonly out: readonly number[];
  readonly operands: readonly { readonly tensor: string; readonly shape: readonly number[] }[];
};

/** k of y = a + b + k·ab. */
const PRODUCT_COEFF: Readonly<Record<string, bigint>> = { or: -1n, xor: -2n };

/**
 * Movement ops whose proof (./movement.ts) is a fixed linear map of the values, blind to their type and range:
 * on integer tensors they are exact as they stand (the index operands are constants of the plan).
 */
const VALUE_BLIND_MOVES = new Set(["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Identity"]);

/** True when a `movement` node with integer outputs is proved by the movement kind unchanged. */
export function provesIntegerMove(op: string, kind: string): boolean {
  return kind === "movement" && VALUE_BLIND_MOVES.has(op);
}

/** True when a node's integer output is proved exactly by {@link compileLogic}. */
export function provesLogic(ctx: { op: string; kind: string; inputs: readonly string[]; outputs: readonly string[]; dtype(v: string): DType | undefined }): boolean {
  return formOf(ctx) !== null;
}

function formOf(n: { op: string; kind: string; inputs: readonly string[]; outputs: readonly string[]; dtype(v: string): DType | undefined }): LogicForm | null {
  const inBool = n.inputs.length > 0 && n.dtype(n.inputs[0]) === "bool";
  const out = n.dtype(n.outputs[0]);
  if (n.kind === "logic") return ({ Not: "not", And: "and", Or: "or", Xor: "xor" } as const)[n.op as "Not"] ?? null;
  if (n.kind === "exact" && (n.op === "Cast" || n.op === "CastLike")) {
    const from = n.dtype(n.inputs[0]);
    if (from === undefined || isFloatType(from) || out === undefined || isFloatType(out)) return null;
    return out !== "bool" || inBool ? "copy" : null;
  }
  return null;
}

/** The operand at input i: an activation (bool / integer tensor), never a constant. */
function operand(ctx: CompileContext, i: number): { tensor: string; shape: number[] } {
  const name = ctx.node.inputs[i];
  if (name === undefined || name === "") return ctx.unsupported(`input ${i} is missing`);
  if (ctx.model.graph.initializers.has(name)) return ctx.unsupported(`input ${i} ("${name}") is a constant (not proved for logic)`);
  return { tensor: name, shape: ctx.shape(name) };
}

export function compileLogic(ctx: CompileContext): LogicNodeStep {
  const { node, plan, model } = ctx;
  const form = formOf({ op: node.op, kind: plan.kind, inputs: node.inputs, outputs: node.outputs, dtype: (v) => model.graph.values.get(v)?.dtype });
  if (!form) return ctx.unsupported(`${node.op} (kind ${plan.kind}) is not proved exactly`);
  const y = node.outputs[0];
  const out = ctx.shape(y);
  const binary = form === "and" || form === "or" || form === "xor";
  const operands = binary ? [operand(ctx, 0), operand(ctx, 1)] : [operand(ctx, 0)];
  for (const o of operands) if (o.shape.join(",") !== out.join(",") && form !== "and") return ctx.unsupported(`input "${o.tensor}" has shape [${o.shape}], not the output's [${out}] (broadcast is proved for And only)`);
  if (binary) for (const o of operands) if (model.graph.values.get(o.tensor)?.dtype !== "bool") return ctx.unsupported(`input "${o.tensor}" is not bool`);
  if (form === "not" && model.graph.values.get(operands[0].tensor)?.dtype !== "bool") return ctx.unsupported(`input "${operands[0].tensor}" is not bool`);
  return { node: node.name, op: node.op, kind: plan.kind, handler: "logic", outputs: [y], form, out, operands };
}

/** A claim on y → claims on the operands for the forms with no messages; null for the product forms. */
function direct(step: LogicNodeStep, c: Claim): Claim | null {
  if (step.form === "copy") return c;
  if (step.form === "not") return { point: c.point, value: Fr.sub(realIndicator(layoutOf(step.out), c.point), c.value) };
  return null;
}

/** The claim on a⊙b at r implied by a claim (r, v) on y and the sent a(r), b(r) (or / xor); the claim itself for and. */
function productClaim(step: LogicNodeStep, c: Claim, a: bigint, b: bigint): Claim {
  if (step.form === "and") return c;
  const k = PRODUCT_COEFF[step.form];
  return { point: c.point, value: Fr.mul(Fr.sub(Fr.sub(c.value, a), b), Fr.inv(Fr.fromSigned(k))) };
}

export const logicHandler: StepHandler<LogicNodeStep> = {
  witness() {
    // No advice: the relation is proved from the operands' claims alone.
  },
  prove(step, ctx: ProveContext) {
    const [ta, tb] = step.operands;
    for (const c of ctx.take(step.outputs[0])) {
      const d = direct(step, c);
      if (d) {
        ctx.claim(ta.tensor, d);
        continue;
      }
      const a = ctx.value(ta.tensor);
      const b = ctx.value(tb.tensor);
      let av = 0n;
      let bv = 0n;
      if (step.form !== "and") {
        av = evaluateTensor(layoutOf(ta.shape), a.data, c.point);
        bv = evaluateTensor(layoutOf(tb.shape), b.data, c.point);
        ctx.writer.scalars([av, bv]);
        ctx.transcript.absorbScalars(LOGIC_LABEL, [av, bv]);
        ctx.claim(ta.tensor, { point: c.point, value: av });
        ctx.claim(tb.tensor, { point: c.point, value: bv });
      }
      const { proof, claims } = proveHadamard({ outShape: step.out, a, b, claim: productClaim(step, c, av, bv), transcript: ctx.transcript });
      ctx.writer.sumcheck(proof.sumcheck);
      ctx.writer.scalars([proof.aValue, proof.bValue]);
      ctx.claim(ta.tensor, claims.a);
      ctx.claim(tb.tensor, claims.b);
    }
  },
  verify(step, ctx: VerifyContext) {
    const [ta, tb] = step.operands;
    const what = `logic "${step.node}"`;
    for (const c of ctx.take(step.outputs[0])) {
      const d = direct(step, c);
      if (d) {
        ctx.claim(ta.tensor, d);
        continue;
      }
      let av = 0n;
      let bv = 0n;
      if (step.form !== "and") {
        [av, bv] = ctx.reader.scalars(2, `${what}: operand values`);
        ctx.transcript.absorbScalars(LOGIC_LABEL, [av, bv]);
        ctx.claim(ta.tensor, { point: c.point, value: av });
        ctx.claim(tb.tensor, { point: c.point, value: bv });
      }
      const sumcheck = ctx.reader.sumcheck(layoutOf(step.out).numVars, 3, `${what}: hadamard`);
      const [aValue, bValue] = ctx.reader.scalars(2, `${what}: hadamard evaluations`);
      const claims = verifyHadamard({ outShape: step.out, aShape: ta.shape, bShape: tb.shape, claim: productClaim(step, c, av, bv), proof: { sumcheck, aValue, bValue }, transcript: ctx.transcript });
      ctx.claim(ta.tensor, claims.a);
      ctx.claim(tb.tensor, claims.b);
    }
  },
};
