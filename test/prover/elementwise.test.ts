import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { importOnnxBytes } from "../../src/model/onnx/import";
import { quantizeGraph } from "../../src/model/quant/quantize";
import { quantizeInputs, runInteger } from "../../src/model/exec/integer";
import { LayerProofError, type Claim } from "../../src/prover/claims";
import {
  proveHadamard,
  proveLinearCombination,
  verifyHadamard,
  verifyLinearCombination,
  type LinearOperand,
} from "../../src/prover/layers/elementwise";
import { evaluateTensor, layoutOf } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { buildOnnx, seeded } from "../model/helpers/onnx-builder";
import { inputsFor } from "../model/helpers/harness";
import { broadcastMap, intTensor, randomFrs } from "./helpers";

const DOMAIN = "elementwise-test";
type Int = { shape: number[]; data: number[] };

function claimOn(shape: number[], data: number[], seed: string): Claim {
  const point = randomFrs(layoutOf(shape).numVars, seed);
  return { point, value: evaluateTensor(layoutOf(shape), data, point) };
}

function holds(t: Int, c: Claim): boolean {
  return evaluateTensor(layoutOf(t.shape), t.data, c.point) === c.value;
}

describe("prover: element-wise IOPs", () => {
  describe("linear combination (Add/Sub with multipliers, scaling)", () => {
    // A real "add" step: Add(X, B) with B a constant [3] broadcast over X [2, 3].
    const graph = importOnnxBytes(
      buildOnnx({
        inputs: [{ name: "X", dims: [2, 3] }],
        outputs: [{ name: "Y", dims: [2, 3] }],
        initializers: [{ name: "B", dims: [3], values: seeded(3, 4) }],
        nodes: [{ op: "Add", inputs: ["X", "B"], outputs: ["Y"], name: "add" }],
      }),
    );
    const inputs = inputsFor(graph);
    const model = quantizeGraph(graph, [inputs], 12);
    const trace = runInteger(model, quantizeInputs(model, inputs));
    const step = trace.steps[0];
    const { multiplierA, multiplierB } = step.plan.params as { multiplierA: number; multiplierB: number };
    const x: Int = { shape: [2, 3], data: Array.from(trace.inputs[0].data) };
    const b: Int = { shape: [3], data: Array.from(model.weights.get("B")!.tensor.data) };
    const acc: Int = { shape: [2, 3], data: broadcastMap([2, 3], x, b, (u, v) => u * multiplierA + v * multiplierB) };
    const operands = [
      { ...x, coeff: Fr.fromSigned(multiplierA) },
      { ...b, coeff: Fr.fromSigned(multiplierB) },
    ];
    const specs: LinearOperand[] = operands.map((o) => ({ shape: o.shape, coeff: o.coeff }));
    const claim = claimOn(acc.shape, acc.data, "add");
    const prove = (c = claim) => proveLinearCombination({ outShape: acc.shape, operands, claim: c, transcript: new Transcript(DOMAIN) });
    const verify = (c: Claim, values: readonly bigint[], ops = specs) =>
      verifyLinearCombination({ outShape: acc.shape, operands: ops, claim: c, proof: { values }, transcript: new Transcript(DOMAIN) });

    it("completeness on a traced Add with a broadcast constant: one value sent, one derived", () => {
      expect(step.kind).to.equal("add");
      // The accumulator really is what the executor requantizes: y = clamp(floor((acc + 2^(s-1)) / 2^s)).
      const { shift } = step.plan.params as { shift: number };
      const y = acc.data.map((v) => Math.min(2047, Math.max(-2048, Math.floor((v + 2 ** (shift - 1)) / 2 ** shift))));
      expect(y).to.deep.equal(Array.from(step.values[0].data));
      const { proof, claims } = prove();
      expect(proof.values.length).to.equal(1);
      const out = verify(claim, proof.values);
      expect(out).to.deep.equal(claims);
      expect(holds(x, out[0]) && holds(b, out[1])).to.equal(true);
    });

    it("soundness: a wrong value or claim yields a false claim on the derived operand", () => {
      const { proof } = prove();
      const out = verify(claim, [Fr.add(proof.values[0], 1n)]);
      expect(holds(x, out[0])).to.equal(false);
      expect(holds(b, out[1])).to.equal(false);
      const out2 = verify({ ...claim, value: Fr.add(claim.value, 1n) }, proof.values);
      expect(holds(b, out2[1])).to.equal(false);
      expect(() => verify(claim, [])).to.throw(LayerProofError, "0 values, expected 1");
      expect(() => verify(claim, [Fr.MODULUS])).to.throw(LayerProofError, "canonical");
      expect(() => prove({ ...claim, value: Fr.add(claim.value, 1n) })).to.throw(LayerProofError, "false");
    });

    it("a single scaled operand (Mul by a constant) needs no message", () => {
      const t = intTensor([5], "scale");
      const m = 12345;
      const c = claimOn([5], t.data.map((v) => v * m), "sc");
      const { proof, claims } = proveLinearCombination({ outShape: [5], operands: [{ ...t, coeff: BigInt(m) }], claim: c, transcript: new Transcript(DOMAIN) });
      expect(proof.values).to.deep.equal([]);
      const out = verifyLinearCombination({ outShape: [5], operands: [{ shape: [5], coeff: BigInt(m) }], claim: c, proof, transcript: new Transcript(DOMAIN) });
      expect(out).to.deep.equal(claims);
      expect(holds(t, out[0])).to.equal(true);
    });
  });

  describe("Hadamard product (degree-3 sum-check with eq)", () => {
    const cases: [string, Int, Int, number[]][] = [
      ["same shapes [3, 5]", intTensor([3, 5], "ha"), intTensor([3, 5], "hb"), [3, 5]],
      ["broadcast [2, 3, 4] ⊙ [3, 1]", intTensor([2, 3, 4], "hc"), intTensor([3, 1], "hd"), [2, 3, 4]],
    ];
    for (const [name, a, b, outShape] of cases) {
      it(`completeness: ${name}`, () => {
        const claim = claimOn(outShape, broadcastMap(outShape, a, b, (u, v) => u * v), name);
        const { proof, claims } = proveHadamard({ outShape, a, b, claim, transcript: new Transcript(DOMAIN) });
        const out = verifyHadamard({ outShape, aShape: a.shape, bShape: b.shape, claim, proof, transcript: new Transcript(DOMAIN) });
        expect(out).to.deep.equal(claims);
        expect(holds(a, out.a) && holds(b, out.b)).to.equal(true);
      });
    }

    it("soundness: altered rounds, values, claim value or point are rejected", () => {
      const [, a, b, outShape] = cases[0];
      const claim = claimOn(outShape, broadcastMap(outShape, a, b, (u, v) => u * v), "hs");
      const { proof } = proveHadamard({ outShape, a, b, claim, transcript: new Transcript(DOMAIN) });
      const verify = (c: Claim, p: typeof proof) => verifyHadamard({ outShape, aShape: a.shape, bShape: b.shape, claim: c, proof: p, transcript: new Transcript(DOMAIN) });
      proof.sumcheck.rounds.forEach((round, j) =>
        round.forEach((_, k) => {
          const rounds = proof.sumcheck.rounds.map((r) => [...r]);
          rounds[j][k] = Fr.add(rounds[j][k], 1n);
          expect(() => verify(claim, { ...proof, sumcheck: { rounds } }), `round ${j}.${k}`).to.throw(LayerProofError);
        }),
      );
      expect(() => verify(claim, { ...proof, aValue: Fr.add(proof.aValue, 1n) })).to.throw(LayerProofError, "does not match");
      expect(() => verify(claim, { ...proof, bValue: Fr.add(proof.bValue, 1n) })).to.throw(LayerProofError, "does not match");
      expect(() => verify({ ...claim, value: Fr.add(claim.value, 1n) }, proof)).to.throw(LayerProofError);
      const moved = [...claim.point];
      moved[2] = Fr.add(moved[2], 1n);
      expect(() => verify({ ...claim, point: moved }, proof)).to.throw(LayerProofError);
      expect(() => proveHadamard({ outShape, a, b, claim: { ...claim, value: 0n }, transcript: new Transcript(DOMAIN) })).to.throw(LayerProofError, "false");
    });
  });
});
