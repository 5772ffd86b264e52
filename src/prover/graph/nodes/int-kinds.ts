/**
 * Which nodes the integer kinds of the tree models prove with an integer-typed output (compile.ts admits their
 * outputs): a Gather / GatherElements / GatherND at a runtime index (./int-gather.ts), an integer Concat / Slice
 * (./int-move.ts), an integer MatMul (./int-matmul.ts),
 * Equal (./int-equal.ts), OneHot (./int-onehot.ts).
 */
import type { Node } from "../../../model/ir";
import type { QuantizedModel } from "../../../model/quant/quantize";
import { isRuntimeGather } from "./int-gather";
import { provesIntMatMul } from "./int-matmul";
import { provesIntegerMovement } from "./int-move";

/** True when `node` (of plan kind `kind`) is proved exactly by one of the integer kinds. */
export function provesIntegerKind(model: QuantizedModel, node: Node, kind: string): boolean {
  return (kind === "movement" && (isRuntimeGather({ node, model }) || provesIntegerMovement({ node, model }, kind))) || provesIntMatMul(node.op, kind) || (kind === "compare" && node.op === "Equal") || (kind === "select" && node.op === "OneHot");
}
