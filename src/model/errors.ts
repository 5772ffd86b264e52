/**
 * Errors of the model front end. Every message names what is wrong and where (file, node, input, attribute),
 * so the CLI can print it as one line without a stack trace.
 */
import type { Node } from "./ir";

/** Any user-facing problem with a model file, an input file or a graph. */
export class ModelError extends Error {
  override readonly name: string = "ModelError";
}

/** An operator, attribute or attribute value the front end does not implement. */
export class UnsupportedError extends ModelError {
  override readonly name = "UnsupportedError";
}

/** Names a node for messages: `node "conv1" (Conv)`. */
export function where(node: Pick<Node, "name" | "op">): string {
  return `node "${node.name}" (${node.op})`;
}
