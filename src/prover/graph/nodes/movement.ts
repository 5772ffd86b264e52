/**
 * Kind `movement`: pure copies of integers (Reshape, Flatten, Squeeze, Unsqueeze, Identity, Cast between float
 * types, Transpose, Pad, Slice, Concat, Gather of one constant index). Claims on the output become claims on the
 * inputs:
 * - Identity, Transpose, reshapes whose padded layouts line up (`reshapePoint`) and Gather of one constant index
 *   (the index's bits inserted at its axis): each claim's point is mapped, no messages;
 * - Pad, Slice, any other Reshape: the claims are merged (`layers/merge.ts`, when several) and one selector
 *   sum-check reduces the merged claim (`layers/reindex.ts`);
 * - Concat: merged the same way, then Concat's parts and one selector per input (`layers/concat.ts`).
 * When the plan rescales an input to the common scale first, the input's claims are claims on its rescaled copy
 * (tensor `<node>:rescaled<j>`) and the copy's requant turns them into claims on the input.
 *
 * Stream: [merge: sum-check (n rounds, degree 2) and the value, only when several claims at different points],
 * then the selector sum-check and x value (reindex) or the parts and every selector (concat), then each
 * rescaled input's requant in input order.
 */
import type { Node } from "../../../model/ir";
import { attrInts } from "../../../model/ops/types";
import { proveConcat, verifyConcat } from "../../layers/concat";
import { movementNode } from "../../layers/movement-spec";
import { proveReindex, verifyReindex } from "../../layers/reindex";
import { requantWitness } from "../../layers/requant-spec";
import type { Claim } from "../../claims";
import { joinPoint, layoutOf, LayoutError, reshapePoint, splitPoint, transposePoint } from "../../tensor";
import type { MovementNodeStep, PlanRequant } from "../plan";
import { proveRequantStep, requantSpec, verifyRequantStep, witnessRequant } from "./requant-step";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import type { CompileContext, ProveContext, StepHandler, VerifyContext } from "./types";

const POINT_MAPPED = new Set(["Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Cast", "CastLike"]);

