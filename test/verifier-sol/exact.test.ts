import { expect } from "chai";
import { ethers } from "hardhat";
import * as Fr from "../../src/field/fr";
import { importOnnx, type IntegerTrace } from "../../src/model";
import { proveInference, verifierPlan, type InferenceStatement, type VerifierPlan } from "../../src/prover/graph";
import { modelProgram } from "../../src/compiler/program/model";
import type { ExactNodeStep } from "../../src/prover/graph/nodes/exact";
import { EXT_OP } from "../../src/compiler/program/extension";
import { EXACT_OP } from "../../src/compiler/program/exact";
import { builtModel, graphSrs, proveCorpus, proveModel, PROVER, rejection, tamperedOutput, type ProvedModel } from "../prover/graph-helpers";
import { writeModel } from "../model/helpers/harness";
import type { GraphSpec } from "../model/helpers/onnx-builder";
import { compareGraph, EVERY_EXACT_OP, logicGraph } from "../prover/exact-graphs";
import type { ModelVerifier, ModelVerifierExact, ModelVerifierPcs, SweepHarness } from "../../typechain-types";
import { deployInterpreter } from "./interpreter";
import { solAccepts, tsAccepts } from "./verdicts";
import { sweepEveryWord } from "./sweep";
import { packedValue, withPackedValue } from "./packed-values";

/**
 * The exact integer kinds on-chain (contracts/verifier/ModelVerifierExact.sol: CompareStep, LogicStep, ExactStep)
 * against the TypeScript reference verifier (`executePlan`), on whole-model proofs of `less`, `boolean`,
 * `boolean_identity` (corpus) and a built graph with every comparison (broadcast, a committed constant
 * threshold), Or / Xor / And (also broadcast) / Not, Cast, exact Add / Sub / Mul of tensors and of integer
 * constants, and a Reshape of integers:
 * - the honest proof is accepted by both (gas printed);
 * - EVERY 32-byte word of the proof flipped (its lowest bit) is rejected by both — all words, no sample; the
 *   Solidity verdicts are batched through contracts/test/SweepHarness.sol (./sweep.ts);
 * - dishonest comparison bits (flipped, or 2) proved through the driver's unsafe witness hook are rejected by both
 *   (the bit is committed, so the hook yields a proof); a dishonest logic / exact output is refused by the prover
 *   (nothing committed can hide a false claim), and stated with the honest proof it is rejected by both;
 * - malformed calldata (truncated, extended, a non-canonical scalar, a bool input that is not 0/1) and a program
 *   whose constant is not the proof's revert with the named custom error.
 */
