/**
 * Kind `rmsnorm` (the llama graph's RMSNorm, docs/gguf.md §6): y = requant(x·r·g) per row, r the certified
 * reciprocal root (../../layers/rmsnorm.ts). Advice in A: the limbs (REQUANT_LIMB_BITS bits) of r, lo and hi per row (shape [T]),
 * each one arena column against the limb range table. The gain g is the plan's quantized weight (a W slot).
 *
 * Walk: the arena's claims on the limbs (openings of A), the requant (claims on y → one claim on acc), then the
 * RMSNorm IOP → two claims on X, one opening of W (gain), limb openings of A at two row points. Stream: the
 * requant's messages, then the product sum-check, X, r limbs, g, the root sum-check, S, r / lo / hi limbs, the
 * square sum-check, X.
 */
import { isFloatType } from "../../../model/ir";
import { isqrt } from "../../../model/llama-kernels";
import { proveRmsNorm, rmsNormGeometry, rmsNormWitness, RMSNORM_DEGREES, verifyRmsNorm, type RmsNormClaims, type RmsNormSpec, type RmsNormWitness } from "../../layers/rmsnorm";
import { LayoutError } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStepBase, PlanRequant } from "../plan";
import { RANGE_TABLE_ID, rangeTableDef } from "../tables";
import { proveRequantStep, verifyRequantStep, witnessRequant } from "./requant-step";
import type { CompileContext, StepHandler, WalkContext } from "./types";

type Limbs<T> = { readonly r: readonly T[]; readonly lo: readonly T[]; readonly hi: readonly T[] };

/** An RMSNorm step: spec, input, gain weight, limb advice slots and arena columns, requant of y. */
export type RmsNormNodeStep = NodeStepBase & {
  readonly handler: "rmsnorm";
  readonly spec: RmsNormSpec;
  readonly x: string;
  readonly gain: string;
  readonly advice: Limbs<string>;
  readonly columns: Limbs<number>;
  readonly requant: PlanRequant;
};

interface RmsNormParams {
  gain?: string;
  epsInt?: number;
  rmsBits?: number;
  multiplier?: number;
  shift?: number;
}