export function compileMovement(ctx: CompileContext): MovementNodeStep {
  const { node, plan, model } = ctx;
  const y = node.outputs[0];
  const outShape = ctx.shape(y);
  const rescaleParams = ((plan.params as { rescale?: readonly ({ multiplier: number; shift: number } | null)[] }).rescale ?? []) as readonly ({ multiplier: number; shift: number } | null)[];
  const base = { node: node.name, op: node.op, kind: plan.kind, handler: "movement" as const, outputs: [y], outShape };
  let map: MovementNodeStep["map"];
  let inputs: string[];
  try {
    if (node.op === "Transpose") {
      const inShape = ctx.shape(node.inputs[0]);
      const perm = attrInts(node, "perm") ?? inShape.map((_, a) => inShape.length - 1 - a);
      map = { kind: "point", op: "transpose", inShape, perm: [...perm] };
      inputs = [node.inputs[0]];
    } else if (node.op === "Gather") {
      map = gatherIndex(ctx);
      inputs = [node.inputs[0]];
    } else if (POINT_MAPPED.has(node.op) && alignedReshape(ctx.shape(node.inputs[0]), outShape)) {
      map = { kind: "point", op: "reshape", inShape: ctx.shape(node.inputs[0]), perm: [] };
      inputs = [node.inputs[0]];
    } else if (node.op === "Squeeze" || node.op === "Unsqueeze" || node.op === "Identity") {
      map = { kind: "reindex", layer: { op: "reshape", spec: { x: ctx.shape(node.inputs[0]), out: outShape } } };
      inputs = [node.inputs[0]];
    } else {
      const m = movementNode(model, node.name);
      if (m.kind === "concat") {
        map = { kind: "concat", spec: m.spec };
        inputs = [...m.inputs];
      } else {
        map = { kind: "reindex", layer: m.layer };
        inputs = [m.input];
      }
    }
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  for (const v of inputs) if (model.graph.initializers.has(v)) return ctx.unsupported(`constant data input "${v}" (not committed)`);
  const rescale = inputs.map((v, j): PlanRequant | null => {
    const r = rescaleParams[dataIndex(node, v)] ?? null;
    if (r === null) return null;
    const half = 2n ** BigInt(ctx.bits - 1);
    return ctx.requant({ y: `${node.name}:rescaled${j}`, shape: ctx.shape(v), multiplier: BigInt(r.multiplier), shift: r.shift, accBound: half, tag: `rescaled${j}:` });
  });
  return { ...base, map, inputs, rescale };
}

/** Gather with one constant (scalar) index: the sub-tensor at that index of the axis. */
function gatherIndex(ctx: CompileContext): MovementNodeStep["map"] {
  const { node, model } = ctx;
  const inShape = ctx.shape(node.inputs[0]);
  const rank = inShape.length;
  const raw = node.attrs.axis?.kind === "int" ? Number(node.attrs.axis.value) : 0;
  const axis = raw < 0 ? raw + rank : raw;
  const indices = model.graph.initializers.get(node.inputs[1]);
  if (!indices) return ctx.unsupported("Gather with runtime indices");
  if (indices.shape.length !== 0) return ctx.unsupported("Gather of an index tensor (the driver covers one scalar index)");
  const i = Math.trunc(indices.data[0]);
  const index = i < 0 ? i + inShape[axis] : i;
  if (index < 0 || index >= inShape[axis]) return ctx.unsupported(`Gather index ${i} is outside axis ${axis} of size ${inShape[axis]}`);
  return { kind: "point", op: "index", inShape, axis, index };
}

/** The input point of a claim on the output of a one-index Gather. */
export function indexPoint(map: { inShape: readonly number[]; axis: number; index: number }, outShape: readonly number[], point: readonly bigint[]): bigint[] {
  const outParts = splitPoint(layoutOf(outShape), point);
  const inLayout = layoutOf(map.inShape);
  const bits = inLayout.axes[map.axis].count;
  const parts = [...outParts.slice(0, map.axis), Array.from({ length: bits }, (_, j) => BigInt((map.index >> j) & 1)), ...outParts.slice(map.axis)];
  return joinPoint(inLayout, parts);
}

/** True when `reshapePoint` maps points between the two layouts (no selector needed). */
function alignedReshape(inShape: readonly number[], outShape: readonly number[]): boolean {
  try {
    reshapePoint(inShape, outShape, new Array<bigint>(layoutOf(outShape).numVars).fill(0n));
    return true;
  } catch (e) {
    if (e instanceof LayoutError) return false;
    throw e;
  }
}

function dataIndex(node: Node, value: string): number {
  return node.inputs.indexOf(value);
}

/** The tensor the map reads for input j (its rescaled copy when rescaled). */
function source(step: MovementNodeStep, j: number): string {
  return step.rescale[j]?.y ?? step.inputs[j];
}

export const movementHandler: StepHandler<MovementNodeStep> = {
  witness(step, ctx) {
    step.rescale.forEach((r, j) => {
      if (!r) return;
      const x = ctx.value(step.inputs[j]);
      const w = requantWitness(requantSpec(r), x);
      ctx.setValue(r.y, { shape: x.shape, data: w.y.map(Number) });
      witnessRequant(r, x, { shape: x.shape, data: w.y.map(Number) }, ctx);
    });
  },
  prove(step, ctx) {
    const claims = ctx.take(step.outputs[0]);
    if (claims.length > 0) mapClaims(step, claims, ctx, null);
    rescaleWalk(step, ctx, (r) => proveRequantStep(r, ctx));
  },
  verify(step, ctx) {
    const claims = ctx.take(step.outputs[0]);
    if (claims.length > 0) mapClaims(step, claims, null, ctx);
    rescaleWalk(step, ctx, (r) => verifyRequantStep(r, ctx));
  },
};

function rescaleWalk(step: MovementNodeStep, ctx: ProveContext | VerifyContext, run: (r: PlanRequant) => Claim): void {
  step.rescale.forEach((r, j) => {
    if (r) ctx.claim(step.inputs[j], run(r));
  });
}

/** Maps the output claims to claims on the (rescaled) inputs, proving (p) or verifying (v). */
function mapClaims(step: MovementNodeStep, claims: Claim[], p: ProveContext | null, v: VerifyContext | null): void {
  const ctx = (p ?? v)!;
  const { map } = step;
  if (map.kind === "point") {
    for (const c of claims) {
      const point =
        map.op === "transpose" ? transposePoint(layoutOf(map.inShape), map.perm, c.point) : map.op === "index" ? indexPoint(map, step.outShape, c.point) : reshapePoint(map.inShape, step.outShape, c.point);
      ctx.claim(source(step, 0), { point, value: c.value });
    }
    return;
  }
  const claim = p ? proveMergedClaim(p, step.outputs[0], step.outShape, claims) : verifyMergedClaim(v!, step.outShape, claims, step.op);
  if (map.kind === "reindex") {
    if (p) {
      const r = proveReindex({ layer: map.layer, x: p.value(source(step, 0)), claim, transcript: p.transcript });
      p.writer.sumcheck(r.proof.sumcheck);
      p.writer.scalar(r.proof.xValue);
      p.claim(source(step, 0), r.claim);
    } else {
      const reader = v!.reader;
      const proof = { sumcheck: reader.sumcheck(layoutOf(map.layer.spec.x).numVars, 2, map.layer.op), xValue: reader.scalar(`${map.layer.op} x value`) };
      v!.claim(source(step, 0), verifyReindex({ layer: map.layer, claim, proof, transcript: v!.transcript }));
    }
    return;
  }
  if (p) {
    const r = proveConcat({ spec: map.spec, inputs: step.inputs.map((_, j) => p.value(source(step, j))), claim, transcript: p.transcript });
    p.writer.scalars(r.proof.parts);
    for (const s of r.proof.inputs) {
      p.writer.sumcheck(s.sumcheck);
      p.writer.scalar(s.xValue);
    }
    r.claims.forEach((c, j) => p.claim(source(step, j), c));
  } else {
    const reader = v!.reader;
    const k = map.spec.inShapes.length;
    const parts = reader.scalars(k - 1, "concat parts");
    const inputs = map.spec.inShapes.map((s, j) => ({ sumcheck: reader.sumcheck(layoutOf(s).numVars, 2, `concat input ${j}`), xValue: reader.scalar(`concat input ${j} x value`) }));
    verifyConcat({ spec: map.spec, claim, proof: { parts, inputs }, transcript: v!.transcript }).forEach((c, j) => v!.claim(source(step, j), c));
  }
}
