/**
 * Kind `rope` (the llama graph's RoPE, docs/gguf.md §6): y = requant(acc) with acc the pairwise rotation of X by
 * the position-indexed cos / sin tables (../../layers/rope.ts). The tables are a fixed table `rope:<node>` of the
 * model polynomial W — two external columns over [T][hd/2] (index i + 2^log2(hd/2)·t, zero past T; pairs past
 * rotary_dim hold (2^ROPE_BITS, 0), the pass-through dims) — so the verifying key keeps one commitment. No witness
 * column looks them up: the arena carries the table with zero multiplicities (its M / H slots stay zero) and the
 * RoPE sum-check opens both columns of W at one point.
 *
 * Walk: requant (every claim on y → one claim on acc), then the RoPE sum-check → a claim on X and two openings of
 * W. Stream: the requant's messages, then the RoPE sum-check, C~, S~, X~.
 */
import * as Fr from "../../../field/fr";
import { isFloatType } from "../../../model/ir";
import { proveRope, ropeAcc, ropeGeometry, verifyRope, type RopeSpec } from "../../layers/rope";
import { LayoutError } from "../../tensor";
import type { NodeStepBase, PlanRequant } from "../plan";
import { tableSlot, type FixedTable } from "../tables";
import { proveRequantStep, verifyRequantStep, witnessRequant } from "./requant-step";
import type { CompileContext, StepHandler } from "./types";

/** A RoPE step: the spec, its input, the table's W slots and padded values, and the requant of y. */
export type RopeNodeStep = NodeStepBase & {
  readonly handler: "rope";
  readonly spec: RopeSpec;
  readonly x: string;
  readonly cosSlot: string;
  readonly sinSlot: string;
  /** Padded table values (prover side; the verifier reads the columns from W). */
  readonly cos: readonly number[];
  readonly sin: readonly number[];
  readonly requant: PlanRequant;
};

interface RopeParams {
  positions?: number;
  heads?: number;
  headDim?: number;
  rotaryDim?: number;
  ropeBits?: number;
  multiplier?: number;
  shift?: number;
  cos?: string;
  sin?: string;
}

/** The fixed table of a RoPE node: columns cos, sin over [T][hd/2], padded as the layer reads them. */
export function ropeTableDef(node: string, spec: RopeSpec, rotaryDim: number, ropeBits: number, cos: ArrayLike<number>, sin: ArrayLike<number>): FixedTable {
  const geo = ropeGeometry(spec);
  const half = rotaryDim / 2;
  const size = 2 ** geo.tableVars;
  const c = new Array<number>(size).fill(0);
  const s = new Array<number>(size).fill(0);
  for (let t = 0; t < spec.x[0]; t++) {
    for (let i = 0; i < spec.headDim / 2; i++) {
      const at = i + t * 2 ** geo.pairVars;
      c[at] = i < half ? cos[t * half + i] : 2 ** ropeBits;
      s[at] = i < half ? sin[t * half + i] : 0;
    }
  }
  const id = `rope:${node}`;
  return { id, numVars: geo.tableVars, columns: [{ kind: "external", slot: tableSlot(id, "cos"), values: c }, { kind: "external", slot: tableSlot(id, "sin"), values: s }] };
}

export function compileRope(ctx: CompileContext): RopeNodeStep {
  const { node, plan, model } = ctx;
  const p = plan.params as RopeParams;
  const cos = p.cos === undefined ? undefined : plan.tables?.[p.cos];
  const sin = p.sin === undefined ? undefined : plan.tables?.[p.sin];
  if (!cos || !sin || p.headDim === undefined || p.rotaryDim === undefined || p.ropeBits === undefined || p.multiplier === undefined || p.shift === undefined) {
    return ctx.unsupported("a rope plan without its tables or parameters");
  }
  const x = node.inputs[0];
  const y = node.outputs[0];
  if (!isFloatType(model.graph.values.get(x)!.dtype)) return ctx.unsupported(`input "${x}" is integer-typed (not clamped to b bits)`);
  const shape = ctx.shape(x);
  if (shape.length !== 2) return ctx.unsupported(`input must be [positions, width], got rank ${shape.length}`);
  const spec: RopeSpec = { x: [shape[0], shape[1]], headDim: p.headDim };
  let def;
  try {
    if (cos.values.length !== shape[0] * (p.rotaryDim / 2)) throw new LayoutError(`the cos table has ${cos.values.length} entries, not positions·rotary_dim/2`);
    def = ropeTableDef(node.name, spec, p.rotaryDim, p.ropeBits, cos.values, sin.values);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  ctx.table(def);
  // |x0·C ∓ x1·S| ≤ 2·2^(b−1)·2^ropeBits (|C|, |S| ≤ 2^ropeBits).
  const accBound = 1n << BigInt(ctx.bits + p.ropeBits);
  const requant = ctx.requant({ y, shape, multiplier: BigInt(p.multiplier), shift: p.shift, accBound });
  const [c, s] = def.columns.map((col) => (col.kind === "external" ? col.values : []));
  return { node: node.name, op: node.op, kind: plan.kind, handler: "rope", outputs: [y], spec, x, cosSlot: tableSlot(def.id, "cos"), sinSlot: tableSlot(def.id, "sin"), cos: c, sin: s, requant };
}

export const ropeHandler: StepHandler<RopeNodeStep> = {
  witness(step, ctx) {
    const acc = ropeAcc(step.spec, ctx.value(step.x), step.cos, step.sin);
    witnessRequant(step.requant, acc, ctx.value(step.outputs[0]), ctx);
  },
  prove(step, ctx) {
    const claim = proveRequantStep(step.requant, ctx);
    const { proof, claims } = proveRope({ spec: step.spec, x: ctx.value(step.x), cos: step.cos.map((v) => Fr.fromSigned(v)), sin: step.sin.map((v) => Fr.fromSigned(v)), claim, transcript: ctx.transcript });
    ctx.writer.sumcheck(proof.sumcheck);
    ctx.writer.scalars([proof.cos, proof.sin, proof.x]);
    ctx.claimWeight(step.cosSlot, claims.cos);
    ctx.claimWeight(step.sinSlot, claims.sin);
    ctx.claim(step.x, claims.x);
  },
  verify(step, ctx) {
    const claim = verifyRequantStep(step.requant, ctx);
    const what = `rope "${step.node}"`;
    const geo = ropeGeometry(step.spec);
    const sumcheck = ctx.reader.sumcheck(geo.numVars, 3, what);
    const [cos, sin, x] = ctx.reader.scalars(3, `${what}: evaluations`);
    const claims = verifyRope({ spec: step.spec, claim, proof: { sumcheck, cos, sin, x }, transcript: ctx.transcript });
    ctx.claimWeight(step.cosSlot, claims.cos);
    ctx.claimWeight(step.sinSlot, claims.sin);
    ctx.claim(step.x, claims.x);
  },
};
