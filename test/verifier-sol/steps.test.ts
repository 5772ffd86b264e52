import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { keccak_256 } from "@noble/hashes/sha3";
import { ethers } from "hardhat";
import { modelProgram } from "../../src/compiler/program/model";
import { STEP_COMPILERS, STEP_OP } from "../../src/compiler/program/steps";
import { executePlan, ProofRejectedError, verifierPlan, type InferenceStatement } from "../../src/prover/graph";
import type { MovementNodeStep, NodeStep, RequantNodeStep, VerifierPlan } from "../../src/prover/graph/plan";
import { stepName } from "../../src/prover/graph/walk";
import type { ConvTransposeNodeStep } from "../../src/prover/graph/nodes/conv-transpose";
import type { ReduceSumNodeStep } from "../../src/prover/graph/nodes/reduce-sum";
import { layoutOf } from "../../src/prover/tensor";
import { proveCorpus, type ProvedModel } from "../prover/graph-helpers";
import { deployInterpreter } from "./interpreter";
import { solAccepts, tsAccepts } from "./verdicts";
import type { ExtensionHarness, ModelVerifierHarness, ModelVerifierSteps } from "../../typechain-types";

/**
 * The CNN-class steps the extension library ModelVerifierSteps.sol runs (EXT_STEPS, contracts/verifier/layers/
 * Extension.sol), each on one corpus model whose plan has it: the whole-model interpreter against the TypeScript
 * reference verifier (`executePlan`) — the honest proof is accepted by both; proof words flipped are rejected by
 * both (every word of a small proof; otherwise every word of the extension step's messages — the node's words
 * found by truncating the stream, less a requantization sent before them — plus a spread sample of the rest).
 */
const MODELS: readonly { model: string; step: string }[] = [
  { model: "tril", step: "gather (Trilu)" },
  { model: "1l_average", step: "index point map (Gather of one index)" },
  { model: "1l_max_pool", step: "select (MaxPool)" },
  { model: "1l_mean", step: "reduce-sum (ReduceMean)" },
  { model: "reducel1", step: "reduce-sum (ReduceL1, |x| in the arena)" },
  { model: "reducel2", step: "reduce-l2" },
  { model: "1l_batch_norm", step: "affine linear part (BatchNormalization)" },
  { model: "1l_upsample", step: "resize (nearest)" },
  { model: "1l_conv_transpose", step: "conv-transpose" },
];

/** Every word of proofs up to this many words is flipped; larger proofs are sampled. */
const FULL_WORDS = 64;
/** Sampled words outside the step's messages. */
const SAMPLE = 16;

