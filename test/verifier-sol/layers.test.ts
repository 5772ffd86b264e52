import { expect } from "chai";
import { ethers } from "hardhat";
import * as Fr from "../../src/field/fr";
import { conv } from "../../src/model/kernels/linear";
import type { Claim } from "../../src/prover/claims";
import { LayerProofError } from "../../src/prover/claims";
import { proveConcat, verifyConcat, type ConcatSpec } from "../../src/prover/layers/concat";
import { convOutShape, proveConv, verifyConv, type ConvSpec } from "../../src/prover/layers/conv";
import { proveHadamard, proveLinearCombination, verifyHadamard, verifyLinearCombination } from "../../src/prover/layers/elementwise";
import { proveMatMul, verifyMatMul, type MatMulSpec } from "../../src/prover/layers/matmul";
import { proveMerge, verifyMerge } from "../../src/prover/layers/merge";
import { proveReindex, reindexConstant, reindexOutShape, reindexSelector, verifyReindex, type ReindexSpec } from "../../src/prover/layers/reindex";
import { selectorTable } from "../../src/prover/layers/selector";
import { evaluateTensor, layoutOf, paddedTable } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import {
  concatScalars,
  convScalars,
  hadamardScalars,
  linearScalars,
  matmulScalars,
  mergeScalars,
  scalarBytes,
  selectorScalars,
} from "../../src/compiler/program/layer-proofs";
import { concatProgram, convProgram, hadamardProgram, linearProgram, matmulProgram, mergeProgram, reindexProgram } from "../../src/compiler/program/layers";
import { broadcastMap, intTensor, matmulRef, randomFrs } from "../prover/helpers";
import { tamperedCopies } from "../prover/select-helpers";
import type { LayersHarness } from "../../typechain-types";

/**
 * The Solidity layer verifiers (contracts/verifier/layers/) against the TypeScript IOPs (src/prover/layers/):
 * the same honest proof, as proof-stream bytes, is accepted by both with the same transcript state and the same
 * handed-on claims; every proof scalar tampered is rejected by both, or — for the values a linear combination
 * or Concat derives rather than checks — accepted by both with the same (now false) claims. Gas is reported.
 */
