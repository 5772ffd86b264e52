import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { LayerProofError, type Claim } from "../../src/prover/claims";
import { matmulGeometry, proveMatMul, verifyMatMul, type MatMulProof, type MatMulSpec } from "../../src/prover/layers/matmul";
import { evaluateTensor, fixVariables, joinPoint, LayoutError, layoutOf, paddedTable, splitPoint } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { broadcastMap, intTensor, matmulRef, randomFrs } from "./helpers";

const DOMAIN = "matmul-test";
type Int = { shape: number[]; data: number[] };

interface Case {
  name: string;
  spec: MatMulSpec;
  x: Int;
  w: Int;
  bias?: Int;
}

function accOf(c: Case): Int {
  const acc = matmulRef(c.x, c.w, c.spec.transA, c.spec.transB);
  if (c.bias) acc.data = broadcastMap(acc.shape, acc, c.bias, (a, b) => a + b);
  return acc;
}

function claimOn(t: Int, seed: string): Claim {
  const point = randomFrs(layoutOf(t.shape).numVars, seed);
  return { point, value: evaluateTensor(layoutOf(t.shape), t.data, point) };
}

function prove(c: Case, claim: Claim) {
  return proveMatMul({ spec: c.spec, x: c.x, w: c.w, bias: c.bias, claim, transcript: new Transcript(DOMAIN) });
}

function verify(c: Case, claim: Claim, proof: MatMulProof) {
  return verifyMatMul({ spec: c.spec, claim, proof, transcript: new Transcript(DOMAIN) });
}

const CASES: Case[] = [
  { name: "Gemm [3,5]·[5,4] + bias [4]", spec: { x: [3, 5], w: [5, 4], bias: [4] }, x: intTensor([3, 5], "x1"), w: intTensor([5, 4], "w1"), bias: intTensor([4], "b1", 5000) },
  { name: "Gemm transB [2,6]·[3,6]ᵀ + bias [1,3]", spec: { x: [2, 6], w: [3, 6], transB: true, bias: [1, 3] }, x: intTensor([2, 6], "x2"), w: intTensor([3, 6], "w2"), bias: intTensor([1, 3], "b2", 5000) },
  { name: "Gemm transA transB [7,3]ᵀ·[5,7]ᵀ + bias [3,5]", spec: { x: [7, 3], w: [5, 7], transA: true, transB: true, bias: [3, 5] }, x: intTensor([7, 3], "x3"), w: intTensor([5, 7], "w3"), bias: intTensor([3, 5], "b3") },
  { name: "MatMul [2,3,4]·[4,5] (leading axes are rows)", spec: { x: [2, 3, 4], w: [4, 5] }, x: intTensor([2, 3, 4], "x4"), w: intTensor([4, 5], "w4") },
  { name: "batched MatMul [3,2,5]·[3,5,6] (eq over the batch)", spec: { x: [3, 2, 5], w: [3, 5, 6] }, x: intTensor([3, 2, 5], "x5"), w: intTensor([3, 5, 6], "w5") },
  { name: "MatMul with K = 1 (no sum-check rounds)", spec: { x: [4, 1], w: [1, 3] }, x: intTensor([4, 1], "x6"), w: intTensor([1, 3], "w6") },
];

