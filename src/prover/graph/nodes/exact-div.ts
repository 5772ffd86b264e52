/**
 * Integer Div by a constant (kind `exact`, ONNX Div of integer tensors: truncation toward zero), relation in
 * ../../layers/exact-div.ts. Advice (A) and arena columns (all `range:12`, over y's layout), in this order:
 * `ux<j>` (j < m), `g`, `uq<j>`, `h`, `r<j>` (j < ℓ), `t<j>`.
 *
 * Walk (stream order): per claim (r, v) on y in take order the prover sends uq_j~(r) and h~(r)
 * (`absorb("exactdiv.quotient", …)`); the verifier checks σ·(Σ 2^(jL)·uq_j − 2^K·h) = v and opens A at r for each.
 * Then the arena's claims on every column become openings of A at ρ, the verifier checks (R) and (E) at ρ, and
 * x~(ρ) = Σ 2^(jL)·ux_j(ρ) − 2^K·g(ρ) goes to x's producer (or the public input). Stream: (m + 1) scalars per claim.
 *
 * x must be an integer graph input (the statement packs it as int32: |x| ≤ 2^31) or have a static range
 * (./int-bounds.ts); the divisor a constant non-zero integer scalar.
 */
import { isFloatType } from "../../../model/ir";
import { evaluateMle } from "../../../poly/mle";
import { LayerProofError } from "../../claims";
import { checkExactDivAt, exactDivGeometry, ExactDivMismatchError, exactDivWitness, quotientAt, signedValue, type ExactDivSpec, type ExactDivWitness } from "../../layers/exact-div";
import { REQUANT_LIMB_BITS } from "../../layers/requant-spec";
import { LayoutError } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStepBase } from "../plan";
import { rangeTableDef, rangeTableId } from "../tables";
import { compileExact } from "./exact";
import { integerRange } from "./int-bounds";
import type { CompileContext, NodeCompiler, StepHandler, WalkContext } from "./types";

/** Transcript label of the quotient's limb values at a claim's point. */
export const EXACT_DIV_LABELS = { quotient: "exactdiv.quotient" } as const;

/** |x| ≤ 2^31 for an integer graph input (packed as int32 in the statement). */
const INT32_BOUND = 2n ** 31n;

/** Column groups of the step, in declaration order. */
const GROUPS = ["ux", "g", "uq", "h", "r", "t"] as const;
type Group = (typeof GROUPS)[number];

/** An exact division step: spec, dividend, and per group the A slots and arena columns. */
export type ExactDivNodeStep = NodeStepBase & {
  readonly handler: "exact-div";
  readonly spec: ExactDivSpec;
  readonly x: string;
  readonly advice: Readonly<Record<Group, readonly string[]>>;
  readonly columns: Readonly<Record<Group, readonly number[]>>;
};

/** True when an `exact` node is an integer Div proved here. */
export function provesExactDiv(op: string, kind: string): boolean {
  return kind === "exact" && op === "Div";
}

/** Kind `exact`: Div here, everything else to ./exact.ts. */
export const compileExactWithDiv: NodeCompiler = (ctx) => (provesExactDiv(ctx.node.op, ctx.plan.kind) ? compileExactDiv(ctx) : compileExact(ctx));

export function compileExactDiv(ctx: CompileContext): ExactDivNodeStep {
  const { node, plan, model } = ctx;
  const [x, dName] = node.inputs;
  const divisor = model.graph.initializers.get(dName ?? "");
  if (!divisor || divisor.data.length !== 1) return ctx.unsupported("integer Div is proved by a constant scalar divisor only");
  const d = divisor.data[0];
  if (!Number.isInteger(d) || d === 0) return ctx.unsupported(`the divisor ${d} is not a non-zero integer`);
  if (model.graph.initializers.has(x)) return ctx.unsupported("a constant dividend");
  const xInfo = model.graph.values.get(x)!;
  if (isFloatType(xInfo.dtype)) return ctx.unsupported(`dividend "${x}" is float-typed in an exact integer node`);
  const y = node.outputs[0];
  const shape = ctx.shape(y);
  if (ctx.shape(x).join(",") !== shape.join(",")) return ctx.unsupported("the dividend's shape differs from the output's");
  let xBound: bigint;
  if (model.graph.inputs.some((i) => i.name === x)) xBound = INT32_BOUND;
  else {
    const range = integerRange(model, x);
    if (!range) return ctx.unsupported(`dividend "${x}" has no static range (an integer graph input or a range-known integer tensor is needed)`);
    xBound = BigInt(Math.max(Math.abs(range.lo), Math.abs(range.hi)));
  }
  const spec: ExactDivSpec = { shape, divisor: BigInt(d), xBound, limbBits: REQUANT_LIMB_BITS };
  const geo = exactDivGeometry(spec);
  ctx.table(rangeTableDef(spec.limbBits));
  const range = rangeTableId(spec.limbBits);
  const counts: Record<Group, number> = { ux: geo.signLimbs, g: 1, uq: geo.signLimbs, h: 1, r: geo.remLimbs, t: geo.remLimbs };
  const advice = {} as Record<Group, string[]>;
  const columns = {} as Record<Group, number[]>;
  for (const group of GROUPS) {
    const names = Array.from({ length: counts[group] }, (_, j) => (counts[group] === 1 && (group === "g" || group === "h") ? group : `${group}${j}`));
    advice[group] = names.map((n) => ctx.advice(n, shape));
    columns[group] = names.map((n) => ctx.arenaColumn(range, geo.layout.numVars, `${node.name}:${n}`));
  }
  return { node: node.name, op: node.op, kind: plan.kind, handler: "exact-div", outputs: [y], spec, x, advice, columns };
}