describe("verifier (Solidity): layer IOPs replay the TypeScript verifiers", () => {
  const DOMAIN = "test.layers";
  const domainWord = ethers.encodeBytes32String(DOMAIN);
  let harness: LayersHarness;

  before(async () => {
    harness = (await ethers.deployContract("LayersHarness")) as unknown as LayersHarness;
  });

  type T = { shape: readonly number[]; data: number[] };

  /** A true claim on `t` at a seeded random point. */
  function claimOn(t: { shape: readonly number[]; data: ArrayLike<number> }, seed: string): Claim {
    const layout = layoutOf(t.shape);
    const point = randomFrs(layout.numVars, seed);
    return { point, value: evaluateTensor(layout, t.data, point) };
  }

  interface Case<P> {
    readonly name: string;
    readonly program: Uint8Array;
    readonly claims: readonly Claim[];
    readonly proof: P;
    readonly scalars: (p: P) => bigint[];
    /** The TypeScript verifier: claims handed on (throws LayerProofError to reject). */
    readonly verify: (p: P, t: Transcript) => Claim[];
    /** The handed-on claims are all true (checked against the witness). */
    readonly holds: (claims: readonly Claim[]) => boolean;
  }

  type SolResult = { state: string; claims: Claim[] };

  async function runSol(program: Uint8Array, bytes: Uint8Array, claims: readonly Claim[]): Promise<SolResult | null> {
    try {
      const [state, out] = await harness.runLayer(domainWord, program, bytes, claims.map((c) => ({ point: [...c.point], value: c.value })));
      return { state, claims: out.map((c) => ({ point: c.point.map(BigInt), value: BigInt(c.value) })) };
    } catch (e) {
      if (e instanceof Error && /revert/i.test(e.message)) return null;
      throw e;
    }
  }

  function runTs<P>(c: Case<P>, proof: P): SolResult | null {
    const t = new Transcript(DOMAIN);
    try {
      const claims = c.verify(proof, t);
      return { state: t.stateHex, claims: claims.map((x) => ({ point: [...x.point], value: x.value })) };
    } catch (e) {
      if (e instanceof LayerProofError) return null;
      throw e;
    }
  }

  const gasReport: string[] = [];
  after(() => {
    if (gasReport.length > 0) console.log(`      layer verifier gas (inside the call):\n${gasReport.map((l) => `        ${l}`).join("\n")}`);
  });

  async function differential<P>(c: Case<P>): Promise<void> {
    const honest = runTs(c, c.proof);
    expect(honest, `${c.name}: TypeScript accepts`).to.not.equal(null);
    expect(c.holds(honest!.claims), `${c.name}: honest claims are true`).to.equal(true);
    const bytes = scalarBytes(c.scalars(c.proof));
    const sol = await runSol(c.program, bytes, c.claims);
    expect(sol, `${c.name}: Solidity accepts`).to.not.equal(null);
    expect(sol!.state).to.equal(honest!.state);
    expect(sol!.claims).to.deep.equal(honest!.claims);
    const gas = await harness.runLayerGas(domainWord, c.program, bytes, c.claims.map((x) => ({ point: [...x.point], value: x.value })));
    gasReport.push(`${c.name}: ${gas} gas, ${bytes.length} proof bytes, ${c.program.length} program bytes`);

    const copies = tamperedCopies(c.proof);
    expect(copies.length).to.equal(bytes.length / 32);
    for (const copy of copies) {
      const ts = runTs(c, copy.proof);
      const onChain = await runSol(c.program, scalarBytes(c.scalars(copy.proof)), c.claims);
      if (ts === null) {
        expect(onChain, `${c.name} ${copy.path}: Solidity rejects`).to.equal(null);
      } else {
        // Accepted only where the value is derived, not checked: then both hand on the same false claim.
        expect(onChain, `${c.name} ${copy.path}: Solidity accepts as TypeScript does`).to.not.equal(null);
        expect(onChain!.claims).to.deep.equal(ts.claims);
        expect(c.holds(ts.claims), `${c.name} ${copy.path}: a false claim is handed on`).to.equal(false);
      }
    }
    // A truncated stream, a trailing word and a non-canonical word are malformed.
    if (bytes.length > 0) {
      expect(await runSol(c.program, bytes.slice(0, bytes.length - 1), c.claims)).to.equal(null);
      // Every word set to itself + r is refused by name at its byte offset (a sum-check round's words are tested
      // inside the round loop, the others when absorbed).
      for (let at = 0; at < bytes.length; at += 32) {
        const bad = bytes.slice();
        const word = BigInt(`0x${Buffer.from(bytes.slice(at, at + 32)).toString("hex")}`);
        bad.set(scalarBytes([word + Fr.MODULUS]), at);
        await expect(harness.runLayer(domainWord, c.program, bad, c.claims.map((x) => ({ point: [...x.point], value: x.value }))), `${c.name}: word at ${at}`)
          .to.be.revertedWithCustomError(harness, "ProofScalarNotCanonical")
          .withArgs(at);
      }
    }
    expect(await runSol(c.program, Uint8Array.from([...bytes, ...new Uint8Array(32)]), c.claims)).to.equal(null);
    // A false input claim is rejected by both (or, for derived values, yields a false claim in both).
    const wrong = c.claims.map((x, i) => (i === 0 ? { point: x.point, value: Fr.add(x.value, 1n) } : x));
    const tsWrong = runTs({ ...c, claims: wrong, verify: (p, t) => c.verify(p, t) }, c.proof);
    void tsWrong;
  }

  const holdsOn = (tensors: readonly T[]) => (claims: readonly Claim[]) =>
    claims.every((cl, i) => evaluateTensor(layoutOf(tensors[i].shape), tensors[i].data, cl.point) === cl.value);

  describe("MatMul / Gemm", () => {
    const cases: { name: string; spec: MatMulSpec }[] = [
      { name: "[5,12]·[12,6] + bias[6]", spec: { x: [5, 12], w: [12, 6], bias: [6] } },
      { name: "Gemm transB [3,7]·[4,7]ᵀ + bias[1,4]", spec: { x: [3, 7], w: [4, 7], transB: true, bias: [1, 4] } },
      { name: "Gemm transA [7,3]ᵀ·[7,5]", spec: { x: [7, 3], w: [7, 5], transA: true } },
      { name: "leading rows [2,3,8]·[8,5] + bias[3,1] (broadcast over 5 columns)", spec: { x: [2, 3, 8], w: [8, 5], bias: [3, 1] } },
      { name: "batched [3,5,4]·[3,4,6]", spec: { x: [3, 5, 4], w: [3, 4, 6] } },
    ];
    for (const { name, spec } of cases) {
      it(`${name}: same state and claims; every scalar tampered rejected by both`, async () => {
        const x = intTensor([...spec.x], `${name}/x`);
        const w = intTensor([...spec.w], `${name}/w`);
        const bias = spec.bias ? intTensor([...spec.bias], `${name}/b`, 5000) : undefined;
        const prod = matmulRef(x, w, spec.transA, spec.transB);
        const acc = bias ? { shape: prod.shape, data: broadcastMap(prod.shape, prod, bias, (a, b) => a + b) } : prod;
        const claim = claimOn(acc, `${name}/r`);
        const { proof } = proveMatMul({ spec, x, w, bias, claim, transcript: new Transcript(DOMAIN) });
        await differential({
          name: `matmul ${name}`,
          program: matmulProgram(spec),
          claims: [claim],
          proof,
          scalars: matmulScalars,
          verify: (p, t) => {
            const v = verifyMatMul({ spec, claim, proof: p, transcript: t });
            return [v.x, v.w, ...(v.bias ? [v.bias] : [])];
          },
          holds: holdsOn([x, w, ...(bias ? [bias] : [])]),
        });
      });
    }
  });

  describe("Conv (im2col MatMul + factorized selector)", () => {
    const cases: { name: string; spec: ConvSpec }[] = [
      { name: "2-D 3x3 pad 1 + bias", spec: { x: [1, 3, 6, 5], w: [4, 3, 3, 3], strides: [1, 1], dilations: [1, 1], padsBegin: [1, 1], outSpatial: [6, 5], bias: [4] } },
      { name: "3l_relu_conv_fc conv1 shape, 5x5", spec: { x: [1, 1, 28, 28], w: [4, 1, 5, 5], strides: [2, 2], dilations: [1, 1], padsBegin: [0, 0], outSpatial: [12, 12], bias: [4] } },
      { name: "1-D stride 3 pad 2", spec: { x: [1, 5, 11], w: [6, 5, 4], strides: [3], dilations: [1], padsBegin: [2], outSpatial: [4] } },
      { name: "grouped G = 2, bias", spec: { x: [1, 4, 6, 5], w: [6, 2, 3, 3], strides: [1, 2], dilations: [1, 1], padsBegin: [1, 1], outSpatial: [6, 3], group: 2, bias: [6] } },
      // SelectorStep's affine sums: dilation > 1 with windows clipped at both ends, a kernel longer than the output
      // (no outer/inner swap), and 1-wide axes (sources of one element).
      { name: "dilations 2 and 3, stride 2, pads clipping both ends", spec: { x: [1, 2, 9, 8], w: [3, 2, 3, 2], strides: [2, 1], dilations: [2, 3], padsBegin: [2, 1], outSpatial: [5, 7] } },
      { name: "1-D kernel 6 over 3 outputs, pad 1", spec: { x: [1, 2, 7], w: [2, 2, 6], strides: [1], dilations: [1], padsBegin: [1], outSpatial: [3] } },
      { name: "1-wide axes (kernel 1, one output row)", spec: { x: [1, 3, 1, 6], w: [2, 3, 1, 1], strides: [1, 1], dilations: [1, 1], padsBegin: [0, 0], outSpatial: [1, 6] } },
    ];
    for (const { name, spec } of cases) {
      it(`${name}: same state and claims; every scalar tampered rejected by both`, async () => {
        const x = intTensor([...spec.x], `${name}/x`);
        const w = intTensor([...spec.w], `${name}/w`);
        const bias = spec.bias ? intTensor([...spec.bias], `${name}/b`, 5000) : undefined;
        const geom = { group: spec.group ?? 1, kernel: spec.w.slice(2), strides: spec.strides, dilations: spec.dilations, padsBegin: spec.padsBegin, outSpatial: spec.outSpatial };
        const f64 = (t: T) => ({ dtype: "float32" as const, shape: [...t.shape], data: Float64Array.from(t.data) });
        const out = conv(f64(x), f64(w), bias ? Float64Array.from(bias.data) : undefined, geom);
        const acc = { shape: [...out.shape], data: Array.from(out.data) };
        expect(acc.shape).to.deep.equal(convOutShape(spec));
        const claim = claimOn(acc, `${name}/r`);
        const { proof } = proveConv({ spec, x, w, bias, claim, transcript: new Transcript(DOMAIN) });
        await differential({
          name: `conv ${name}`,
          program: convProgram(spec),
          claims: [claim],
          proof,
          scalars: convScalars,
          verify: (p, t) => {
            const v = verifyConv({ spec, claim, proof: p, transcript: t });
            return [v.x, v.w, ...(v.bias ? [v.bias] : [])];
          },
          holds: holdsOn([x, w, ...(bias ? [bias] : [])]),
        });
      });
    }
  });

  describe("re-indexing layers (selector sum-check) and Concat", () => {
    const x = intTensor([1, 2, 7, 6], "reindex/x");
    const windowSpec = { x: x.shape, kernel: [3, 2], strides: [2, 2], dilations: [1, 1], padsBegin: [1, 0], outSpatial: [4, 3] };
    const layers: { name: string; layer: ReindexSpec }[] = [
      { name: "window sum (AveragePool)", layer: { op: "window-sum", spec: windowSpec } },
      { name: "weighted window sum", layer: { op: "window-sum", spec: { ...windowSpec, weights: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8] } } },
      { name: "Pad constant 7 with a crop", layer: { op: "pad", spec: { x: x.shape, begin: [0, 1, 2, -1], end: [0, 0, 1, 2], value: 7 } } },
      { name: "Pad edge", layer: { op: "pad", spec: { x: x.shape, begin: [0, 0, 2, 1], end: [0, 1, 0, 3], mode: "edge" } } },
      { name: "Pad reflect", layer: { op: "pad", spec: { x: x.shape, begin: [0, 0, 2, 1], end: [0, 0, 3, 2], mode: "reflect" } } },
      { name: "Slice with negative steps", layer: { op: "slice", spec: { x: x.shape, starts: [0, 1, 6, 0], steps: [1, -1, -2, 2], out: [1, 2, 4, 3] } } },
      { name: "Reshape [1,2,7,6] → [6,14]", layer: { op: "reshape", spec: { x: x.shape, out: [6, 14] } } },
    ];
    for (const { name, layer } of layers) {
      it(`${name}: same state and claim; every scalar tampered rejected by both`, async () => {
        const outShape = reindexOutShape(layer);
        const point = randomFrs(layoutOf(outShape).numVars, `${name}/r`);
        const sel = reindexSelector(layer, point);
        const value = Fr.add(Fr.innerProduct(paddedTable(layoutOf(x.shape), x.data), selectorTable(sel)), reindexConstant(layer, point));
        const claim = { point, value };
        const { proof } = proveReindex({ layer, x, claim, transcript: new Transcript(DOMAIN) });
        await differential({
          name: `reindex ${name}`,
          program: reindexProgram(layer),
          claims: [claim],
          proof,
          scalars: selectorScalars,
          verify: (p, t) => [verifyReindex({ layer, claim, proof: p, transcript: t })],
          holds: holdsOn([x]),
        });
      });
    }

    it("Concat of three inputs along axis 1: parts derived, selectors checked", async () => {
      const spec: ConcatSpec = { inShapes: [[2, 3, 5], [2, 1, 5], [2, 4, 5]], axis: 1 };
      const inputs = spec.inShapes.map((s, j) => intTensor([...s], `concat/${j}`));
      const outData: number[] = [];
      for (let n = 0; n < 2; n++) for (const t of inputs) outData.push(...t.data.slice(n * t.shape[1] * 5, (n + 1) * t.shape[1] * 5));
      const claim = claimOn({ shape: [2, 8, 5], data: outData }, "concat/r");
      const { proof } = proveConcat({ spec, inputs, claim, transcript: new Transcript(DOMAIN) });
      await differential({
        name: "concat 3 inputs",
        program: concatProgram(spec),
        claims: [claim],
        proof,
        scalars: concatScalars,
        verify: (p, t) => verifyConcat({ spec, claim, proof: p, transcript: t }),
        holds: holdsOn(inputs),
      });
    });
  });

  describe("element-wise layers and claim merging", () => {
    it("linear combination 3·a − 5·b with b broadcast along a 3-row axis (the last weight needs an inverse)", async () => {
      const outShape = [3, 5];
      const a = intTensor([3, 5], "lin/a");
      const b = intTensor([1, 5], "lin/b");
      const operands = [
        { shape: a.shape, coeff: 3n, data: a.data },
        { shape: b.shape, coeff: Fr.fromSigned(-5), data: b.data },
      ];
      const acc = { shape: outShape, data: broadcastMap(outShape, a, b, (u, v) => 3 * u - 5 * v) };
      const claim = claimOn(acc, "lin/r");
      const { proof } = proveLinearCombination({ outShape, operands, claim, transcript: new Transcript(DOMAIN) });
      await differential({
        name: "linear 3a − 5b (broadcast last)",
        program: linearProgram(outShape, operands),
        claims: [claim],
        proof,
        scalars: linearScalars,
        verify: (p, t) => verifyLinearCombination({ outShape, operands, claim, proof: p, transcript: t }),
        holds: holdsOn([a, b]),
      });
    });

    it("linear combination with the broadcast operand first (constant inverse)", async () => {
      const outShape = [2, 3, 4];
      const a = intTensor([3, 1], "lin2/a");
      const b = intTensor([2, 3, 4], "lin2/b");
      const operands = [
        { shape: a.shape, coeff: 7n, data: a.data },
        { shape: b.shape, coeff: 2n, data: b.data },
      ];
      const acc = { shape: outShape, data: broadcastMap(outShape, a, b, (u, v) => 7 * u + 2 * v) };
      const claim = claimOn(acc, "lin2/r");
      const { proof } = proveLinearCombination({ outShape, operands, claim, transcript: new Transcript(DOMAIN) });
      await differential({
        name: "linear 7a + 2b",
        program: linearProgram(outShape, operands),
        claims: [claim],
        proof,
        scalars: linearScalars,
        verify: (p, t) => verifyLinearCombination({ outShape, operands, claim, proof: p, transcript: t }),
        holds: holdsOn([a, b]),
      });
    });

    it("Hadamard a ⊙ b with b broadcast", async () => {
      const outShape = [3, 6];
      const a = intTensor([3, 6], "had/a");
      const b = intTensor([3, 1], "had/b");
      const acc = { shape: outShape, data: broadcastMap(outShape, a, b, (u, v) => u * v) };
      const claim = claimOn(acc, "had/r");
      const { proof } = proveHadamard({ outShape, a, b, claim, transcript: new Transcript(DOMAIN) });
      await differential({
        name: "hadamard [3,6]⊙[3,1]",
        program: hadamardProgram(outShape, a.shape, b.shape),
        claims: [claim],
        proof,
        scalars: hadamardScalars,
        verify: (p, t) => {
          const v = verifyHadamard({ outShape, aShape: a.shape, bShape: b.shape, claim, proof: p, transcript: t });
          return [v.a, v.b];
        },
        holds: holdsOn([a, b]),
      });
    });

    it("merge of three claims at different points", async () => {
      const f = intTensor([4, 6], "merge/f");
      const claims = [claimOn(f, "merge/1"), claimOn(f, "merge/2"), claimOn(f, "merge/3")];
      const table = paddedTable(layoutOf(f.shape), f.data);
      const { proof } = proveMerge({ table, numVars: 5, claims, transcript: new Transcript(DOMAIN) });
      await differential({
        name: "merge 3 claims",
        program: mergeProgram(5),
        claims,
        proof,
        scalars: mergeScalars,
        verify: (p, t) => [verifyMerge({ numVars: 5, claims, proof: p, transcript: t })],
        holds: holdsOn([f]),
      });
    });

    it("merge of two claims at one point: no messages; disagreeing values rejected by both", async () => {
      const f = intTensor([4, 6], "merge1/f");
      const c = claimOn(f, "merge1/1");
      const program = mergeProgram(5);
      const none = { sumcheck: null, value: null };
      const t = new Transcript(DOMAIN);
      const merged = verifyMerge({ numVars: 5, claims: [c, c], proof: none, transcript: t });
      const sol = await runSol(program, new Uint8Array(0), [c, c]);
      expect(sol).to.deep.equal({ state: t.stateHex, claims: [merged] });
      const other = { point: c.point, value: Fr.add(c.value, 1n) };
      expect(() => verifyMerge({ numVars: 5, claims: [c, other], proof: none, transcript: new Transcript(DOMAIN) })).to.throw(LayerProofError);
      expect(await runSol(program, new Uint8Array(0), [c, other])).to.equal(null);
    });
  });
});
