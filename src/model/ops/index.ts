/**
 * The operator registry: every operator the front end understands, by (domain, name). Front ends and
 * project-defined operators (e.g. the llama graph's) add theirs with {@link registerOp}.
 */
import { UnsupportedError, where } from "../errors";
import type { Node } from "../ir";
import { ARITHMETIC_OPS } from "./arithmetic";
import { CONSTANT_OPS } from "./constant";
import { EINSUM_OPS } from "./einsum";
import { LINEAR_OPS } from "./linear";
import { LOGIC_OPS } from "./logic";
import { MOVEMENT_OPS } from "./movement";
import { NORM_OPS } from "./norm";
import { POOL_OPS } from "./pool";
import { QDQ_OPS } from "./qdq";
import { RECURRENT_OPS } from "./recurrent";
import { REDUCE_OPS } from "./reduce";
import { RESIZE_OPS } from "./resize";
import { SOFTMAX_OPS } from "./softmax";
import type { OpDef } from "./types";
import { UNARY_OPS } from "./unary";

const REGISTRY = new Map<string, OpDef>();

function key(domain: string, op: string): string {
  return `${domain === "ai.onnx" ? "" : domain}::${op}`;
}

/** Adds (or replaces) an operator definition. */
export function registerOp(def: OpDef): void {
  REGISTRY.set(key(def.domain, def.op), def);
}

for (const def of [...CONSTANT_OPS, ...MOVEMENT_OPS, ...UNARY_OPS, ...ARITHMETIC_OPS, ...LOGIC_OPS, ...LINEAR_OPS, ...POOL_OPS, ...REDUCE_OPS, ...SOFTMAX_OPS, ...NORM_OPS, ...RECURRENT_OPS, ...QDQ_OPS, ...RESIZE_OPS, ...EINSUM_OPS]) {
  registerOp(def);
}

/** The definition of an operator, or undefined. */
export function findOp(domain: string, op: string): OpDef | undefined {
  return REGISTRY.get(key(domain, op));
}

/** Names of every supported operator (domain-qualified when not ONNX), sorted. */
export function supportedOps(): string[] {
  return [...REGISTRY.values()].map((d) => (d.domain ? `${d.domain}.${d.op}` : d.op)).sort();
}

/** Names of the operators that have an integer plan (can run on runtime data). */
export function quantizableOps(): string[] {
  return [...REGISTRY.values()].filter((d) => d.quantize).map((d) => (d.domain ? `${d.domain}.${d.op}` : d.op)).sort();
}

/**
 * The definition for a node, after checking its attributes.
 * @throws UnsupportedError naming the op, the node, the attribute, and what is supported
 */
export function opFor(node: Node): OpDef {
  const def = findOp(node.domain, node.op);
  if (!def) {
    const dom = node.domain ? ` in domain "${node.domain}"` : "";
    throw new UnsupportedError(`${where(node)}: operator ${node.op}${dom} is not supported (supported: ${supportedOps().join(", ")})`);
  }
  for (const name of Object.keys(node.attrs)) {
    if (!def.attrs.includes(name)) {
      const list = def.attrs.length > 0 ? def.attrs.join(", ") : "none";
      throw new UnsupportedError(`${where(node)}: attribute "${name}" is not supported (supported attributes of ${node.op}: ${list})`);
    }
  }
  return def;
}
