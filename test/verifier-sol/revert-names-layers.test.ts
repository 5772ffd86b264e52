import { expect } from "chai";
import { ethers } from "hardhat";
import { LAYER_OP } from "../../src/compiler/program/opcodes";
import type { LayersHarness } from "../../typechain-types";

/**
 * The program-bug guards of the layer instructions (contracts/verifier/layers/LayerOps.sol and the steps it runs),
 * each driven by a crafted layer program through contracts/test/LayersHarness.sol and asserted by its name. A
 * generated program never contains these bytes (the compiler emits only known opcodes, families and kinds, and
 * a non-zero last weight); the guards make a compiler bug revert with a name instead of mis-verifying.
 */
describe("verifier (Solidity): layer program guards revert by name", function () {
  let harness: LayersHarness;
  const domain = ethers.encodeBytes32String("revert-names");
  /** A claim on a point of `vars` coordinates (1, 2, …) with `value`. */
  const claim = (vars: number, value = 5n) => ({ point: Array.from({ length: vars }, (_, i) => BigInt(i + 1)), value });
  /** A proof of `words` zero words: enough for every read before the guard (zero is canonical). */
  const zeros = (words: number) => new Uint8Array(32 * words);
  const word = (v: bigint) => ethers.getBytes(ethers.toBeHex(v, 32));
  const run = (program: number[] | Uint8Array, claims: { point: bigint[]; value: bigint }[], words = 0) =>
    harness.runLayer(domain, Uint8Array.from(program), zeros(words), claims);

  before(async () => {
    harness = (await ethers.deployContract("LayersHarness")) as unknown as LayersHarness;
  });

  it("LayerOpUnknown: an opcode LayerOps does not know", async () => {
    await expect(run([0x63], [claim(2)])).to.be.revertedWithCustomError(harness, "LayerOpUnknown").withArgs(0x63);
    await expect(run([0], [claim(2)])).to.be.revertedWithCustomError(harness, "LayerOpUnknown").withArgs(0);
  });

  it("LayerOpClaimCount: MERGE on an empty register, a single-claim layer on two claims or none", async () => {
    await expect(run([LAYER_OP.merge, 2], [])).to.be.revertedWithCustomError(harness, "LayerOpClaimCount").withArgs(LAYER_OP.merge, 0);
    await expect(run([LAYER_OP.linear], [claim(2), claim(2)])).to.be.revertedWithCustomError(harness, "LayerOpClaimCount").withArgs(LAYER_OP.linear, 2);
    await expect(run([LAYER_OP.matmul], [])).to.be.revertedWithCustomError(harness, "LayerOpClaimCount").withArgs(LAYER_OP.matmul, 0);
  });

  it("MergeClaimShape: a claim whose point has another number of variables than the merge's", async () => {
    await expect(run([LAYER_OP.merge, 3], [claim(3), claim(2)])).to.be.revertedWithCustomError(harness, "MergeClaimShape").withArgs(1);
    await expect(run([LAYER_OP.merge, 3], [claim(4)])).to.be.revertedWithCustomError(harness, "MergeClaimShape").withArgs(0);
  });

  it("MergeValuesDisagree: two claims at one point with different values (no sum-check can reconcile them)", async () => {
    await expect(run([LAYER_OP.merge, 3], [claim(3, 7n), claim(3, 7n), claim(3, 8n)])).to.be.revertedWithCustomError(harness, "MergeValuesDisagree");
    // The same values at one point merge without messages: the guard is the only thing that fired above.
    const [, out] = await run([LAYER_OP.merge, 3], [claim(3, 7n), claim(3, 7n)]);
    expect(out.map((c) => c.value)).to.deep.equal([7n]);
  });

  it("ProductFamilyUnknown: a MATMUL / CONV whose label family is neither", async () => {
    for (const op of [LAYER_OP.matmul, LAYER_OP.conv]) {
      await expect(run([op, 2, 1, 2, 0], [claim(2)], 16)).to.be.revertedWithCustomError(harness, "ProductFamilyUnknown").withArgs(2);
    }
  });

  it("SelectorKindUnknown: a REINDEX whose selector group has kind 3", async () => {
    // REINDEX, no pad constant, selector over 1 variable (sum-check of degree 2: 3 words, then the eval), 1 group.
    const program = [LAYER_OP.reindex, 0, 1, 1, 3, 0, 1];
    await expect(run(program, [claim(1, 0n)], 8)).to.be.revertedWithCustomError(harness, "SelectorKindUnknown").withArgs(3);
  });

  it("LinearLastWeightZero: a LINEAR whose last coefficient is 0 (its value would be underivable)", async () => {
    // m = 2: c_0 = 3 (gather of coordinate 0, no broadcast), c_1 = 0; then c_1⁻¹ (any word).
    const program = Uint8Array.from([LAYER_OP.linear, 2, ...word(3n), 1, 0, 0, ...word(0n), 1, 0, 0, ...word(0n)]);
    await expect(run(program, [claim(1)], 4)).to.be.revertedWithCustomError(harness, "LinearLastWeightZero");
    // A non-zero last coefficient gets past the guard (then checks its claimed values).
    const ok = Uint8Array.from([LAYER_OP.linear, 2, ...word(3n), 1, 0, 0, ...word(2n), 1, 0, 0, ...word(0n)]);
    await expect(run(ok, [claim(1)], 4)).not.to.be.revertedWithCustomError(harness, "LinearLastWeightZero");
  });
});
