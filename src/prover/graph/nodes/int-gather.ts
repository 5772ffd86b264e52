/**
 * Gather (and GatherElements whose non-gathered axes all have size 1) at a RUNTIME index tensor: one-hot
 * selection (../../layers/int-gather.ts; docs/prover.md, "Integer kinds for the tree models"). The data is a
 * committed weight (a float constant: `<input>@<node>`), an integer constant carried in the step (at most
 * MAX_CONSTANT_SIZE entries, bound by the plan hash; the verifier evaluates it) or an activation; the output
 * may be float- or integer-typed (the gather is value-blind).
 *
 * Advice (A): `<node>:onehot` H [K, n]; arena: one column over H's layout against `range:1` (H ∈ {0, 1}). A later
 * runtime gather at the same index tensor over an axis of the same length reuses H (no advice, no column, no
 * rows IOP: only its selection).
 * Walk (stream order): [merge of the claims on Y]; the MatMul IOP Y = H·D (sum-check κ = bits(n) rounds,
 * degree 2; H~, D~) → an opening of H, a claim on D; the arena's claim on H → an opening of A; the one-hot rows
 * IOP at the arena point (I~(ρ_K), sum-check κ rounds degree 2, H~) → an opening of H and a claim on I.
 */
import { attrInt } from "../../../model/ops/types";
import type { Claim } from "../../claims";
import { LayerProofError } from "../../claims";
import { intGatherGeometry, oneHotTable, proveOneHotRows, verifyOneHotRows, type IntGatherSpec } from "../../layers/int-gather";
import { proveMatMul, verifyMatMul, type MatMulSpec } from "../../layers/matmul";
import { evaluateTensor, LayoutError, layoutOf, reshapePoint } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStep, NodeStepBase } from "../plan";
import { rangeTableDef, rangeTableId } from "../tables";
import { MAX_CONSTANT_SIZE } from "./exact";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import { isEmbeddingLookup } from "./gather-embedding";
import { compileMovementWithSplit } from "./split";
import type { CompileContext, NodeCompiler, ProveContext, StepHandler, VerifyContext } from "./types";

/** The one-bit range table: H's entries are its rows. */
const BIT_TABLE = rangeTableDef(1);

/** A runtime-gather step. `data` names the data tensor (a weight or an activation) unless `constant` is set. */
export type IntGatherNodeStep = NodeStepBase & {
  readonly handler: "int-gather";
  readonly spec: IntGatherSpec;
  readonly data: string;
  readonly index: string;
  readonly constant?: { readonly data: readonly number[] };
  readonly onehot: string;
  /**
   * The arena column of H, or null when H is shared: an earlier runtime gather at the same index tensor over an
   * axis of the same length declared H (its slot is `onehot`) and proves its rows; this step only selects with it.
   */
  readonly column: number | null;
};

/** True when node is a Gather / GatherElements whose index input is not a constant (proved here). */
export function isRuntimeGather(ctx: Pick<CompileContext, "node" | "model">): boolean {
  const { node, model } = ctx;
  return (node.op === "Gather" || node.op === "GatherElements") && node.inputs[1] !== undefined && node.inputs[1] !== "" && !model.graph.initializers.has(node.inputs[1]);
}

/**
 * Kind `movement`: a Gather at a runtime index here, everything else to the movement compilers. A token embedding
 * (a committed weight table at runtime indices) keeps its own lookup kind (./gather-embedding.ts), which is
 * cheaper and has an on-chain twin.
 */
export const compileMovementWithRuntimeGather: NodeCompiler = (ctx): NodeStep =>
  isRuntimeGather(ctx) && !isEmbeddingLookup(ctx) ? compileIntGather(ctx) : compileMovementWithSplit(ctx);

