/**
 * Gather, GatherElements and GatherND at a RUNTIME index tensor: one-hot selection (../../layers/int-gather.ts;
 * docs/prover.md, "Integer kinds for the tree models"). Three forms (./int-gather-forms.ts): narrow (Gather, and
 * GatherElements whose non-gathered axes all have size 1), elements (GatherElements over wide data axes: the
 * selection sum-check of ../../layers/int-gather-elements.ts), nd (GatherND: C index components over the padded
 * coordinate space, ../../layers/int-gather-nd.ts). The data is a
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
import { intGatherGeometry, proveRows, verifyRows, type IntGatherSpec } from "../../layers/int-gather";
import { gatherElementsGeometry, proveGatherElements, verifyGatherElements } from "../../layers/int-gather-elements";
import { gatherNdGeometry, ndDataPoint, paddedColumns } from "../../layers/int-gather-nd";
import { proveMatMul, verifyMatMul, type MatMulSpec } from "../../layers/matmul";
import { evaluateTensor, LayoutError, layoutOf, reshapePoint } from "../../tensor";
import { elementsSpec, gatheredPositions, indexComponents, indexPoints, matrixOfTable, ndGeometry, oneHotMatrix, oneHotShape, oneHotTableOf, rowsView, tracedOneHot } from "./int-gather-forms";
import { ProverInputError } from "../errors";
import type { NodeStep, NodeStepBase } from "../plan";
import { rangeTableDef, rangeTableId } from "../tables";
import { MAX_CONSTANT_SIZE } from "./exact";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import { isEmbeddingLookup } from "./gather-embedding";
import { compileIntegerMove, provesIntegerMovement } from "./int-move";
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
  /**
   * Wide GatherElements (a non-gathered data axis larger than 1): the gathered axis. H is [...index, n]
   * (spec.k = the index count, spec.r = 1) and the selection is the sum-check of ../../layers/int-gather-elements.ts.
   */
  readonly elements?: { readonly axis: number };
  /**
   * GatherND (batch_dims 0): the data dims d_0 … d_{C−1} the C index components address. spec.n = n′ (the padded
   * column count), spec.k = K, spec.r = R; H is [K, n′] (../../layers/int-gather-nd.ts).
   */
  readonly nd?: { readonly dims: readonly number[] };
};

/** True when node is a Gather / GatherElements / GatherND whose index input is not a constant (proved here). */
export function isRuntimeGather(ctx: Pick<CompileContext, "node" | "model">): boolean {
  const { node, model } = ctx;
  return (node.op === "Gather" || node.op === "GatherElements" || node.op === "GatherND") && node.inputs[1] !== undefined && node.inputs[1] !== "" && !model.graph.initializers.has(node.inputs[1]);
}

/** True when a runtime gather is of the narrow form (Gather, or GatherElements with size-1 non-gathered data axes): the only form that shares H. */
function isNarrow(node: CompileContext["node"], dataShape: readonly number[]): boolean {
  if (node.op === "Gather") return true;
  if (node.op !== "GatherElements") return false;
  const a = attrInt(node, "axis", 0);
  const axis = a < 0 ? a + dataShape.length : a;
  return dataShape.every((d, t) => t === axis || d === 1);
}

/**
 * Kind `movement`: a Gather at a runtime index here, an integer Concat / Slice to ./int-move.ts, everything else to
 * the movement compilers. A token embedding
 * (a committed weight table at runtime indices) keeps its own lookup kind (./gather-embedding.ts), which is
 * cheaper and has an on-chain twin.
 */
