/**
 * The linear part of a requantized node: acc = f(inputs) for MatMul/Gemm, Conv, a linear combination (Add/Sub,
 * the numerator qa·Ma + qb·Mb), a Hadamard product (Mul), a window sum (AveragePool) or the identity (a scalar
 * Mul/Div, Cast). Three jobs: compute acc from the trace (witness phase), prove / verify a claim on acc down to
 * claims on the inputs (a claim on a weight becomes an opening of W through `ctx.claim`).
 *
 * Stream order per IOP (= its transcript order, docs/prover.md): matmul — [bias value], sum-check, x, w;
 * conv — [bias value], sum-check, u, w, im2col sum-check, x; lincomb — every operand value but the last;
 * hadamard — sum-check (n_out rounds, degree 3), a, b; window — selector sum-check, x; affine — β(r), then the
 * Hadamard's messages for x ⊙ γ at the claim minus β(r); identity — nothing.
 */
import * as Fr from "../../../field/fr";
import type { Tensor } from "../../../model/ir";
import { conv } from "../../../model/kernels/linear";
import { expandTo, transpose } from "../../../model/kernels/movement";
import { pool } from "../../../model/kernels/pool";
import { matmul } from "../../../model/kernels/linear";
import type { Claim } from "../../claims";
import { proveConv, verifyConv, type ConvSpec } from "../../layers/conv";
import { proveHadamard, proveLinearCombination, verifyHadamard, verifyLinearCombination } from "../../layers/elementwise";
import { proveMatMul, verifyMatMul } from "../../layers/matmul";
import { proveReindex, verifyReindex, type WindowSumSpec } from "../../layers/reindex";
import { evaluateTensor, layoutOf, reshapePoint, type IntTensor } from "../../tensor";
import type { PlanLinear } from "../plan";
import type { ProveContext, VerifyContext } from "./types";

/** Integer acc of the linear part from the operands' values (exact in float64: plans keep |acc| < 2^53). */
export function computeAcc(linear: PlanLinear, value: (name: string) => IntTensor, outShape: readonly number[]): IntTensor {
  const t = (name: string): Tensor => {
    const v = value(name);
    return { dtype: "float32", shape: [...v.shape], data: Float64Array.from(v.data) };
  };
  switch (linear.iop) {
    case "matmul": {
      const { spec } = linear;
      const x = spec.transA ? transpose(t(linear.x), [1, 0]) : t(linear.x);
      const w = spec.transB ? transpose(t(linear.w), [1, 0]) : t(linear.w);
      const acc = matmul(x, w, "acc");
      if (!linear.bias) return acc;
      const b = expandTo(t(linear.bias), acc.shape);
      return { shape: acc.shape, data: Float64Array.from(acc.data, (v, i) => v + b.data[i]) };
    }
    case "conv": {
      const s: ConvSpec = linear.spec;
      const bias = linear.bias ? Float64Array.from(value(linear.bias).data) : undefined;
      return conv(t(linear.x), t(linear.w), bias, { group: s.group ?? 1, kernel: s.w.slice(2), strides: s.strides, dilations: s.dilations, padsBegin: s.padsBegin, outSpatial: s.outSpatial });
    }
    case "lincomb": {
      const out = new Float64Array(outShape.reduce((p, d) => p * d, 1));
      for (const op of linear.operands) {
        const e = expandTo(t(op.tensor), outShape);
        const c = Number(Fr.toSigned(op.coeff));
        for (let i = 0; i < out.length; i++) out[i] += c * e.data[i];
      }
      return { shape: [...outShape], data: out };
    }
    case "hadamard": {
      const a = expandTo(t(linear.a), outShape);
      const b = expandTo(t(linear.b), outShape);
      return { shape: [...outShape], data: Float64Array.from(a.data, (v, i) => v * b.data[i]) };
    }
    case "window": {
      if (linear.spec.op !== "window-sum") throw new RangeError("window part: not a window-sum spec");
      const s: WindowSumSpec = linear.spec.spec;
      const r = pool(t(linear.x), { kernel: s.kernel, strides: s.strides, dilations: s.dilations, padsBegin: s.padsBegin, padsEnd: s.kernel.map(() => 0), outSpatial: s.outSpatial });
      return { shape: [...outShape], data: r.sum };
    }
    case "affine": {
      const x = value(linear.x).data;
      const g = value(linear.gamma).data;
      const b = value(linear.beta).data;
      return { shape: [...outShape], data: Float64Array.from(x, (v, i) => v * g[i] + b[i]) };
    }
    case "identity":
      return value(linear.x);
  }
}

