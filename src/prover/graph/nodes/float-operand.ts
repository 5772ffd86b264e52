/**
 * The operand check of the requantized element-wise nodes (./elementwise.ts Add/Sub/Mul, ./div.ts): an input
 * must be a runtime value or a committed weight, and float-typed (so clamped to b bits by the quantizer).
 */
import { isFloatType } from "../../../model/ir";
import type { CompileContext } from "./types";

/** The value name of input `i`, or "unsupported" naming why it cannot be proved. */
export function floatOperand(ctx: CompileContext, i: number): string {
  const name = ctx.node.inputs[i];
  if (name === undefined || name === "") return ctx.unsupported(`input ${i} is missing`);
  if (ctx.model.graph.initializers.has(name) && !ctx.isWeight(name)) return ctx.unsupported(`input ${i} ("${name}") is an uncommitted constant`);
  if (!isFloatType(ctx.model.graph.values.get(name)!.dtype)) return ctx.unsupported(`input ${i} ("${name}") is integer-typed (not clamped to b bits)`);
  return name;
}
