import { expect } from "chai";
import { ethers } from "hardhat";
import { INDEXED_OP } from "../../src/compiler/program/indexed";
import { LAYER_OP } from "../../src/compiler/program/opcodes";
import { TREE_OP } from "../../src/compiler/program/tree";
import type { ModelVerifierIndexed, ModelVerifierTree } from "../../typechain-types";
import { deployLibraries } from "./revert-names";

/**
 * The guards of the two session-5 extension libraries — ModelVerifierTree (EXT 0x34, contracts/verifier/
 * ModelVerifierTree.sol and its Int*Step.sol steps, IntConstant.sol) and ModelVerifierIndexed (EXT 0x35,
 * ModelVerifierIndexed.sol, ExactDivStep / TopKStep / ScatterRuntimeStep, IndexedMath.sol) — each driven by a crafted
 * call to the library's `run` (the call the interpreter's EXT instruction makes: Extension.sol) and asserted by name:
 * - program-bug guards (a register with another claim count than the step's program declares, an operand
 *   instruction that is not the one the step requires, a malformed carried constant): a generated program never
 *   holds these bytes; the guard makes a compiler bug revert by name instead of mis-verifying. Each is driven with
 *   the least proof that reaches it (zero words where a transcript message is read first);
 * - ExactDivRelationWrong, the step's relation x + (D − 1)·g − D·Q − R = 0 at the arena point: reached with the
 *   arena claims a dishonest witness leaves (the arena proves every limb in range, not the relation), next to the
 *   honest claims, which pass.
 */
