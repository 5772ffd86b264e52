/**
 * Nearest Resize / Upsample (kind `movement`): a copy by per-axis index maps (../../layers/resize.ts). Walk and
 * stream: those of every copy by a map (./copy-map.ts). Routed here by ./movement-kind.ts (the registry's
 * compiler of kind `movement`).
 */
import { proveResize, verifyResize, type ResizeSpec } from "../../layers/resize";
import { resizeNode } from "../../layers/resize-spec";
import { compileCopyNode, copyMapHandler, type CopyNodeStep } from "./copy-map";
import type { CompileContext, StepHandler } from "./types";

/** A nearest-Resize step: the spec (shapes and index maps) and its data input. */
export type ResizeNodeStep = CopyNodeStep<"resize", ResizeSpec>;

export function compileResize(ctx: CompileContext): ResizeNodeStep {
  return compileCopyNode(ctx, "resize", resizeNode);
}

export const resizeHandler: StepHandler<ResizeNodeStep> = copyMapHandler({ prove: proveResize, verify: verifyResize }, (step) => `resize "${step.node}"`);