describe("verifier (Solidity): exact integer kinds (compare, logic, exact)", function () {
  this.timeout(600_000);
  let harness: SweepHarness;
  let lib: ModelVerifier;
  let pcs: ModelVerifierPcs;
  let exact: ModelVerifierExact;

  before(async () => {
    const at = await deployInterpreter();
    lib = (await ethers.getContractAt("ModelVerifier", at.ModelVerifier)) as unknown as ModelVerifier;
    pcs = (await ethers.getContractAt("ModelVerifierPcs", at.ModelVerifierPcs)) as unknown as ModelVerifierPcs;
    exact = (await ethers.getContractAt("ModelVerifierExact", at.ModelVerifierExact)) as unknown as ModelVerifierExact;
    harness = (await ethers.deployContract("SweepHarness", { libraries: { ModelVerifier: at.ModelVerifier } })) as unknown as SweepHarness;
  });

  /** Both verdicts on a statement and proof: [TypeScript, Solidity]. */
  const verdicts = async (c: Compiled, statement: InferenceStatement, proof: Uint8Array) => [tsAccepts(c.plan, statement, proof), await solAccepts(harness, c.program, statement, proof)];

  const cases: { name: string; kinds: string[]; prove: () => ProvedModel | undefined }[] = [
    { name: "less", kinds: ["compare"], prove: () => proveCorpus("less") },
    { name: "boolean", kinds: ["logic"], prove: () => proveCorpus("boolean") },
    { name: "boolean_identity", kinds: ["movement"], prove: () => proveCorpus("boolean_identity") },
    { name: "every compare / logic / exact op", kinds: ["compare", "logic", "exact", "movement"], prove: () => built(EVERY_EXACT_OP) },
  ];

  for (const c of cases) {
    describe(c.name, function () {
      let m: Compiled | undefined;

      before(function () {
        m = compiled(c.prove());
        if (!m) this.skip();
      });

      it("the honest proof is accepted by both; gas reported", async function () {
        const { statement, proof, model } = m!.proved;
        expect([...new Set([...model.plans.values()].map((p) => p.kind))].sort()).to.deep.equal([...c.kinds].sort());
        expect(await verdicts(m!, statement, proof)).to.deep.equal([true, true]);
        const gas = await harness.verify.estimateGas(m!.program, statement.input, statement.output, statement.prover, proof);
        console.log(`      ${c.name}: proof ${proof.length} bytes, program ${m!.program.length} bytes, harness call ${gas} gas`);
      });

      it("EVERY proof word flipped is rejected by both", async function () {
        const { statement, proof } = m!.proved;
        const gas = await harness.verify.estimateGas(m!.program, statement.input, statement.output, statement.prover, proof);
        const r = await sweepEveryWord(harness, m!.plan, m!.program, statement, proof, gas);
        expect(r.controlAccepted, "the unflipped proof inside the sweep").to.equal(true);
        expect(r.tsAccepted, "words TypeScript accepted").to.deep.equal([]);
        expect(r.solAccepted, "words Solidity accepted").to.deep.equal([]);
      });
    });
  }

  describe("dishonest traces (the driver's unsafe witness hook)", function () {
    /**
     * Proves `trace` dishonestly; returns the proof and statement, or null when the prover itself refuses (a
     * relation it cannot even write down, e.g. a limb outside the range table's multiplicities).
     */
    function dishonest(honest: ProvedModel, trace: IntegerTrace): { statement: InferenceStatement; proof: Uint8Array } | null {
      try {
        return proveInference({ setup: honest.setup, model: honest.model, srs: graphSrs(), trace, prover: PROVER, unsafeDishonest: true });
      } catch {
        return null;
      }
    }

    /** Every dishonest trace is refused by the prover or rejected by both verifiers; returns how many proofs were judged. */
    async function judged(m: Compiled, traces: IntegerTrace[]): Promise<number> {
      let proofs = 0;
      for (const trace of traces) {
        const bad = dishonest(m.proved, trace);
        if (!bad) continue;
        proofs++;
        expect(await verdicts(m, bad.statement, bad.proof)).to.deep.equal([false, false]);
      }
      return proofs;
    }

    // A comparison's bit is committed (g in A), so a dishonest bit yields a proof: its limbs leave the range table.
    for (const [name, graph] of [
      ["less (corpus)", undefined],
      ["Greater (broadcast)", compareGraph("Greater", "Y")],
      ["GreaterOrEqual (a committed threshold)", compareGraph("GreaterOrEqual", "T")],
      ["LessOrEqual (negated)", compareGraph("LessOrEqual", "Y")],
    ] as const) {
      it(`${name}: a flipped or non-boolean comparison bit is rejected by both`, async function () {
        const m = compiled(graph ? built(graph) : proveCorpus("less"));
        if (!m) return this.skip();
        const node = m.proved.model.graph.nodes[m.proved.model.graph.nodes.length - 1].name;
        const traces = [0, 3].flatMap((at) => [tamperedOutput(m.proved.trace, node, at, (v) => 1 - v), tamperedOutput(m.proved.trace, node, at, () => 2)]);
        expect(await judged(m, traces)).to.be.greaterThan(0);
      });
    }

    // Logic and exact steps commit nothing: a lie about their output leaves the prover a false claim it cannot
    // prove (the hook's dishonest proof does not exist), so the lie that reaches a verifier is the statement's:
    // the honest proof presented with a changed output.
    for (const [op, out, change] of [
      ["Or", "bool", (v: number) => 1 - v],
      ["Xor", "bool", (v: number) => 1 - v],
      ["And", "bool", (v: number) => 1 - v],
      ["Not", "bool", (v: number) => 1 - v],
      ["Add", "int64", (v: number) => v + 1],
      ["Sub", "int64", (v: number) => v - 1],
      ["Mul", "int64", (v: number) => v + 1],
    ] as const) {
      it(`a dishonest ${op} output: the prover refuses it; stated with the honest proof, both reject`, async function () {
        const m = compiled(built(logicGraph(op, out)))!;
        const { trace, statement, proof } = m.proved;
        const last = m.proved.model.graph.nodes[m.proved.model.graph.nodes.length - 1].name;
        expect(await verdicts(m, statement, proof)).to.deep.equal([true, true]);
        for (const at of [0, 7]) {
          const lie = tamperedOutput(trace, last, at, change);
          expect(() => proveInference({ setup: m.proved.setup, model: m.proved.model, srs: graphSrs(), trace: lie, prover: PROVER, unsafeDishonest: true })).to.throw(/claim is false|not the sum|linear combination/);
          const output = withPackedValue(statement.output, m.plan.outputs, at, change(packedValue(statement.output, m.plan.outputs, at)));
          expect(await verdicts(m, { ...statement, output }, proof), `entry ${at}`).to.deep.equal([false, false]);
        }
      });
    }
  });

  describe("malformed calldata and program", function () {
    it("less: truncated, extended, a non-canonical scalar → the named custom error; both reject", async function () {
      const m = compiled(proveCorpus("less"));
      if (!m) return this.skip();
      const { statement: st, proof } = m.proved;
      const call = (bytes: Uint8Array) => harness.verify(m.program, st.input, st.output, st.prover, bytes);
      await expect(call(proof.slice(0, proof.length - 32))).to.be.revertedWithCustomError(pcs, "ProofTruncated");
      await expect(call(Uint8Array.from([...proof, ...new Uint8Array(32)]))).to.be.revertedWithCustomError(pcs, "ProofTrailingBytes").withArgs(32);
      // The comparison's one message (qa's value in the linear combination δ = ca·qa + cb·qb), set to r + itself.
      const nonCanonicalAt = (at: number) => {
        const word = BigInt(`0x${Buffer.from(proof.slice(at, at + 32)).toString("hex")}`) + Fr.MODULUS;
        const bad = proof.slice();
        bad.set(Buffer.from(word.toString(16).padStart(64, "0"), "hex"), at);
        return bad;
      };
      let at = 0;
      while (at < proof.length && !rejection(m.proved, st, nonCanonicalAt(at)).includes(`non-canonical scalar at byte ${at} (linear combination`)) at += 32;
      expect(at, "the linear combination's value in the stream").to.be.below(proof.length);
      const nonCanonical = nonCanonicalAt(at);
      await expect(call(nonCanonical)).to.be.revertedWithCustomError(lib, "ProofScalarNotCanonical").withArgs(at);
      for (const bad of [proof.slice(0, proof.length - 32), nonCanonical]) expect(await verdicts(m, st, bad)).to.deep.equal([false, false]);
    });

    it("boolean / boolean_identity: a bool input that is not 0 or 1 → InputOutOfRange; both reject", async function () {
      for (const name of ["boolean", "boolean_identity"]) {
        const m = compiled(proveCorpus(name));
        if (!m) return this.skip();
        const { statement: st, proof } = m.proved;
        const input = withPackedValue(st.input, m.plan.inputs, 1, 2);
        await expect(harness.verify(m.program, input, st.output, st.prover, proof)).to.be.revertedWithCustomError(lib, "InputOutOfRange").withArgs(0, 1);
        expect(await verdicts(m, { ...st, input }, proof)).to.deep.equal([false, false]);
      }
    });

    it("every op: a program whose integer constant is not the proof's → ExactConstantWrong (and the plan's: rejected)", async function () {
      const m = compiled(built(EVERY_EXACT_OP))!;
      const { statement: st, proof } = m.proved;
      // The Mul-by-K step's constant: the plan with K's first entry changed compiles to a program that differs there.
      const changed = (s: ExactNodeStep): ExactNodeStep => ({ ...s, constant: { ...s.constant!, data: [s.constant!.data[0] + 1, ...s.constant!.data.slice(1)] } });
      const plan: VerifierPlan = { ...m.plan, nodes: m.plan.nodes.map((s) => (s.handler === "exact" && s.op === "Mul" && (s as ExactNodeStep).constant ? changed(s as ExactNodeStep) : s)) };
      expect(plan.nodes.filter((s, i) => s !== m.plan.nodes[i])).to.have.length(1);
      const program = modelProgram(plan);
      expect(tsAccepts(plan, st, proof)).to.equal(false);
      await expect(harness.verify(program, st.input, st.output, st.prover, proof)).to.be.revertedWithCustomError(exact, "ExactConstantWrong");
    });

    it("an unknown sub-opcode → ExactOpUnknown", async function () {
      const m = compiled(proveCorpus("boolean"));
      if (!m) return this.skip();
      const { statement: st, proof } = m.proved;
      // The first EXT 0x33 instruction: its section (after the u32 length) starts with the sub-opcode.
      const program = m.program.slice();
      const ext = extAt(program);
      program[ext + 5] = 9;
      await expect(harness.verify(program, st.input, st.output, st.prover, proof)).to.be.revertedWithCustomError(exact, "ExactOpUnknown").withArgs(9);
    });
  });
});

/** A proved model with its plan and program. */
interface Compiled {
  readonly proved: ProvedModel;
  readonly plan: VerifierPlan;
  readonly program: Uint8Array;
}

function compiled(proved: ProvedModel | undefined): Compiled | undefined {
  if (!proved) return undefined;
  const plan = verifierPlan(proved.vk, proved.model);
  return { proved, plan, program: modelProgram(plan) };
}

/**
 * The offset of the first EXT_EXACT instruction of a boolean-only program: the byte 0x33 followed by a u32 section
 * length and the LOGIC sub-opcode (an unambiguous pattern in these small programs).
 */
function extAt(program: Uint8Array): number {
  for (let i = 0; i + 5 < program.length; i++) {
    if (program[i] === EXT_OP.exact && program[i + 1] === 0 && program[i + 2] === 0 && program[i + 5] === EXACT_OP.logic) return i;
  }
  throw new RangeError("no EXT_EXACT instruction");
}

/** A built graph quantized, run and proved. */
function built(spec: GraphSpec): ProvedModel {
  const { model, trace } = builtModel(importOnnx(writeModel(spec)));
  return proveModel(model, trace);
}