/** An affine step's claim on β (flat layout) and the claim left for the Hadamard x ⊙ γ. */
function affineSplit(linear: Extract<PlanLinear, { iop: "affine" }>, acc: Claim, beta: bigint): { beta: Claim; rest: Claim } {
  const flat = reshapePoint(linear.flatShape, linear.outShape, acc.point);
  return { beta: { point: flat, value: beta }, rest: { point: acc.point, value: Fr.sub(acc.value, beta) } };
}

/** Claims of the affine Hadamard on x and on γ (γ seen in x's shape, its claim moved to the flat layout). */
function affineRoute(ctx: ProveContext | VerifyContext, linear: Extract<PlanLinear, { iop: "affine" }>, beta: Claim, claims: { a: Claim; b: Claim }): void {
  ctx.claim(linear.beta, beta);
  ctx.claim(linear.x, claims.a);
  ctx.claim(linear.gamma, { point: reshapePoint(linear.flatShape, linear.outShape, claims.b.point), value: claims.b.value });
}

/** Proves a claim on acc; adds the claims on the operands. */
export function proveLinear(linear: PlanLinear, acc: Claim, outShape: readonly number[], ctx: ProveContext): void {
  const { transcript, writer } = ctx;
  switch (linear.iop) {
    case "matmul": {
      const { proof, claims } = proveMatMul({ spec: linear.spec, x: ctx.value(linear.x), w: ctx.value(linear.w), ...(linear.bias ? { bias: ctx.value(linear.bias) } : {}), claim: acc, transcript });
      if (proof.biasValue !== null) writer.scalar(proof.biasValue);
      writer.sumcheck(proof.sumcheck);
      writer.scalars([proof.xValue, proof.wValue]);
      routeLinear(ctx, linear, claims);
      return;
    }
    case "conv": {
      const { proof, claims } = proveConv({ spec: linear.spec, x: ctx.value(linear.x), w: ctx.value(linear.w), ...(linear.bias ? { bias: ctx.value(linear.bias) } : {}), claim: acc, transcript });
      if (proof.biasValue !== null) writer.scalar(proof.biasValue);
      writer.sumcheck(proof.sumcheck);
      writer.scalars([proof.uValue, proof.wValue]);
      writer.sumcheck(proof.im2col.sumcheck);
      writer.scalar(proof.im2col.xValue);
      routeLinear(ctx, linear, claims);
      return;
    }
    case "lincomb": {
      const operands = linear.operands.map((op) => ({ shape: op.shape, coeff: op.coeff, data: ctx.value(op.tensor).data }));
      const { proof, claims } = proveLinearCombination({ outShape, operands, claim: acc, transcript });
      writer.scalars(proof.values);
      claims.forEach((c, i) => ctx.claim(linear.operands[i].tensor, c));
      return;
    }
    case "hadamard": {
      const { proof, claims } = proveHadamard({ outShape, a: ctx.value(linear.a), b: ctx.value(linear.b), claim: acc, transcript });
      writer.sumcheck(proof.sumcheck);
      writer.scalars([proof.aValue, proof.bValue]);
      ctx.claim(linear.a, claims.a);
      ctx.claim(linear.b, claims.b);
      return;
    }
    case "window": {
      const { proof, claim } = proveReindex({ layer: linear.spec, x: ctx.value(linear.x), claim: acc, transcript });
      writer.sumcheck(proof.sumcheck);
      writer.scalar(proof.xValue);
      ctx.claim(linear.x, claim);
      return;
    }
    case "affine": {
      const flat = reshapePoint(linear.flatShape, linear.outShape, acc.point);
      const beta = evaluateTensor(layoutOf(linear.flatShape), ctx.value(linear.beta).data, flat);
      const split = affineSplit(linear, acc, beta);
      const gamma = ctx.value(linear.gamma);
      const { proof, claims } = proveHadamard({ outShape, a: ctx.value(linear.x), b: { shape: outShape, data: gamma.data }, claim: split.rest, transcript });
      writer.scalar(beta);
      writer.sumcheck(proof.sumcheck);
      writer.scalars([proof.aValue, proof.bValue]);
      affineRoute(ctx, linear, split.beta, claims);
      return;
    }
    case "identity":
      ctx.claim(linear.x, acc);
      return;
  }
}