export function compileRmsNorm(ctx: CompileContext): RmsNormNodeStep {
  const { node, plan, model } = ctx;
  const p = plan.params as RmsNormParams;
  if (p.gain === undefined || p.epsInt === undefined || p.rmsBits === undefined || p.multiplier === undefined || p.shift === undefined) return ctx.unsupported("an rmsnorm plan without its parameters");
  if (!ctx.isWeight(p.gain)) return ctx.unsupported(`gain "${p.gain}" is not a committed weight`);
  const x = node.inputs[0];
  const y = node.outputs[0];
  if (!isFloatType(model.graph.values.get(x)!.dtype)) return ctx.unsupported(`input "${x}" is integer-typed (not clamped to b bits)`);
  const shape = ctx.shape(x);
  if (shape.length !== 2) return ctx.unsupported(`input must be [rows, width], got rank ${shape.length}`);
  const spec: RmsNormSpec = { x: [shape[0], shape[1]], epsInt: p.epsInt, rmsBits: p.rmsBits, bits: ctx.bits };
  let geo;
  try {
    geo = rmsNormGeometry(spec);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  ctx.table(rangeTableDef());
  const rows = [shape[0]];
  const family = (name: string, n: number) => Array.from({ length: n }, (_, j) => `${name}${j}`);
  const names = { r: family("r", geo.rLimbs), lo: family("lo", geo.slackLimbs), hi: family("hi", geo.slackLimbs) };
  const advice = { r: names.r.map((c) => ctx.advice(c, rows)), lo: names.lo.map((c) => ctx.advice(c, rows)), hi: names.hi.map((c) => ctx.advice(c, rows)) };
  const column = (c: string) => ctx.arenaColumn(RANGE_TABLE_ID, geo.rowVars, `${node.name}:${c}`);
  const columns = { r: names.r.map(column), lo: names.lo.map(column), hi: names.hi.map(column) };
  // |x_i|·r ≤ sqrt(K) (x_i² ≤ S), |g| ≤ 2^(b−1).
  const accBound = (isqrt(geo.k) + 1n) << BigInt(ctx.bits - 1);
  const requant = ctx.requant({ y, shape, multiplier: BigInt(p.multiplier), shift: p.shift, accBound });
  return { node: node.name, op: node.op, kind: plan.kind, handler: "rmsnorm", outputs: [y], spec, x, gain: p.gain, advice, columns, requant };
}

function scratchKey(step: RmsNormNodeStep): string {
  return `rmsnorm:${step.node}`;
}

export const rmsNormHandler: StepHandler<RmsNormNodeStep> = {
  witness(step, ctx) {
    let w: RmsNormWitness;
    try {
      w = rmsNormWitness(step.spec, ctx.value(step.x), ctx.value(step.gain));
    } catch (e) {
      if (e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    (["r", "lo", "hi"] as const).forEach((f) => {
      step.advice[f].forEach((slot, j) => ctx.setAdvice(slot, w.limbs[f][j]));
      step.columns[f].forEach((col, j) => ctx.setColumn(col, [w.limbs[f][j]]));
    });
    witnessRequant(step.requant, w.acc, ctx.value(step.outputs[0]), ctx);
    ctx.scratch.set(scratchKey(step), w);
  },
  prove(step, ctx) {
    const w = ctx.scratch.get(scratchKey(step)) as RmsNormWitness | undefined;
    if (!w) throw new RangeError(`rmsnorm "${step.node}": no witness (the witness phase did not run)`);
    arenaClaims(step, ctx);
    const claim = proveRequantStep(step.requant, ctx);
    const { proof, claims } = proveRmsNorm({ spec: step.spec, x: ctx.value(step.x), g: ctx.value(step.gain), witness: w, claim, transcript: ctx.transcript });
    const pe = proof.productEvals;
    const re = proof.rootEvals;
    ctx.writer.sumcheck(proof.product);
    ctx.writer.scalars([pe.x, ...pe.r, pe.g]);
    ctx.writer.sumcheck(proof.root);
    ctx.writer.scalars([re.s, ...re.r, ...re.lo, ...re.hi]);
    ctx.writer.sumcheck(proof.square);
    ctx.writer.scalar(proof.squareX);
    route(step, claims, ctx);
  },
  verify(step, ctx) {
    arenaClaims(step, ctx);
    const claim = verifyRequantStep(step.requant, ctx);
    const what = `rmsnorm "${step.node}"`;
    const geo = rmsNormGeometry(step.spec);
    const product = ctx.reader.sumcheck(geo.numVars, RMSNORM_DEGREES.product, `${what} product`);
    const [px, ...prest] = ctx.reader.scalars(2 + geo.rLimbs, `${what}: product evaluations`);
    const root = ctx.reader.sumcheck(geo.rowVars, RMSNORM_DEGREES.root, `${what} root`);
    const [s, ...limbs] = ctx.reader.scalars(1 + geo.rLimbs + 2 * geo.slackLimbs, `${what}: root evaluations`);
    const square = ctx.reader.sumcheck(geo.numVars, RMSNORM_DEGREES.square, `${what} square`);
    const squareX = ctx.reader.scalar(`${what}: square evaluation`);
    const proof = {
      product,
      productEvals: { x: px, r: prest.slice(0, geo.rLimbs), g: prest[geo.rLimbs] },
      root,
      rootEvals: { s, r: limbs.slice(0, geo.rLimbs), lo: limbs.slice(geo.rLimbs, geo.rLimbs + geo.slackLimbs), hi: limbs.slice(geo.rLimbs + geo.slackLimbs) },
      square,
      squareX,
    };
    route(step, verifyRmsNorm({ spec: step.spec, claim, proof, transcript: ctx.transcript }), ctx);
  },
};

/** The arena's claim on every limb column → an opening of its A slot. */
function arenaClaims(step: RmsNormNodeStep, ctx: WalkContext): void {
  (["r", "lo", "hi"] as const).forEach((f) =>
    step.columns[f].forEach((col, j) => {
      const c = ctx.arenaColumn(col);
      ctx.claimAdvice(step.advice[f][j], { point: c.point, value: c.values[0] });
    }),
  );
}

function route(step: RmsNormNodeStep, claims: RmsNormClaims, ctx: WalkContext): void {
  for (const c of claims.x) ctx.claim(step.x, c);
  ctx.claim(step.gain, claims.g);
  for (const l of claims.limbs) {
    (["r", "lo", "hi"] as const).forEach((f) => l[f].forEach((v, j) => ctx.claimAdvice(step.advice[f][j], { point: l.point, value: v })));
  }
}