export const compileMovementWithRuntimeGather: NodeCompiler = (ctx): NodeStep => {
  if (isRuntimeGather(ctx) && !isEmbeddingLookup(ctx)) return compileIntGather(ctx);
  // Integer Concat / Slice (exact re-indexings; a Concat with carried integer constants): ./int-move.ts.
  return provesIntegerMovement(ctx, ctx.plan.kind) ? compileIntegerMove(ctx) : compileMovementWithSplit(ctx);
};

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
  const k = idxShape.reduce((p, d) => p * d, 1);
  let spec: IntGatherSpec;
  let form: Pick<IntGatherNodeStep, "elements" | "nd"> = {};
  try {
    if (node.op === "GatherND") {
      const batchDims = attrInt(node, "batch_dims", 0);
      if (batchDims !== 0) return ctx.unsupported(`GatherND with batch_dims ${batchDims} (only 0 is proved)`);
      const geo = gatherNdGeometry(dataShape, idxShape, out);
      spec = { data: dataShape, index: idxShape, out, n: geo.n, k: geo.k, r: geo.r };
      form = { nd: { dims: [...geo.dims] } };
    } else if (!isNarrow(node, dataShape)) {
      // GatherElements over wide data axes: one-hot rows over the gathered axis, the other axes by the selection sum-check.
      gatherElementsGeometry({ data: dataShape, index: idxShape, axis });
      spec = { data: dataShape, index: idxShape, out, n: dataShape[axis], k, r: 1 };
      form = { elements: { axis } };
    } else {
      // GatherElements equals Gather of the flattened indices when every other data axis has size 1.
      if (dataShape.slice(0, axis).some((d) => d !== 1)) return ctx.unsupported("a runtime gather with leading data axes larger than 1");
      const r = dataShape.slice(axis + 1).reduce((p, d) => p * d, 1);
      spec = { data: dataShape, index: idxShape, out, n: dataShape[axis], k, r: node.op === "GatherElements" ? 1 : r };
      intGatherGeometry(spec);
    }
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  const n = spec.n;
  const init = model.graph.initializers.get(dataName);
  let data = dataName;
  let constant: IntGatherNodeStep["constant"];
  if (init) {
    const committed = `${dataName}@${node.name}`;
    if (ctx.isWeight(committed)) data = committed;
    else if (init.data.length <= MAX_CONSTANT_SIZE) constant = { data: Array.from(init.data) };
    else return ctx.unsupported(`constant data of ${init.data.length} entries (at most ${MAX_CONSTANT_SIZE} uncommitted entries are carried in the plan)`);
  }
  const owner = form.elements || form.nd ? node.name : sharedOneHotOwner(ctx, n);
  if (owner !== node.name) return { node: node.name, op: node.op, kind: plan.kind, handler: "int-gather", outputs: [y], spec, data, index, ...(constant ? { constant } : {}), onehot: `${owner}:onehot`, column: null };
  ctx.table(BIT_TABLE);
  const shape = oneHotShape({ spec, ...form });
  const onehot = ctx.advice("onehot", shape);
  const column = ctx.arenaColumn(rangeTableId(1), layoutOf(shape).numVars, `${node.name}:onehot`);
  return { node: node.name, op: node.op, kind: plan.kind, handler: "int-gather", outputs: [y], spec, data, index, ...(constant ? { constant } : {}), onehot, column, ...form };
}

/**
 * The first node, in graph order, that is a runtime gather at this node's index tensor over a gathered axis of
 * length n (token-embedding lookups aside): its one-hot H serves every such node (tree traversals gather child ids and thresholds at one index).
 */
function sharedOneHotOwner(ctx: CompileContext, n: number): string {
  const { model, node } = ctx;
  for (const other of model.graph.nodes) {
    if (other.inputs[1] !== node.inputs[1] || !isRuntimeGather({ node: other, model })) continue;
    // Only the narrow form shares H (a wide GatherElements or a GatherND owns its own).
    if (!isNarrow(other, model.graph.values.get(other.inputs[0])?.shape ?? [])) continue;
    // A token-embedding lookup at the same index declares no one-hot H.
    const plan = model.plans.get(other.name);
    if (plan && isEmbeddingLookup({ ...ctx, node: other, plan })) continue;
    const shape = model.graph.values.get(other.inputs[0])?.shape ?? [];
    const a = attrInt(other, "axis", 0);
    if (shape[a < 0 ? a + shape.length : a] === n) return other.name;
  }
  return node.name;
}

