/**
 * OneHot at a runtime index (kind `select`; docs/prover.md, "Integer kinds for the tree models"): the output is
 * y = off·1_real + (on − off)·H with H the one-hot matrix [K, depth] of the indices, so it reuses the runtime
 * gather's one-hot advice and rows IOP (../../layers/int-gather.ts) without a selection sum-check.
 *
 * Advice (A): `<node>:onehot` H; arena: one column over H's layout against `range:1`. Walk (stream order): every
 * claim (r, v) on y → an opening of H at r with value (v − off·1_real(r))/(on − off); the arena's claim on H →
 * an opening of A; the one-hot rows IOP (I~(ρ_K), sum-check bits(depth) rounds degree 2, H~) → an opening of H
 * and a claim on the indices. `off` and `on` are the quantized values (bound by the plan hash). Covered: the
 * output's axes after `axis` all have size 1 (so y is H up to an aligned reshape), depth ≥ 1, on ≠ off; an index
 * outside [0, depth) (ONNX: an all-off row; negative indices count from the end) is refused by the prover.
 */
import * as Fr from "../../../field/fr";
import { attrInt } from "../../../model/ops/types";
import { realIndicator } from "../../layers/int-equal";
import { intGatherGeometry, oneHotTable, proveOneHotRows, verifyOneHotRows, type IntGatherSpec } from "../../layers/int-gather";
import { LayoutError, layoutOf, reshapePoint } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStep, NodeStepBase } from "../plan";
import { rangeTableDef, rangeTableId } from "../tables";
import { compileSelectWithTopk } from "./topk";
import type { CompileContext, NodeCompiler, ProveContext, StepHandler, VerifyContext } from "./types";

/** A runtime OneHot step: the one-hot rows spec (n = depth), output shape, values, A slot and arena column. */
export type IntOneHotNodeStep = NodeStepBase & {
  readonly handler: "int-onehot";
  readonly spec: IntGatherSpec;
  readonly out: readonly number[];
  readonly index: string;
  readonly off: number;
  readonly on: number;
  readonly onehot: string;
  readonly column: number;
};

/** Kind `select`: OneHot here, everything else to the TopK / Where / ArgMax / max-min compilers. */
export const compileSelectWithOneHot: NodeCompiler = (ctx): NodeStep => (ctx.node.op === "OneHot" ? compileIntOneHot(ctx) : compileSelectWithTopk(ctx));

export function compileIntOneHot(ctx: CompileContext): IntOneHotNodeStep {
  const { node, plan, model } = ctx;
  const [index, depthName, valuesName] = node.inputs;
  const depthT = model.graph.initializers.get(depthName);
  const valuesInit = model.graph.initializers.get(valuesName);
  if (!depthT || !valuesInit) return ctx.unsupported("OneHot needs a constant depth and constant values");
  const committed = model.weights.get(`${valuesName}@${node.name}`);
  const values = committed ? committed.tensor.data : valuesInit.data;
  const [off, on] = [values[0], values[1]];
  if (values.length !== 2 || off === on) return ctx.unsupported("OneHot values must be two different constants");
  const idxShape = ctx.shape(index);
  const out = ctx.shape(node.outputs[0]);
  const depth = depthT.data[0];
  const axisAttr = attrInt(node, "axis", -1);
  const axis = axisAttr < 0 ? axisAttr + idxShape.length + 1 : axisAttr;
  if (idxShape.slice(axis).some((d) => d !== 1)) return ctx.unsupported("OneHot is proved when the index axes after `axis` have size 1");
  const k = idxShape.reduce((p, d) => p * d, 1);
  const spec: IntGatherSpec = { data: [depth], index: idxShape, out: idxShape, n: depth, k, r: 1 };
  try {
    intGatherGeometry(spec);
    reshapePoint(out, [k, depth], new Array<bigint>(layoutOf([k, depth]).numVars).fill(0n));
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  ctx.table(rangeTableDef(1));
  const onehot = ctx.advice("onehot", [k, depth]);
  const column = ctx.arenaColumn(rangeTableId(1), intGatherGeometry(spec).h.numVars, `${node.name}:onehot`);
  return { node: node.name, op: node.op, kind: plan.kind, handler: "int-onehot", outputs: [node.outputs[0]], spec, out, index, off, on, onehot, column };
}

function scratchKey(step: IntOneHotNodeStep): string {
  return `int-onehot:${step.node}`;
}

/** Claims on y → openings of H; the arena's claim on H; the one-hot rows IOP's point ρ_K. */
function prolog(step: IntOneHotNodeStep, ctx: ProveContext | VerifyContext): bigint[] {
  const scale = Fr.inv(Fr.fromSigned(BigInt(step.on - step.off)));
  const off = Fr.fromSigned(BigInt(step.off));
  const hShape = [step.spec.k, step.spec.n];
  for (const c of ctx.take(step.outputs[0])) {
    const point = reshapePoint(hShape, step.out, c.point);
    const value = Fr.mul(Fr.sub(c.value, Fr.mul(off, realIndicator(layoutOf(hShape), point))), scale);
    ctx.claimAdvice(step.onehot, { point, value });
  }
  const a = ctx.arenaColumn(step.column);
  ctx.claimAdvice(step.onehot, { point: a.point, value: a.values[0] });
  return a.point.slice(intGatherGeometry(step.spec).jVars);
}

export const intOneHotHandler: StepHandler<IntOneHotNodeStep> = {
  witness(step, ctx) {
    const idx = Array.from(ctx.value(step.index).data);
    let h: bigint[];
    try {
      h = oneHotTable(step.spec, idx);
    } catch (e) {
      if (e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    ctx.setAdvice(step.onehot, h);
    ctx.setColumn(step.column, [h]);
    ctx.scratch.set(scratchKey(step), { h, idx });
  },
  prove(step, ctx) {
    const w = ctx.scratch.get(scratchKey(step)) as { h: bigint[]; idx: number[] } | undefined;
    if (!w) throw new RangeError(`int-onehot "${step.node}": no witness (the witness phase did not run)`);
    const rhoK = prolog(step, ctx);
    const { proof, claims } = proveOneHotRows({ spec: step.spec, hTable: w.h, index: ctx.value(step.index).data, rhoK, transcript: ctx.transcript });
    ctx.writer.scalar(proof.index);
    ctx.writer.sumcheck(proof.sumcheck);
    ctx.writer.scalar(proof.h);
    ctx.claimAdvice(step.onehot, claims.h);
    ctx.claim(step.index, claims.index);
  },
  verify(step, ctx) {
    const what = `OneHot "${step.node}"`;
    const rhoK = prolog(step, ctx);
    const index = ctx.reader.scalar(`${what}: index value`);
    const sumcheck = ctx.reader.sumcheck(intGatherGeometry(step.spec).jVars, 2, `${what}: one-hot rows`);
    const h = ctx.reader.scalar(`${what}: one-hot value`);
    const claims = verifyOneHotRows({ spec: step.spec, rhoK, proof: { index, sumcheck, h }, transcript: ctx.transcript });
    ctx.claimAdvice(step.onehot, claims.h);
    ctx.claim(step.index, claims.index);
  },
};
