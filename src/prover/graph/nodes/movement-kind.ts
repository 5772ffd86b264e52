/**
 * The registry's compiler for kind `movement`: nearest Resize/Upsample (./resize.ts) and the movement operators
 * with constant index parameters that the driver's compiler does not cover (./gather.ts: Trilu, Expand, Tile,
 * DepthToSpace, SpaceToDepth, GatherElements, GatherND, and Gather of constant non-scalar indices) go to this
 * session's nodes; every other movement (Reshape, Transpose, Pad, Slice, Concat, one-index Gather, …) to the
 * driver's `compileMovement`, so the registry keeps one compiler per kind.
 */
import { attrString } from "../../../model/ops/types";
import { GATHER_OPS } from "../../layers/gather-spec";
import type { NodeStep } from "../plan";
import { compileGather } from "./gather";
import { compileEmbedding, isEmbeddingGather } from "./gather-embedding";
import { compileMovement } from "./movement";
import { compileResize } from "./resize";
import type { CompileContext } from "./types";

export function compileMovementKind(ctx: CompileContext): NodeStep {
  const { node, model } = ctx;
  if ((node.op === "Resize" || node.op === "Upsample") && attrString(node, "mode", "nearest") === "nearest") return compileResize(ctx);
  if (isEmbeddingGather(ctx)) return compileEmbedding(ctx);
  if (node.op === "Gather") {
    const indices = model.graph.initializers.get(node.inputs[1]);
    // The driver maps a scalar constant index by a point (no messages); any other constant indices come here.
    const scalar = indices !== undefined && indices.shape.length === 0 && indices.data.length === 1;
    return indices && !scalar ? compileGather(ctx) : compileMovement(ctx);
  }
  if ((GATHER_OPS as readonly string[]).includes(node.op)) return compileGather(ctx);
  return compileMovement(ctx);
}