describe("verifier (Solidity): extension steps (ModelVerifierSteps) vs executePlan", function () {
  let harness: ModelVerifierHarness;
  let libraries: Record<string, string>;
  let steps: ModelVerifierSteps;

  before(async () => {
    libraries = await deployInterpreter();
    steps = (await ethers.getContractAt("ModelVerifierSteps", libraries.ModelVerifierSteps)) as unknown as ModelVerifierSteps;
    harness = (await ethers.deployContract("ModelVerifierHarness", { libraries: { ModelVerifier: libraries.ModelVerifier } })) as unknown as ModelVerifierHarness;
  });

  it("the hand-encoded selectors of Extension.sol match the ABI", async function () {
    const selector = (sig: string) => Buffer.from(keccak_256(sig)).subarray(0, 4).toString("hex");
    const source = readFileSync(join(__dirname, "..", "..", "contracts", "verifier", "layers", "Extension.sol"), "utf8");
    expect(source).to.contain(`0x${selector("run(uint256[],bytes,bytes)")}`);
    expect(source).to.contain(`0x${selector("ExtensionNoFrame()")}`);
    expect(steps.interface.getFunction("run")!.selector).to.equal(`0x${selector("run(uint256[],bytes,bytes)")}`);
  });

  it("EXT hands the register, state and cursor to the library and back (INDEX: points re-gathered); gas of one call", async function () {
    const ext = (await ethers.deployContract("ExtensionHarness", { libraries: { ModelVerifierSteps: libraries.ModelVerifierSteps } })) as unknown as ExtensionHarness;
    const vars = 6;
    // INDEX: coordinates (1, 0, const 1, 2 … 5) of each claim's point ‖ (0, 1).
    const gather = [1, 0, vars + 1, 2, 3, 4, 5];
    const section = Uint8Array.from([STEP_OP.index, gather.length, ...gather]);
    // u32 length, the section, u32 proof bytes (INDEX reads none).
    const code = Uint8Array.from([0, 0, 0, section.length, ...section, 0, 0, 0, 0]);
    const proof = new Uint8Array(32 * 100);
    for (const claims of [0, 1, 3]) {
      const [gas, out, read] = await ext.measure(proof, code, claims, vars);
      expect(read).to.equal(BigInt(code.length));
      expect(out.length).to.equal(claims);
      out.forEach((c, i) => {
        const point = Array.from({ length: vars }, (_, j) => BigInt(i * 1000 + j + 1));
        expect(c.point).to.deep.equal(gather.map((k) => (k < vars ? point[k] : BigInt(k - vars))));
        expect(c.value).to.equal(BigInt(i + 7));
      });
      console.log(`      one EXT call (INDEX, ${claims} claims of ${vars} coordinates, proof ${proof.length} bytes): ${gas} gas`);
    }
    // A revert inside the library surfaces unchanged; so does a section it does not consume exactly.
    const unknown = Uint8Array.from([0, 0, 0, 1, 99, 0, 0, 0, 0]);
    await expect(ext.measure(proof, unknown, 1, vars)).to.be.revertedWithCustomError(steps, "StepUnknown").withArgs(99);
    const trailing = Uint8Array.from([0, 0, 0, section.length + 1, ...section, 0, 0, 0, 0, 0]);
    await expect(ext.measure(proof, trailing, 1, vars)).to.be.revertedWithCustomError(steps, "ProgramTrailingBytes");
  });


  /**
   * The words node step `i` reads: the stream truncated at word k fails in the step that reads word k, so the
   * reader's index is monotone in k; two binary searches find the step's first word and the first word after it.
   */
  const stepWords = (plan: VerifierPlan, st: InferenceStatement, proof: Uint8Array, i: number): [number, number] => {
    const words = proof.length / 32;
    const reader = (k: number): number => {
      try {
        executePlan(plan, st, proof.slice(0, 32 * k));
      } catch (e) {
        if (!(e instanceof ProofRejectedError)) throw e;
        if (e.reason.startsWith("advice") || e.reason.startsWith("arena")) return -1;
        const at = plan.nodes.findIndex((s) => e.reason.startsWith(stepName(s)));
        return at < 0 ? plan.nodes.length : at;
      }
      return plan.nodes.length;
    };
    const firstAtLeast = (bound: number): number => {
      let lo = 0;
      let hi = words;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (reader(mid) >= bound) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    return [firstAtLeast(i), firstAtLeast(i + 1)];
  };

  /** Words of the extension step's own messages when the node requantizes before it (null: the whole node). */
  const extensionWords = (s: NodeStep): number | null => {
    const vars = (shape: readonly number[]) => layoutOf(shape).numVars;
    if (s.handler === "reduce-sum" || s.handler === "reduce-l2") {
      const spec = (s as ReduceSumNodeStep).spec;
      return (spec.term === "square" ? 3 : 2) * vars(spec.x) + 1;
    }
    if (s.handler === "conv-transpose") {
      const c = s as ConvTransposeNodeStep;
      return (c.bias ? 1 : 0) + 2 * vars([c.spec.w[0], ...c.spec.w.slice(2)]) + 2 + 2 * vars(c.spec.x) + 1;
    }
    if (s.handler === "requant") return 1 + 3 * vars((s as RequantNodeStep).requant.shape) + 2;
    return null;
  };

  /** Node steps the extension library runs (the movement's one-index Gather and the affine linear part too). */
  const extensionStep = (s: NodeStep): boolean =>
    STEP_COMPILERS[s.handler] !== undefined ||
    (s.handler === "movement" && (s as MovementNodeStep).map.kind === "point" && ((s as MovementNodeStep).map as { op: string }).op === "index") ||
    (s.handler === "requant" && (s as RequantNodeStep).linear.iop === "affine");

  // S_STEP_MODELS=a,b runs other corpus models through the same checks (debugging, coverage runs).
  const only = process.env.S_STEP_MODELS?.split(",").map((model) => ({ model, step: "every step" }));
  for (const { model, step } of only ?? MODELS) {
    describe(`${model}: ${step}`, function () {
      let proved: ProvedModel | undefined;
      let plan: VerifierPlan;
      let program: Uint8Array;

      before(function () {
        proved = proveCorpus(model);
        if (!proved) this.skip();
        plan = verifierPlan(proved.vk, proved.model);
        program = modelProgram(plan);
      });

      it("the honest proof is accepted by both", async function () {
        const { statement, proof } = proved!;
        expect(tsAccepts(plan, statement, proof)).to.equal(true);
        expect(await harness.verify(program, statement.input, statement.output, statement.prover, proof)).to.equal(true);
        const gas = await harness.verify.estimateGas(program, statement.input, statement.output, statement.prover, proof);
        console.log(`      ${model}: proof ${proof.length} bytes, program ${program.length} bytes, harness call ${gas} gas`);
      });

      it("proof words flipped are rejected by both (the step's messages all, the rest sampled)", async function () {
        const { statement, proof } = proved!;
        const words = proof.length / 32;
        const picked = new Set<number>();
        if (words <= FULL_WORDS) {
          for (let k = 0; k < words; k++) picked.add(k);
        } else {
          plan.nodes.forEach((s, i) => {
            if (!extensionStep(s)) return;
            const [first, end] = stepWords(plan, statement, proof, i);
            // A node that requantizes first (reduce, affine, ConvTranspose) sends the requant's messages first
            // (RequantStep's, tested in model.test.ts): the extension's are the last ones.
            const own = extensionWords(s);
            for (let k = own === null ? first : Math.max(first, end - own); k < end; k++) picked.add(k);
          });
          const every = Math.max(1, Math.floor(words / SAMPLE));
          for (let k = 0; k < words; k += every) picked.add(k);
          picked.add(words - 1);
        }
        for (const k of [...picked].sort((a, b) => a - b)) {
          const bad = proof.slice();
          bad[32 * k + 31] ^= 1;
          expect(tsAccepts(plan, statement, bad), `word ${k}: TypeScript`).to.equal(false);
          expect(await solAccepts(harness, program, statement, bad), `word ${k}: Solidity`).to.equal(false);
        }
      });
    });
  }
});
