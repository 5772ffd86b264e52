import { expect } from "chai";
import { ethers } from "hardhat";
import { importOnnx } from "../../src/model";
import { verifierPlan, type InferenceStatement, type NodeStep, type VerifierPlan } from "../../src/prover/graph";
import { modelProgram } from "../../src/compiler/program/model";
import { EXT_OP } from "../../src/compiler/program/extension";
import { TREE_OP } from "../../src/compiler/program/tree";
import type { IntGatherNodeStep } from "../../src/prover/graph/nodes/int-gather";
import type { IntMatMulNodeStep } from "../../src/prover/graph/nodes/int-matmul";
import { builtModel, proveCorpus, proveModel, rejection, type ProvedModel } from "../prover/graph-helpers";
import { writeModel } from "../model/helpers/harness";
import type { ModelVerifierTree, SweepHarness } from "../../typechain-types";
import { deployInterpreter } from "./interpreter";
import { solAccepts, tsAccepts } from "./verdicts";
import { sweepEveryWord } from "./sweep";
import { TREE_GRAPH } from "./tree-graphs";

/**
 * The tree models' integer kinds on-chain (contracts/verifier/ModelVerifierTree.sol: IntMatmulStep, IntGatherStep,
 * IntOneHotStep, IntEqualStep, IntGatherFormsStep, IntConcatStep) against the TypeScript reference verifier (`executePlan`), on whole-model proofs of
 * a built tree with every form of every step (./tree-graphs.ts) and of the corpus `decision_tree` (int-matmul,
 * int-equal, int-gather with a carried table) and `linear_svc` (a class lookup):
 * - the honest proof is accepted by both (gas printed);
 * - EVERY 32-byte word of the proof flipped (its lowest bit) is rejected by both — all words, no sample (the built
 *   tree and decision_tree); the Solidity verdicts are batched through contracts/test/SweepHarness.sol (./sweep.ts);
 * - each step's own check fails with its named custom error on a proof word that reaches it (located through the
 *   TypeScript verifier's reason), a program whose carried constant is not the proof's is rejected by both
 *   (IntMatmulConstantWrong for a MatMul's and a gathered table's), an unknown sub-opcode is TreeOpUnknown;
 * - the corpus `gather_nd` (GatherND through an integer Concat with a constant) and `gather_elements` (a wide
 *   GatherElements): honest proof and every word flipped (the forms' own checks: ./tree-forms.test.ts).
 * `S_TREE_MODELS=a,b` runs other corpus models (hummingbird_decision_tree, oh_decision_tree, xgboost_reg, …)
 * through the honest check and the sweep.
 */
