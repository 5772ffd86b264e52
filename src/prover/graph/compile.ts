/**
 * Compiling a quantized model into the layout-independent part of its proof: the node steps in walk order, the
 * fixed tables, the advice columns and the arena's witness columns (every one fixed by the model alone). The
 * setup commits the tables' columns into W; the verifier plan (./verifier-plan.ts) adds the W / A layouts.
 */
import { keccak_256 } from "@noble/hashes/sha3";
import type { ArenaColumnShape } from "../../lookup/arena-types";
import { isFloatType, type TensorInfo } from "../../model/ir";
import type { QuantizedModel } from "../../model/quant/quantize";
import { canonicalJson } from "../canonical";
import { MAX_LIMB_BITS, MIN_LIMB_BITS, reducedFixedPoint, REQUANT_LIMB_BITS, requantGeometry } from "../layers/requant-spec";
import { requantDegree, requantGroupShapes, requantRangeWidths } from "../layers/requant";
import { layoutOf } from "../tensor";
import { UnsupportedNodeError } from "./errors";
import { publicRange } from "./statement";
import { KIND_COMPILERS, unsupportedReason } from "./nodes";
import { ARGMAX_OP } from "./nodes/argmax";
import { provesCompare } from "./nodes/compare";
import { provesExactArith } from "./nodes/exact";
import { provesIntegerMove, provesLogic } from "./nodes/logic";
import { provesIntegerKind } from "./nodes/int-kinds";
import { provesMiscKind } from "./nodes/misc-kinds";
import type { CompileContext } from "./nodes/types";
import type { NodeStep, PlanRequant, PlanTensor, PlanValue } from "./plan";
import { clampLikeBounds, rangeTableDef, rangeTableId, type FixedTable } from "./tables";

/** The model-determined part of every proof of a model. Plain data. */
export interface GraphPlan {
  readonly bits: number;
  /** The limb width L of every requantization's range checks (`chooseLimbBits`). */
  readonly limbBits: number;
  readonly inputs: readonly PlanValue[];
  readonly outputs: readonly PlanValue[];
  readonly tensors: readonly PlanTensor[];
  readonly tables: readonly FixedTable[];
  /** Advice columns (A slots) in declaration order. */
  readonly advice: readonly { readonly name: string; readonly shape: readonly number[] }[];
  /** Arena witness columns in declaration order. */
  readonly columns: readonly ArenaColumnShape[];
  /**
   * Witness columns per arena helper column (docs/lookup.md, "Grouped helper columns"): LLM_HELPER_GROUP for a
   * llama graph of more than 2^20 witness entries, absent (one helper per column) for every other model — so the
   * ONNX models' digests and proofs are unchanged.
   */
  readonly helperGroup?: number;
  /** Node steps in walk order (reverse topological). */
  readonly nodes: readonly NodeStep[];
}