function scratchKey(step: ExactDivNodeStep): string {
  return `exact-div:${step.node}`;
}

function tablesOf(w: ExactDivWitness): Record<Group, bigint[][]> {
  return { ux: w.ux, g: [w.g], uq: w.uq, h: [w.h], r: w.r, t: w.t };
}

export const exactDivHandler: StepHandler<ExactDivNodeStep> = {
  witness(step, ctx) {
    let w: ExactDivWitness;
    try {
      w = exactDivWitness(step.spec, ctx.value(step.x), ctx.value(step.outputs[0]), ctx.unsafe);
    } catch (e) {
      if (e instanceof ExactDivMismatchError || e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    const tables = tablesOf(w);
    for (const group of GROUPS) {
      tables[group].forEach((t, j) => {
        ctx.setAdvice(step.advice[group][j], t);
        ctx.setColumn(step.columns[group][j], [t]);
      });
    }
    ctx.scratch.set(scratchKey(step), w);
  },
  prove(step, ctx) {
    const w = ctx.scratch.get(scratchKey(step)) as ExactDivWitness | undefined;
    if (!w) throw new RangeError(`exact division "${step.node}": no witness (the witness phase did not run)`);
    for (const c of ctx.take(step.outputs[0])) {
      const values = [...w.uq, w.h].map((t) => evaluateMle(t, c.point));
      ctx.writer.scalars(values);
      quotientClaims(step, ctx, c.point, values);
    }
    arenaWalk(step, ctx);
  },
  verify(step, ctx) {
    const what = `exact division "${step.node}"`;
    const m = exactDivGeometry(step.spec).signLimbs;
    for (const c of ctx.take(step.outputs[0])) {
      const values = ctx.reader.scalars(m + 1, `${what}: quotient limbs`);
      quotientClaims(step, ctx, c.point, values);
      if (quotientAt(step.spec, values.slice(0, m), values[m]) !== c.value) throw new LayerProofError(`${what}: the quotient's limbs do not give the claimed output`);
    }
    const error = arenaWalk(step, ctx);
    if (error) throw new LayerProofError(`${what}: ${error}`);
  },
};

/** Absorbs the quotient's limb values at a claim's point and opens A there. */
function quotientClaims(step: ExactDivNodeStep, ctx: WalkContext, point: readonly bigint[], values: readonly bigint[]): void {
  ctx.transcript.absorbScalars(EXACT_DIV_LABELS.quotient, values);
  [...step.advice.uq, ...step.advice.h].forEach((slot, j) => ctx.claimAdvice(slot, { point, value: values[j] }));
}

/** The arena's claims → openings of A; the claim on x at ρ; returns why (R) or (E) fails, or null. */
function arenaWalk(step: ExactDivNodeStep, ctx: WalkContext): string | null {
  const at = {} as Record<Group, bigint[]>;
  let point: readonly bigint[] = [];
  for (const group of GROUPS) {
    at[group] = step.columns[group].map((col, j) => {
      const c = ctx.arenaColumn(col);
      point = c.point;
      ctx.claimAdvice(step.advice[group][j], { point: c.point, value: c.values[0] });
      return c.values[0];
    });
  }
  const checked = checkExactDivAt(step.spec, { point, ux: at.ux, g: at.g[0], uq: at.uq, h: at.h[0], r: at.r, t: at.t });
  // A dishonest prover's proof is still complete (the verifier rejects it at the check): x's claim either way.
  ctx.claim(step.x, { point, value: signedValue(step.spec, at.ux, at.g[0]) });
  return "error" in checked ? checked.error : null;
}
