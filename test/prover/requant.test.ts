/**
 * The requant IOP (src/prover/layers/requant.ts): completeness on corpus Gemm/Conv nodes (acc recomputed from
 * the trace, y = the trace's output), saturated outputs, s ≤ 16, s = 0 and s > 32; soundness against wrong
 * witnesses (unclamped, off by one, out of range, rem ≥ 2^s, wrong σ) and every tampered proof message. A case
 * is accepted only after full resolution: verifyRequant's claims, every opening claim against the prover's
 * committed tables (commitment equal, MLE value equal — what the one batch opening enforces; one case runs the
 * real batch opening), and the acc claim against the true accumulator.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect } from "chai";
import { G1 } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { LookupError, verifierTable, type WitnessColumn } from "../../src/lookup";
import { importOnnx, readInputs, quantizeGraph, quantizeInputs, runInteger, type Tensor } from "../../src/model";
import { conv, matmul } from "../../src/model/kernels/linear";
import { expandTo, transpose } from "../../src/model/kernels/movement";
import { requantizeArray } from "../../src/model/quant/fixed-point";
import { proveBatchOpening, verifyBatchOpening } from "../../src/pcs/batch";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { insecureDevSrs, type Srs } from "../../src/pcs/srs";
import { evaluateMle } from "../../src/poly/mle";
import { LayerProofError, type Claim } from "../../src/prover/claims";
import { convNode } from "../../src/prover/layers/conv-spec";
import { linearNode } from "../../src/prover/layers/linear-spec";
import { proveRequant, requantCost, requantLookupColumns, verifyRequant, type ProveRequantResult, type RequantProof } from "../../src/prover/layers/requant";
import { requantGeometry, requantTables, requantWitness, type RequantSpec, type RequantTables, type RequantWitness } from "../../src/prover/layers/requant-spec";
import { evaluateTensor, layoutOf, type IntTensor } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { randomFrs, randomInts } from "./helpers";

const BITS = 12;
// Built in the suite's `before` (not at import: mocha loads every test file, also when this one is filtered out).
let SRS: Srs;
let TABLES: RequantTables;
let VERIFIER_TABLES: RequantTables;
const CORPUS = resolve(__dirname, "../../../shared/models");
const QMAX = 2 ** (BITS - 1) - 1;
const QMIN = -(2 ** (BITS - 1));

/** y per the executor (docs/quantization.md): clamp(floor((acc·M + 2^(s−1)) / 2^s)). */
function executorY(spec: RequantSpec, acc: IntTensor): number[] {
  return Array.from(requantizeArray(Float64Array.from(acc.data), { multiplier: Number(spec.multiplier), shift: spec.shift }, QMIN, QMAX));
}

function claimOnValues(shape: readonly number[], values: ArrayLike<number>, seed: string): Claim {
  const layout = layoutOf(shape);
  const point = randomFrs(layout.numVars, seed);
  return { point, value: evaluateTensor(layout, values, point) };
}

/** Full resolution of a verifier's output against the prover's tables and the true accumulator. */
function resolves(result: ProveRequantResult, vClaims: ReturnType<typeof verifyRequant>, acc: IntTensor): boolean {
  const { polys } = result;
  if (vClaims.commitments.length !== polys.length) return false;
  if (!polys.every((p, i) => HyperKZG.commit(SRS, p).equals(vClaims.commitments[i]))) return false;
  if (!vClaims.openings.every((o) => evaluateMle(padTo(polys[o.poly], o.point.length), o.point) === o.value)) return false;
  return evaluateTensor(layoutOf(acc.shape), acc.data, vClaims.acc.point) === vClaims.acc.value;
}

/** A table zero-padded to 2^vars entries (the batch opening's lifting of a shorter polynomial). */
function padTo(p: readonly bigint[], vars: number): bigint[] {
  return [...p, ...new Array<bigint>(2 ** vars - p.length).fill(0n)];
}

/** Verifies and resolves: "accepted", "unresolved" (a handed-on claim is false) or the verifier's error. */
function outcome(spec: RequantSpec, acc: IntTensor, claim: Claim, result: ProveRequantResult, proof: RequantProof = result.proof): string {
  let v;
  try {
    v = verifyRequant({ spec, tables: VERIFIER_TABLES, claim, proof, transcript: new Transcript("requant-test") });
  } catch (e) {
    if (e instanceof LayerProofError) return e.message;
    throw e;
  }
  return resolves(result, v, acc) ? "accepted" : "unresolved";
}

