/**
 * `verifierPlan(vk, model)`: the model compiled against its verifying key into a {@link VerifierPlan} (plain
 * data, ./plan.ts). The model must hash to the key's digest: the plan is then fixed by the digest alone (the
 * statement binds the compiled graph's hash, every W slot and the commitment).
 */
import { encodeG1, encodeG2, type G1Point, type G2Point } from "../../curve/bn254";
import { slotLayout, slotSelector } from "../../poly/slots";
import type { QuantizedModel } from "../../model/quant/quantize";
import { slotSelector as weightSlotSelector, type ModelPolyLayout } from "../model-poly";
import { checkChunkBits } from "../../pcs/chunked";
import { modelDigest, modelStatement, type ModelStatement } from "../setup";
import type { VerifyingKey } from "../keys";
import { layoutOf } from "../tensor";
import { compileGraph, type GraphPlan } from "./compile";
import { ProofRejectedError } from "./errors";
import { VERIFIER_PLAN_FORMAT, type PlanSlottedPoly, type VerifierPlan } from "./plan";
import { arenaTables } from "./tables";

/**
 * Compiles the verifier plan of `model` for `vk`.
 * @throws {ProofRejectedError} when the model does not hash to the key's digest; UnsupportedNodeError for a
 * model the prover cannot prove
 */
export function verifierPlan(vk: Pick<VerifyingKey, "digest" | "layout" | "commitment" | "pcs"> & { readonly statement?: Pick<ModelStatement, "chunkBits"> }, model: QuantizedModel): VerifierPlan {
  const graph = compileGraph(model);
  // The chunk width is the key's (its statement's); the digest check below covers it.
  const chunkBits = vk.statement?.chunkBits ?? null;
  const digest = modelDigest(modelStatement(model, vk.layout, vk.commitment, graph, chunkBits));
  if (digest !== vk.digest) throw new ProofRejectedError(`model: the model hashes to ${digest}, the verifying key names ${vk.digest}`);
  return planOf(graph, vk.layout, vk.digest, { commitment: vk.commitment, g2: vk.pcs.g2, tauG2: vk.pcs.tauG2 }, chunkBits);
}

/**
 * The plan of a compiled graph with the W layout of its setup (shared by prover and verifier); `chunkBits` is
 * the setup's chunk width (null: unchunked commitments).
 */
export function planOf(graph: GraphPlan, weights: ModelPolyLayout, digest: string, keys: { commitment: G1Point; g2: G2Point; tauG2: G2Point }, chunkBits: number | null = null): VerifierPlan {
  const w: PlanSlottedPoly = {
    numVars: weights.numVars,
    slots: weights.slots.map((s) => ({ name: s.name, shape: [...s.layout.shape], numVars: s.layout.numVars, offset: s.offset, selector: weightSlotSelector(weights, s).map(Number) })),
  };
  let advice: PlanSlottedPoly | null = null;
  if (graph.advice.length > 0) {
    const shapes = new Map(graph.advice.map((a) => [a.name, a.shape]));
    const layout = slotLayout(graph.advice.map((a) => ({ name: a.name, numVars: layoutOf(a.shape).numVars })));
    advice = {
      numVars: layout.numVars,
      slots: layout.slots.map((s) => ({ name: s.name, shape: [...shapes.get(s.name)!], numVars: s.numVars, offset: s.offset, selector: slotSelector(layout, s).map(Number) })),
    };
  }
  const hasArena = graph.columns.length > 0;
  return {
    format: VERIFIER_PLAN_FORMAT,
    digest,
    commitment: hex(encodeG1(keys.commitment)),
    g2: hex(encodeG2(keys.g2)),
    tauG2: hex(encodeG2(keys.tauG2)),
    bits: graph.bits,
    inputs: graph.inputs,
    outputs: graph.outputs,
    tensors: graph.tensors,
    weights: w,
    advice,
    arena: { tables: arenaTables(graph.tables, false), columns: graph.columns, ...(graph.helperGroup ? { helperGroup: graph.helperGroup } : {}) },
    tableSlots: graph.tables.map((t) => t.columns.map((c) => (c.kind === "external" ? c.slot : null))),
    nodes: graph.nodes,
    opening: { polys: ["W", ...(advice ? (["A"] as const) : []), ...(hasArena ? (["M", "H"] as const) : [])] },
    chunkBits: checkChunkBits(chunkBits, "plan: chunkBits"),
  };
}

function hex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}
