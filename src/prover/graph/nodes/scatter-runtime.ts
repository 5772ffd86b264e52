/**
 * ScatterElements (along the last non-unit axis) and ScatterND (one index coordinate into a rank-1 tensor) at
 * RUNTIME indices, reduction "none" (kind `movement`; relation and IOP: ../../layers/scatter.ts). Views: data /
 * output [R, n], indices / updates [R, m] — the graph's shapes with at most one non-unit axis before the scatter
 * axis and only unit axes after it, so every view has the graph tensor's own MLE variables.
 *
 * Advice (A): `onehot` S [R, m, n] and `hit` T [R, n], each an arena column on `range:1`. Walk: the arena's claims
 * on S and T → A; with claims on Y (merged): the prover sends D~(r), (T⊙D)~(r), (Σ_j S·U)~(r)
 * (`absorb("scatter.parts")`), the verifier checks v = D − T⊙D + Σ S·U; the claim on D; the Hadamard IOP of T and D;
 * the update sum-check (→ S, U); then (T) and (O) (→ T, S, I); then the rescaled inputs' requantizations.
 * Stream: [merge], 3, [Hadamard: sum-check (n_Y × 3), 2], [sum-check (n_cube × 3), 2], 1, 1, sum-check (n_Y × 3), 1,
 * requants. A constant data or updates input is a committed weight (`<value>@<node>`, float) or, for an integer
 * constant (uncommitted), carried in the step (≤ 4096 entries) and evaluated by the verifier.
 */
import * as Fr from "../../../field/fr";
import { isFloatType } from "../../../model/ir";
import { attrInt } from "../../../model/ops/types";
import { LayerProofError, type Claim } from "../../claims";
import { proveHadamard, verifyHadamard } from "../../layers/elementwise";
import { proveShape, proveUpdates, SCATTER_DEGREE, SCATTER_LABELS, scatterGeometry, ScatterIndexError, scatterWitness, verifyShape, verifyUpdates, type ScatterSpec, type ScatterWitness } from "../../layers/scatter";
import { evaluateTensor, layoutOf, LayoutError, type IntTensor } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStepBase } from "../plan";
import { rangeTableDef, rangeTableId } from "../tables";
import { proveRescale, rescaledInput, verifyRescale, witnessRescale, type CopiedInput } from "./copied-input";
import { MAX_CONSTANT_SIZE } from "./exact";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import type { CompileContext, ProveContext, StepHandler, VerifyContext, WalkContext } from "./types";

/** A copied input: a tensor of the proof (activation, rescaled copy, committed weight) or a carried constant. */
export type ScatterOperand =
  | ({ readonly kind: "tensor" } & CopiedInput)
  | { readonly kind: "constant"; readonly data: readonly number[] };

/** A runtime-index scatter step. */
export type RuntimeScatterNodeStep = NodeStepBase & {
  readonly handler: "scatter-runtime";
  readonly spec: ScatterSpec;
  readonly data: ScatterOperand;
  readonly updates: ScatterOperand;
  readonly indices: string;
  readonly advice: { readonly onehot: string; readonly hit: string };
  readonly columns: { readonly onehot: number; readonly hit: number };
};

/** The [R, n] view of `shape` scattered along `axis`, or null when it is not an aligned view. */
function viewOf(shape: readonly number[], axis: number): [number, number] | null {
  const lead = shape.slice(0, axis);
  if (shape.slice(axis + 1).some((d) => d !== 1) || lead.filter((d) => d !== 1).length > 1) return null;
  return [lead.reduce((p, d) => p * d, 1), shape[axis]];
}

