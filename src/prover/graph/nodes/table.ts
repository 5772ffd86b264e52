/**
 * Kind `table` (Relu, LeakyRelu, Sigmoid, Tanh, … any unary function table over the b-bit domain): y = T[x].
 * A clamp-like table (ReLU, Clip, identity: T[x] = clamp(x, lo, hi), `clampLikeBounds`) has no table at all: it
 * is a requantization with M = 1, s = 0 and clamp bounds [lo, hi] of acc = x (handler `requant`, linear part
 * the identity), unless graph/compile.ts fused it into its producer's requantization. Any other table:
 * Witness: y (the axis-padded output) is committed in A; one arena column (x + c·pad(x), y) against the node's
 * activation table (./../tables.ts: c = qmax + 1 when T[0] ≠ 0, else no offset). Walk: every claim on y is an
 * opening of A; the arena's claim on the column gives y at ρ (an opening of A) and x at ρ: its component 0
 * minus c·pad~(ρ), pad~ = 1 − Π_a prefixIndicator(d_a, ρ_a) (public). No messages of its own.
 */
import * as Fr from "../../../field/fr";
import { isFloatType } from "../../../model/ir";
import { forEachIndex, layoutOf, paddedTable, prefixIndicator, splitPoint } from "../../tensor";
import type { RequantNodeStep, TableNodeStep } from "../plan";
import { activationTableDef, clampLikeBounds } from "../tables";
import type { CompileContext, StepHandler, WalkContext } from "./types";

export function compileTable(ctx: CompileContext): TableNodeStep | RequantNodeStep {
  const { node, plan, model } = ctx;
  const id = (plan.params as { table?: string }).table;
  const t = id === undefined ? undefined : plan.tables?.[id];
  if (id === undefined || !t) return ctx.unsupported("a table plan without its table");
  // The table's argument is the node's one runtime input: input 0, except Pow of a constant scalar base (c ** x).
  const runtime = node.inputs.filter((v) => v !== "" && !model.graph.initializers.has(v));
  const x = runtime.length === 1 ? runtime[0] : node.inputs[0];
  const y = node.outputs[0];
  const shape = ctx.shape(y);
  if (ctx.shape(x).join(",") !== shape.join(",")) return ctx.unsupported("input and output shapes differ");
  // The table's domain is the b-bit range; only float-typed activations are clamped to it by their producers.
  if (!isFloatType(model.graph.values.get(x)!.dtype)) return ctx.unsupported(`input "${x}" is integer-typed (not clamped to b bits)`);
  const clamp = clampLikeBounds(ctx.bits, t.offset, t.values);
  if (clamp) {
    // |x| ≤ 2^(b−1): x is clamped to the b-bit range by its producer (float-typed).
    const requant = ctx.requant({ y, shape, multiplier: 1n, shift: 0, accBound: 1n << BigInt(ctx.bits - 1), lo: BigInt(clamp.lo), hi: BigInt(clamp.hi) });
    return { node: node.name, op: node.op, kind: plan.kind, handler: "requant", outputs: [y], requant, linear: { iop: "identity", x } };
  }
  let def;
  try {
    def = activationTableDef(id, ctx.bits, t.offset, t.values);
  } catch (e) {
    return ctx.unsupported((e as Error).message);
  }
  ctx.table(def.table);
  const ySlot = ctx.advice("y", shape);
  const column = ctx.arenaColumn(def.table.id, layoutOf(shape).numVars, `${node.name}:lookup`);
  return { node: node.name, op: node.op, kind: plan.kind, handler: "table", outputs: [y], x, shape, y: ySlot, column, padOffset: def.padOffset === null ? null : BigInt(def.padOffset) };
}

export const tableHandler: StepHandler<TableNodeStep> = {
  witness(step, ctx) {
    const layout = layoutOf(step.shape);
    const x = ctx.value(step.x);
    const y = ctx.value(step.outputs[0]);
    const yTable = paddedTable(layout, y.data, `"${step.outputs[0]}"`);
    const xTable = paddedTable(layout, x.data, `"${step.x}"`);
    if (step.padOffset !== null) {
      const real = new Uint8Array(layout.paddedSize);
      forEachIndex(layout, (_, padded) => (real[padded] = 1));
      for (let i = 0; i < xTable.length; i++) if (!real[i]) xTable[i] = step.padOffset;
    }
    ctx.setAdvice(step.y, yTable);
    ctx.setColumn(step.column, [xTable, yTable]);
  },
  prove: walk,
  verify: walk,
};

function walk(step: TableNodeStep, ctx: WalkContext): void {
  const col = ctx.arenaColumn(step.column);
  ctx.claimAdvice(step.y, { point: col.point, value: col.values[1] });
  for (const c of ctx.take(step.outputs[0])) ctx.claimAdvice(step.y, c);
  let x = col.values[0];
  if (step.padOffset !== null) {
    const layout = layoutOf(step.shape);
    const real = splitPoint(layout, col.point).reduce((acc, part, a) => Fr.mul(acc, prefixIndicator(layout.shape[a], part)), 1n);
    x = Fr.sub(x, Fr.mul(step.padOffset, Fr.sub(1n, real)));
  }
  ctx.claim(step.x, { point: col.point, value: x });
}