/** What the witness phase leaves for the prove phase: H's table and whether it is the unsafe hook's. */
interface Witness {
  readonly h: bigint[];
  readonly unsafe: boolean;
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

/** The MatMul's W: D as [n, R] (narrow), or D′ [n′, R] with zeros at the coordinates' padding (nd). */
function matmulData(step: IntGatherNodeStep, ctx: { value(name: string): { data: ArrayLike<number> } }): ArrayLike<number> {
  return step.nd ? paddedColumns(ndGeometry(step), dataValues(step, ctx)) : dataValues(step, ctx);
}

/** Routes the MatMul's claim on D (a point on [n, R]): the verifier evaluates a carried constant, anything else goes to its owner. */
function claimMatmulData(step: IntGatherNodeStep, ctx: ProveContext | VerifyContext, claim: Claim): void {
  const point = step.nd ? ndDataPoint(ndGeometry(step), claim.point) : reshapePoint(step.spec.data, [step.spec.n, step.spec.r], claim.point);
  claimData(step, ctx, { point, value: claim.value });
}

/** Routes a claim on D (a point on D's layout). */
function claimData(step: IntGatherNodeStep, ctx: ProveContext | VerifyContext, claim: Claim): void {
  const { point } = claim;
  if (step.constant) {
    if (evaluateTensor(layoutOf(step.spec.data), step.constant.data, point) !== claim.value) throw new LayerProofError(`${step.op} "${step.node}": the constant data's value is wrong`);
    return;
  }
  ctx.claim(step.data, { point, value: claim.value });
}

export const intGatherHandler: StepHandler<IntGatherNodeStep> = {
  witness(step, ctx) {
    const idx = ctx.value(step.index).data;
    let h: bigint[];
    try {
      h = ctx.unsafe ? tracedOneHot(step, idx, step.elements ? dataValues(step, ctx) : matmulData(step, ctx), ctx.value(step.outputs[0]).data) : oneHotTableOf(step, idx);
    } catch (e) {
      if (e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    if (!ctx.unsafe) {
      const d = dataValues(step, ctx);
      const y = ctx.value(step.outputs[0]).data;
      gatheredPositions(step, idx).forEach((at, o) => {
        if (y[o] !== d[at]) throw new ProverInputError(`trace: node ${step.node}: output [${o}] is not the gathered value`);
      });
    }
    if (step.column === null) return; // H is the owner's (same index tensor)
    ctx.setAdvice(step.onehot, h);
    ctx.setColumn(step.column, [h]);
    ctx.scratch.set(scratchKey(step), { h, unsafe: ctx.unsafe } satisfies Witness);
  },
  prove(step, ctx) {
    const w = ctx.scratch.get(scratchKey(step)) as Witness | undefined;
    const h = w?.h;
    if (!h && step.column !== null) throw new RangeError(`int-gather "${step.node}": no witness (the witness phase did not run)`);
    const { spec } = step;
    const index = ctx.value(step.index).data;
    const claims = ctx.take(step.outputs[0]);
    if (claims.length > 0) {
      const merged = proveMergedClaim(ctx, step.outputs[0], spec.out, claims);
      if (step.elements) {
        const sel = proveGatherElements({ spec: elementsSpec(step), hTable: h!, data: dataValues(step, ctx), claim: merged, transcript: ctx.transcript });
        ctx.writer.sumcheck(sel.proof.sumcheck);
        ctx.writer.scalars([sel.proof.hValue, sel.proof.dValue]);
        ctx.claimAdvice(step.onehot, sel.claims.h);
        claimData(step, ctx, sel.claims.data);
      } else {
        const hTensor = { shape: [spec.k, spec.n], data: h ? matrixOfTable(step, h) : oneHotMatrix(step, index) };
        const dTensor = { shape: [spec.n, spec.r], data: matmulData(step, ctx) };
        const claim = { point: reshapePoint([spec.k, spec.r], spec.out, merged.point), value: merged.value };
        const mm = proveMatMul({ spec: matmulSpec(spec), x: hTensor, w: dTensor, claim, transcript: ctx.transcript });
        ctx.writer.sumcheck(mm.proof.sumcheck);
        ctx.writer.scalars([mm.proof.xValue, mm.proof.wValue]);
        ctx.claimAdvice(step.onehot, mm.claims.x);
        claimMatmulData(step, ctx, mm.claims.w);
      }
    }
    if (step.column === null) return;
    const rhoK = rowsProlog(step, ctx, step.column);
    const { proof, claims: out } = proveRows({ view: rowsView(step), hTable: h!, components: indexComponents(step, index), rhoK, transcript: ctx.transcript, unsafe: w!.unsafe });
    ctx.writer.scalars(proof.indices);
    ctx.writer.sumcheck(proof.sumcheck);
    ctx.writer.scalar(proof.h);
    ctx.claimAdvice(step.onehot, out.h);
    claimIndices(step, ctx, rhoK, out.indices);
  },
  verify(step, ctx) {
    const { spec } = step;
    const what = `${step.op} "${step.node}"`;
    const view = rowsView(step);
    const colVars = view.componentBits.reduce((a, b) => a + b, 0);
    const claims = ctx.take(step.outputs[0]);
    if (claims.length > 0) {
      const merged = verifyMergedClaim(ctx, spec.out, claims, what);
      if (step.elements) {
        const sumcheck = ctx.reader.sumcheck(layoutOf(oneHotShape(step)).numVars, 3, `${what}: selection`);
        const [hValue, dValue] = ctx.reader.scalars(2, `${what}: H, D`);
        const sel = verifyGatherElements({ spec: elementsSpec(step), claim: merged, proof: { sumcheck, hValue, dValue }, transcript: ctx.transcript });
        ctx.claimAdvice(step.onehot, sel.h);
        claimData(step, ctx, sel.data);
      } else {
        const claim = { point: reshapePoint([spec.k, spec.r], spec.out, merged.point), value: merged.value };
        const sumcheck = ctx.reader.sumcheck(colVars, 2, `${what}: selection`);
        const [xValue, wValue] = ctx.reader.scalars(2, `${what}: H, D`);
        const mm = verifyMatMul({ spec: matmulSpec(spec), claim, proof: { biasValue: null, sumcheck, xValue, wValue }, transcript: ctx.transcript });
        ctx.claimAdvice(step.onehot, mm.x);
        claimMatmulData(step, ctx, mm.w);
      }
    }
    if (step.column === null) return;
    const rhoK = rowsProlog(step, ctx, step.column);
    const indices = ctx.reader.scalars(view.componentBits.length, `${what}: index value`);
    const sumcheck = ctx.reader.sumcheck(colVars, 2, `${what}: one-hot rows`);
    const h = ctx.reader.scalar(`${what}: one-hot value`);
    const out = verifyRows({ view, rhoK, proof: { indices, sumcheck, h }, transcript: ctx.transcript });
    ctx.claimAdvice(step.onehot, out.h);
    claimIndices(step, ctx, rhoK, out.indices);
  },
};

/** The arena's claim on H → an opening of A; returns ρ_K (the K-part of the arena's point). */
function rowsProlog(step: IntGatherNodeStep, ctx: ProveContext | VerifyContext, column: number): bigint[] {
  const c = ctx.arenaColumn(column);
  ctx.claimAdvice(step.onehot, { point: c.point, value: c.values[0] });
  const colVars = rowsView(step).componentBits.reduce((a, b) => a + b, 0);
  return c.point.slice(colVars);
}

/** The index components' values at ρ_K → claims on the index tensor (its producer). */
function claimIndices(step: IntGatherNodeStep, ctx: ProveContext | VerifyContext, rhoK: readonly bigint[], values: readonly bigint[]): void {
  indexPoints(step, rhoK).forEach((point, c) => ctx.claim(step.index, { point, value: values[c] }));
}
