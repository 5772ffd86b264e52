/** Property tests: random shapes, transposes, batches and broadcasts through the layout and the IOPs. */
import { expect } from "chai";
import fc from "fast-check";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly/mle";
import { LayerProofError } from "../../src/prover/claims";
import { proveHadamard, verifyHadamard } from "../../src/prover/layers/elementwise";
import { proveMatMul, verifyMatMul, type MatMulSpec } from "../../src/prover/layers/matmul";
import { proveMerge, verifyMerge } from "../../src/prover/layers/merge";
import { broadcastPoint, evaluateTensor, layoutOf, paddedTable } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { broadcastMap, intTensor, matmulRef, randomFrs } from "./helpers";

const DOMAIN = "prover-property";
const dim = fc.integer({ min: 1, max: 6 });

/** A random MatMul case: plain, Gemm transposes, leading rows, or a shared batch. */
const matmulCase = fc
  .record({ m: dim, k: dim, n: dim, batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), mode: fc.constantFrom("plain", "transA", "transB", "both", "rows", "batched"), seed: fc.string() })
  .map(({ m, k, n, batch, mode, seed }) => {
    const spec: MatMulSpec =
      mode === "transA" ? { x: [k, m], w: [k, n], transA: true }
      : mode === "transB" ? { x: [m, k], w: [n, k], transB: true }
      : mode === "both" ? { x: [k, m], w: [n, k], transA: true, transB: true }
      : mode === "rows" ? { x: [...batch, m, k], w: [k, n] }
      : mode === "batched" ? { x: [...batch, m, k], w: [...batch, k, n] }
      : { x: [m, k], w: [k, n] };
    return { spec, x: intTensor([...spec.x], `${seed}x`, 2048), w: intTensor([...spec.w], `${seed}w`, 2048), seed };
  });

describe("prover: properties over random shapes", () => {
  it("MatMul: honest proofs verify and hand on true claims; a shifted claim is rejected", () => {
    fc.assert(
      fc.property(matmulCase, ({ spec, x, w, seed }) => {
        const acc = matmulRef(x, w, spec.transA, spec.transB);
        const l = layoutOf(acc.shape);
        const point = randomFrs(l.numVars, seed);
        const claim = { point, value: evaluateTensor(l, acc.data, point) };
        const { proof } = proveMatMul({ spec, x, w, claim, transcript: new Transcript(DOMAIN) });
        const out = verifyMatMul({ spec, claim, proof, transcript: new Transcript(DOMAIN) });
        expect(evaluateTensor(layoutOf(x.shape), x.data, out.x.point)).to.equal(out.x.value);
        expect(evaluateTensor(layoutOf(w.shape), w.data, out.w.point)).to.equal(out.w.value);
        expect(() => verifyMatMul({ spec, claim: { ...claim, value: Fr.add(claim.value, 1n) }, proof, transcript: new Transcript(DOMAIN) })).to.throw(LayerProofError);
      }),
      { numRuns: 40 },
    );
  });

  it("broadcast: the expanded tensor's MLE is factor × the operand's MLE at the sub-point", () => {
    const shapes = fc.array(dim, { minLength: 1, maxLength: 4 }).chain((out) =>
      fc.tuple(fc.constant(out), fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length })),
    );
    fc.assert(
      fc.property(shapes, fc.string(), ([out, drop, ones], seed) => {
        const op = out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
        const b = intTensor(op, seed);
        const r = randomFrs(layoutOf(out).numVars, seed);
        const { point, factor } = broadcastPoint(out, op, r);
        const direct = evaluateTensor(layoutOf(out), broadcastMap(out, b, b, (v) => v), r);
        expect(Fr.mul(factor, evaluateTensor(layoutOf(op), b.data, point))).to.equal(direct);
      }),
      { numRuns: 60 },
    );
  });

  it("Hadamard and merge: complete on random shapes and claim counts", () => {
    fc.assert(
      fc.property(fc.array(dim, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 4 }), fc.string(), (shape, k, seed) => {
        const a = intTensor(shape, `${seed}a`);
        const b = intTensor(shape, `${seed}b`);
        const prod = broadcastMap(shape, a, b, (u, v) => u * v);
        const l = layoutOf(shape);
        const point = randomFrs(l.numVars, seed);
        const claim = { point, value: evaluateTensor(l, prod, point) };
        const { proof } = proveHadamard({ outShape: shape, a, b, claim, transcript: new Transcript(DOMAIN) });
        const out = verifyHadamard({ outShape: shape, aShape: shape, bShape: shape, claim, proof, transcript: new Transcript(DOMAIN) });
        expect(evaluateTensor(l, a.data, out.a.point)).to.equal(out.a.value);

        const table = paddedTable(l, a.data);
        const claims = Array.from({ length: k }, (_, i) => {
          const p = randomFrs(l.numVars, `${seed}m${i}`);
          return { point: p, value: evaluateMle(table, p) };
        });
        const merged = proveMerge({ table, numVars: l.numVars, claims, transcript: new Transcript(DOMAIN) });
        const v = verifyMerge({ numVars: l.numVars, claims, proof: merged.proof, transcript: new Transcript(DOMAIN) });
        expect(evaluateMle(table, v.point)).to.equal(v.value);
      }),
      { numRuns: 30 },
    );
  });
});