describe("prover: MatMul / Gemm IOP", () => {
  for (const c of CASES) {
    it(`completeness: ${c.name}`, () => {
      const acc = accOf(c);
      expect(acc.shape).to.deep.equal(matmulGeometry(c.spec).out.shape);
      const claim = claimOn(acc, c.name);
      const { proof, claims } = prove(c, claim);
      const out = verify(c, claim, proof);
      expect(out).to.deep.equal(claims);
      // The claims out are true statements about X, W and the bias.
      expect(evaluateTensor(layoutOf(c.x.shape), c.x.data, out.x.point)).to.equal(out.x.value);
      expect(evaluateTensor(layoutOf(c.w.shape), c.w.data, out.w.point)).to.equal(out.w.value);
      if (c.bias) expect(evaluateTensor(layoutOf(c.bias.shape), c.bias.data, out.bias!.point)).to.equal(out.bias!.value);
      else expect(out.bias).to.equal(null);
    });
  }

  describe("soundness", () => {
    const c = CASES[0];
    const batched = CASES[4];
    const claim = claimOn(accOf(c), "s");
    const { proof } = prove(c, claim);

    it("rejects a false claim value and a claim at another point", () => {
      expect(() => verify(c, { ...claim, value: Fr.add(claim.value, 1n) }, proof)).to.throw(LayerProofError);
      const moved = [...claim.point];
      moved[0] = Fr.add(moved[0], 1n);
      expect(() => verify(c, { ...claim, point: moved }, proof)).to.throw(LayerProofError);
    });

    it("rejects every altered sum-check coefficient", () => {
      proof.sumcheck.rounds.forEach((round, j) =>
        round.forEach((_, k) => {
          const rounds = proof.sumcheck.rounds.map((r) => [...r]);
          rounds[j][k] = Fr.add(rounds[j][k], 1n);
          expect(() => verify(c, claim, { ...proof, sumcheck: { rounds } }), `round ${j} coeff ${k}`).to.throw(LayerProofError);
        }),
      );
    });

    it("rejects altered X, W and bias values, and a missing or extra bias", () => {
      expect(() => verify(c, claim, { ...proof, xValue: Fr.add(proof.xValue, 1n) })).to.throw(LayerProofError, "does not match");
      expect(() => verify(c, claim, { ...proof, wValue: Fr.add(proof.wValue, 1n) })).to.throw(LayerProofError, "does not match");
      expect(() => verify(c, claim, { ...proof, biasValue: Fr.add(proof.biasValue!, 1n) })).to.throw(LayerProofError);
      expect(() => verify(c, claim, { ...proof, biasValue: null })).to.throw(LayerProofError, "bias value is missing");
      const noBias = { ...c, spec: { x: c.spec.x, w: c.spec.w } };
      expect(() => verify(noBias, claim, proof)).to.throw(LayerProofError, "unexpected bias");
      expect(() => verify(c, claim, { ...proof, xValue: Fr.MODULUS })).to.throw(LayerProofError, "canonical");
    });

    it("hands a rescaled (X, W) pair on as claims that are false", () => {
      // x·2 and w/2 keep the product: the IOP passes them on, and the caller's checks of X and W catch them.
      const two = 2n;
      const forged = { ...proof, xValue: Fr.mul(proof.xValue, two), wValue: Fr.mul(proof.wValue, Fr.inv(two)) };
      const out = verify(c, claim, forged);
      expect(evaluateTensor(layoutOf(c.x.shape), c.x.data, out.x.point)).to.not.equal(out.x.value);
    });

    it("rejects a truncated sum-check and the batched product with its eq factor dropped", () => {
      const short = { ...proof, sumcheck: { rounds: proof.sumcheck.rounds.slice(1) } };
      expect(() => verify(c, claim, short)).to.throw(LayerProofError, "rounds");
      const bclaim = claimOn(accOf(batched), "b");
      const bp = prove(batched, bclaim).proof;
      expect(() => verify(batched, bclaim, { ...bp, xValue: Fr.add(bp.xValue, 1n) })).to.throw(LayerProofError);
      expect(() => verify(batched, { ...bclaim, value: Fr.add(bclaim.value, 1n) }, bp)).to.throw(LayerProofError);
    });

    it("an honest prover refuses a false claim (wrong weights)", () => {
      const wrongW = { ...c.w, data: c.w.data.map((v, i) => (i === 3 ? v + 1 : v)) };
      expect(() => prove({ ...c, w: wrongW }, claim)).to.throw(LayerProofError, "false");
    });
  });

  it("needs the batch sum: fixing r_b in both operands gives a different value", () => {
    const c = CASES[4];
    const claim = claimOn(accOf(c), "naive");
    const g = matmulGeometry(c.spec);
    const parts = splitPoint(g.out, claim.point);
    const xs = fixVariables(paddedTable(g.x, c.x.data), joinPoint(g.x, [parts[0], parts[1], new Array<bigint | null>(g.kVars).fill(null)] as bigint[][]));
    const ws = fixVariables(paddedTable(g.w, c.w.data), joinPoint(g.w, [parts[0], new Array<bigint | null>(g.kVars).fill(null), parts[2]] as bigint[][]));
    const naive = xs.reduce((acc, v, i) => Fr.add(acc, Fr.mul(v, ws[i])), 0n);
    expect(naive).to.not.equal(claim.value);
  });

  it("refuses shapes it does not cover with a clear error", () => {
    expect(() => matmulGeometry({ x: [3], w: [3, 2] })).to.throw(LayoutError, "1-D");
    expect(() => matmulGeometry({ x: [2, 3], w: [4, 2] })).to.throw(LayoutError, "inner dimensions differ (3 vs 4)");
    expect(() => matmulGeometry({ x: [2, 2, 3], w: [1, 3, 2] })).to.throw(LayoutError, "same batch axes");
    expect(() => matmulGeometry({ x: [2, 3], w: [3, 2], bias: [3] })).to.throw(LayoutError, "does not broadcast");
  });
});
