/**
 * Split (kind `movement`, several outputs): output j is the slice [start_j, start_j + d_j) of the input along
 * `axis`. Claims on each output, in output order, become claims on the input:
 * - aligned part (d_j a power of two and start_j a multiple of d_j): the output is the input's sub-cube where
 *   the axis' high bits equal start_j / d_j, so each claim's point gets those bits inserted (no messages);
 * - any other part: the claims are merged (`layers/merge.ts`, when several at different points) and one Slice
 *   selector sum-check reduces the merged claim (`layers/reindex.ts`).
 * Stream, per output with claims: [merge sum-check and value], [selector sum-check, x value] (unaligned only).
 *
 * The registry's `movement` entry is {@link compileMovementWithSplit}: Split here, every other movement to
 * ./movement-kind.ts.
 */
import { normAxis } from "../../../model/kernels/util";
import { attrInt } from "../../../model/ops/types";
import type { Claim } from "../../claims";
import { proveReindex, verifyReindex, type ReindexSpec } from "../../layers/reindex";
import { joinPoint, layoutOf, splitPoint } from "../../tensor";
import type { NodeStep, NodeStepBase } from "../plan";
import { proveMergedClaim, verifyMergedClaim } from "./merge-claims";
import { compileMovementKind } from "./movement-kind";
import type { CompileContext, NodeCompiler, ProveContext, StepHandler, VerifyContext } from "./types";

/** One output of a Split: its shape, where it starts on the axis, and its Slice layer when not aligned. */
export interface SplitPart {
  readonly shape: readonly number[];
  readonly start: number;
  /** null: aligned (a point map); else the Slice re-indexing of the input. */
  readonly slice: ReindexSpec | null;
}

/** A Split step. */
export type SplitNodeStep = NodeStepBase & {
  readonly handler: "split";
  readonly x: string;
  readonly inShape: readonly number[];
  readonly axis: number;
  /** One per entry of `outputs`. */
  readonly parts: readonly SplitPart[];
};

/** Kind `movement`: Split here, everything else to the session-2 router. */
export const compileMovementWithSplit: NodeCompiler = (ctx): NodeStep => (ctx.node.op === "Split" ? compileSplit(ctx) : compileMovementKind(ctx));

export function compileSplit(ctx: CompileContext): SplitNodeStep {
  const { node, plan, model } = ctx;
  const x = node.inputs[0];
  if (model.graph.initializers.has(x)) return ctx.unsupported(`constant data input "${x}" (not committed)`);
  const rescale = ((plan.params as { rescale?: readonly unknown[] }).rescale ?? []).some((r) => r !== null && r !== undefined);
  if (rescale) return ctx.unsupported("the plan rescales its input");
  const inShape = ctx.shape(x);
  const axis = normAxis(attrInt(node, "axis", 0), inShape.length, node);
  const parts: SplitPart[] = [];
  let start = 0;
  for (const o of node.outputs) {
    if (o === "") return ctx.unsupported("an unnamed Split output");
    const shape = ctx.shape(o);
    if (shape.length !== inShape.length || shape.some((d, a) => a !== axis && d !== inShape[a])) return ctx.unsupported(`output "${o}" is not a slice of the input along axis ${axis}`);
    const d = shape[axis];
    const aligned = d > 0 && (d & (d - 1)) === 0 && start % d === 0;
    const slice: ReindexSpec | null = aligned
      ? null
      : { op: "slice", spec: { x: inShape, starts: inShape.map((_, a) => (a === axis ? start : 0)), steps: inShape.map(() => 1), out: shape } };
    parts.push({ shape, start, slice });
    start += d;
  }
  if (start !== inShape[axis]) return ctx.unsupported(`the outputs cover ${start} of the ${inShape[axis]} entries of axis ${axis}`);
  return { node: node.name, op: node.op, kind: plan.kind, handler: "split", outputs: [...node.outputs], x, inShape, axis, parts };
}

/** The input point of a claim on an aligned part: the axis' high bits set to start / d. */
export function alignedPoint(step: SplitNodeStep, part: SplitPart, point: readonly bigint[]): bigint[] {
  const inLayout = layoutOf(step.inShape);
  const parts = splitPoint(layoutOf(part.shape), point);
  const low = parts[step.axis].length;
  const block = part.start / part.shape[step.axis];
  const high = Array.from({ length: inLayout.axes[step.axis].count - low }, (_, j) => BigInt((block >> j) & 1));
  parts[step.axis] = [...parts[step.axis], ...high];
  return joinPoint(inLayout, parts);
}

export const splitHandler: StepHandler<SplitNodeStep> = {
  witness() {
    // A copy: no advice, no lookups.
  },
  prove(step, ctx) {
    walk(step, ctx, null);
  },
  verify(step, ctx) {
    walk(step, null, ctx);
  },
};

function walk(step: SplitNodeStep, p: ProveContext | null, v: VerifyContext | null): void {
  const ctx = (p ?? v)!;
  step.parts.forEach((part, j) => {
    const name = step.outputs[j];
    const claims = ctx.take(name);
    if (claims.length === 0) return;
    if (part.slice === null) {
      for (const c of claims) ctx.claim(step.x, { point: alignedPoint(step, part, c.point), value: c.value });
      return;
    }
    const layer = part.slice;
    let claim: Claim;
    if (p) {
      claim = proveMergedClaim(p, name, part.shape, claims);
      const r = proveReindex({ layer, x: p.value(step.x), claim, transcript: p.transcript });
      p.writer.sumcheck(r.proof.sumcheck);
      p.writer.scalar(r.proof.xValue);
      p.claim(step.x, r.claim);
    } else {
      const what = `Split "${step.node}" output ${j}`;
      claim = verifyMergedClaim(v!, part.shape, claims, what);
      const proof = { sumcheck: v!.reader.sumcheck(layoutOf(step.inShape).numVars, 2, what), xValue: v!.reader.scalar(`${what}: x value`) };
      v!.claim(step.x, verifyReindex({ layer, claim, proof, transcript: v!.transcript }));
    }
  });
}