function accepted(spec: RequantSpec, acc: IntTensor, claim: Claim, result: ProveRequantResult, proof: RequantProof = result.proof): boolean {
  return outcome(spec, acc, claim, result, proof) === "accepted";
}

function prove(spec: RequantSpec, acc: IntTensor, claim: Claim, witness?: RequantWitness): ProveRequantResult {
  const multiplicities = witness ? lenientMultiplicities(spec, witness) : undefined;
  return proveRequant({ srs: SRS, spec, tables: TABLES, acc, claim, transcript: new Transcript("requant-test"), witness, multiplicities });
}

/** A cheating prover's best multiplicities: counts only the entries that are table rows. */
function lenientMultiplicities(spec: RequantSpec, w: RequantWitness): { clamp: bigint[]; range: bigint[] } {
  const cols = requantLookupColumns(spec, w);
  const count = (rows: bigint[][], columns: WitnessColumn[]) => {
    const index = new Map<string, number>();
    rows.forEach((r, i) => index.has(r.join()) || index.set(r.join(), i));
    const m = new Array<bigint>(rows.length).fill(0n);
    for (const col of columns) {
      for (let x = 0; x < col[0].length; x++) {
        const i = index.get(col.map((c) => c[x]).join());
        if (i !== undefined) m[i] = m[i] + 1n;
      }
    }
    return m;
  };
  const clampCols = TABLES.clamp.columns.map((c) => (c.kind === "committed" ? [...c.values!] : []));
  const clampRows = clampCols[0].map((_, i) => clampCols.map((c) => c[i]));
  const rangeRows = Array.from({ length: 2 ** 16 }, (_, i) => [BigInt(i)]);
  return { clamp: count(clampRows, cols.clamp), range: count(rangeRows, cols.range) };
}

/** Completeness: the witness reproduces `y`, the proof verifies and every claim resolves. */
function complete(spec: RequantSpec, acc: IntTensor, y: readonly number[], seed: string): ProveRequantResult {
  expect(requantWitness(spec, acc).y.map(Number), `${seed}: witness y = expected y`).to.deep.equal([...y]);
  const claim = claimOnValues(spec.shape, y, seed);
  const result = prove(spec, acc, claim);
  expect(accepted(spec, acc, claim, result), `${seed}: accepted`).to.equal(true);
  return result;
}

function synthetic(shape: number[], shift: number, multiplier: bigint, accBound: number, seed: string) {
  const size = shape.reduce((p, d) => p * d, 1);
  const acc = { shape, data: randomInts(size, seed, accBound) };
  const spec: RequantSpec = { shape, multiplier, shift, bits: BITS, accBound: BigInt(accBound) };
  return { spec, acc, y: executorY(spec, acc) };
}