export function compileRuntimeScatter(ctx: CompileContext): RuntimeScatterNodeStep {
  const { node, plan, model } = ctx;
  const [dataName, indexName] = node.inputs;
  const dataShape = model.graph.values.get(dataName)?.shape ?? model.graph.initializers.get(dataName)!.shape;
  let axis: number;
  let indexShape = ctx.shape(indexName);
  if (node.op === "ScatterND") {
    if (dataShape.length !== 1 || indexShape[indexShape.length - 1] !== 1) return ctx.unsupported("ScatterND at runtime indices is proved for one index coordinate into a rank-1 tensor");
    axis = 0;
    indexShape = indexShape.slice(0, -1);
  } else {
    axis = attrInt(node, "axis", 0);
    if (axis < 0) axis += dataShape.length;
  }
  if (isFloatType(model.graph.values.get(indexName)!.dtype)) return ctx.unsupported(`the indices "${indexName}" are float-typed`);
  const dv = viewOf(dataShape, axis);
  const iv = node.op === "ScatterND" ? ([1, indexShape.reduce((p, d) => p * d, 1)] as [number, number]) : viewOf(indexShape, axis);
  // ScatterElements: the indices' leading axes must be the data's (ONNX allows smaller ones: other rows).
  const sameLead = node.op === "ScatterND" || indexShape.slice(0, axis).join(",") === dataShape.slice(0, axis).join(",");
  if (!dv || !iv || !sameLead || (node.op === "ScatterND" && dv[0] !== 1)) return ctx.unsupported("the scatter's shapes are not a row view [R, n] / [R, m] along the last non-unit axis");
  const spec: ScatterSpec = { rows: dv[0], cols: dv[1], m: iv[1] };
  const operand = (j: number): ScatterOperand => {
    const value = node.inputs[j];
    const constant = model.graph.initializers.get(value);
    if (constant) {
      const committed = `${value}@${node.name}`;
      if (ctx.isWeight(committed)) return { kind: "tensor", tensor: committed, rescale: null };
      if (isFloatType(constant.dtype)) return ctx.unsupported(`constant input "${value}" is not committed`);
      if (constant.data.length > MAX_CONSTANT_SIZE) return ctx.unsupported(`constant input "${value}" of ${constant.data.length} entries (at most ${MAX_CONSTANT_SIZE} are carried in the plan)`);
      return { kind: "constant", data: Array.from(constant.data) };
    }
    const rescaled = rescaledInput(ctx, j);
    return rescaled ? { kind: "tensor", tensor: rescaled.tensor, rescale: rescaled.rescale } : { kind: "tensor", tensor: value, rescale: null };
  };
  let geo;
  try {
    geo = scatterGeometry(spec);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  const bit = rangeTableDef(1);
  ctx.table(bit);
  const advice = { onehot: ctx.advice("onehot", [spec.rows, spec.m, spec.cols]), hit: ctx.advice("hit", [spec.rows, spec.cols]) };
  const columns = { onehot: ctx.arenaColumn(rangeTableId(1), geo.cube.numVars, `${node.name}:onehot`), hit: ctx.arenaColumn(rangeTableId(1), geo.data.numVars, `${node.name}:hit`) };
  return { node: node.name, op: node.op, kind: plan.kind, handler: "scatter-runtime", outputs: [node.outputs[0]], spec, data: operand(0), updates: operand(2), indices: indexName, advice, columns };
}

function scratchKey(step: RuntimeScatterNodeStep): string {
  return `scatter-runtime:${step.node}`;
}

/** An operand's integers in its view (rescaled copies as the witness phase set them). */
function operandValue(ctx: { value(name: string): IntTensor }, op: ScatterOperand): ArrayLike<number> {
  return op.kind === "constant" ? op.data : ctx.value(op.tensor).data;
}

export const runtimeScatterHandler: StepHandler<RuntimeScatterNodeStep> = {
  witness(step, ctx) {
    for (const op of [step.data, step.updates]) if (op.kind === "tensor") witnessRescale(op, ctx);
    let w: ScatterWitness;
    try {
      w = scatterWitness(step.spec, ctx.value(step.indices).data, ctx.unsafe);
    } catch (e) {
      if (e instanceof ScatterIndexError || e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    ctx.setAdvice(step.advice.onehot, w.onehot);
    ctx.setAdvice(step.advice.hit, w.hit);
    ctx.setColumn(step.columns.onehot, [w.onehot]);
    ctx.setColumn(step.columns.hit, [w.hit]);
    ctx.scratch.set(scratchKey(step), w);
  },
  prove(step, ctx) {
    const w = ctx.scratch.get(scratchKey(step)) as ScatterWitness | undefined;
    if (!w) throw new RangeError(`scatter "${step.node}": no witness (the witness phase did not run)`);
    arenaClaims(step, ctx);
    walk(step, ctx, null, w);
    for (const op of [step.data, step.updates]) if (op.kind === "tensor") proveRescale(op, ctx);
  },
  verify(step, ctx) {
    arenaClaims(step, ctx);
    walk(step, null, ctx, null);
    for (const op of [step.data, step.updates]) if (op.kind === "tensor") verifyRescale(op, ctx);
  },
};

function arenaClaims(step: RuntimeScatterNodeStep, ctx: WalkContext): void {
  for (const [col, slot] of [
    [step.columns.onehot, step.advice.onehot],
    [step.columns.hit, step.advice.hit],
  ] as const) {
    const c = ctx.arenaColumn(col);
    ctx.claimAdvice(slot, { point: c.point, value: c.values[0] });
  }
}

/** A claim on a copied input: to the tensor's producer / W, or checked against the carried constant. */
function claimOperand(step: RuntimeScatterNodeStep, op: ScatterOperand, shape: readonly number[], claim: Claim, ctx: WalkContext): void {
  if (op.kind === "tensor") return ctx.claim(op.tensor, claim);
  if (evaluateTensor(layoutOf(shape), op.data, claim.point) !== claim.value) throw new LayerProofError(`scatter "${step.node}": the constant input's value is wrong`);
}

function walk(step: RuntimeScatterNodeStep, p: ProveContext | null, v: VerifyContext | null, w: ScatterWitness | null): void {
  const ctx = (p ?? v)!;
  const { spec } = step;
  const geo = scatterGeometry(spec);
  const dataShape = [spec.rows, spec.cols];
  const indexShape = [spec.rows, spec.m];
  const what = `scatter "${step.node}"`;
  const claims = ctx.take(step.outputs[0]);
  if (claims.length > 0) {
    const claim = p ? proveMergedClaim(p, step.outputs[0], dataShape, claims) : verifyMergedClaim(v!, dataShape, claims, what);
    let parts: bigint[];
    let hitData: number[] = [];
    if (p) {
      const d = operandValue(p, step.data);
      hitData = Array.from({ length: spec.rows * spec.cols }, () => 0);
      const idx = p.value(step.indices).data;
      for (let r = 0; r < spec.rows; r++) for (let j = 0; j < spec.m; j++) {
        const c = idx[r * spec.m + j];
        if (Number.isInteger(c) && c >= 0 && c < spec.cols) hitData[r * spec.cols + c] += 1;
      }
      const layout = layoutOf(dataShape);
      const dv = evaluateTensor(layout, d, claim.point);
      const pv = evaluateTensor(layout, Array.from(d, (x, i) => x * hitData[i]), claim.point);
      const yv = evaluateTensor(layout, p.value(step.outputs[0]).data, claim.point);
      // q from the relation on the trace's values (a dishonest trace makes the update sum-check's claim false).
      parts = [dv, pv, Fr.add(Fr.sub(yv, dv), pv)];
      p.writer.scalars(parts);
    } else parts = v!.reader.scalars(3, `${what}: parts`);
    ctx.transcript.absorbScalars(SCATTER_LABELS.parts, parts);
    const [dv, pv, qv] = parts;
    if (v && Fr.add(Fr.sub(dv, pv), qv) !== claim.value) throw new LayerProofError(`${what}: D − T⊙D + Σ S·U is not the claimed output`);
    claimOperand(step, step.data, dataShape, { point: claim.point, value: dv }, ctx);
    const part = { point: claim.point, value: pv };
    if (p) {
      const r = proveHadamard({ outShape: dataShape, a: { shape: dataShape, data: hitData }, b: { shape: dataShape, data: operandValue(p, step.data) }, claim: part, transcript: p.transcript });
      p.writer.sumcheck(r.proof.sumcheck);
      p.writer.scalars([r.proof.aValue, r.proof.bValue]);
      p.claimAdvice(step.advice.hit, r.claims.a);
      claimOperand(step, step.data, dataShape, r.claims.b, p);
      const u = proveUpdates(spec, w!, { shape: indexShape, data: operandValue(p, step.updates) }, claim.point, qv, p.transcript);
      p.writer.sumcheck(u.sumcheck);
      p.writer.scalars(u.evals);
      p.claimAdvice(step.advice.onehot, u.claims.onehot);
      claimOperand(step, step.updates, indexShape, u.claims.updates, p);
    } else {
      const sumcheck = v!.reader.sumcheck(geo.data.numVars, 3, `${what} hit⊙data`);
      const [aValue, bValue] = v!.reader.scalars(2, `${what}: hit, data`);
      let r;
      try {
        r = verifyHadamard({ outShape: dataShape, aShape: dataShape, bShape: dataShape, claim: part, proof: { sumcheck, aValue, bValue }, transcript: v!.transcript });
      } catch (e) {
        if (e instanceof LayerProofError) throw new LayerProofError(`${what}: ${e.message}`);
        throw e;
      }
      v!.claimAdvice(step.advice.hit, r.a);
      claimOperand(step, step.data, dataShape, r.b, v!);
      const uSum = v!.reader.sumcheck(geo.cube.numVars, SCATTER_DEGREE, `${what} updates`);
      const evals = v!.reader.scalars(2, `${what}: onehot, updates`) as [bigint, bigint];
      const u = verifyUpdates(spec, claim.point, qv, uSum, evals, v!.transcript);
      v!.claimAdvice(step.advice.onehot, u.onehot);
      claimOperand(step, step.updates, indexShape, u.updates, v!);
    }
  }
  let shape;
  if (p) {
    const s = proveShape(spec, w!, { shape: indexShape, data: p.value(step.indices).data }, p.transcript);
    p.writer.scalars([s.hit, s.rowsIndex]);
    p.writer.sumcheck(s.rowsSumcheck);
    p.writer.scalar(s.rowsEval);
    shape = s.claims;
  } else {
    const [hit, rowsIndex] = v!.reader.scalars(2, `${what}: hit, index`);
    const rowsSumcheck = v!.reader.sumcheck(geo.data.numVars, SCATTER_DEGREE, `${what} rows`);
    const rowsEval = v!.reader.scalar(`${what}: onehot`);
    shape = verifyShape(spec, { hit, rowsIndex, rowsSumcheck, rowsEval }, v!.transcript);
  }
  ctx.claimAdvice(step.advice.hit, shape.hit);
  for (const c of shape.onehot) ctx.claimAdvice(step.advice.onehot, c);
  ctx.claim(step.indices, shape.index);
}
