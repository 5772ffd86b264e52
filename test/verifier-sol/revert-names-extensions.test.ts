import { expect } from "chai";
import { ethers } from "hardhat";
import { ATTENTION_OP, LLM_OP } from "../../src/compiler/program/attention";
import { EXACT_OP } from "../../src/compiler/program/exact";
import { LAYER_OP } from "../../src/compiler/program/opcodes";
import { STEP_OP } from "../../src/compiler/program/steps";
import type { ModelVerifierAttention, ModelVerifierExact, ModelVerifierLlm, ModelVerifierSteps } from "../../typechain-types";
import { deployLibraries } from "./revert-names";

/**
 * The extension libraries' own guards (contracts/verifier/ModelVerifier{Steps,Attention,Llm,Exact}.sol and their
 * steps), each driven by a crafted EXT call — a frame (transcript state, proof offset, the register's claims), the
 * EXT section (sub-opcode, step parameters) and a proof — made straight to the deployed library's `run` (the
 * interpreter's EXT instruction makes exactly this call: Extension.sol), and asserted by its name:
 * - program-bug guards (an unknown sub-opcode or form, a register with another claim count than the step's
 *   program declares, an operand instruction that is not the one the step requires): a generated program never
 *   holds these bytes; the guard makes a compiler bug revert by name instead of mis-verifying;
 * - the arena bounds of Norm and LogSoftmax (a remainder's complement limbs must be bound − remainder), reached
 *   with the arena's claims a dishonest witness would leave (the arena proves each limb in range, not the
 *   relation), and ReduceStep's final check of the squares' sum-check reached by a zero proof.
 */