/** Compiles every node. @throws {UnsupportedNodeError} naming the first node that cannot be proved */
export function compileGraph(model: QuantizedModel): GraphPlan {
  const { graph, bits } = model;
  const tables = new Map<string, FixedTable>();
  const advice: { name: string; shape: readonly number[] }[] = [];
  const columns: ArenaColumnShape[] = [];
  const tensors = new Map<string, PlanTensor>();
  const steps: NodeStep[] = [];
  const limbBits = chooseLimbBits(model);
  const fusions = clampFusions(model);
  const fusedTables = new Set([...fusions.values()].map((f) => f.node));
  const shape = (value: string): number[] => {
    const info = graph.values.get(value);
    if (!info) throw new RangeError(`graph: no value named "${value}"`);
    return [...info.shape];
  };
  const addTensor = (name: string) => {
    if (!tensors.has(name) && !model.weights.has(name)) tensors.set(name, { name, shape: shape(name), numVars: layoutOf(shape(name)).numVars });
  };
  for (const node of graph.nodes) {
    // A clamp-like activation fused into its producer's requantization has no step of its own.
    if (fusedTables.has(node.name)) continue;
    const plan = model.plans.get(node.name)!;
    const fail = (why: string): never => {
      throw new UnsupportedNodeError(node.name, node.op, plan.kind, why);
    };
    // ArgMax's int64 indices (nodes/argmax.ts) and comparisons' bools (nodes/compare.ts) are proved exactly; other integer outputs are not yet.
    const exact = node.op === ARGMAX_OP || (plan.kind === "compare" && provesCompare(node.op)) || provesExactArith(node.op, plan.kind) || provesIntegerMove(node.op, plan.kind) || provesLogic({ op: node.op, kind: plan.kind, inputs: node.inputs, outputs: node.outputs, dtype: (v) => graph.values.get(v)?.dtype }) || provesIntegerKind(model, node, plan.kind) || provesMiscKind(node, plan.kind);
    for (const o of node.outputs) if (o !== "" && !exact && !isFloatType(graph.values.get(o)!.dtype)) fail(`integer-typed output "${o}" (exact integer kinds are not proved yet)`);
    const compiler = KIND_COMPILERS[plan.kind];
    if (!compiler) fail(unsupportedReason(plan.kind));
    const ctx: CompileContext = {
      model,
      node,
      plan,
      bits,
      shape,
      isWeight: (value) => model.weights.has(value),
      unsupported: fail,
      advice: (column, s) => {
        const name = `${node.name}:${column}`;
        advice.push({ name, shape: [...s] });
        return name;
      },
      table: (def) => {
        if (!tables.has(def.id)) tables.set(def.id, def);
      },
      arenaColumn: (table, numVars, label) => {
        if (!tables.has(table)) throw new RangeError(`arena column ${label}: table "${table}" is not registered`);
        columns.push({ table, numVars, label });
        return columns.length - 1;
      },
      requant: (args) => {
        const fused = fusions.get(node.name);
        if (fused && args.y === fused.x && args.tag === undefined) {
          fused.used = true;
          return declareRequant(ctx, limbBits, { ...args, y: fused.y, lo: fused.lo, hi: fused.hi });
        }
        return declareRequant(ctx, limbBits, args);
      },
    };
    let step = compiler(ctx);
    const fused = fusions.get(node.name);
    if (fused) {
      if (!fused.used) throw new RangeError(`compile: node "${node.name}" did not requantize "${fused.x}" (clamp fusion)`);
      step = { ...step, outputs: step.outputs.map((o) => (o === fused.x ? fused.y : o)) };
    }
    node.inputs.forEach((v) => v !== "" && !graph.initializers.has(v) && addTensor(v));
    step.outputs.forEach(addTensor);
    steps.push(step);
  }
  const value = (v: TensorInfo): PlanValue => ({
    name: v.name,
    shape: [...v.shape],
    numVars: layoutOf(v.shape).numVars,
    clamped: isFloatType(v.dtype),
    ...(v.dtype === "bool" ? { boolean: true } : {}),
    ...publicRange(v.dtype, bits),
    ...(model.constantOutputs.has(v.name) ? { constant: Array.from(model.constantOutputs.get(v.name)!.tensor.data) } : {}),
  });
  return {
    bits,
    limbBits,
    inputs: graph.inputs.map(value),
    outputs: graph.outputs.map(value),
    tensors: [...tensors.values()],
    tables: [...tables.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    advice,
    columns,
    ...(groupsHelpers(model, columns) ? { helperGroup: LLM_HELPER_GROUP } : {}),
    nodes: steps.reverse(),
  };
}

/** keccak256 of the canonical JSON of the graph plan (bound into the model digest). */
export function graphPlanHash(plan: GraphPlan): string {
  return `0x${Buffer.from(keccak_256(new TextEncoder().encode(canonicalJson(plan)))).toString("hex")}`;
}

function declareRequant(ctx: CompileContext, limbBits: number, args: Parameters<CompileContext["requant"]>[0]): PlanRequant {
  const tag = args.tag ?? "";
  // The plan carries the reduced pair (same integers, fewer remainder limbs): prover, verifier, program alike.
  const { multiplier, shift } = reducedFixedPoint(args.multiplier, args.shift);
  const spec = { shape: args.shape, multiplier, shift, bits: ctx.bits, accBound: args.accBound, lo: args.lo, hi: args.hi, limbBits };
  const geo = requantGeometry(spec);
  const n = geo.layout.numVars;
  // Each RANGE column on the table of its width: [0, 2^L), rem's top limb [0, 2^τ), u's limb [0, 2^w).
  const rangeColumns = requantRangeWidths(geo).map((bits, i) => {
    ctx.table(rangeTableDef(bits));
    return ctx.arenaColumn(rangeTableId(bits), n, `${ctx.node.name}:${tag}range${i}`);
  });
  return {
    y: args.y,
    shape: [...args.shape],
    numVars: n,
    multiplier,
    shift,
    bits: ctx.bits,
    accBound: args.accBound,
    lo: geo.lo,
    hi: geo.hi,
    limbBits,
    remLimbs: geo.remLimbs,
    remTopBits: geo.remTopBits,
    eLimbs: geo.eLimbs,
    uLimbs: geo.uLimbs,
    degree: requantDegree(geo),
    // p, q and every limb in popcount(k) slots of A: one opening record per group.
    advice: requantGroupShapes(geo).map((s, g) => ctx.advice(`${tag}requant${g}`, s)),
    rangeColumns,
  };
}

/**
 * Kinds whose only range checks are requantizations (`ctx.requant`) and whose tables (if any) are clamp-like or
 * sized by b: a model of these kinds alone gets a limb width sized by its tensors. Every other kind (softmax,
 * log-softmax, RMSNorm, …) range-checks its own values on `range:12`, so its model keeps L = 12.
 */
const SIZED_LIMB_KINDS = new Set(["linear", "add", "scale", "mul", "avgpool", "channel-affine", "table", "movement", "select", "reduce-sum", "conv-transpose", "resize", "prelu", "resize-linear", "gather"]);

/**
 * Kinds only the GGUF front end produces (src/model/llama-ops.ts): a model with one of them is a llama graph. Their
 * own range checks (RMSNorm's root, the causal softmax's division, ArgMax's gaps) stay on `range:12`; the model's
 * requantizations get a wide limb width (LLM_LIMB_TABLE_HEADROOM).
 */
const LLM_KINDS = new Set(["rmsnorm", "rope", "causal-softmax"]);

/** Whether a model is a llama graph (a node of a kind in LLM_KINDS). */
export function isLlamaGraph(model: QuantizedModel): boolean {
  return model.graph.nodes.some((node) => LLM_KINDS.has(model.plans.get(node.name)?.kind ?? ""));
}

/**
 * Witness columns per arena helper column in a large llama graph's plan (`GraphPlan.helperGroup`). Its arena has
 * millions of helper entries, whose commitment (one full-width MSM) is what grouping shrinks; every ONNX plan keeps
 * one helper per column (the Solidity verifier has no grouped helpers). Measured on stories260K at 32 positions
 * (docs/lookup.md, "Grouped helper columns"): arena CPU 11.2 / 7.1 / 5.7–6.8 / 5.3–5.4 s for g = 1 / 2 / 3 / 4.
 */
export const LLM_HELPER_GROUP = 4;

/**
 * A llama graph groups its helpers only past 2^20 witness entries (stories260K at 32 positions has 2^21): below,
 * the MSM saved is small and the plan stays verifiable on-chain (small llama-kind graphs are, in the tests).
 */
const LLM_HELPER_GROUP_MIN_ENTRIES = 2 ** 20;

/** Whether a model's plan groups its arena helpers: a llama graph with more than LLM_HELPER_GROUP_MIN_ENTRIES. */
function groupsHelpers(model: QuantizedModel, columns: readonly ArenaColumnShape[]): boolean {
  if (!isLlamaGraph(model)) return false;
  return columns.reduce((acc, c) => acc + 2 ** c.numVars, 0) > LLM_HELPER_GROUP_MIN_ENTRIES;
}

/**
 * How many variables the range table may have beyond the model's largest tensor or b-sized table: a table up
 * to 4× the largest column costs the arena little, and the wider limbs save columns and proof words (measured,
 * `3l_relu_conv_fc`, largest tensor 2^10: L = 10 / 11 / 12 give 390 / 376 / 369 proof words at equal CPU time).
 */
const LIMB_TABLE_HEADROOM = 2;

/**
 * The same for a llama graph (LLM_KINDS), whose requantizations dominate the advice polynomial A: a range table
 * up to 8× its largest tensor (the attention scores [H, C, C]). Measured on stories260K's generation model at
 * C = 128 (docs/gguf.md, "Limb widths of the generation model"): L = 12 / 16 / 19 / 20 give A = 19.54 / 16.90 /
 * 16.37 / 15.74 M entries — only L = 20 (a 40-bit remainder in two limbs, every e in one) leaves A a margin under
 * 2^24 — and H = 16.29 / 13.78 / 13.92 / 14.47 M; at C = 32 (L = 17) A 2.91 → 2.43 M, H 2.43 → 2.17 M.
 */
const LLM_LIMB_TABLE_HEADROOM = 3;

/**
 * The model's limb width L: the largest number of variables among its tensors and its b-sized tables (a
 * non-clamp activation table 2^b or 2^(b+1), the select kind's CLAMP table 2^(b+1)) plus LIMB_TABLE_HEADROOM,
 * clamped to [MIN_LIMB_BITS, REQUANT_LIMB_BITS]. Then the range table [0, 2^L) never sizes the arena much beyond
 * what the model's own columns and tables already need, while wide limbs keep the count of limbs (columns,
 * proof words) low. A llama graph (a kind in LLM_KINDS, every other kind in SIZED_LIMB_KINDS) takes its largest
 * TENSOR's variables plus LLM_LIMB_TABLE_HEADROOM, clamped to [REQUANT_LIMB_BITS, MAX_LIMB_BITS]: its
 * requantizations' remainders (shifts of 30–62 bits) are what fills A, and its b-sized tables (SiLU, ArgMax as
 * kind `select`) say nothing about how many limbs there are to save. Any other model with a kind outside
 * SIZED_LIMB_KINDS gets REQUANT_LIMB_BITS (its range table is `range:12`).
 */
export function chooseLimbBits(model: QuantizedModel): number {
  let tableVars = 0;
  let tensorVars = 0;
  let llama = false;
  for (const node of model.graph.nodes) {
    const plan = model.plans.get(node.name);
    if (plan && LLM_KINDS.has(plan.kind)) llama = true;
    else if (!plan || !SIZED_LIMB_KINDS.has(plan.kind)) return REQUANT_LIMB_BITS;
    if (plan.kind === "select") tableVars = Math.max(tableVars, model.bits + 1);
    if (plan.kind === "table" && !clampLikeOf(model, node.name)) tableVars = Math.max(tableVars, model.bits + 1);
    for (const o of node.outputs) {
      const info = o === "" ? undefined : model.graph.values.get(o);
      if (info) tensorVars = Math.max(tensorVars, layoutOf(info.shape).numVars);
    }
  }
  if (llama) return Math.min(MAX_LIMB_BITS, Math.max(REQUANT_LIMB_BITS, tensorVars + LLM_LIMB_TABLE_HEADROOM));
  return Math.min(REQUANT_LIMB_BITS, Math.max(MIN_LIMB_BITS, Math.max(tableVars, tensorVars) + LIMB_TABLE_HEADROOM));
}

/** The clamp bounds of a `table` node whose table is clamp-like, else null. */
function clampLikeOf(model: QuantizedModel, nodeName: string): { lo: number; hi: number } | null {
  const plan = model.plans.get(nodeName);
  const id = (plan?.params as { table?: string } | undefined)?.table;
  const t = id === undefined ? undefined : plan?.tables?.[id];
  return t ? clampLikeBounds(model.bits, t.offset, t.values) : null;
}

/** Kinds whose compiler requantizes its single output through `ctx.requant` (untagged): fusion targets. */
const FUSABLE_PRODUCER_KINDS = new Set(["linear", "add", "scale", "mul", "avgpool", "channel-affine"]);

interface ClampFusion {
  /** The clamp-like table node absorbed. */
  readonly node: string;
  /** The producer's output (the table's input), never claimed. */
  readonly x: string;
  /** The table's output: the fused requantization's y. */
  readonly y: string;
  readonly lo: bigint;
  readonly hi: bigint;
  used: boolean;
}

/**
 * Producer node → fusion, for every clamp-like activation whose input is the single output of a requantizing
 * producer (FUSABLE_PRODUCER_KINDS), consumed by nothing else and not a graph output: the producer's
 * requantization then clamps to the activation's [lo, hi] and yields the activation's output directly.
 */
function clampFusions(model: QuantizedModel): Map<string, ClampFusion> {
  const { graph } = model;
  const consumers = new Map<string, number>();
  for (const node of graph.nodes) for (const v of node.inputs) consumers.set(v, (consumers.get(v) ?? 0) + 1);
  const producer = new Map<string, (typeof graph.nodes)[number]>();
  for (const node of graph.nodes) for (const o of node.outputs) producer.set(o, node);
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const out = new Map<string, ClampFusion>();
  for (const node of graph.nodes) {
    if (model.plans.get(node.name)?.kind !== "table" || node.inputs.length !== 1 || node.outputs.length !== 1) continue;
    const bounds = clampLikeOf(model, node.name);
    const x = node.inputs[0];
    const p = producer.get(x);
    if (!bounds || !p || out.has(p.name) || p.outputs.length !== 1 || consumers.get(x) !== 1 || outputs.has(x)) continue;
    if (!FUSABLE_PRODUCER_KINDS.has(model.plans.get(p.name)?.kind ?? "")) continue;
    const xInfo = graph.values.get(x);
    const yInfo = graph.values.get(node.outputs[0]);
    if (!xInfo || !yInfo || !isFloatType(xInfo.dtype) || !isFloatType(yInfo.dtype) || xInfo.shape.join(",") !== yInfo.shape.join(",")) continue;
    out.set(p.name, { node: node.name, x, y: node.outputs[0], lo: BigInt(bounds.lo), hi: BigInt(bounds.hi), used: false });
  }
  return out;
}