describe("verifier (Solidity): the tree models' integer kinds (ModelVerifierTree)", function () {
  this.timeout(900_000);
  let harness: SweepHarness;
  let tree: ModelVerifierTree;

  before(async () => {
    const at = await deployInterpreter();
    tree = (await ethers.getContractAt("ModelVerifierTree", at.ModelVerifierTree)) as unknown as ModelVerifierTree;
    harness = (await ethers.deployContract("SweepHarness", { libraries: { ModelVerifier: at.ModelVerifier } })) as unknown as SweepHarness;
  });

  const verdicts = async (c: Compiled, statement: InferenceStatement, proof: Uint8Array) => [tsAccepts(c.plan, statement, proof), await solAccepts(harness, c.program, statement, proof)];

  const extra = (process.env.S_TREE_MODELS ?? "").split(",").filter((s) => s !== "");
  // linear_svc's one runtime gather is a form the built tree covers: honest proof only (its sweep costs 45 s).
  const cases: { name: string; handlers: string[]; sweep: boolean; prove: () => ProvedModel | undefined }[] = [
    { name: "built tree (every form)", handlers: ["int-gather", "int-onehot", "int-matmul", "int-equal"], sweep: true, prove: () => built() },
    { name: "decision_tree", handlers: ["int-gather", "int-matmul", "int-equal"], sweep: true, prove: () => proveCorpus("decision_tree") },
    { name: "linear_svc", handlers: ["int-gather"], sweep: false, prove: () => proveCorpus("linear_svc") },
    // GatherND through an integer Concat with a constant (nd form, int-concat) and a wide GatherElements (elements form).
    { name: "gather_nd", handlers: ["int-gather", "int-concat"], sweep: true, prove: () => proveCorpus("gather_nd") },
    { name: "gather_elements", handlers: ["int-gather"], sweep: true, prove: () => proveCorpus("gather_elements") },
    ...extra.map((name) => ({ name, handlers: [], sweep: true, prove: () => proveCorpus(name) })),
  ];

  for (const c of cases) {
    describe(c.name, function () {
      let m: Compiled | undefined;

      before(function () {
        m = compiled(c.prove());
        if (!m) this.skip();
      });

      it("the honest proof is accepted by both; gas reported", async function () {
        const { statement, proof } = m!.proved;
        const handlers = new Set(m!.plan.nodes.map((s) => s.handler));
        for (const h of c.handlers) expect(handlers.has(h), h).to.equal(true);
        expect(await verdicts(m!, statement, proof)).to.deep.equal([true, true]);
        const gas = await harness.verify.estimateGas(m!.program, statement.input, statement.output, statement.prover, proof);
        console.log(`      ${c.name}: proof ${proof.length} bytes, program ${m!.program.length} bytes, harness call ${gas} gas`);
      });

      if (!c.sweep) return;
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

  describe("named errors", function () {
    let m: Compiled;

    before(() => {
      m = compiled(built())!;
    });

    const call = (program: Uint8Array, proof: Uint8Array) => {
      const st = m.proved.statement;
      return harness.verify(program, st.input, st.output, st.prover, proof);
    };

    /** The proof with the first word flipped whose TypeScript rejection names `reason`. */
    function flippedAt(reason: string): Uint8Array {
      const { proof } = m.proved;
      for (let at = 0; at < proof.length; at += 32) {
        const bad = proof.slice();
        bad[at + 31] ^= 1;
        if (rejection(m.proved, m.proved.statement, bad).includes(reason)) return bad;
      }
      throw new RangeError(`no proof word is rejected with "${reason}"`);
    }

    it("a one-hot row value → OneHotRowsWrong", async function () {
      await expect(call(m.program, flippedAt("the one-hot rows do not sum to the indices"))).to.be.revertedWithCustomError(tree, "OneHotRowsWrong");
    });

    it("an Equal evaluation → EqualZeroTestFailed", async function () {
      await expect(call(m.program, flippedAt("equal: the zero test fails"))).to.be.revertedWithCustomError(tree, "EqualZeroTestFailed");
    });

    it("a MatMul evaluation → ProductCheckFailed(matmul)", async function () {
      await expect(call(m.program, flippedAt("matmul: X·W at the sum-check point"))).to.be.revertedWithCustomError(tree, "ProductCheckFailed");
    });

    for (const [what, handler] of [
      ["a MatMul's path matrix", "int-matmul"],
      ["a gathered table", "int-gather"],
    ] as const) {
      it(`a program whose carried constant (${what}) is not the proof's → IntMatmulConstantWrong; the plan's: rejected`, async function () {
        const { statement: st, proof } = m.proved;
        const plan = withChangedConstant(m.plan, handler);
        expect(tsAccepts(plan, st, proof)).to.equal(false);
        await expect(call(modelProgram(plan), proof)).to.be.revertedWithCustomError(tree, "IntMatmulConstantWrong");
      });
    }

    it("an unknown sub-opcode → TreeOpUnknown", async function () {
      const program = m.program.slice();
      program[extAt(program) + 5] = 9;
      await expect(call(program, m.proved.proof)).to.be.revertedWithCustomError(tree, "TreeOpUnknown").withArgs(9);
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

let builtTree: ProvedModel | undefined;
/** The built tree quantized, run and proved (once per process). */
function built(): ProvedModel {
  if (!builtTree) {
    const { model, trace } = builtModel(importOnnx(writeModel(TREE_GRAPH)));
    builtTree = proveModel(model, trace);
  }
  return builtTree;
}

/** The plan with the first carried constant of a `handler` step changed in its first non-zero entry. */
function withChangedConstant(plan: VerifierPlan, handler: "int-matmul" | "int-gather"): VerifierPlan {
  let done = false;
  const nodes = plan.nodes.map((s): NodeStep => {
    const step = s as (IntMatMulNodeStep | IntGatherNodeStep) & NodeStep;
    if (done || s.handler !== handler || !step.constant) return s;
    done = true;
    const data = [...step.constant.data];
    data[data.findIndex((v) => v !== 0)] += 1;
    return { ...step, constant: { data } } as unknown as NodeStep;
  });
  if (!done) throw new RangeError(`no ${handler} step carries a constant`);
  return { ...plan, nodes };
}

/** The offset of the first EXT_TREE instruction: the byte 0x34, a u32 section length below 2^16, a TREE_OP. */
function extAt(program: Uint8Array): number {
  const ops: number[] = Object.values(TREE_OP);
  for (let i = 0; i + 5 < program.length; i++) {
    if (program[i] === EXT_OP.tree && program[i + 1] === 0 && program[i + 2] === 0 && ops.includes(program[i + 5])) return i;
  }
  throw new RangeError("no EXT_TREE instruction");
}
