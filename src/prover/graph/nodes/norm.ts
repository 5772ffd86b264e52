/**
 * Kind `norm` (LayerNormalization, InstanceNormalization; docs/prover.md, "Normalization (kind norm)"). Per group
 * (the trailing axes from `axis` on): μ, V by quotient identities on the row layout (../../layers/norm.ts), the
 * table index v by a requantization of acc_v = V − 2^(b−1+2t) (multiplier 1, shift 2t), r = RSQRT[v] by one arena
 * column against the plan's table, z = requant(c·r), then the channel-affine y = requant(z·γ + β) through the
 * same IOP as kind `channel-affine` (./linear-part.ts, `affine`). z and v are never committed.
 *
 * Advice (A, row shape unless noted): limbs of u = μ + 2^(b−1) (`mu<j>`), of the mean's remainder f and its
 * complement (`mu-rem<j>`, `mu-remc<j>`), of V (`var<j>`), of the variance's remainder g and its complement
 * (`var-rem<j>`, `var-remc<j>`), r (`r`), and the three requantizations' own (tags `v:`, `z:`, none).
 * Arena columns, in this order: one range column per limb (families in the order above), the RSQRT column
 * (v − 2^(b−1), r + RSQRT[2^(b−1)]·pad) over the row layout, then the requantizations' (declared v, z, y).
 *
 * Walk and stream, in order: [arena values at ρ_row: no messages] | requant of y | affine: β, Hadamard sum-check,
 * z, γ | [γ, β reshape selectors: only when the flat weights do not line up with x's layout] | requant of z |
 * requant of v | V's limbs but the top one at the v requant's point | the batched sum-check, q, r, u limbs.
 */
import * as Fr from "../../../field/fr";
import { isFloatType, type Node } from "../../../model/ir";
import { normAxis } from "../../../model/kernels/util";
import { attrInt } from "../../../model/ops/types";
import { qRange, requantize, type FixedPoint } from "../../../model/quant/fixed-point";
import { evaluateMle } from "../../../poly/mle";
import { LayerProofError, type Claim } from "../../claims";
import { normGeometry, normLimbTables, normRowSums, normWitness, proveNormSums, varianceLimbsAt, verifyNormSums, NORM_DEGREE, NORM_LABELS, type NormGiven, type NormLimbTables, type NormSpec, type NormSumsClaims } from "../../layers/norm";
import { proveReindex, verifyReindex, type ReindexSpec } from "../../layers/reindex";
import { REQUANT_LIMB_BITS } from "../../layers/requant-spec";
import { paddedWith, realIndicator } from "../../layers/softmax";
import { LayoutError, layoutOf, paddedTable, reshapePoint, type IntTensor } from "../../tensor";
import { ProverInputError } from "../errors";
import type { NodeStepBase, PlanLinear, PlanRequant } from "../plan";
import { RANGE_TABLE_ID, rangeTableDef, tableSlot, type FixedTable } from "../tables";
import { computeAcc, proveLinear, verifyLinear } from "./linear-part";
import { proveRequantStep, verifyRequantStep, witnessRequant } from "./requant-step";
import type { CompileContext, ProveContext, StepHandler, VerifyContext, WalkContext, WitnessContext } from "./types";

/** The limbed advice families, in declaration (and arena column) order. */
const FAMILIES = ["mu", "remMu", "remMuC", "variance", "remVariance", "remVarianceC"] as const;
type Family = (typeof FAMILIES)[number];
const FAMILY_COLUMN: Record<Family, string> = { mu: "mu", remMu: "mu-rem", remMuC: "mu-remc", variance: "var", remVariance: "var-rem", remVarianceC: "var-remc" };

/** A flat weight (γ or β) seen in x's shape through a Reshape selector. */
interface ReshapedWeight {
  /** The virtual tensor in x's shape whose claims the affine IOP makes. */
  readonly tensor: string;
  /** The committed flat weight. */
  readonly weight: string;
  readonly layer: ReindexSpec;
}

