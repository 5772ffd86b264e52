/**
 * Model setup: from a quantized model and an SRS, the model polynomial's layout, its commitment and the
 * digest that names the model (keccak256 of the canonical statement: layout, commitment and every integer
 * parameter the proof depends on). Spec: docs/prover.md ("Model commitment", "Model digest").
 */
import { keccak_256 } from "@noble/hashes/sha3";
import { encodeG1, type G1Point } from "../curve/bn254";
import type { QuantizedModel } from "../model/quant/quantize";
import { HyperKZG } from "../pcs/hyperkzg";
import type { Srs } from "../pcs/srs";
import { canonicalJson } from "./canonical";
import { modelPolyLayout, modelPolyTable, type ModelPolyLayout } from "./model-poly";

/** Format tag of the model statement (bumped on any change to its content or encoding). */
export const MODEL_STATEMENT_FORMAT = "deepprove-model/v1";

/** Everything that fixes "model M": hashed into the digest, stored in both key files. Plain JSON. */
export interface ModelStatement {
  readonly format: string;
  readonly bits: number;
  /** The model commitment: 0x + 128 hex digits (x ‖ y, 32-byte big-endian each; all zeros for infinity). */
  readonly commitment: string;
  /** Variables of the model polynomial. */
  readonly numVars: number;
  /** Weight slots in placement order. */
  readonly weights: readonly { readonly name: string; readonly shape: readonly number[]; readonly offset: number; readonly scale: number }[];
  readonly inputs: readonly StatementValue[];
  readonly outputs: readonly StatementValue[];
  /** Every node's integer plan, in topological order. */
  readonly nodes: readonly StatementNode[];
}

/** A graph input or output with its shape and scale. */
export interface StatementValue {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly scale: number;
}

/** One node's integer plan as committed to by the digest. Lookup tables are named by their keccak256. */
export interface StatementNode {
  readonly name: string;
  readonly op: string;
  readonly kind: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly outScales: readonly number[];
  readonly params: unknown;
  readonly tables: readonly { readonly id: string; readonly offset: number; readonly size: number; readonly keccak: string }[];
}

/** The output of {@link setupModel}. */
export interface ModelSetup {
  readonly layout: ModelPolyLayout;
  /** The model table (prover only). */
  readonly table: readonly bigint[];
  readonly commitment: G1Point;
  readonly statement: ModelStatement;
  /** keccak256(canonicalJson(statement)), 0x-prefixed. */
  readonly digest: string;
}

/** A setup that cannot be done (SRS too small, non-integer weights, ...). */
export class SetupError extends Error {
  override readonly name = "SetupError";
}

/** Lays out, commits and names a quantized model. The SRS needs at least 2^numVars powers. */
export function setupModel(model: QuantizedModel, srs: Srs): ModelSetup {
  const weights = [...model.weights].map(([name, w]) => ({ name, shape: w.tensor.shape }));
  const layout = modelPolyLayout(weights);
  const size = 2 ** layout.numVars;
  if (srs.g1Powers.length < size) {
    throw new SetupError(`setup: the model polynomial has 2^${layout.numVars} = ${size} entries but the SRS (${srs.origin}) has only ${srs.g1Powers.length} powers`);
  }
  const table = modelPolyTable(layout, (name) => model.weights.get(name)!.tensor.data);
  const commitment = HyperKZG.commit(srs, table);
  const statement = modelStatement(model, layout, commitment);
  return { layout, table, commitment, statement, digest: modelDigest(statement) };
}

/** The canonical statement of a quantized model with a given layout and commitment. */
export function modelStatement(model: QuantizedModel, layout: ModelPolyLayout, commitment: G1Point): ModelStatement {
  const scaleOf = (name: string): number => model.scales.get(name) ?? 1;
  return {
    format: MODEL_STATEMENT_FORMAT,
    bits: model.bits,
    commitment: hex(encodeG1(commitment)),
    numVars: layout.numVars,
    weights: layout.slots.map((s) => ({ name: s.name, shape: s.layout.shape, offset: s.offset, scale: model.weights.get(s.name)!.scale })),
    inputs: model.graph.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape, scale: scaleOf(i.name) })),
    outputs: model.graph.outputs.map((o) => ({
      name: o.name,
      dtype: o.dtype,
      shape: o.shape,
      scale: model.constantOutputs.get(o.name)?.scale ?? scaleOf(o.name),
    })),
    nodes: model.graph.nodes.map((node) => {
      const plan = model.plans.get(node.name)!;
      return {
        name: node.name,
        op: node.op,
        kind: plan.kind,
        inputs: node.inputs,
        outputs: node.outputs,
        outScales: plan.outScales,
        params: plan.params,
        tables: Object.entries(plan.tables ?? {})
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([id, t]) => ({ id, offset: t.offset, size: t.values.length, keccak: tableHash(t.values) })),
      };
    }),
  };
}

/** keccak256 of the canonical JSON of a statement, 0x-prefixed lowercase hex. */
export function modelDigest(statement: ModelStatement): string {
  return hex(keccak_256(new TextEncoder().encode(canonicalJson(statement))));
}

/** keccak256 of a table's entries as 4-byte big-endian two's-complement integers. */
function tableHash(values: Int32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setInt32(4 * i, v, false));
  return hex(keccak_256(bytes));
}

function hex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}