export function compileIntGather(ctx: CompileContext): IntGatherNodeStep {
  const { node, plan, model } = ctx;
  const [dataName, index] = node.inputs;
  const y = node.outputs[0];
  const dataShape = ctx.shape(dataName);
  const idxShape = ctx.shape(index);
  const out = ctx.shape(y);
  const rescale = ((plan.params as { rescale?: readonly unknown[] }).rescale ?? []).some((r) => r !== null && r !== undefined);
  if (rescale) return ctx.unsupported("the plan rescales the gathered data");
  const rank = dataShape.length;
  const axisAttr = attrInt(node, "axis", 0);
  const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
  if (axis < 0 || axis >= rank) return ctx.unsupported(`axis ${axisAttr} is out of range`);
  // GatherElements equals Gather of the flattened indices when every other data axis has size 1.
  if (node.op === "GatherElements" && dataShape.some((d, a) => a !== axis && d !== 1)) return ctx.unsupported("GatherElements at a runtime index is proved only when every non-gathered data axis has size 1");
  if (dataShape.slice(0, axis).some((d) => d !== 1)) return ctx.unsupported("a runtime gather with leading data axes larger than 1");
  const n = dataShape[axis];
  const r = dataShape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const k = idxShape.reduce((p, d) => p * d, 1);
  const spec: IntGatherSpec = { data: dataShape, index: idxShape, out, n, k, r: node.op === "GatherElements" ? 1 : r };
  try {
    intGatherGeometry(spec);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  const init = model.graph.initializers.get(dataName);
  let data = dataName;
  let constant: IntGatherNodeStep["constant"];
  if (init) {
    const committed = `${dataName}@${node.name}`;
    if (ctx.isWeight(committed)) data = committed;
    else if (init.data.length <= MAX_CONSTANT_SIZE) constant = { data: Array.from(init.data) };
    else return ctx.unsupported(`constant data of ${init.data.length} entries (at most ${MAX_CONSTANT_SIZE} uncommitted entries are carried in the plan)`);
  }
  const owner = sharedOneHotOwner(ctx, n);
  if (owner !== node.name) return { node: node.name, op: node.op, kind: plan.kind, handler: "int-gather", outputs: [y], spec, data, index, ...(constant ? { constant } : {}), onehot: `${owner}:onehot`, column: null };
  ctx.table(BIT_TABLE);
  const g = intGatherGeometry(spec);
  const onehot = ctx.advice("onehot", [k, n]);
  const column = ctx.arenaColumn(rangeTableId(1), g.h.numVars, `${node.name}:onehot`);
  return { node: node.name, op: node.op, kind: plan.kind, handler: "int-gather", outputs: [y], spec, data, index, ...(constant ? { constant } : {}), onehot, column };
}

/**
 * The first node, in graph order, that is a runtime gather at this node's index tensor over a gathered axis of
 * length n (token-embedding lookups aside): its one-hot H serves every such node (tree traversals gather child ids and thresholds at one index).
 */
function sharedOneHotOwner(ctx: CompileContext, n: number): string {
  const { model, node } = ctx;
  for (const other of model.graph.nodes) {
    if (other.inputs[1] !== node.inputs[1] || !isRuntimeGather({ node: other, model })) continue;
    // A token-embedding lookup at the same index declares no one-hot H.
    const plan = model.plans.get(other.name);
    if (plan && isEmbeddingLookup({ ...ctx, node: other, plan })) continue;
    const shape = model.graph.values.get(other.inputs[0])?.shape ?? [];
    const a = attrInt(other, "axis", 0);
    if (shape[a < 0 ? a + shape.length : a] === n) return other.name;
  }
  return node.name;
}

function scratchKey(step: IntGatherNodeStep): string {
  return `int-gather:${step.node}`;
}

/** The MatMul view: X = H [K, n], W = D [n, R]. */
function matmulSpec(spec: IntGatherSpec): MatMulSpec {
  return { x: [spec.k, spec.n], w: [spec.n, spec.r] };
}

/** The data tensor's values (the constant carried in the step, or the trace's). */
function dataValues(step: IntGatherNodeStep, ctx: { value(name: string): { data: ArrayLike<number> } }): ArrayLike<number> {
  return step.constant ? step.constant.data : ctx.value(step.data).data;
}

/** Routes the MatMul's claim on D: the verifier evaluates a carried constant, anything else goes to its owner. */
function claimData(step: IntGatherNodeStep, ctx: ProveContext | VerifyContext, claim: Claim): void {
  const point = reshapePoint(step.spec.data, [step.spec.n, step.spec.r], claim.point);
  if (step.constant) {
    if (evaluateTensor(layoutOf(step.spec.data), step.constant.data, point) !== claim.value) throw new LayerProofError(`${step.op} "${step.node}": the constant data's value is wrong`);
    return;
  }
  ctx.claim(step.data, { point, value: claim.value });
}

export const intGatherHandler: StepHandler<IntGatherNodeStep> = {
  witness(step, ctx) {
    const { spec } = step;
    const idx = ctx.value(step.index).data;
    let h: bigint[];
    try {
      h = oneHotTable(spec, idx);
    } catch (e) {
      if (e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    if (!ctx.unsafe) {
      const d = dataValues(step, ctx);
      const y = ctx.value(step.outputs[0]).data;
      for (let kk = 0; kk < spec.k; kk++) {
        for (let t = 0; t < spec.r; t++) {
          if (y[kk * spec.r + t] !== d[idx[kk] * spec.r + t]) throw new ProverInputError(`trace: node ${step.node}: output [${kk * spec.r + t}] is not the gathered value`);
        }
      }
    }
    if (step.column === null) return; // H is the owner's (same index tensor)
    ctx.setAdvice(step.onehot, h);
    ctx.setColumn(step.column, [h]);
    ctx.scratch.set(scratchKey(step), h);
  },
  prove(step, ctx) {
    const h = ctx.scratch.get(scratchKey(step)) as bigint[] | undefined;
    if (!h && step.column !== null) throw new RangeError(`int-gather "${step.node}": no witness (the witness phase did not run)`);
    const { spec } = step;
    const claims = ctx.take(step.outputs[0]);
    if (claims.length > 0) {
      const merged = proveMergedClaim(ctx, step.outputs[0], spec.out, claims);
      const hTensor = { shape: [spec.k, spec.n], data: oneHotInts(spec, ctx.value(step.index).data) };
      const dTensor = { shape: [spec.n, spec.r], data: dataValues(step, ctx) };
      const claim = { point: reshapePoint([spec.k, spec.r], spec.out, merged.point), value: merged.value };
      const mm = proveMatMul({ spec: matmulSpec(spec), x: hTensor, w: dTensor, claim, transcript: ctx.transcript });
      ctx.writer.sumcheck(mm.proof.sumcheck);
      ctx.writer.scalars([mm.proof.xValue, mm.proof.wValue]);
      ctx.claimAdvice(step.onehot, mm.claims.x);
      claimData(step, ctx, mm.claims.w);
    }
    if (step.column === null) return;
    const rows = rowsProlog(step, ctx, step.column);
    const { proof, claims: out } = proveOneHotRows({ spec, hTable: h!, index: ctx.value(step.index).data, rhoK: rows, transcript: ctx.transcript });
    ctx.writer.scalar(proof.index);
    ctx.writer.sumcheck(proof.sumcheck);
    ctx.writer.scalar(proof.h);
    ctx.claimAdvice(step.onehot, out.h);
    ctx.claim(step.index, out.index);
  },
  verify(step, ctx) {
    const { spec } = step;
    const what = `${step.op} "${step.node}"`;
    const g = intGatherGeometry(spec);
    const claims = ctx.take(step.outputs[0]);
    if (claims.length > 0) {
      const merged = verifyMergedClaim(ctx, spec.out, claims, what);
      const claim = { point: reshapePoint([spec.k, spec.r], spec.out, merged.point), value: merged.value };
      const sumcheck = ctx.reader.sumcheck(g.jVars, 2, `${what}: selection`);
      const [xValue, wValue] = ctx.reader.scalars(2, `${what}: H, D`);
      const mm = verifyMatMul({ spec: matmulSpec(spec), claim, proof: { biasValue: null, sumcheck, xValue, wValue }, transcript: ctx.transcript });
      ctx.claimAdvice(step.onehot, mm.x);
      claimData(step, ctx, mm.w);
    }
    if (step.column === null) return;
    const rows = rowsProlog(step, ctx, step.column);
    const index = ctx.reader.scalar(`${what}: index value`);
    const sumcheck = ctx.reader.sumcheck(g.jVars, 2, `${what}: one-hot rows`);
    const h = ctx.reader.scalar(`${what}: one-hot value`);
    const out = verifyOneHotRows({ spec, rhoK: rows, proof: { index, sumcheck, h }, transcript: ctx.transcript });
    ctx.claimAdvice(step.onehot, out.h);
    ctx.claim(step.index, out.index);
  },
};

/** The arena's claim on H → an opening of A; returns ρ_K (the K-part of the arena's point). */
function rowsProlog(step: IntGatherNodeStep, ctx: ProveContext | VerifyContext, column: number): bigint[] {
  const c = ctx.arenaColumn(column);
  ctx.claimAdvice(step.onehot, { point: c.point, value: c.values[0] });
  const { jVars } = intGatherGeometry(step.spec);
  return c.point.slice(jVars);
}

/** H as row-major integers [K, n] (the MatMul prover's X). */
function oneHotInts(spec: IntGatherSpec, index: ArrayLike<number>): number[] {
  const out = new Array<number>(spec.k * spec.n).fill(0);
  for (let k = 0; k < spec.k; k++) out[k * spec.n + index[k]] = 1;
  return out;
}
