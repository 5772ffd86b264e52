/**
 * The MatMul/Gemm IOP on the real corpus (../shared/models): for every MatMul/Gemm node of the listed models,
 * the accumulator is recomputed from the trace's operands, checked to be exactly what the executor
 * requantizes, and proved and verified from a claim at a random point; the claims handed on are checked
 * against the actual operand tensors.
 */
import { expect } from "chai";
import { DEFAULT_BITS } from "../../src/model/defaults";
import { matmul } from "../../src/model/kernels/linear";
import { expandTo, transpose } from "../../src/model/kernels/movement";
import { qRange, requantizeArray } from "../../src/model/quant/fixed-point";
import { linearNode } from "../../src/prover/layers/linear-spec";
import { proveMatMul, verifyMatMul } from "../../src/prover/layers/matmul";
import { evaluateTensor, layoutOf } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "./helpers";
import { loadCorpusTrace } from "./corpus-helpers";

/** Models with MatMul/Gemm nodes of every shape family the IOP covers (rows, transB, batched, bias). */
const MODELS = ["1l_linear", "1l_mlp", "2l_relu_fc", "3l_relu_conv_fc", "linear_regression", "linear_svc", "sklearn_mlp", "hierarchical_risk", "idolmodel", "ltsf", "eye", "rnn", "gru", "lstm", "lstm_large", "large_op_graph", "quantize_dequantize", "self_attention", "tutorial"];

describe("prover: the MatMul IOP on corpus models", function () {
  this.timeout(120_000);
  for (const name of MODELS) {
    it(name, function () {
      const loaded = loadCorpusTrace(name);
      if (!loaded) this.skip();
      const { model, trace, env } = loaded!;
      const { qmin, qmax } = qRange(DEFAULT_BITS);
      let proved = 0;
      for (const step of trace.steps) {
        if ((step.op === "MatMul" || step.op === "Gemm") && step.kind === "linear") {
          const l = linearNode(model, step.node);
          const x = env.get(l.x)!;
          const w = env.get(l.w)!;
          const bias = l.bias ? env.get(l.bias)! : undefined;
          const acc = matmul(l.spec.transA ? transpose(x, [1, 0]) : x, l.spec.transB ? transpose(w, [1, 0]) : w, step.node);
          if (bias) {
            const b = expandTo(bias, acc.shape);
            acc.data.forEach((v, i) => (acc.data[i] = v + b.data[i]));
          }
          const { multiplier, shift } = step.plan.params as { multiplier: number; shift: number };
          expect(Array.from(requantizeArray(Float64Array.from(acc.data), { multiplier, shift }, qmin, qmax)), `${step.node}: requant(acc) = trace`).to.deep.equal(Array.from(step.values[0].data));

          const out = layoutOf(acc.shape);
          const point = randomFrs(out.numVars, `${name}/${step.node}`);
          const claim = { point, value: evaluateTensor(out, acc.data, point) };
          const { proof } = proveMatMul({ spec: l.spec, x, w, bias, claim, transcript: new Transcript("corpus") });
          const claims = verifyMatMul({ spec: l.spec, claim, proof, transcript: new Transcript("corpus") });
          expect(evaluateTensor(layoutOf(x.shape), x.data, claims.x.point), `${step.node}: X claim`).to.equal(claims.x.value);
          expect(evaluateTensor(layoutOf(w.shape), w.data, claims.w.point), `${step.node}: W claim`).to.equal(claims.w.value);
          if (bias) expect(evaluateTensor(layoutOf(bias.shape), bias.data, claims.bias!.point)).to.equal(claims.bias!.value);
          proved++;
        }
        step.outputs.forEach((o, j) => o !== "" && env.set(o, step.values[j]));
      }
      expect(proved, "MatMul/Gemm nodes proved").to.be.greaterThan(0);
    });
  }
});
