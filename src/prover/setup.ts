/**
 * Model setup: from a quantized model and an SRS, the model polynomial's layout, its commitment and the
 * digest that names the model (keccak256 of the canonical statement: layout, commitment and every integer
 * parameter the proof depends on). The model polynomial W holds every weight AND every fixed lookup-table
 * column the whole-model proof uses (`table:<id>:<column>`), so the verifying key has one commitment. Spec:
 * docs/prover.md ("Model commitment", "Model digest").
 */
import { keccak_256 } from "@noble/hashes/sha3";
import { encodeG1, type G1Point } from "../curve/bn254";
import type { QuantizedModel } from "../model/quant/quantize";
import { checkChunkBits } from "../pcs/chunked";
import { HyperKZG } from "../pcs/hyperkzg";
import type { Srs } from "../pcs/srs";
import { canonicalJson } from "./canonical";
import { compileGraph, graphPlanHash, type GraphPlan } from "./graph/compile";
import { modelPolyLayout, modelPolyTable, type ModelPolyLayout } from "./model-poly";

/** Format tag of the model statement (bumped on any change to its content or encoding). */
export const MODEL_STATEMENT_FORMAT = "deepprove-model/v2";

/** Everything that fixes "model M": hashed into the digest, stored in both key files. Plain JSON. */
export interface ModelStatement {
  readonly format: string;
  readonly bits: number;
  /** The model commitment: 0x + 128 hex digits (x ‖ y, 32-byte big-endian each; all zeros for infinity). */
  readonly commitment: string;
  /** Variables of the model polynomial. */
  readonly numVars: number;
  /** Slots of W in placement order: weights and table columns (`table:<id>:<column>`, shape [2^n], scale 1). */
  readonly weights: readonly { readonly name: string; readonly shape: readonly number[]; readonly offset: number; readonly scale: number }[];
  /**
   * keccak256 of the canonical JSON of the compiled graph plan (src/prover/graph/compile.ts): every node step
   * with its shapes, IOP parameters, requant multipliers and bounds, tables, advice and arena columns — so the
   * digest fixes everything the verifier's plan is made of.
   */
  readonly graph: string;
  readonly inputs: readonly StatementValue[];
  readonly outputs: readonly StatementValue[];
  /** Every node's integer plan, in topological order. */
  readonly nodes: readonly StatementNode[];
  /**
   * Chunk width c of the per-proof commitments (docs/hyperkzg.md, "Chunked commitments"); absent when unchunked
   * (every ONNX model: its statement, digest and proofs are those of a build without chunking).
   */
  readonly chunkBits?: number;
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
  /** The compiled graph (node steps, tables, advice and arena columns). */
  readonly graph: GraphPlan;
  /** Integer data of every W slot by name (weights row-major, table columns), for the proving key. */
  readonly slotData: (name: string) => ArrayLike<number>;
}

/** A setup that cannot be done (SRS too small, non-integer weights, ...). */
export class SetupError extends Error {
  override readonly name = "SetupError";
}

/** Options of {@link setupModel}. */
export interface SetupOptions {
  /** Chunk width c of the per-proof commitments (src/pcs/chunked.ts); null or absent: unchunked. */
  readonly chunkBits?: number | null;
}

/**
 * Lays out, commits and names a quantized model. The SRS needs at least 2^numVars powers.
 * @throws {UnsupportedNodeError} (src/prover/graph/errors.ts) for a model with a node the prover cannot prove
 */
export function setupModel(model: QuantizedModel, srs: Srs, options: SetupOptions = {}): ModelSetup {
  const graph = compileGraph(model);
  const data = modelSlotData(model, graph);
  const layout = modelPolyLayout([...data].map(([name, v]) => ({ name, shape: v.shape })));
  const size = 2 ** layout.numVars;
  if (srs.g1Powers.length < size) {
    throw new SetupError(`setup: the model polynomial has 2^${layout.numVars} = ${size} entries but the SRS (${srs.origin}) has only ${srs.g1Powers.length} powers`);
  }
  const slotData = (name: string) => data.get(name)!.data;
  const table = modelPolyTable(layout, slotData);
  const commitment = HyperKZG.commit(srs, table);
  const statement = modelStatement(model, layout, commitment, graph, options.chunkBits ?? null);
  return { layout, table, commitment, statement, digest: modelDigest(statement), graph, slotData };
}

/** Every W slot's shape and integer data: the model's weights, then every external table column. */
export function modelSlotData(model: QuantizedModel, graph: GraphPlan): Map<string, { shape: readonly number[]; data: ArrayLike<number> }> {
  const out = new Map<string, { shape: readonly number[]; data: ArrayLike<number> }>();
  for (const [name, w] of model.weights) out.set(name, { shape: w.tensor.shape, data: w.tensor.data });
  for (const t of graph.tables) {
    for (const c of t.columns) if (c.kind === "external") out.set(c.slot, { shape: [c.values.length], data: c.values });
  }
  return out;
}

/**
 * The canonical statement of a quantized model with a given layout, commitment, compiled graph and chunk width
 * (null: unchunked, no `chunkBits` field).
 */
export function modelStatement(model: QuantizedModel, layout: ModelPolyLayout, commitment: G1Point, graph: GraphPlan = compileGraph(model), chunkBits: number | null = null): ModelStatement {
  const scaleOf = (name: string): number => model.scales.get(name) ?? 1;
  const chunked = checkChunkBits(chunkBits, "setup: chunkBits");
  return {
    ...(chunked === null ? {} : { chunkBits: chunked }),
    format: MODEL_STATEMENT_FORMAT,
    bits: model.bits,
    commitment: hex(encodeG1(commitment)),
    numVars: layout.numVars,
    weights: layout.slots.map((s) => ({ name: s.name, shape: s.layout.shape, offset: s.offset, scale: model.weights.get(s.name)?.scale ?? 1 })),
    graph: graphPlanHash(graph),
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
        params: jsonParams(plan.params),
        tables: Object.entries(plan.tables ?? {})
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([id, t]) => ({ id, offset: t.offset, size: t.values.length, keccak: tableHash(t.values) })),
      };
    }),
  };
}

/**
 * Plan parameters as JSON sees them: an array hole (plans build sparse per-input lists, e.g. movement's
 * `rescale`) becomes null, as `JSON.stringify` writes it, so the canonical JSON has a value for every index.
 */
function jsonParams(value: unknown): unknown {
  if (Array.isArray(value)) return Array.from(value, (v: unknown) => (v === undefined ? null : jsonParams(v)));
  if (value !== null && typeof value === "object" && !ArrayBuffer.isView(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonParams(v)]));
  }
  return value;
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