describe("verifier (Solidity): extension library guards revert by name", function () {
  let steps: ModelVerifierSteps;
  let attention: ModelVerifierAttention;
  let llm: ModelVerifierLlm;
  let exact: ModelVerifierExact;

  before(async () => {
    const at = await deployLibraries(["ModelVerifierSteps", "ModelVerifierAttention", "ModelVerifierLlm", "ModelVerifierExact"]);
    steps = (await ethers.getContractAt("ModelVerifierSteps", at.ModelVerifierSteps)) as unknown as ModelVerifierSteps;
    attention = (await ethers.getContractAt("ModelVerifierAttention", at.ModelVerifierAttention)) as unknown as ModelVerifierAttention;
    llm = (await ethers.getContractAt("ModelVerifierLlm", at.ModelVerifierLlm)) as unknown as ModelVerifierLlm;
    exact = (await ethers.getContractAt("ModelVerifierExact", at.ModelVerifierExact)) as unknown as ModelVerifierExact;
  });

  interface Claim {
    readonly point: readonly bigint[];
    readonly value: bigint;
  }
  /** A claim on a point of `vars` coordinates (1, 2, …). */
  const claim = (vars: number, value = 5n): Claim => ({ point: Array.from({ length: vars }, (_, i) => BigInt(i + 1)), value });
  const claims = (count: number, vars = 2): Claim[] => Array.from({ length: count }, () => claim(vars));
  /** Extension.sol's frame: [state, proof offset, k, then per claim n, point…, value]. */
  const frame = (register: readonly Claim[]): bigint[] => [0n, 0n, BigInt(register.length), ...register.flatMap((c) => [BigInt(c.point.length), ...c.point, c.value])];
  const word = (v: bigint): number[] => [...ethers.getBytes(ethers.toBeHex(v, 32))];
  const u32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  /** A zero proof of `words` words (zero is canonical): enough for every read before the guard. */
  const zeros = (words: number) => new Uint8Array(32 * words);
  type Library = { run(frame: bigint[], section: Uint8Array, proof: Uint8Array): Promise<bigint[]> };
  const run = (lib: Library, section: number[], register: readonly Claim[], words = 8) => lib.run(frame(register), Uint8Array.from(section), zeros(words));

  describe("frames", () => {
    it("FrameMalformed: a frame shorter than its header, or whose claims overrun / underrun it", async () => {
      const section = Uint8Array.from([STEP_OP.index, 0]);
      await expect(steps.run([0n, 0n], section, zeros(1))).to.be.revertedWithCustomError(steps, "FrameMalformed");
      const good = frame([claim(2)]);
      await expect(steps.run(good.slice(0, -1), section, zeros(1))).to.be.revertedWithCustomError(steps, "FrameMalformed");
      await expect(steps.run([...good, 0n], section, zeros(1))).to.be.revertedWithCustomError(attention, "FrameMalformed");
      // The well-formed frame passes the frame check (INDEX of an empty gather hands the claim on).
      await expect(steps.run(good, Uint8Array.from([STEP_OP.index, 0]), zeros(1))).not.to.be.reverted;
    });
  });

  describe("ModelVerifierSteps (EXT 0x30)", () => {
    it("CopyClaimCount: GATHER on a register of two claims or none", async () => {
      await expect(run(steps, [STEP_OP.gather], claims(2))).to.be.revertedWithCustomError(steps, "CopyClaimCount").withArgs(2);
      await expect(run(steps, [STEP_OP.gather], [])).to.be.revertedWithCustomError(steps, "CopyClaimCount").withArgs(0);
    });

    it("MaxMinClaimCount: MAXMIN without the arena's two claims", async () => {
      await expect(run(steps, [STEP_OP.maxMin], claims(1))).to.be.revertedWithCustomError(steps, "MaxMinClaimCount").withArgs(1);
    });

    it("ReduceClaimCount, AffineClaimCount, ConvTransposeClaimCount: one-claim steps on another count", async () => {
      await expect(run(steps, [STEP_OP.reduce, 0], [])).to.be.revertedWithCustomError(steps, "ReduceClaimCount").withArgs(0);
      await expect(run(steps, [STEP_OP.affine], claims(2))).to.be.revertedWithCustomError(steps, "AffineClaimCount").withArgs(2);
      await expect(run(steps, [STEP_OP.convTranspose], claims(3))).to.be.revertedWithCustomError(steps, "ConvTransposeClaimCount").withArgs(3);
    });

    it("ReduceCheckFailed: the squares' sum-check of a non-zero claim with a zero proof (x² · S(ρ) ≠ the final claim)", async () => {
      // REDUCE, term square, 1 variable, selector of no groups (S = 1).
      await expect(run(steps, [STEP_OP.reduce, 1, 1, 0], [claim(1, 5n)], 8)).to.be.revertedWithCustomError(steps, "ReduceCheckFailed");
    });
  });

  describe("ModelVerifierAttention (EXT 0x31)", () => {
    it("AttentionOpUnknown: an unknown sub-opcode; a RESHAPE that is not one claim through REINDEX", async () => {
      await expect(run(attention, [0x63], claims(1))).to.be.revertedWithCustomError(attention, "AttentionOpUnknown").withArgs(0x63);
      await expect(run(attention, [ATTENTION_OP.reshape, LAYER_OP.linear], claims(1))).to.be.revertedWithCustomError(attention, "AttentionOpUnknown").withArgs(ATTENTION_OP.reshape);
      await expect(run(attention, [ATTENTION_OP.reshape, LAYER_OP.reindex], claims(2))).to.be.revertedWithCustomError(attention, "AttentionOpUnknown").withArgs(ATTENTION_OP.reshape);
    });

    it("SoftmaxClaims: fewer claims than the arena's 5 + 2 per limb", async () => {
      // n, limbs 2, limb bits, expOne, 2·qmax, then the geometry (empty gather, two empty factors).
      const section = [ATTENTION_OP.softmax, 2, 2, 8, ...word(1n), ...word(2n), 0, 0, 0];
      await expect(run(attention, section, claims(8))).to.be.revertedWithCustomError(attention, "SoftmaxClaims").withArgs(8);
    });

    it("LogSoftmaxClaims: the arena half without its 6 claims (or with mismatched points), the rest half without 5", async () => {
      await expect(run(attention, [ATTENTION_OP.logSoftmaxArena], claims(5))).to.be.revertedWithCustomError(attention, "LogSoftmaxClaims").withArgs(5);
      await expect(run(attention, [ATTENTION_OP.logSoftmaxRest], claims(4))).to.be.revertedWithCustomError(attention, "LogSoftmaxClaims").withArgs(4);
      const register = [claim(2), claim(2), claim(1), claim(1), claim(2), claim(1)];
      await expect(run(attention, logSoftmaxArena(1), register)).to.be.revertedWithCustomError(attention, "LogSoftmaxClaims").withArgs(6);
    });

    /** LogSoftmax's arena half: k, expOne, logZero, an empty row gather, three empty factors (indicators 1). */
    const logSoftmaxArena = (k: number) => [ATTENTION_OP.logSoftmaxArena, k, ...word(1n), ...word(0n), 0, 0, 0, 0];

    it("LogSoftmaxSumShift / LogSoftmaxRemainderBound: S + h = 2^k·v + f, then f′ = (2^k − 1) − f, at ρ_r", async () => {
      // k = 1 (h = 1), S = 0 (the proof's second word): 2v + f must be 1. Register: ρ, _, v, _, f, f′.
      const register = (v: bigint, f: bigint, fc: bigint) => [claim(2), claim(2), claim(1, v), claim(1), claim(1, f), claim(1, fc)];
      await expect(run(attention, logSoftmaxArena(1), register(0n, 0n, 1n), 2)).to.be.revertedWithCustomError(attention, "LogSoftmaxSumShift");
      await expect(run(attention, logSoftmaxArena(1), register(0n, 1n, 5n), 2)).to.be.revertedWithCustomError(attention, "LogSoftmaxRemainderBound");
      // f = 1, f′ = 0: both relations hold and the step hands its claims on.
      await expect(run(attention, logSoftmaxArena(1), register(0n, 1n, 0n), 2)).not.to.be.reverted;
    });

    /** Norm's arena piece with one limb per family (u, f, f′, V, g, g′: 6 columns), n = 4, no offsets, indicator 1. */
    const normArena = [ATTENTION_OP.normArena, 1, 1, 1, 8, ...word(4n), ...word(0n), ...word(0n), 0];

    it("NormClaims: the arena piece without columns + 2 claims or with a column off ρ; the sums piece without 4", async () => {
      await expect(run(attention, normArena, claims(7))).to.be.revertedWithCustomError(attention, "NormClaims").withArgs(7);
      const offRho = [...claims(5, 1), claim(2), claim(1), claim(1)];
      await expect(run(attention, normArena, offRho)).to.be.revertedWithCustomError(attention, "NormClaims").withArgs(8);
      await expect(run(attention, [ATTENTION_OP.normSums], claims(3))).to.be.revertedWithCustomError(attention, "NormClaims").withArgs(3);
    });

    it("NormRemainderBound: f′ ≠ (2n − 1) − f, then g′ ≠ (2n − 1) − g (n = 4: bound 7)", async () => {
      const register = (values: bigint[]) => [...values.map((v) => claim(1, v)), claim(1), claim(1)];
      await expect(run(attention, normArena, register([0n, 3n, 3n, 0n, 2n, 5n]))).to.be.revertedWithCustomError(attention, "NormRemainderBound").withArgs(0);
      await expect(run(attention, normArena, register([0n, 3n, 4n, 0n, 2n, 4n]))).to.be.revertedWithCustomError(attention, "NormRemainderBound").withArgs(1);
      await expect(run(attention, normArena, register([0n, 3n, 4n, 0n, 2n, 5n]))).not.to.be.reverted;
    });

    it("WhereClaims: a Where step on two claims, or with no branch", async () => {
      await expect(run(attention, [ATTENTION_OP.where, 1], claims(2))).to.be.revertedWithCustomError(attention, "WhereClaims").withArgs(2);
      await expect(run(attention, [ATTENTION_OP.where, 0], claims(1))).to.be.revertedWithCustomError(attention, "WhereClaims").withArgs(1);
    });
  });

  describe("ModelVerifierLlm (EXT 0x32)", () => {
    it("LlmOpUnknown: an unknown sub-opcode", async () => {
      await expect(run(llm, [0x63], claims(1))).to.be.revertedWithCustomError(llm, "LlmOpUnknown").withArgs(0x63);
      await expect(run(llm, [0], claims(1))).to.be.revertedWithCustomError(llm, "LlmOpUnknown").withArgs(0);
    });

    it("CausalClaims, RmsNormClaims, RopeClaims: the LLM steps on a register of the wrong size", async () => {
      await expect(run(llm, [LLM_OP.causalMask], [])).to.be.revertedWithCustomError(llm, "CausalClaims").withArgs(0);
      await expect(run(llm, [LLM_OP.rmsnorm], claims(2))).to.be.revertedWithCustomError(llm, "RmsNormClaims").withArgs(2);
      await expect(run(llm, [LLM_OP.rope], [])).to.be.revertedWithCustomError(llm, "RopeClaims").withArgs(0);
    });

    it("EmbeddingClaims: without the arena's two claims, or a row point shorter than the embedding width's variables", async () => {
      await expect(run(llm, [LLM_OP.embedding], claims(1))).to.be.revertedWithCustomError(llm, "EmbeddingClaims").withArgs(1);
      // dVars 3 > the 2 coordinates of ρ.
      await expect(run(llm, [LLM_OP.embedding, 3, ...u32(4), ...word(1n), ...word(0n)], claims(2))).to.be.revertedWithCustomError(llm, "EmbeddingClaims").withArgs(2);
    });

    it("ArgmaxClaims: fewer claims than the step's limbs", async () => {
      // n, column variables, 3 limbs, limb bits, rows, vocabulary, qmin, scale⁻¹.
      const section = [LLM_OP.argmax, 2, 4, 3, 8, ...u32(3), ...u32(12), ...word(0n), ...word(1n)];
      await expect(run(llm, section, claims(2))).to.be.revertedWithCustomError(llm, "ArgmaxClaims").withArgs(2);
    });
  });

  describe("ModelVerifierExact (EXT 0x33)", () => {
    it("CompareClaims: fewer claims than the limbs and g", async () => {
      await expect(run(exact, [EXACT_OP.compare, 2, 8, 0], claims(2))).to.be.revertedWithCustomError(exact, "CompareClaims").withArgs(2, 2);
    });

    it("CompareProgram: limbs × limb bits over 255, or δ's operand instruction not LINEAR", async () => {
      await expect(run(exact, [EXACT_OP.compare, 2, 200, 0], claims(3))).to.be.revertedWithCustomError(exact, "CompareProgram");
      await expect(run(exact, [EXACT_OP.compare, 1, 8, 0, LAYER_OP.hadamard], claims(2))).to.be.revertedWithCustomError(exact, "CompareProgram");
    });

    it("ClaimListFull: a step handing on more claims than it made room for (Compare's δ through a 3-operand LINEAR)", async () => {
      // Compare with 1 limb and no claims on c: room for limbs + 3 = 4 claims (u, g, δ's two operands). A LINEAR of
      // m = 3 operands (c = 1 each, empty gathers, no broadcast; c_last⁻¹ = 1) hands on 5.
      const operand = [...word(1n), 0, 0];
      const section = [EXACT_OP.compare, 1, 8, 0, LAYER_OP.linear, 3, ...operand, ...operand, ...operand, ...word(1n)];
      await expect(run(exact, section, [claim(0), claim(0)])).to.be.revertedWithCustomError(exact, "ClaimListFull").withArgs(4);
      // With m = 2 the same step fits its list.
      const fits = [EXACT_OP.compare, 1, 8, 0, LAYER_OP.linear, 2, ...operand, ...operand, ...word(1n)];
      await expect(run(exact, fits, [claim(0), claim(0)])).not.to.be.reverted;
    });

    it("LogicForm: a form outside Not … Xor, or And whose product instruction is not HADAMARD", async () => {
      await expect(run(exact, [EXACT_OP.logic, 0], claims(1))).to.be.revertedWithCustomError(exact, "LogicForm").withArgs(0);
      await expect(run(exact, [EXACT_OP.logic, 5], claims(1))).to.be.revertedWithCustomError(exact, "LogicForm").withArgs(5);
      await expect(run(exact, [EXACT_OP.logic, 2, LAYER_OP.linear], claims(1))).to.be.revertedWithCustomError(exact, "LogicForm").withArgs(2);
    });

    it("LogicNoClaims / ExactNoClaims: a logic or exact step on an empty register", async () => {
      await expect(run(exact, [EXACT_OP.logic, 1], [])).to.be.revertedWithCustomError(exact, "LogicNoClaims");
      await expect(run(exact, [EXACT_OP.exact, 1], [])).to.be.revertedWithCustomError(exact, "ExactNoClaims");
    });

    it("ExactForm: a form outside 1 … 4; LINEAR / HADAMARD forms whose instruction is the other; a malformed constant", async () => {
      await expect(run(exact, [EXACT_OP.exact, 0], claims(1))).to.be.revertedWithCustomError(exact, "ExactForm").withArgs(0);
      await expect(run(exact, [EXACT_OP.exact, 5], claims(1))).to.be.revertedWithCustomError(exact, "ExactForm").withArgs(5);
      await expect(run(exact, [EXACT_OP.exact, 1, LAYER_OP.hadamard], claims(1))).to.be.revertedWithCustomError(exact, "ExactForm").withArgs(1);
      await expect(run(exact, [EXACT_OP.exact, 2, LAYER_OP.linear], claims(1))).to.be.revertedWithCustomError(exact, "ExactForm").withArgs(2);
      // ADD_CONSTANT (x + K): gather of coordinate 0, no broadcast, then K's table — over 5 variables (the point has
      // 1), of width 0, or with an entry whose index is outside the table.
      const addConstant = (table: number[]) => [EXACT_OP.exact, 3, 0, 1, 0, 0, ...table];
      await expect(run(exact, addConstant([5, 1, 0, 0]), claims(1, 1))).to.be.revertedWithCustomError(exact, "ExactForm").withArgs(4);
      await expect(run(exact, addConstant([1, 0, 0, 0]), claims(1, 1))).to.be.revertedWithCustomError(exact, "ExactForm").withArgs(4);
      await expect(run(exact, addConstant([1, 1, 0, 1, ...u32(2), 7]), claims(1, 1))).to.be.revertedWithCustomError(exact, "ExactForm").withArgs(4);
    });
  });
});
