import { expect } from "chai";
import { ethers } from "hardhat";
import { importOnnx, quantizeGraph, quantizeInputs, runInteger, type Tensor } from "../../src/model";
import { DEFAULT_BITS } from "../../src/model/defaults";
import { verifierPlan, type NodeStep, type VerifierPlan } from "../../src/prover/graph";
import { modelProgram } from "../../src/compiler/program/model";
import { ProgramError } from "../../src/compiler/program/writer";
import { EXT_OP } from "../../src/compiler/program/extension";
import { TREE_OP } from "../../src/compiler/program/tree";
import type { IntGatherNodeStep } from "../../src/prover/graph/nodes/int-gather";
import type { IntConcatNodeStep } from "../../src/prover/graph/nodes/int-move";
import { proveModel, rejection, type ProvedModel } from "../prover/graph-helpers";
import { writeModel } from "../model/helpers/harness";
import type { ModelVerifierTree, SweepHarness } from "../../typechain-types";
import { deployInterpreter } from "./interpreter";
import { solAccepts, tsAccepts } from "./verdicts";
import { sweepEveryWord } from "./sweep";
import { FORMS_GRAPH, FORMS_INDICES } from "./tree-graphs";

/**
 * The session-5 forms of a runtime gather on-chain (ModelVerifierTree.sol SELECT / ROWSC / CONCAT:
 * contracts/verifier/layers/{IntGatherForms,IntConcat}Step.sol, with MATMUL for GatherND's selection) against the
 * TypeScript reference verifier, on the whole-model proof of ./tree-graphs.ts FORMS_GRAPH (a wide GatherElements of
 * an activation, a carried table and a committed table; GatherND of an activation and of a carried table at TF's
 * lowered index; integer Concats with a non-zero constant and with two activations):
 * - the honest proof is accepted by both (gas printed);
 * - EVERY 32-byte word of the proof flipped is rejected by both (SweepHarness, ./sweep.ts);
 * - each new check fails with its custom error by name on a proof word that reaches it (located through the
 *   TypeScript verifier's reason), and a program whose carried constant is not the proof's is rejected by both
 *   (GatherConstantWrong for a GatherElements table, IntMatmulConstantWrong for a GatherND table,
 *   SelectorCheckFailed for a Concat constant: its part moves the last activation's value);
 * - a ROWSC section the generator could not have written reverts GatherFormsProgram; a form step without its own
 *   one-hot column is refused by the generator, naming the form.
 * The corpus `gather_nd` and `gather_elements` run in ./tree.test.ts.
 */
