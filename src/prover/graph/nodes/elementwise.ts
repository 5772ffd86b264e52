/**
 * Element-wise requantized kinds (docs/quantization.md):
 * - `add` (Add, Sub, Sum of two): acc = qa·Ma + qb·Mb (broadcast), y = requant(acc; 1, s); |acc| ≤ 2^(b−1)(|Ma| + |Mb|);
 * - `scale` (Mul/Div by a scalar constant, Pow 1, Sum of one, Cast int→float): acc = q, y = requant(q; M, s);
 * - `mul` (Mul of two tensors, Pow 2): acc = qa·qb (broadcast), y = requant(acc; M, s).
 * Operands are activations or committed constants (a claim on a constant is an opening of W).
 */
import * as Fr from "../../../field/fr";
import { isFloatType } from "../../../model/ir";
import type { RequantNodeStep } from "../plan";
import { floatOperand } from "./float-operand";
import { integerRange } from "./int-bounds";
import type { CompileContext } from "./types";

/** |q| ≤ 2^(b−1) for every b-bit operand (qmin = −2^(b−1)). */
function operandBound(ctx: CompileContext): bigint {
  return 2n ** BigInt(ctx.bits - 1);
}

/** |q| ≤ 2^31 for an integer graph input (the statement packs every public value as int32). */
const INT32_BOUND = 2n ** 31n;

export function compileAdd(ctx: CompileContext): RequantNodeStep {
  const { node, plan } = ctx;
  const p = plan.params as { multiplierA: number; multiplierB: number; shift: number };
  if (node.inputs.filter((v) => v !== "").length !== 2) return ctx.unsupported("an add of other than two operands");
  const y = node.outputs[0];
  const shape = ctx.shape(y);
  const [a, b] = [floatOperand(ctx, 0), floatOperand(ctx, 1)];
  const ma = BigInt(p.multiplierA);
  const mb = BigInt(p.multiplierB);
  if (mb === 0n) return ctx.unsupported("the second operand's multiplier is 0");
  const abs = (v: bigint) => (v < 0n ? -v : v);
  const requant = ctx.requant({ y, shape, multiplier: 1n, shift: p.shift, accBound: operandBound(ctx) * (abs(ma) + abs(mb)) });
  return {
    node: node.name,
    op: node.op,
    kind: plan.kind,
    handler: "requant",
    outputs: [y],
    requant,
    linear: { iop: "lincomb", outShape: shape, operands: [{ tensor: a, shape: ctx.shape(a), coeff: Fr.fromSigned(ma) }, { tensor: b, shape: ctx.shape(b), coeff: Fr.fromSigned(mb) }] },
  };
}

export function compileScale(ctx: CompileContext): RequantNodeStep {
  const { node, plan } = ctx;
  const p = plan.params as { multiplier: number; shift: number };
  const runtime = node.inputs.filter((v) => v !== "" && !ctx.model.graph.initializers.has(v));
  if (runtime.length !== 1) return ctx.unsupported("a scale without exactly one runtime input");
  const y = node.outputs[0];
  const x = runtime[0];
  // Cast int→float of a graph input: the statement packs it as int32, so |q| ≤ 2^31 bounds the accumulator.
  const intInput = !isFloatType(ctx.model.graph.values.get(x)!.dtype);
  // An integer activation with a static range (./int-bounds.ts) is bounded by it instead.
  const range = intInput && !ctx.model.graph.inputs.some((i) => i.name === x) ? integerRange(ctx.model, x) : null;
  if (intInput && !range && !ctx.model.graph.inputs.some((i) => i.name === x)) return ctx.unsupported(`input "${x}" is integer-typed (not clamped to b bits)`);
  if (ctx.shape(x).join(",") !== ctx.shape(y).join(",")) return ctx.unsupported("a scale that changes the shape");
  const requant = ctx.requant({ y, shape: ctx.shape(y), multiplier: BigInt(p.multiplier), shift: p.shift, accBound: range ? BigInt(Math.max(1, Math.abs(range.lo), Math.abs(range.hi))) : intInput ? INT32_BOUND : operandBound(ctx) });
  return { node: node.name, op: node.op, kind: plan.kind, handler: "requant", outputs: [y], requant, linear: { iop: "identity", x } };
}

export function compileMul(ctx: CompileContext): RequantNodeStep {
  const { node, plan } = ctx;
  const p = plan.params as { multiplier: number; shift: number };
  const [ia, ib] = node.op === "Pow" ? [0, 0] : [0, 1];
  const y = node.outputs[0];
  const shape = ctx.shape(y);
  const [a, b] = [floatOperand(ctx, ia), floatOperand(ctx, ib)];
  const bound = operandBound(ctx);
  const requant = ctx.requant({ y, shape, multiplier: BigInt(p.multiplier), shift: p.shift, accBound: bound * bound });
  return {
    node: node.name,
    op: node.op,
    kind: plan.kind,
    handler: "requant",
    outputs: [y],
    requant,
    linear: { iop: "hadamard", outShape: shape, a, aShape: ctx.shape(a), b, bShape: ctx.shape(b) },
  };
}
