import { expect } from "chai";
import { ethers } from "hardhat";
import { importOnnx } from "../../src/model";
import { verifierPlan } from "../../src/prover/graph";
import { modelProgram } from "../../src/compiler/program/model";
import { ATTENTION_OP } from "../../src/compiler/program/attention";
import { builtModel, proveModel, type ProvedModel } from "../prover/graph-helpers";
import { writeModel } from "../model/helpers/harness";
import type { GraphSpec } from "../model/helpers/onnx-builder";
import type { ModelVerifierAttention, ModelVerifierHarness, SweepHarness } from "../../typechain-types";
import { constantTensor, fillFalse, fillTrue, flippedMaskProof, twoRuntime } from "../prover/where-graphs";
import { deployInterpreter } from "./interpreter";
import { sweepEveryWord } from "./sweep";
import { solAccepts, tsAccepts } from "./verdicts";

/**
 * The committed-mask Where on-chain (WhereStep.mask through ModelVerifierAttention's WHERE_MASK) against the
 * TypeScript verifier (`executePlan`): on fills on either side, broadcast masks with padded axes, two runtime inputs
 * (one rescaled), a constant tensor input with merged claims — the honest proof accepted by both, EVERY proof word
 * flipped rejected by both (SweepHarness), and a prover that uses another mask consistently rejected by both; the
 * step's own errors by name (a direct EXT call to ModelVerifierAttention.run, as the interpreter makes it).
 */
describe("verifier (Solidity): Where with a constant condition (WhereStep.mask)", function () {
  this.timeout(600_000);
  let harness: ModelVerifierHarness;
  let sweeper: SweepHarness;

  before(async () => {
    const at = await deployInterpreter();
    harness = (await ethers.deployContract("ModelVerifierHarness", { libraries: { ModelVerifier: at.ModelVerifier } })) as unknown as ModelVerifierHarness;
    sweeper = (await ethers.deployContract("SweepHarness", { libraries: { ModelVerifier: at.ModelVerifier } })) as unknown as SweepHarness;
  });

  const proved = (spec: GraphSpec): ProvedModel => {
    const { model, trace } = builtModel(importOnnx(writeModel(spec)));
    return proveModel(model, trace);
  };

  const cases: { name: string; spec: GraphSpec }[] = [
    { name: "fill on the true side, mask [1, 1, 3, 3] over [1, 2, 3, 3]", spec: fillTrue(3) },
    { name: "fill [1] on the false side, mask [5] over [3, 5]", spec: fillFalse(5) },
    { name: "two runtime inputs, one rescaled, mask [3, 3] over [2, 3, 3]", spec: twoRuntime(3) },
    { name: "a constant tensor input, the output read twice", spec: constantTensor() },
  ];

  for (const c of cases) {
    it(`${c.name}: honest accepted, EVERY proof word flipped rejected, by both`, async () => {
      const p = proved(c.spec);
      const plan = verifierPlan(p.vk, p.model);
      expect(plan.nodes.map((n) => n.handler)).to.include("where-mask");
      const program = modelProgram(plan);
      expect(tsAccepts(plan, p.statement, p.proof)).to.equal(true);
      expect(await solAccepts(harness, program, p.statement, p.proof)).to.equal(true);
      const gas = await harness.verify.estimateGas(program, p.statement.input, p.statement.output, p.statement.prover, p.proof);
      const r = await sweepEveryWord(sweeper, plan, program, p.statement, p.proof, gas);
      console.log(`      ${c.name}: proof ${p.proof.length} bytes, harness call ${gas} gas, ${r.words} words flipped`);
      expect(r.controlAccepted, "the unflipped proof inside the sweep").to.equal(true);
      expect(r.tsAccepted, "words TypeScript accepted").to.deep.equal([]);
      expect(r.solAccepted, "words Solidity accepted").to.deep.equal([]);
    });
  }

  it("a prover that uses another mask consistently (one entry flipped) is rejected by both", async () => {
    const honest = proved(fillTrue(3));
    const plan = verifierPlan(honest.vk, honest.model);
    const program = modelProgram(plan);
    const lie = flippedMaskProof(honest);
    expect(tsAccepts(plan, lie.statement, lie.proof)).to.equal(false);
    expect(await solAccepts(harness, program, lie.statement, lie.proof)).to.equal(false);
  });

  describe("WhereStep.mask reverts by name (a crafted EXT call: a 0-variable claim, fills, the stream's m~)", () => {
    let attention: ModelVerifierAttention;
    before(async () => {
      attention = (await ethers.deployContract("ModelVerifierAttention")) as unknown as ModelVerifierAttention;
    });
    const word = (v: bigint): number[] => [...ethers.getBytes(ethers.toBeHex(v, 32))];
    /** Extension.sol's frame: [state, offset, k, per claim n, point…, value]; every claim here has 0 variables. */
    const frame = (values: readonly bigint[]): bigint[] => [0n, 0n, BigInt(values.length), ...values.flatMap((v) => [0n, v])];
    /** WHERE_MASK over y with 0 variables: the mask's empty gather and factor, then a and b as fills (or `forms`). */
    const section = (a: number[], b: number[]) => Uint8Array.from([ATTENTION_OP.whereMask, 0, 0, 0, ...a, ...b]);
    const fill = (c: bigint) => [1, ...word(c), 0];
    const proof = (m: bigint) => Uint8Array.from(word(m));

    it("accepts y = m·a + (1 − m)·b on consistent values and hands on the mask's claim", async () => {
      const out = await attention.run(frame([7n]), section(fill(7n), fill(3n)), proof(1n));
      // [state, offset (one word read), k = 1, the mask's claim: n = 0, value 1]
      expect(out.slice(1)).to.deep.equal([32n, 1n, 0n, 1n]);
    });

    it("WhereMaskCheckFailed: m·(a − b) + b is not the claim", async () => {
      await expect(attention.run(frame([5n]), section(fill(7n), fill(3n)), proof(1n))).to.be.revertedWithCustomError(attention, "WhereMaskCheckFailed");
    });

    it("WhereClaims: a register of two claims", async () => {
      await expect(attention.run(frame([1n, 2n]), section(fill(7n), fill(3n)), proof(1n))).to.be.revertedWithCustomError(attention, "WhereClaims").withArgs(2);
    });

    it("WhereInputForm: a data input's form byte that is neither sent nor fill", async () => {
      await expect(attention.run(frame([7n]), section(fill(7n), [2]), proof(1n))).to.be.revertedWithCustomError(attention, "WhereInputForm").withArgs(2);
    });
  });
});