/** Verifies a claim on acc, reading the IOP's messages; adds the same claims as {@link proveLinear}. */
export function verifyLinear(linear: PlanLinear, acc: Claim, outShape: readonly number[], ctx: VerifyContext): void {
  const { transcript, reader } = ctx;
  switch (linear.iop) {
    case "matmul": {
      const biasValue = linear.bias ? reader.scalar("matmul bias value") : null;
      const sumcheck = reader.sumcheck(linear.rounds, linear.degree, "matmul");
      const [xValue, wValue] = reader.scalars(2, "matmul evaluations");
      routeLinear(ctx, linear, verifyMatMul({ spec: linear.spec, claim: acc, proof: { biasValue, sumcheck, xValue, wValue }, transcript }));
      return;
    }
    case "conv": {
      const shape = convShape(linear.spec);
      const biasValue = linear.bias ? reader.scalar("conv bias value") : null;
      const sumcheck = reader.sumcheck(shape.rounds, shape.degree, "conv");
      const [uValue, wValue] = reader.scalars(2, "conv evaluations");
      const im2col = { sumcheck: reader.sumcheck(shape.selectorRounds, 2, "conv im2col"), xValue: reader.scalar("conv im2col x value") };
      routeLinear(ctx, linear, verifyConv({ spec: linear.spec, claim: acc, proof: { biasValue, sumcheck, uValue, wValue, im2col }, transcript }));
      return;
    }
    case "lincomb": {
      const values = reader.scalars(linear.operands.length - 1, "linear combination values");
      const claims = verifyLinearCombination({ outShape, operands: linear.operands.map((op) => ({ shape: op.shape, coeff: op.coeff })), claim: acc, proof: { values }, transcript });
      claims.forEach((c, i) => ctx.claim(linear.operands[i].tensor, c));
      return;
    }
    case "hadamard": {
      const sumcheck = reader.sumcheck(layoutOf(outShape).numVars, 3, "hadamard");
      const [aValue, bValue] = reader.scalars(2, "hadamard evaluations");
      const claims = verifyHadamard({ outShape, aShape: linear.aShape, bShape: linear.bShape, claim: acc, proof: { sumcheck, aValue, bValue }, transcript });
      ctx.claim(linear.a, claims.a);
      ctx.claim(linear.b, claims.b);
      return;
    }
    case "window": {
      const sumcheck = reader.sumcheck(layoutOf(ctxShape(linear.spec)).numVars, 2, "window sum");
      const xValue = reader.scalar("window sum x value");
      ctx.claim(linear.x, verifyReindex({ layer: linear.spec, claim: acc, proof: { sumcheck, xValue }, transcript }));
      return;
    }
    case "affine": {
      const split = affineSplit(linear, acc, reader.scalar("affine β value"));
      const sumcheck = reader.sumcheck(layoutOf(outShape).numVars, 3, "affine hadamard");
      const [aValue, bValue] = reader.scalars(2, "affine hadamard evaluations");
      const claims = verifyHadamard({ outShape, aShape: outShape, bShape: outShape, claim: split.rest, proof: { sumcheck, aValue, bValue }, transcript });
      affineRoute(ctx, linear, split.beta, claims);
      return;
    }
    case "identity":
      ctx.claim(linear.x, acc);
      return;
  }
}

/** Rounds and degrees of a Conv proof (docs/prover.md, "Conv"). */
export function convShape(spec: ConvSpec): { rounds: number; degree: number; selectorRounds: number } {
  const grouped = (spec.group ?? 1) > 1;
  return {
    rounds: grouped ? layoutOf(spec.w).numVars : layoutOf(spec.w.slice(1)).numVars,
    degree: grouped ? 3 : 2,
    selectorRounds: layoutOf(spec.x).numVars,
  };
}

function ctxShape(layer: PlanLinear extends never ? never : Extract<PlanLinear, { iop: "window" }>["spec"]): readonly number[] {
  return layer.spec.x;
}

function routeLinear(ctx: ProveContext | VerifyContext, linear: Extract<PlanLinear, { iop: "matmul" | "conv" }>, claims: { x: Claim; w: Claim; bias: Claim | null }): void {
  ctx.claim(linear.x, claims.x);
  ctx.claim(linear.w, claims.w);
  if (linear.bias && claims.bias) ctx.claim(linear.bias, claims.bias);
}