describe("verifier (Solidity): GatherND, wide GatherElements and integer Concat (ModelVerifierTree)", function () {
  this.timeout(900_000);
  let harness: SweepHarness;
  let tree: ModelVerifierTree;
  let proved: ProvedModel;
  let plan: VerifierPlan;
  let program: Uint8Array;

  before(async () => {
    const at = await deployInterpreter();
    tree = (await ethers.getContractAt("ModelVerifierTree", at.ModelVerifierTree)) as unknown as ModelVerifierTree;
    harness = (await ethers.deployContract("SweepHarness", { libraries: { ModelVerifier: at.ModelVerifier } })) as unknown as SweepHarness;
    proved = proveForms();
    plan = verifierPlan(proved.vk, proved.model);
    program = modelProgram(plan);
  });

  const call = (prog: Uint8Array, proof: Uint8Array) => {
    const st = proved.statement;
    return harness.verify(prog, st.input, st.output, st.prover, proof);
  };

  it("the honest proof (every form and data kind) is accepted by both; gas reported", async function () {
    const gathers = plan.nodes.filter((s) => s.handler === "int-gather") as IntGatherNodeStep[];
    expect(gathers.filter((s) => s.elements).map((s) => (s.constant ? "constant" : s.data.includes("@") ? "weight" : "activation"))).to.have.members(["activation", "constant", "weight"]);
    expect(gathers.filter((s) => s.nd).map((s) => (s.constant ? "constant" : "activation"))).to.have.members(["activation", "constant"]);
    expect(plan.nodes.filter((s) => s.handler === "int-concat")).to.have.length(2);
    const st = proved.statement;
    expect([tsAccepts(plan, st, proved.proof), await solAccepts(harness, program, st, proved.proof)]).to.deep.equal([true, true]);
    const gas = await harness.verify.estimateGas(program, st.input, st.output, st.prover, proved.proof);
    console.log(`      forms graph: proof ${proved.proof.length} bytes, program ${program.length} bytes, harness call ${gas} gas`);
  });

  it("EVERY proof word flipped is rejected by both", async function () {
    const st = proved.statement;
    const gas = await harness.verify.estimateGas(program, st.input, st.output, st.prover, proved.proof);
    const r = await sweepEveryWord(harness, plan, program, st, proved.proof, gas);
    expect(r.controlAccepted, "the unflipped proof inside the sweep").to.equal(true);
    expect(r.tsAccepted, "words TypeScript accepted").to.deep.equal([]);
    expect(r.solAccepted, "words Solidity accepted").to.deep.equal([]);
  });

  /** The proof with the first word flipped whose TypeScript rejection names `reason`. */
  function flippedAt(reason: string): Uint8Array {
    const { proof } = proved;
    for (let at = 0; at < proof.length; at += 32) {
      const bad = proof.slice();
      bad[at + 31] ^= 1;
      if (rejection(proved, proved.statement, bad).includes(reason)) return bad;
    }
    throw new RangeError(`no proof word is rejected with "${reason}"`);
  }

  for (const [what, reason, error] of [
    ["a wide GatherElements selection value", "GatherElements selection: the final evaluation does not match", "GatherSelectWrong"],
    ["a one-hot row value (components, any K shape)", "the one-hot rows do not sum to the indices", "OneHotRowsWrong"],
    ["a Concat input value", "input value times selector does not match", "SelectorCheckFailed"],
    ["a GatherND selection value", "matmul: X·W at the sum-check point", "ProductCheckFailed"],
  ] as const) {
    it(`${what} → ${error}`, async function () {
      await expect(call(program, flippedAt(reason))).to.be.revertedWithCustomError(tree, error);
    });
  }

  for (const [what, pick, error] of [
    ["a GatherElements table", (s: NodeStep) => s.handler === "int-gather" && !!(s as IntGatherNodeStep).elements && !!(s as IntGatherNodeStep).constant, "GatherConstantWrong"],
    ["a GatherND table", (s: NodeStep) => s.handler === "int-gather" && !!(s as IntGatherNodeStep).nd && !!(s as IntGatherNodeStep).constant, "IntMatmulConstantWrong"],
    ["a Concat constant", (s: NodeStep) => s.handler === "int-concat", "SelectorCheckFailed"],
  ] as const) {
    it(`a program whose carried constant (${what}) is not the proof's → ${error}; the plan's: rejected`, async function () {
      const changed = withChangedConstant(plan, pick);
      expect(tsAccepts(changed, proved.statement, proved.proof)).to.equal(false);
      await expect(call(modelProgram(changed), proved.proof)).to.be.revertedWithCustomError(tree, error);
    });
  }

  it("a ROWSC section the generator could not have written (no component, a column count off the arena's point) → GatherFormsProgram", async function () {
    const at = sectionAt(program, TREE_OP.rowsForms);
    for (const [offset, delta] of [
      [3, -program[at + 3]], // C = 0
      [1, 1], // κ′ + 1: κ′ + K variables ≠ the arena point's length
    ] as const) {
      const bad = program.slice();
      bad[at + offset] += delta;
      await expect(call(bad, proved.proof)).to.be.revertedWithCustomError(tree, "GatherFormsProgram");
    }
  });

  it("a GatherND / wide GatherElements step without its own one-hot column → refused by the generator, naming the form", function () {
    for (const [form, name] of [
      ["nd", /GatherND step without its own one-hot column/],
      ["elements", /wide GatherElements step without its own one-hot column/],
    ] as const) {
      const step = plan.nodes.find((s) => s.handler === "int-gather" && (s as IntGatherNodeStep)[form]);
      const bad: VerifierPlan = { ...plan, nodes: plan.nodes.map((s) => (s === step ? ({ ...s, column: null } as NodeStep) : s)) };
      expect(() => modelProgram(bad)).to.throw(ProgramError, name);
    }
  });
});

/** The offset of the sub-opcode of the first EXT_TREE section with sub-opcode `op` (0x34, a u32 length < 2^16, op). */
function sectionAt(program: Uint8Array, op: number): number {
  for (let i = 0; i + 5 < program.length; i++) {
    if (program[i] === EXT_OP.tree && program[i + 1] === 0 && program[i + 2] === 0 && program[i + 5] === op) return i + 5;
  }
  throw new RangeError(`no EXT_TREE section with sub-opcode ${op}`);
}

/** FORMS_GRAPH quantized, run on its seeded floats and in-range indices, and proved. */
function proveForms(): ProvedModel {
  const graph = importOnnx(writeModel(FORMS_GRAPH));
  const inputs: Tensor[] = graph.inputs.map((info, i) => {
    const size = info.shape.reduce((p, d) => p * d, 1);
    let seed = 17 + i;
    const seeded = Array.from({ length: size }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31) * 4 - 2;
    });
    return { dtype: info.dtype, shape: info.shape, data: Float64Array.from(FORMS_INDICES[info.name] ?? seeded) };
  });
  const model = quantizeGraph(graph, [inputs], DEFAULT_BITS);
  return proveModel(model, runInteger(model, quantizeInputs(model, inputs)));
}

/** The plan with the first non-zero entry of the first carried constant of the step `pick` selects changed. */
function withChangedConstant(plan: VerifierPlan, pick: (s: NodeStep) => boolean): VerifierPlan {
  const bump = (data: readonly number[]) => {
    const out = [...data];
    out[out.findIndex((v) => v !== 0)] += 1;
    return out;
  };
  const target = plan.nodes.find(pick);
  if (!target) throw new RangeError("no step carries such a constant");
  const changed =
    target.handler === "int-concat"
      ? { ...target, parts: (target as IntConcatNodeStep).parts.map((p) => ("constant" in p ? { constant: bump(p.constant) } : p)) }
      : { ...target, constant: { data: bump((target as IntGatherNodeStep).constant!.data) } };
  return { ...plan, nodes: plan.nodes.map((s) => (s === target ? (changed as NodeStep) : s)) };
}