describe("verifier (Solidity): tree and indexed extension guards revert by name", function () {
  let tree: ModelVerifierTree;
  let indexed: ModelVerifierIndexed;

  before(async () => {
    const at = await deployLibraries(["ModelVerifierTree", "ModelVerifierIndexed"]);
    tree = (await ethers.getContractAt("ModelVerifierTree", at.ModelVerifierTree)) as unknown as ModelVerifierTree;
    indexed = (await ethers.getContractAt("ModelVerifierIndexed", at.ModelVerifierIndexed)) as unknown as ModelVerifierIndexed;
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
  /** A proof of the given words (zero words by default: canonical, enough for every read before the guard). */
  const proofOf = (words: readonly bigint[]) => Uint8Array.from(words.flatMap(word));
  const zeros = (count: number) => proofOf(Array.from({ length: count }, () => 0n));
  type Library = { run(frame: bigint[], section: Uint8Array, proof: Uint8Array): Promise<bigint[]> };
  const run = (lib: Library, section: number[], register: readonly Claim[], proof = zeros(8)) => lib.run(frame(register), Uint8Array.from(section), proof);
  /** IntConstant's encoding over `vars` variables, byte width `width`, no entries. */
  const emptyConstant = (vars: number, width = 1) => [vars, width, 0, 0];

  describe("ModelVerifierTree (EXT 0x34)", () => {
    it("TreeRowsClaims: ROWS on a register other than the arena's one claim on H", async () => {
      await expect(run(tree, [TREE_OP.rows], claims(2))).to.be.revertedWithCustomError(tree, "TreeRowsClaims").withArgs(2);
      await expect(run(tree, [TREE_OP.rows], [])).to.be.revertedWithCustomError(tree, "TreeRowsClaims").withArgs(0);
    });

    it("OneHotRowsProgram: the arena's claim on H with another variable count than κ + K variables", async () => {
      // κ = 1, K variables 1, K = 2: H's point must have 2 coordinates; the claim's has 3.
      await expect(run(tree, [TREE_OP.rows, 1, 1, ...u32(2)], [claim(3)])).to.be.revertedWithCustomError(tree, "OneHotRowsProgram");
      // The same through ONEHOT (no claim on y: the per-claim gather and factor are empty).
      await expect(run(tree, [TREE_OP.oneHot, ...word(0n), ...word(1n), 0, 0, 1, 1, ...u32(2)], [claim(3)])).to.be.revertedWithCustomError(tree, "OneHotRowsProgram");
    });

    it("IntOneHotClaims: ONEHOT on an empty register (no arena claim on H)", async () => {
      await expect(run(tree, [TREE_OP.oneHot], [])).to.be.revertedWithCustomError(tree, "IntOneHotClaims");
    });

    it("IntMatmulProgram: MATMUL on an empty register, or whose instruction is not MATMUL", async () => {
      await expect(run(tree, [TREE_OP.matmul, LAYER_OP.matmul], [])).to.be.revertedWithCustomError(tree, "IntMatmulProgram");
      await expect(run(tree, [TREE_OP.matmul, LAYER_OP.linear], claims(1))).to.be.revertedWithCustomError(tree, "IntMatmulProgram");
    });

    it("EqualProgram: EQUAL whose operand instruction is not LINEAR (after a passing zero test)", async () => {
      // n = 0 (a scalar), 1_real of no axes (1), no constant. The zero test's messages c = 1, inv = 0, d = 0 make
      // c − 1 + d·inv + λ·d·c = 0, the 0-round sum-check's claim; then the instruction byte is HADAMARD.
      const section = (op: number) => [TREE_OP.equal, 0, 0, 0, op];
      await expect(run(tree, section(LAYER_OP.hadamard), claims(1), proofOf([1n, 0n, 0n]))).to.be.revertedWithCustomError(tree, "EqualProgram");
      // The zero test itself passes with those messages: a wrong c fails it, not the program guard.
      await expect(run(tree, section(LAYER_OP.hadamard), claims(1), proofOf([2n, 0n, 0n]))).to.be.revertedWithCustomError(tree, "EqualZeroTestFailed");
    });

    it("IntConcatProgram: CONCAT on a register other than one merged claim, or listing no activation input", async () => {
      await expect(run(tree, [TREE_OP.concat], claims(2))).to.be.revertedWithCustomError(tree, "IntConcatProgram");
      await expect(run(tree, [TREE_OP.concat], [])).to.be.revertedWithCustomError(tree, "IntConcatProgram");
      // No constants, 0 activation inputs.
      await expect(run(tree, [TREE_OP.concat, 0, 0], claims(1))).to.be.revertedWithCustomError(tree, "IntConcatProgram");
    });

    it("IntConstantMalformed: a carried constant over another variable count than its point, of width 0 or 32, or with an index outside its layout", async () => {
      // CONCAT with one constant input, evaluated at the merged claim's 2-coordinate point.
      const concat = (constant: number[]) => [TREE_OP.concat, 1, ...constant, 1, 0, 0];
      await expect(run(tree, concat(emptyConstant(3)), claims(1))).to.be.revertedWithCustomError(tree, "IntConstantMalformed");
      await expect(run(tree, concat(emptyConstant(2, 0)), claims(1))).to.be.revertedWithCustomError(tree, "IntConstantMalformed");
      await expect(run(tree, concat(emptyConstant(2, 32)), claims(1))).to.be.revertedWithCustomError(tree, "IntConstantMalformed");
      // One entry at index 4 of a 2-variable (4-entry) layout.
      await expect(run(tree, concat([2, 1, 0, 1, ...u32(4), 7]), claims(1))).to.be.revertedWithCustomError(tree, "IntConstantMalformed");
      // Index 3 is inside: the constant evaluates and the guard stays quiet.
      await expect(run(tree, concat([2, 1, 0, 1, ...u32(3), 7]), claims(1))).not.to.be.revertedWithCustomError(tree, "IntConstantMalformed");
    });

    it("GatherFormsProgram: SELECT / ROWSC on a register other than one claim, a point of another length, no index component", async () => {
      await expect(run(tree, [TREE_OP.select], claims(2))).to.be.revertedWithCustomError(tree, "GatherFormsProgram");
      // κ = 0, m = 3 ≠ the claim's 2 coordinates.
      await expect(run(tree, [TREE_OP.select, 0, 3], claims(1))).to.be.revertedWithCustomError(tree, "GatherFormsProgram");
      await expect(run(tree, [TREE_OP.rowsForms], [])).to.be.revertedWithCustomError(tree, "GatherFormsProgram");
      // κ′ = 1, K variables 2: ρ must have 3 coordinates; it has 2.
      await expect(run(tree, [TREE_OP.rowsForms, 1, 2], claims(1))).to.be.revertedWithCustomError(tree, "GatherFormsProgram");
      // κ′ = 1, K variables 1, C = 0 components.
      await expect(run(tree, [TREE_OP.rowsForms, 1, 1, 0], claims(1))).to.be.revertedWithCustomError(tree, "GatherFormsProgram");
    });
  });

  describe("ModelVerifierIndexed (EXT 0x35)", () => {
    /** EXACT_DIV: m, ℓ, L, negative, D, then 1_real of no axes (1). */
    const exactDiv = (m: number, remLimbs: number, limbBits: number, d: bigint) => [INDEXED_OP.exactDiv, m, remLimbs, limbBits, 0, ...word(d), 0];

    it("ExactDivProgram: K = m·L over 255", async () => {
      await expect(run(indexed, exactDiv(2, 1, 200, 3n), claims(7))).to.be.revertedWithCustomError(indexed, "ExactDivProgram");
    });

    it("ExactDivClaims: fewer claims than the step's 2m + 2 + 2ℓ arena columns", async () => {
      await expect(run(indexed, exactDiv(1, 1, 8, 3n), claims(5))).to.be.revertedWithCustomError(indexed, "ExactDivClaims").withArgs(5, 6);
    });

    it("ExactDivRelationWrong: arena claims whose limbs are in range and R + T = D − 1, but x + (D − 1)·g − D·Q − R ≠ 0", async () => {
      // m = ℓ = 1, L = 8, D = 3; columns ux_0, g, uq_0, h, r_0, t_0 at one point ρ; no claim on y.
      // x = 7 (g = 0), R = 1, T = 1: the honest quotient is 2 (7 = 3·2 + 1); Q = 1 breaks only (E).
      const arena = (q: bigint) => [7n, 0n, q, 0n, 1n, 1n].map((v) => claim(1, v));
      await expect(run(indexed, exactDiv(1, 1, 8, 3n), arena(1n))).to.be.revertedWithCustomError(indexed, "ExactDivRelationWrong");
      await expect(run(indexed, exactDiv(1, 1, 8, 3n), arena(2n))).not.to.be.reverted;
    });

    it("TopkProgram: a register without the arena's m + 1 claims, or T = m·L over 255", async () => {
      // R, k, n; their bits; m limbs of L bits; σN; 2^−cb.
      const topk = (limbs: number, limbBits: number) => [INDEXED_OP.topk, ...u32(2), ...u32(1), ...u32(2), 1, 0, 1, limbs, limbBits, ...word(2n), ...word(1n)];
      await expect(run(indexed, topk(2, 8), claims(2))).to.be.revertedWithCustomError(indexed, "TopkProgram").withArgs(2, 2);
      await expect(run(indexed, topk(2, 200), claims(3))).to.be.revertedWithCustomError(indexed, "TopkProgram").withArgs(3, 2);
    });

    /**
     * SCATTER over R = m = n = 1 (no variables) with the merged claim on Y (value 0) and then `rest`: the parts
     * d = T⊙D = q = 0 (0 − 0 + 0 = 0), the HADAMARD instruction, its 0-variable IOP (a = b = 0: eq·a·b = 0, the
     * claim) with empty gathers and factors, then the data operand.
     */
    const scatterWithY = (instruction: number, rest: number[]) => [
      INDEXED_OP.scatter, ...u32(1), ...u32(1), ...u32(1), 0, 0, 0, ...word(1n), 1, instruction, 0, 0, 0, 0, 0, ...rest,
    ];
    const y = [claim(0, 0n)];

    it("ScatterProgram: a register other than the program's claim count, an instruction other than HADAMARD, an unknown operand kind", async () => {
      const header = (hasY: number) => [INDEXED_OP.scatter, ...u32(1), ...u32(1), ...u32(1), 0, 0, 0, ...word(1n), hasY];
      await expect(run(indexed, header(1), [])).to.be.revertedWithCustomError(indexed, "ScatterProgram");
      await expect(run(indexed, header(0), y)).to.be.revertedWithCustomError(indexed, "ScatterProgram");
      await expect(run(indexed, header(2), claims(2))).to.be.revertedWithCustomError(indexed, "ScatterProgram");
      await expect(run(indexed, scatterWithY(LAYER_OP.linear, [0]), y)).to.be.revertedWithCustomError(indexed, "ScatterProgram");
      await expect(run(indexed, scatterWithY(LAYER_OP.hadamard, [2]), y)).to.be.revertedWithCustomError(indexed, "ScatterProgram");
    });

    it("ConstantMalformed: a constant data operand over another variable count than its point, or of width 0", async () => {
      await expect(run(indexed, scatterWithY(LAYER_OP.hadamard, [1, ...emptyConstant(2)]), y)).to.be.revertedWithCustomError(indexed, "ConstantMalformed");
      await expect(run(indexed, scatterWithY(LAYER_OP.hadamard, [1, ...emptyConstant(0, 0)]), y)).to.be.revertedWithCustomError(indexed, "ConstantMalformed");
      // A well-formed (zero) constant over the 0-variable point matches d = 0: past the guard, the step goes on.
      await expect(run(indexed, scatterWithY(LAYER_OP.hadamard, [1, ...emptyConstant(0)]), y)).not.to.be.revertedWithCustomError(indexed, "ConstantMalformed");
    });
  });
});
