/**
 * The Conv and window-sum IOPs on the real corpus (../shared/models): for every Conv and AveragePool node, the
 * accumulator recomputed from the trace's operands requantizes exactly to the trace's output (AveragePool: with
 * the multiplier of each window's count), and the IOP proves, verifies and hands on true claims. Where window
 * counts differ, the weighted form (multipliers brought to one shift) is proved.
 */
import { expect } from "chai";
import { DEFAULT_BITS } from "../../src/model/defaults";
import { conv } from "../../src/model/kernels/linear";
import { pool } from "../../src/model/kernels/pool";
import { clamp, mulShiftRound, qRange, requantizeArray, type FixedPoint } from "../../src/model/quant/fixed-point";
import { proveConv, verifyConv } from "../../src/prover/layers/conv";
import { avgPoolNode, convNode } from "../../src/prover/layers/conv-spec";
import { proveReindex, verifyReindex, type ReindexSpec } from "../../src/prover/layers/reindex";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly/mle";
import { evaluateTensor, forEachIndex, layoutOf, paddedTable } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "./helpers";
import { loadCorpusTrace } from "./corpus-helpers";

const MODELS = ["1l_conv", "1l_downsample", "2l_relu_sigmoid_conv", "3l_relu_conv_fc", "idolmodel", "large_op_graph", "tutorial", "1l_average", "1l_lppool", "ltsf"];

function claimOn(t: { shape: readonly number[]; data: ArrayLike<number> }, seed: string) {
  const layout = layoutOf(t.shape);
  const point = randomFrs(layout.numVars, seed);
  return { point, value: evaluateTensor(layout, t.data, point) };
}

function holds(t: { shape: readonly number[]; data: ArrayLike<number> }, c: { point: readonly bigint[]; value: bigint }, what: string): void {
  expect(evaluateTensor(layoutOf(t.shape), t.data, c.point), what).to.equal(c.value);
}

describe("prover: Conv and AveragePool IOPs on corpus models", function () {
  this.timeout(300_000);
  for (const name of MODELS) {
    it(name, function () {
      const loaded = loadCorpusTrace(name);
      if (!loaded) this.skip();
      const { model, trace, env } = loaded!;
      const { qmin, qmax } = qRange(DEFAULT_BITS);
      let proved = 0;
      for (const step of trace.steps) {
        const out = step.values[0];
        if (step.op === "Conv" && step.kind === "linear") {
          const c = convNode(model, step.node);
          const x = env.get(c.x)!;
          const w = env.get(c.w)!;
          const bias = c.bias ? env.get(c.bias)! : undefined;
          const s = c.spec;
          const acc = conv(x, w, bias?.data, { group: s.group ?? 1, kernel: s.w.slice(2), strides: s.strides, dilations: s.dilations, padsBegin: s.padsBegin, outSpatial: s.outSpatial });
          const fp = step.plan.params as unknown as FixedPoint;
          expect(Array.from(requantizeArray(Float64Array.from(acc.data), fp, qmin, qmax)), `${step.node}: requant(acc) = trace`).to.deep.equal(Array.from(out.data));
          const claim = claimOn(acc, `${name}/${step.node}`);
          const { proof } = proveConv({ spec: s, x, w, bias, claim, transcript: new Transcript("corpus") });
          const claims = verifyConv({ spec: s, claim, proof, transcript: new Transcript("corpus") });
          holds(x, claims.x, `${step.node}: X claim`);
          holds(w, claims.w, `${step.node}: W claim`);
          if (bias) holds(bias, claims.bias!, `${step.node}: bias claim`);
          proved++;
        } else if ((step.op === "AveragePool" || step.op === "GlobalAveragePool") && step.kind === "avgpool") {
          const a = avgPoolNode(model, step.node);
          const x = env.get(a.x)!;
          const s = a.spec;
          const params = step.plan.params as { multipliers: Record<string, FixedPoint>; countIncludePad: boolean };
          const r = pool(x, a.geometry);
          const counts = params.countIncludePad ? r.padded : r.count;
          const y = Array.from(r.sum, (v, i) => {
            const fp = params.multipliers[counts[i]];
            return clamp(mulShiftRound(v, fp.multiplier, fp.shift), qmin, qmax);
          });
          expect(y, `${step.node}: requant(window sum) = trace`).to.deep.equal(Array.from(out.data));
          const plane = s.outSpatial.reduce((p, d) => p * d, 1);
          const planeCounts = Array.from(counts.slice(0, plane));
          let layer: ReindexSpec = { op: "window-sum", spec: s };
          let weights: number[] | null = null;
          if (new Set(planeCounts).size > 1) {
            // Per-position multipliers brought to the largest shift: acc·M_c·2^{s_max − s_c}.
            const fps = planeCounts.map((cnt) => params.multipliers[cnt]);
            const smax = Math.max(...fps.map((f) => f.shift));
            weights = fps.map((f) => f.multiplier * 2 ** (smax - f.shift));
            expect(weights.every(Number.isSafeInteger), `${step.node}: weights fit`).to.equal(true);
            layer = { op: "window-sum", spec: { ...s, weights } };
          }
          const claim = weightedClaim(r.shape, r.sum, weights, plane, `${name}/${step.node}`);
          const { proof } = proveReindex({ layer, x, claim, transcript: new Transcript("corpus") });
          holds(x, verifyReindex({ layer, claim, proof, transcript: new Transcript("corpus") }), `${step.node}: X claim`);
          proved++;
        }
        step.outputs.forEach((o, j) => o !== "" && env.set(o, step.values[j]));
      }
      expect(proved, "Conv/AveragePool nodes proved").to.be.greaterThan(0);
    });
  }
});

/** A true claim on sum ⊙ weights (weights per output spatial position; exact in the field, no 2^53 limit). */
function weightedClaim(shape: readonly number[], sum: Float64Array, weights: number[] | null, plane: number, seed: string) {
  const layout = layoutOf(shape);
  const table = paddedTable(layout, sum);
  if (weights) forEachIndex(layout, (flat, padded) => (table[padded] = Fr.mul(table[padded], Fr.fromSigned(weights[flat % plane]))));
  const point = randomFrs(layout.numVars, seed);
  return { point, value: evaluateMle(table, point) };
}
