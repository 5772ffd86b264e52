/**
 * Token embedding: `Gather(axis 0)` of a committed table E [V, D] at RUNTIME indices (the llama graph's `embed`
 * node; the indices are the public `tokens` input), proved as one lookup in the arena — the shape of the `table`
 * kind with a two-part key. Spec: docs/gguf.md, "LLM layers: token embedding".
 *
 * Table `embed:<node>` (numVars n_v + n_d + 1, n_v / n_d the variables of V / D): column 0 is the range column
 * key = row, column 1 (external, in W) is E at key = v·2^n_d + d (zero where v ≥ V or d ≥ D) and zero on the
 * whole upper half (key ≥ 2^(n_v + n_d)). Witness: the output y [T, D] is committed in A; one arena column over
 * y's cube looks up (key(t, d), y[t, d]) with key = tok_t·2^n_d + d on real rows and 2^(n_v + n_d) + d on padding
 * rows (t ≥ T), which the upper half answers with 0 = y's padding.
 *
 * Walk: the arena's claim gives y~(ρ) (an opening of A) and key~(ρ) = 2^n_d·tok~(ρ_t) + Σ_j 2^j·ρ_d,j +
 * 2^(n_v + n_d)·(1 − 1_real(ρ_t)): solved for tok~(ρ_t), a claim on the indices tensor (for a graph input the
 * verifier checks it against the public input). Claims on y are openings of A. No messages of its own.
 *
 * Why a lookup and not a one-hot matmul: the lookup needs nothing from the verifier but the usual input claim;
 * the one-hot matmul (cheaper for a large vocabulary: log V sum-check rounds instead of a table of V·D rows)
 * needs the verifier to read the token values inside the walk — future work.
 */
import * as Fr from "../../../field/fr";
import { isFloatType } from "../../../model/ir";
import { attrInt } from "../../../model/ops/types";
import { forEachIndex, layoutOf, paddedTable, prefixIndicator, splitPoint } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStepBase } from "../plan";
import { tableSlot, type FixedTable } from "../tables";
import type { CompileContext, StepHandler, WalkContext } from "./types";

/** An embedding step: the table's size, the indices tensor, y's A slot and the arena column. */
export type EmbeddingNodeStep = NodeStepBase & {
  readonly handler: "embedding";
  /** Vocabulary size V (indices must lie in [0, V)). */
  readonly vocab: number;
  /** Output shape [T, D]. */
  readonly shape: readonly [number, number];
  readonly indices: string;
  readonly y: string;
  readonly column: number;
};

/** The weight name of a node's constant input (the quantizer may store a per-node copy `<input>@<node>`). */
function weightOf(ctx: CompileContext, input: string): string | undefined {
  const copy = `${input}@${ctx.node.name}`;
  return ctx.isWeight(copy) ? copy : ctx.isWeight(input) ? input : undefined;
}

/** True when `node` is a Gather of a committed table at runtime indices (the registry routes it here). */
export function isEmbeddingGather(ctx: CompileContext): boolean {
  const { node, model } = ctx;
  return node.op === "Gather" && !model.graph.initializers.has(node.inputs[1]) && weightOf(ctx, node.inputs[0]) !== undefined;
}

/**
 * True when compileEmbedding proves this node: a Gather at runtime indices of a committed [V, D] weight along
 * axis 0, 1-D integer indices, no rescaled table. Any other runtime Gather goes to the one-hot kind (./int-gather.ts).
 */
export function isEmbeddingLookup(ctx: CompileContext): boolean {
  if (!isEmbeddingGather(ctx) || attrInt(ctx.node, "axis", 0) !== 0) return false;
  const e = ctx.model.weights.get(weightOf(ctx, ctx.node.inputs[0])!)!.tensor;
  const indices = ctx.node.inputs[1];
  const rescale = ((ctx.plan.params as { rescale?: readonly unknown[] }).rescale ?? []).some((r) => r !== null && r !== undefined);
  return e.shape.length === 2 && ctx.shape(indices).length === 1 && !isFloatType(ctx.model.graph.values.get(indices)!.dtype) && !rescale;
}

