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
import { requantGeometry } from "../layers/requant-spec";
import { hasScaledTop, requantDegree, requantRangeCount } from "../layers/requant";
import { layoutOf } from "../tensor";
import { UnsupportedNodeError } from "./errors";
import { KIND_COMPILERS, unsupportedReason } from "./nodes";
import type { CompileContext } from "./nodes/types";
import type { NodeStep, PlanRequant, PlanTensor, PlanValue } from "./plan";
import { clampTableDef, clampTableId, RANGE_TABLE_ID, rangeTableDef, type FixedTable } from "./tables";

/** The model-determined part of every proof of a model. Plain data. */
export interface GraphPlan {
  readonly bits: number;
  readonly inputs: readonly PlanValue[];
  readonly outputs: readonly PlanValue[];
  readonly tensors: readonly PlanTensor[];
  readonly tables: readonly FixedTable[];
  /** Advice columns (A slots) in declaration order. */
  readonly advice: readonly { readonly name: string; readonly shape: readonly number[] }[];
  /** Arena witness columns in declaration order. */
  readonly columns: readonly ArenaColumnShape[];
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
  const shape = (value: string): number[] => {
    const info = graph.values.get(value);
    if (!info) throw new RangeError(`graph: no value named "${value}"`);
    return [...info.shape];
  };
  const addTensor = (name: string) => {
    if (!tensors.has(name) && !model.weights.has(name)) tensors.set(name, { name, shape: shape(name), numVars: layoutOf(shape(name)).numVars });
  };
  for (const node of graph.nodes) {
    const plan = model.plans.get(node.name)!;
    const fail = (why: string): never => {
      throw new UnsupportedNodeError(node.name, node.op, plan.kind, why);
    };
    for (const o of node.outputs) if (o !== "" && !isFloatType(graph.values.get(o)!.dtype)) fail(`integer-typed output "${o}" (exact integer kinds are not proved yet)`);
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
      requant: (args) => declareRequant(ctx, args),
    };
    const step = compiler(ctx);
    node.inputs.forEach((v) => v !== "" && !graph.initializers.has(v) && addTensor(v));
    step.outputs.forEach(addTensor);
    steps.push(step);
  }
  const value = (v: TensorInfo): PlanValue => ({
    name: v.name,
    shape: [...v.shape],
    numVars: layoutOf(v.shape).numVars,
    clamped: isFloatType(v.dtype),
    ...(model.constantOutputs.has(v.name) ? { constant: Array.from(model.constantOutputs.get(v.name)!.tensor.data) } : {}),
  });
  return {
    bits,
    inputs: graph.inputs.map(value),
    outputs: graph.outputs.map(value),
    tensors: [...tensors.values()],
    tables: [...tables.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    advice,
    columns,
    nodes: steps.reverse(),
  };
}

/** keccak256 of the canonical JSON of the graph plan (bound into the model digest). */
export function graphPlanHash(plan: GraphPlan): string {
  return `0x${Buffer.from(keccak_256(new TextEncoder().encode(canonicalJson(plan)))).toString("hex")}`;
}

function declareRequant(ctx: CompileContext, args: { y: string; shape: readonly number[]; multiplier: bigint; shift: number; accBound: bigint; tag?: string }): PlanRequant {
  const tag = args.tag ?? "";
  const geo = requantGeometry({ shape: args.shape, multiplier: args.multiplier, shift: args.shift, bits: ctx.bits, accBound: args.accBound });
  const n = geo.layout.numVars;
  ctx.table(clampTableDef(ctx.bits));
  const clampColumn = ctx.arenaColumn(clampTableId(ctx.bits), n, `${ctx.node.name}:${tag}clamp`);
  const rangeColumns: number[] = [];
  if (requantRangeCount(geo) > 0) {
    ctx.table(rangeTableDef());
    for (let i = 0; i < requantRangeCount(geo); i++) rangeColumns.push(ctx.arenaColumn(RANGE_TABLE_ID, n, `${ctx.node.name}:${tag}range${i}`));
  }
  return {
    y: args.y,
    shape: [...args.shape],
    numVars: n,
    multiplier: args.multiplier,
    shift: args.shift,
    bits: ctx.bits,
    accBound: args.accBound,
    remLimbs: geo.remLimbs,
    remTopBits: geo.remTopBits,
    eLimbs: geo.eLimbs,
    scaledTop: hasScaledTop(geo),
    degree: requantDegree(geo),
    advice: {
      sigma: ctx.advice(`${tag}sigma`, args.shape),
      rem: Array.from({ length: geo.remLimbs }, (_, i) => ctx.advice(`${tag}rem${i}`, args.shape)),
      e: Array.from({ length: geo.eLimbs }, (_, j) => ctx.advice(`${tag}e${j}`, args.shape)),
    },
    clampColumn,
    rangeColumns,
  };
}
