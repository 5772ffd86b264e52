/**
 * Which nodes the kinds of the remaining corpus models (integer Div by a constant, TopK, Scatter) prove with an
 * integer-typed output: compile.ts admits their outputs through {@link provesMiscKind}.
 */
import type { Node } from "../../../model/ir";
import { provesExactDiv } from "./exact-div";
import { SCATTER_OPS } from "./scatter";
import { TOPK_OP } from "./topk";

/** True when `node` (of plan kind `kind`) has its integer-typed outputs proved exactly by one of these kinds. */
export function provesMiscKind(node: Node, kind: string): boolean {
  return provesExactDiv(node.op, kind) || (kind === "select" && node.op === TOPK_OP) || (kind === "movement" && SCATTER_OPS.has(node.op));
}