describe("prover: requant IOP", function () {
  this.timeout(120_000);
  before(() => {
    SRS = insecureDevSrs(1 << 16);
    TABLES = requantTables(SRS, BITS);
    VERIFIER_TABLES = { clamp: verifierTable(TABLES.clamp), range: TABLES.range };
  });

  describe("completeness", () => {
    it("corpus Gemm and Conv nodes (3l_relu_conv_fc), y from the trace; one real batch opening", function () {
      const path = join(CORPUS, "3l_relu_conv_fc", "network.onnx");
      if (!existsSync(path)) this.skip();
      const graph = importOnnx(path);
      const inputs = readInputs(join(CORPUS, "3l_relu_conv_fc", "input.json"), graph);
      const model = quantizeGraph(graph, [inputs], BITS);
      const trace = runInteger(model, quantizeInputs(model, inputs));
      const env = new Map<string, Tensor>();
      graph.inputs.forEach((info, i) => env.set(info.name, trace.inputs[i]));
      for (const [w, q] of model.weights) env.set(w, q.tensor);
      const kinds = new Set<string>();
      let batchChecked = false;
      for (const step of trace.steps) {
        let acc: Tensor | undefined;
        let terms = 0;
        let bias: Tensor | undefined;
        if (step.op === "Conv" && step.kind === "linear") {
          const c = convNode(model, step.node);
          const s = c.spec;
          bias = c.bias ? env.get(c.bias) : undefined;
          acc = conv(env.get(c.x)!, env.get(c.w)!, bias?.data, { group: s.group ?? 1, kernel: s.w.slice(2), strides: s.strides, dilations: s.dilations, padsBegin: s.padsBegin, outSpatial: s.outSpatial });
          terms = s.w.slice(1).reduce((p, d) => p * d, 1);
        } else if ((step.op === "Gemm" || step.op === "MatMul") && step.kind === "linear") {
          const l = linearNode(model, step.node);
          const x = env.get(l.x)!;
          const w = env.get(l.w)!;
          bias = l.bias ? env.get(l.bias) : undefined;
          acc = matmul(l.spec.transA ? transpose(x, [1, 0]) : x, l.spec.transB ? transpose(w, [1, 0]) : w, step.node);
          if (bias) {
            const b = expandTo(bias, acc.shape);
            acc.data.forEach((v, i) => (acc!.data[i] = v + b.data[i]));
          }
          terms = l.spec.transA ? x.shape[0] : x.shape[x.shape.length - 1];
        }
        if (acc) {
          kinds.add(step.op);
          const { multiplier, shift } = step.plan.params as { multiplier: number; shift: number };
          const maxBias = bias ? Math.max(0, ...Array.from(bias.data, Math.abs)) : 0;
          // The plan's bound: terms·max(|qmin|, qmax)² + max |qbias| (docs/quantization.md, kind linear).
          const accBound = BigInt(terms) * BigInt(QMIN) ** 2n + BigInt(maxBias);
          const spec: RequantSpec = { shape: acc.shape, multiplier: BigInt(multiplier), shift, bits: BITS, accBound };
          const y = Array.from(step.values[0].data);
          const result = complete(spec, acc, y, `corpus/${step.node}`);
          if (!batchChecked) {
            batchChecked = true;
            const claim = claimOnValues(spec.shape, y, `corpus/${step.node}`);
            const pt = new Transcript("requant-batch");
            const vt = new Transcript("requant-batch");
            const v = verifyRequant({ spec, tables: VERIFIER_TABLES, claim, proof: result.proof, transcript: new Transcript("requant-test") });
            const proof = proveBatchOpening({ srs: SRS, tables: result.polys, commitments: result.claims.commitments, claims: result.claims.openings, transcript: pt });
            expect(verifyBatchOpening({ vk: HyperKZG.verifierKey(SRS), commitments: v.commitments, claims: v.openings, proof, transcript: vt }), "batch opening").to.equal(true);
          }
        }
        step.outputs.forEach((o, j) => o !== "" && env.set(o, step.values[j]));
      }
      expect([...kinds].sort()).to.deep.equal(["Conv", "Gemm"]);
    });

    it("saturated outputs on both sides (a multiplier that clamps)", () => {
      const { spec, acc, y } = synthetic([4, 6], 30, 1n << 22n, 1 << 20, "saturate");
      expect(y.filter((v) => v === QMAX).length, "outputs at qmax").to.be.greaterThan(2);
      expect(y.filter((v) => v === QMIN).length, "outputs at qmin").to.be.greaterThan(2);
      expect(requantGeometry(spec).eLimbs).to.be.greaterThan(0);
      complete(spec, acc, y, "saturate");
    });

    it("s ≤ 16: s = 8 (one short rem limb) and s = 16 (one full limb)", () => {
      for (const shift of [8, 16]) {
        const { spec, acc, y } = synthetic([3, 5], shift, 1000n, 1 << 14, `small/${shift}`);
        complete(spec, acc, y, `small/${shift}`);
      }
    });

    it("s > 32: s = 45 with a 31-bit multiplier (three rem limbs, the top one 13 bits)", () => {
      const { spec, acc, y } = synthetic([2, 3, 7], 45, (1n << 31n) - 12345n, 3 << 20, "large");
      expect(requantGeometry(spec).remLimbs).to.equal(3);
      complete(spec, acc, y, "large");
    });

    it("cost: the proof's words, rounds and claims match requantCost (2^10 outputs, s = 40, b = 12)", () => {
      const { spec, acc, y } = synthetic([1024], 40, (1n << 31n) - 1n, 1 << 30, "cost");
      const { proof, claims } = complete(spec, acc, y, "cost");
      const lookupWords = (l: RequantProof["clamp"]) =>
        2 * (2 + l.witnessHelpers.length) + l.witnessSums.length + 1 + l.sumcheck.rounds.flat().length +
        l.witnessHelperEvals.length + l.witnessColumnEvals.flat().length + 2 + l.tableColumnEvals.length;
      const words = 2 * proof.advice.length + lookupWords(proof.clamp) + lookupWords(proof.range!) +
        proof.sumcheck.rounds.flat().length + 2 + proof.evals.rem.length + proof.evals.e.length;
      const rounds = proof.clamp.sumcheck.rounds.length + proof.range!.sumcheck.rounds.length + proof.sumcheck.rounds.length;
      const cost = requantCost(spec, TABLES.clamp.numVars);
      expect(cost).to.deep.equal({ words, rounds, commitments: claims.commitments.length, openings: claims.openings.length });
      console.log(`      requant cost (2^10 outputs, s = 40, b = 12, |acc| < 2^30, M = 2^31 − 1): ${JSON.stringify(cost)}`);
    });

    it("s = 0 (t = acc·M, no remainder), a negative multiplier, a single element (no variables)", () => {
      const zero = synthetic([5], 0, 3n, 5000, "s0");
      complete(zero.spec, zero.acc, zero.y, "s0");
      const neg = synthetic([6], 20, -(1n << 24n), 1 << 12, "negM");
      complete(neg.spec, neg.acc, neg.y, "negM");
      const one = synthetic([1], 10, 123456n, 1 << 20, "single");
      complete(one.spec, one.acc, one.y, "single");
    });

    it("refuses a false claim, an acc beyond the bound, and specs out of range or that could wrap in Fr", () => {
      const { spec, acc, y } = synthetic([3, 5], 12, 777n, 1 << 16, "false");
      const claim = claimOnValues(spec.shape, y, "false");
      expect(() => prove(spec, acc, { ...claim, value: Fr.add(claim.value, 1n) })).to.throw(LayerProofError, /claim is false/);
      expect(() => prove({ ...spec, accBound: 10n }, acc, claim)).to.throw(/exceeds the bound/);
      expect(() => requantGeometry({ ...spec, shift: 63 })).to.throw(/shift 63/);
      expect(() => requantGeometry({ ...spec, bits: 17 })).to.throw(/bit width 17/);
      expect(() => requantGeometry({ ...spec, accBound: 1n << 230n })).to.throw(/wrap/);
    });
  });

  describe("soundness (rejected after full resolution)", () => {
    const { spec, acc, y } = synthetic([4, 6], 30, 1n << 22n, 1 << 20, "saturate");
    const honest = requantWitness(spec, acc);
    const hi = y.indexOf(QMAX);
    const inRange = y.findIndex((v) => v > QMIN + 1 && v < QMAX - 1);
    before(() => expect(hi >= 0 && inRange >= 0, "the instance has saturated and in-range outputs").to.equal(true));

    /** A dishonest prover: its witness, the claim on its own (false) y, and lenient multiplicities. */
    function cheat(edit: (w: { y: bigint[]; sigma: bigint[]; rem: bigint[]; e: bigint[] }) => void): string {
      const w = { y: [...honest.y], sigma: [...honest.sigma], rem: [...honest.rem], e: [...honest.e] };
      edit(w);
      const claim = claimOnValues(spec.shape, w.y.map(Number), "cheat");
      let result;
      try {
        result = prove(spec, acc, claim, w);
      } catch (e) {
        if (e instanceof LookupError || e instanceof LayerProofError) return `prover: ${e.message}`;
        throw e;
      }
      return outcome(spec, acc, claim, result);
    }

    it("the honest witness is accepted (control)", () => {
      expect(cheat(() => undefined)).to.equal("accepted");
    });

    it("unclamped y (y = t above qmax, σ = e = 0)", () => {
      expect(cheat((w) => ((w.y[hi] += w.e[hi]), (w.sigma[hi] = 0n), (w.e[hi] = 0n)))).to.match(/clamp lookup/);
    });

    it("y off by one (in range; σ·e absorbs the difference)", () => {
      expect(cheat((w) => ((w.y[inRange] += 1n), (w.sigma[inRange] = -1n), (w.e[inRange] = 1n)))).to.match(/clamp lookup/);
      // Without compensation the identity is false: the honest sum-check prover cannot even start.
      expect(cheat((w) => (w.y[inRange] += 1n))).to.match(/prover: .*claim is false/);
    });

    it("y out of range (qmax + 1 with σ = +1, e − 1)", () => {
      expect(cheat((w) => ((w.y[hi] = BigInt(QMAX) + 1n), (w.e[hi] -= 1n)))).to.match(/clamp lookup/);
    });

    it("rem ≥ 2^s (t one lower, the wrong y = y − 1)", () => {
      expect(cheat((w) => ((w.rem[inRange] += 1n << 30n), (w.y[inRange] -= 1n)))).to.match(/range lookup/);
    });

    it("wrong σ (σ = +1 below qmax; σ = −1 with e < 0; σ = 2)", () => {
      expect(cheat((w) => ((w.y[hi] -= 1n), (w.e[hi] += 1n)))).to.match(/clamp lookup/);
      expect(cheat((w) => ((w.sigma[hi] = -1n), (w.e[hi] = -w.e[hi])))).to.match(/lookup/);
      expect(cheat((w) => ((w.sigma[hi] = 2n), (w.e[hi] = w.e[hi] / 2n), (w.y[hi] += w.e[hi] % 2n)))).to.match(/clamp lookup/);
    });

    it("every tampered proof message", () => {
      const claim = claimOnValues(spec.shape, y, "tamper");
      const result = prove(spec, acc, claim);
      expect(accepted(spec, acc, claim, result)).to.equal(true);
      const p = result.proof;
      const bump = (x: bigint) => Fr.add(x, 1n);
      const tampers: [string, RequantProof][] = [];
      p.sumcheck.rounds.forEach((r, i) =>
        r.forEach((_, j) =>
          tampers.push([`round ${i}.${j}`, { ...p, sumcheck: { rounds: p.sumcheck.rounds.map((rr, ii) => (ii === i ? rr.map((c, jj) => (jj === j ? bump(c) : c)) : rr)) } }]),
        ),
      );
      tampers.push(["eval acc", { ...p, evals: { ...p.evals, acc: bump(p.evals.acc) } }]);
      tampers.push(["eval σ", { ...p, evals: { ...p.evals, sigma: bump(p.evals.sigma) } }]);
      p.evals.rem.forEach((_, i) => tampers.push([`eval rem ${i}`, { ...p, evals: { ...p.evals, rem: p.evals.rem.map((v, j) => (j === i ? bump(v) : v)) } }]));
      p.evals.e.forEach((_, i) => tampers.push([`eval e ${i}`, { ...p, evals: { ...p.evals, e: p.evals.e.map((v, j) => (j === i ? bump(v) : v)) } }]));
      p.advice.forEach((_, i) => tampers.push([`advice ${i}`, { ...p, advice: p.advice.map((c, j) => (j === i ? c.add(G1.BASE) : c)) }]));
      tampers.push(["clamp witness eval y", { ...p, clamp: { ...p.clamp, witnessColumnEvals: [[bump(p.clamp.witnessColumnEvals[0][0]), p.clamp.witnessColumnEvals[0][1]]] } }]);
      tampers.push(["clamp witness eval σ", { ...p, clamp: { ...p.clamp, witnessColumnEvals: [[p.clamp.witnessColumnEvals[0][0], bump(p.clamp.witnessColumnEvals[0][1])]] } }]);
      tampers.push(["clamp table sum", { ...p, clamp: { ...p.clamp, tableSum: bump(p.clamp.tableSum) } }]);
      tampers.push(["clamp m eval", { ...p, clamp: { ...p.clamp, multiplicityEval: bump(p.clamp.multiplicityEval) } }]);
      const r = p.range!;
      r.witnessColumnEvals.forEach((_, i) =>
        tampers.push([`range witness eval ${i}`, { ...p, range: { ...r, witnessColumnEvals: r.witnessColumnEvals.map((row, j) => (j === i ? [bump(row[0])] : row)) } }]),
      );
      tampers.push(["range helper eval", { ...p, range: { ...r, witnessHelperEvals: r.witnessHelperEvals.map((v, j) => (j === 0 ? bump(v) : v)) } }]);
      tampers.push(["range missing", { ...p, range: null }]);
      tampers.push(["advice commitment missing", { ...p, advice: p.advice.slice(1) }]);
      tampers.push(["one e eval missing", { ...p, evals: { ...p.evals, e: p.evals.e.slice(1) } }]);
      for (const [what, bad] of tampers) expect(accepted(spec, acc, claim, result, bad), what).to.equal(false);
      expect(accepted(spec, acc, { ...claim, value: bump(claim.value) }, result), "claim value").to.equal(false);
      expect(accepted(spec, acc, { ...claim, point: [bump(claim.point[0]), ...claim.point.slice(1)] }, result), "claim point").to.equal(false);
    });
  });
});