/** A norm step (plain data). */
export type NormNodeStep = NodeStepBase & {
  readonly handler: "norm";
  readonly spec: NormSpec;
  readonly x: string;
  /** The plan's RSQRT table (index v ∈ [0, 2^b − 1]; the prover's witness reads it, the verifier's is in W). */
  readonly rsqrt: readonly number[];
  /** RSQRT[2^(b−1)]: what the padding rows look up beside v − 2^(b−1) = 0. */
  readonly rsqrtPad: bigint;
  readonly advice: { readonly [F in Family]: readonly string[] } & { readonly r: string };
  readonly columns: { readonly [F in Family]: readonly number[] } & { readonly rsqrt: number };
  /** v − 2^(b−1) = requant(V − 2^(b−1+2t); 1, 2t) over the row shape (y = `<node>:v`). */
  readonly v: PlanRequant;
  /** z = requant(c·r) (y = `<node>:z`). */
  readonly z: PlanRequant;
  /** y = requant(z·γ + β) and its affine linear part. */
  readonly requant: PlanRequant;
  readonly affine: Extract<PlanLinear, { iop: "affine" }>;
  /** γ, β through Reshape selectors when their flat layout does not line up with x's; else null. */
  readonly reshape: { readonly gamma: ReshapedWeight; readonly beta: ReshapedWeight } | null;
};

interface NormParams {
  varianceShift?: number;
  table?: string;
  normalize?: FixedPoint;
  affine?: FixedPoint;
  groups?: number;
  groupSize?: number;
}

/** The first normalized axis, read as the executor reads it. */
function groupAxis(node: Node, rank: number): number {
  if (node.op === "InstanceNormalization") return 2;
  return normAxis(attrInt(node, "axis", -1), rank, node);
}

/** The RSQRT table: rows v − 2^(b−1) ∈ [qmin, qmax] (range column) and RSQRT[v] (W). */
function rsqrtTableDef(planTableId: string, bits: number, values: ArrayLike<number>): FixedTable {
  const id = `rsqrt:${planTableId}`;
  return { id, numVars: bits, columns: [{ kind: "range", lo: -(2 ** (bits - 1)) }, { kind: "external", slot: tableSlot(id, "y"), values: Array.from(values) }] };
}