/** The lookup table of an embedding: key range column and E (upper half zero). */
export function embeddingTableDef(node: string, e: { readonly shape: readonly number[]; readonly data: ArrayLike<number> }): FixedTable {
  const layout = layoutOf(e.shape);
  // Lower half: E in its own axis-padded layout (key = v·2^n_d + d); upper half: zeros for the padding rows.
  const values = new Array<number>(2 * layout.paddedSize).fill(0);
  forEachIndex(layout, (flat, padded) => (values[padded] = e.data[flat]));
  const id = `embed:${node}`;
  return { id, numVars: layout.numVars + 1, columns: [{ kind: "range", lo: 0 }, { kind: "external", slot: tableSlot(id, "e"), values }] };
}

export function compileEmbedding(ctx: CompileContext): EmbeddingNodeStep {
  const { node, plan, model } = ctx;
  const w = weightOf(ctx, node.inputs[0]);
  if (w === undefined) return ctx.unsupported(`data input "${node.inputs[0]}" is not a committed weight`);
  if (attrInt(node, "axis", 0) !== 0) return ctx.unsupported("only axis 0 (row lookup) is proved");
  const e = model.weights.get(w)!.tensor;
  const indices = node.inputs[1];
  const y = node.outputs[0];
  if (e.shape.length !== 2 || ctx.shape(indices).length !== 1) return ctx.unsupported("only a [V, D] table at 1-D indices is proved");
  if (isFloatType(model.graph.values.get(indices)!.dtype)) return ctx.unsupported(`indices "${indices}" are float-typed`);
  const rescale = ((plan.params as { rescale?: readonly unknown[] }).rescale ?? []).some((r) => r !== null && r !== undefined);
  if (rescale) return ctx.unsupported("the plan rescales the table");
  const shape: [number, number] = [ctx.shape(indices)[0], e.shape[1]];
  const def = embeddingTableDef(node.name, e);
  ctx.table(def);
  const ySlot = ctx.advice("y", shape);
  const column = ctx.arenaColumn(def.id, layoutOf(shape).numVars, `${node.name}:lookup`);
  return { node: node.name, op: node.op, kind: plan.kind, handler: "embedding", outputs: [y], vocab: e.shape[0], shape, indices, y: ySlot, column };
}

/** 2^n_d and the key offset of padding rows, 2^(n_v + n_d). */
function keyGeometry(step: EmbeddingNodeStep): { rowStride: number; padKey: number } {
  const table = layoutOf([step.vocab, step.shape[1]]);
  return { rowStride: table.paddedShape[1], padKey: table.paddedSize };
}

export const embeddingHandler: StepHandler<EmbeddingNodeStep> = {
  witness(step, ctx) {
    const layout = layoutOf(step.shape);
    const tokens = ctx.value(step.indices).data;
    const { rowStride, padKey } = keyGeometry(step);
    const T = step.shape[0];
    const key = new Array<bigint>(layout.paddedSize);
    for (let i = 0; i < layout.paddedSize; i++) {
      const t = Math.floor(i / layout.paddedShape[1]);
      const d = i % layout.paddedShape[1];
      if (t < T && !(Number.isInteger(tokens[t]) && tokens[t] >= 0 && tokens[t] < step.vocab)) {
        throw new ProverInputError(`trace: node ${step.node}: index ${tokens[t]} at position ${t} is outside [0, ${step.vocab})`);
      }
      key[i] = BigInt(t < T ? tokens[t] * rowStride + d : padKey + d);
    }
    const yTable = paddedTable(layout, ctx.value(step.outputs[0]).data, `"${step.outputs[0]}"`);
    ctx.setAdvice(step.y, yTable);
    ctx.setColumn(step.column, [key, yTable]);
  },
  prove: walk,
  verify: walk,
};

function walk(step: EmbeddingNodeStep, ctx: WalkContext): void {
  const col = ctx.arenaColumn(step.column);
  ctx.claimAdvice(step.y, { point: col.point, value: col.values[1] });
  for (const c of ctx.take(step.outputs[0])) ctx.claimAdvice(step.y, c);
  const [rhoT, rhoD] = splitPoint(layoutOf(step.shape), col.point);
  const { rowStride, padKey } = keyGeometry(step);
  const dIndex = rhoD.reduce((acc, r, j) => Fr.add(acc, Fr.mul(r, BigInt(2 ** j))), 0n);
  const pad = Fr.mul(BigInt(padKey), Fr.sub(1n, prefixIndicator(step.shape[0], rhoT)));
  const token = Fr.div(Fr.sub(Fr.sub(col.values[0], dIndex), pad), BigInt(rowStride));
  ctx.claim(step.indices, { point: rhoT, value: token });
}
