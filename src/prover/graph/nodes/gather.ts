/**
 * Movement operators with constant index parameters (Trilu, Expand, Tile, DepthToSpace, SpaceToDepth, Gather /
 * GatherElements / GatherND with constant indices): a copy by a public element map (../../layers/gather.ts).
 * Walk and stream: those of every copy by a map (./copy-map.ts).
 */
import { proveGather, verifyGather, type GatherSpec } from "../../layers/gather";
import { gatherNode } from "../../layers/gather-spec";
import { compileCopyNode, copyMapHandler, type CopyNodeStep } from "./copy-map";
import type { CompileContext, StepHandler } from "./types";

/** A copy-by-map step: the spec (shapes and the flat map) and its data input. */
export type GatherNodeStep = CopyNodeStep<"gather", GatherSpec>;

export function compileGather(ctx: CompileContext): GatherNodeStep {
  return compileCopyNode(ctx, "gather", gatherNode);
}

export const gatherHandler: StepHandler<GatherNodeStep> = copyMapHandler({ prove: proveGather, verify: verifyGather }, (step) => `${step.op} "${step.node}"`);