export function compileNorm(ctx: CompileContext): NormNodeStep {
  const { node, plan, model, bits } = ctx;
  const p = plan.params as NormParams;
  const table = p.table === undefined ? undefined : plan.tables?.[p.table];
  if (p.varianceShift === undefined || !table || !p.normalize || !p.affine || p.groups === undefined || p.groupSize === undefined) return ctx.unsupported("a norm plan without its parameters");
  if (table.offset !== 0 || table.values.length !== 2 ** bits) return ctx.unsupported(`the RSQRT table's domain is not [0, 2^${bits})`);
  const x = node.inputs[0];
  const y = node.outputs[0];
  if (!isFloatType(model.graph.values.get(x)!.dtype)) return ctx.unsupported(`input "${x}" is integer-typed (not clamped to b bits)`);
  const shape = ctx.shape(x);
  if (node.op === "InstanceNormalization" && shape.length < 3) return ctx.unsupported(`input of rank ${shape.length} (needs [N, C, spatial…])`);
  const spec: NormSpec = { x: shape, axis: groupAxis(node, shape.length), bits, varianceShift: p.varianceShift, limbBits: REQUANT_LIMB_BITS };
  let geo;
  try {
    geo = normGeometry(spec);
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  if (geo.n !== p.groupSize || geo.groups !== p.groups) return ctx.unsupported(`groups ${geo.groups} × ${geo.n} disagree with the plan's ${p.groups} × ${p.groupSize}`);
  const gamma = `${node.name}:gamma`;
  const beta = `${node.name}:beta`;
  const g = model.weights.get(gamma);
  const b = model.weights.get(beta);
  if (!g || !b) return ctx.unsupported("γ / β weights are missing");
  const values = Array.from(table.values);
  const rsqrt = rsqrtTableDef(p.table!, bits, values);
  ctx.table(rangeTableDef());
  ctx.table(rsqrt);
  const rowShape = [...geo.rowShape];
  const rowVars = geo.rowLayout.numVars;
  const count: Record<Family, number> = { mu: geo.limbs.mu, remMu: geo.limbs.rem, remMuC: geo.limbs.rem, variance: geo.limbs.variance, remVariance: geo.limbs.rem, remVarianceC: geo.limbs.rem };
  const slots = (f: Family) => Array.from({ length: count[f] }, (_, j) => ctx.advice(`${FAMILY_COLUMN[f]}${j}`, rowShape));
  const advice = { mu: slots("mu"), remMu: slots("remMu"), remMuC: slots("remMuC"), variance: slots("variance"), remVariance: slots("remVariance"), remVarianceC: slots("remVarianceC"), r: ctx.advice("r", rowShape) };
  const cols = (f: Family) => advice[f].map((_, j) => ctx.arenaColumn(RANGE_TABLE_ID, rowVars, `${node.name}:${FAMILY_COLUMN[f]}${j}`));
  const columns = { mu: cols("mu"), remMu: cols("remMu"), remMuC: cols("remMuC"), variance: cols("variance"), remVariance: cols("remVariance"), remVarianceC: cols("remVarianceC"), rsqrt: ctx.arenaColumn(rsqrt.id, rowVars, `${node.name}:rsqrt`) };
  const maxR = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const half = 1n << BigInt(bits - 1);
  let maxBeta = 0;
  for (const v of Array.from(b.tensor.data)) maxBeta = Math.max(maxBeta, Math.abs(v));
  let requants;
  try {
    requants = {
      // |acc_v| ≤ max V + 2^(b−1+2t); |c·r| ≤ (2^b − 1)·max RSQRT; |z·γ + β| ≤ 2^(2(b−1)) + max |β| (as channel-affine).
      v: ctx.requant({ y: `${node.name}:v`, shape: rowShape, multiplier: 1n, shift: p.varianceShift, accBound: geo.maxVariance + geo.varianceOffset, tag: "v:" }),
      z: ctx.requant({ y: `${node.name}:z`, shape, multiplier: BigInt(p.normalize.multiplier), shift: p.normalize.shift, accBound: (2n * half - 1n) * BigInt(maxR), tag: "z:" }),
      y: ctx.requant({ y, shape, multiplier: BigInt(p.affine.multiplier), shift: p.affine.shift, accBound: half * half + BigInt(maxBeta) }),
    };
  } catch (e) {
    if (e instanceof LayoutError) return ctx.unsupported(e.message);
    throw e;
  }
  const flatShape = [...g.tensor.shape];
  const aligned = lineUp(flatShape, shape);
  const view = (weight: string): ReshapedWeight => ({ tensor: `${weight}@x`, weight, layer: { op: "reshape", spec: { x: flatShape, out: shape } } });
  const reshape = aligned ? null : { gamma: view(gamma), beta: view(beta) };
  const affine = {
    iop: "affine" as const,
    outShape: shape,
    x: requants.z.y,
    gamma: reshape ? reshape.gamma.tensor : gamma,
    beta: reshape ? reshape.beta.tensor : beta,
    flatShape: reshape ? shape : flatShape,
  };
  return {
    node: node.name,
    op: node.op,
    kind: plan.kind,
    handler: "norm",
    outputs: [y],
    spec,
    x,
    rsqrt: values,
    rsqrtPad: Fr.fromSigned(values[Number(half)]),
    advice,
    columns,
    v: requants.v,
    z: requants.z,
    requant: requants.y,
    affine,
    reshape,
  };
}

/** True when a point on `shape` maps to the flat layout for free (`reshapePoint`). */
function lineUp(flatShape: readonly number[], shape: readonly number[]): boolean {
  try {
    reshapePoint(flatShape, shape, new Array<bigint>(layoutOf(shape).numVars).fill(0n));
    return true;
  } catch (e) {
    if (e instanceof LayoutError) return false;
    throw e;
  }
}

interface Scratch {
  readonly limbs: NormLimbTables;
  readonly r: readonly bigint[];
}

function scratchKey(step: NormNodeStep): string {
  return `norm:${step.node}`;
}

/** A dishonest prover's substitutes (test hook, `unsafe` only): trace values named `<node>:mu`, `:var`, `:r`, `:z`. */
function givenValues(step: NormNodeStep, ctx: WitnessContext): { given: NormGiven; z?: IntTensor } {
  const get = (name: string): IntTensor | undefined => {
    try {
      return ctx.value(`${step.node}:${name}`);
    } catch (e) {
      if (e instanceof ProverInputError) return undefined;
      throw e;
    }
  };
  const [mu, variance, r, z] = ["mu", "var", "r", "z"].map(get);
  return { given: { ...(mu ? { mu: mu.data } : {}), ...(variance ? { variance: variance.data } : {}), ...(r ? { r: r.data } : {}) }, ...(z ? { z } : {}) };
}

export const normHandler: StepHandler<NormNodeStep> = {
  witness(step, ctx) {
    const { spec } = step;
    const geo = normGeometry(spec);
    const q = ctx.value(step.x);
    const { given, z: givenZ } = ctx.unsafe ? givenValues(step, ctx) : { given: {}, z: undefined };
    let w;
    try {
      w = normWitness(spec, q, step.rsqrt, given);
    } catch (e) {
      if (e instanceof LayoutError) throw new ProverInputError(`trace: node ${step.node}: ${e.message}`);
      throw e;
    }
    const limbs = normLimbTables(spec, w);
    for (const f of FAMILIES) {
      step.advice[f].forEach((slot, j) => ctx.setAdvice(slot, limbs[f][j]));
      step.columns[f].forEach((col, j) => ctx.setColumn(col, [limbs[f][j]]));
    }
    const row = geo.rowLayout;
    const r = paddedTable(row, w.r, "norm r");
    ctx.setAdvice(step.advice.r, r);
    const shifted = w.v.map((v) => v - Number(geo.muOffset));
    ctx.setColumn(step.columns.rsqrt, [paddedTable(row, shifted, "norm v"), paddedWith(row, w.r, step.rsqrtPad)]);
    witnessRequant(step.v, w.accVariance, { shape: geo.rowShape, data: shifted }, ctx);
    const { qmin, qmax } = qRange(spec.bits);
    const fp = { multiplier: Number(step.z.multiplier), shift: step.z.shift };
    const z = givenZ ?? { shape: spec.x, data: Float64Array.from(w.acc.data, (a) => requantize(a, fp, qmin, qmax)) };
    ctx.setValue(step.z.y, z);
    witnessRequant(step.z, w.acc, z, ctx);
    if (step.reshape) {
      for (const v of [step.reshape.gamma, step.reshape.beta]) ctx.setValue(v.tensor, { shape: spec.x, data: ctx.value(v.weight).data });
    }
    const acc = computeAcc(step.affine, (name) => ctx.value(name), spec.x);
    witnessRequant(step.requant, acc, ctx.value(step.outputs[0]), ctx);
    ctx.scratch.set(scratchKey(step), { limbs, r } satisfies Scratch);
  },
  prove(step, ctx) {
    const s = ctx.scratch.get(scratchKey(step)) as Scratch | undefined;
    if (!s) throw new RangeError(`norm "${step.node}": no witness (the witness phase did not run)`);
    const row = arenaWalk(step, ctx);
    proveLinear(step.affine, proveRequantStep(step.requant, ctx), step.spec.x, ctx);
    if (step.reshape) {
      for (const v of [step.reshape.gamma, step.reshape.beta]) {
        const { proof, claim } = proveReindex({ layer: v.layer, x: ctx.value(v.weight), claim: onlyClaim(ctx, v.tensor), transcript: ctx.transcript });
        ctx.writer.sumcheck(proof.sumcheck);
        ctx.writer.scalar(proof.xValue);
        ctx.claim(v.weight, claim);
      }
    }
    const accZ = proveRequantStep(step.z, ctx);
    const accV = proveRequantStep(step.v, ctx);
    const sent = s.limbs.variance.slice(0, -1).map((t) => evaluateMle(t, accV.point));
    ctx.writer.scalars(sent);
    varianceClaims(step, ctx, accV, sent);
    const { proof, claims } = proveNormSums({ spec: step.spec, q: ctx.value(step.x), mu: s.limbs.mu, r: s.r, statement: { acc: accZ, ...row }, transcript: ctx.transcript });
    ctx.writer.sumcheck(proof.sumcheck);
    ctx.writer.scalars([proof.q, proof.r, ...proof.mu]);
    route(step, claims, ctx);
  },
  verify(step, ctx) {
    const what = `norm "${step.node}"`;
    const geo = normGeometry(step.spec);
    const row = arenaWalk(step, ctx);
    verifyLinear(step.affine, verifyRequantStep(step.requant, ctx), step.spec.x, ctx);
    if (step.reshape) {
      for (const v of [step.reshape.gamma, step.reshape.beta]) {
        const proof = { sumcheck: ctx.reader.sumcheck(layoutOf(v.layer.spec.x).numVars, 2, `${what} ${v.weight} reshape`), xValue: ctx.reader.scalar(`${what}: ${v.weight} value`) };
        ctx.claim(v.weight, verifyReindex({ layer: v.layer, claim: onlyClaim(ctx, v.tensor), proof, transcript: ctx.transcript }));
      }
    }
    const accZ = verifyRequantStep(step.z, ctx);
    const accV = verifyRequantStep(step.v, ctx);
    const sent = ctx.reader.scalars(geo.limbs.variance - 1, `${what}: variance limbs`);
    varianceClaims(step, ctx, accV, sent);
    const sumcheck = ctx.reader.sumcheck(geo.layout.numVars, NORM_DEGREE, `${what} sums`);
    const [q, r, ...mu] = ctx.reader.scalars(2 + geo.limbs.mu, `${what}: sums evaluations`);
    route(step, verifyNormSums({ spec: step.spec, statement: { acc: accZ, ...row }, proof: { sumcheck, q, r, mu }, transcript: ctx.transcript }), ctx);
  },
};

/**
 * The arena's values at the row point ρ_row (every column of the step is over the row layout): each limb → an
 * opening of its A slot; the RSQRT column → a claim on v (for its requantization) and an opening of r; the
 * quotient relations → the group sums Σq~(ρ_row), Σc²~(ρ_row).
 */
function arenaWalk(step: NormNodeStep, ctx: WalkContext): { rowPoint: readonly bigint[]; sumQ: bigint; sumSquares: bigint } {
  const rsqrt = ctx.arenaColumn(step.columns.rsqrt);
  const rho = rsqrt.point;
  const value = (f: Family) =>
    step.columns[f].map((col, j) => {
      const c = ctx.arenaColumn(col);
      if (c.point.length !== rho.length || c.point.some((v, k) => v !== rho[k])) throw new LayerProofError(`norm "${step.node}": arena columns at different points`);
      ctx.claimAdvice(step.advice[f][j], { point: rho, value: c.values[0] });
      return c.values[0];
    });
  const values = { mu: value("mu"), remMu: value("remMu"), remMuC: value("remMuC"), variance: value("variance"), remVariance: value("remVariance"), remVarianceC: value("remVarianceC") };
  const pad = Fr.sub(1n, realIndicator(normGeometry(step.spec).rowLayout, rho));
  ctx.claimAdvice(step.advice.r, { point: rho, value: Fr.sub(rsqrt.values[1], Fr.mul(step.rsqrtPad, pad)) });
  ctx.claim(step.v.y, { point: rho, value: rsqrt.values[0] });
  return { rowPoint: rho, ...normRowSums(step.spec, rho, values) };
}

/** V's limbs at the v requant's point: absorbed (the sent ones), the top one derived; all → openings of A. */
function varianceClaims(step: NormNodeStep, ctx: ProveContext | VerifyContext, acc: Claim, sent: readonly bigint[]): void {
  ctx.transcript.absorbScalars(NORM_LABELS.variance, sent);
  varianceLimbsAt(step.spec, acc, sent).forEach((v, j) => ctx.claimAdvice(step.advice.variance[j], { point: acc.point, value: v }));
}

/** The one claim the affine IOP made on a reshaped weight's virtual tensor. */
function onlyClaim(ctx: WalkContext, tensor: string): Claim {
  const claims = ctx.take(tensor);
  if (claims.length !== 1) throw new LayerProofError(`norm: ${claims.length} claims on "${tensor}", expected one`);
  return claims[0];
}

function route(step: NormNodeStep, claims: NormSumsClaims, ctx: WalkContext): void {
  ctx.claim(step.x, claims.x);
  ctx.claimAdvice(step.advice.r, claims.r);
  claims.mu.limbs.forEach((v, j) => ctx.claimAdvice(step.advice.mu[j], { point: claims.mu.point, value: v }));
}
