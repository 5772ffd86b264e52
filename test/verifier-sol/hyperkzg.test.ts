import { expect } from "chai";
import { ethers } from "hardhat";
import { G1 } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { HyperKZG, type HyperKzgProof } from "../../src/pcs/hyperkzg";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import {
  g1Words,
  hyperKzgInverseHint,
  hyperKzgProofWords,
  hyperKzgVerifierKeyWords,
} from "../../src/compiler/hyperkzg-calldata";
import { randomFrs } from "../sumcheck/helpers";
import type { VerifierHarness } from "../../typechain-types";

/**
 * The Solidity HyperKZG verifier against the TypeScript one: honest openings pass in both (ending in the same
 * transcript state); every altered proof word, a wrong value, another point, another commitment and a wrong
 * inverse hint revert with the named error on-chain and fail in TypeScript.
 */
describe("verifier (Solidity): HyperKZG opening", () => {
  const DOMAIN = "test.hyperkzg";
  const domainWord = ethers.encodeBytes32String(DOMAIN);
  const SRS = insecureDevSrs(256);
  const vk = HyperKZG.verifierKey(SRS);
  const vkWords = hyperKzgVerifierKeyWords(vk);
  let harness: VerifierHarness;

  before(async () => {
    harness = (await ethers.deployContract("VerifierHarness")) as unknown as VerifierHarness;
  });

  function opening(numVars: number, seed: string) {
    const evals = randomFrs(Math.max(1, (1 << numVars) - 3), `${seed}/table`);
    const point = randomFrs(numVars, `${seed}/point`);
    const commitment = HyperKZG.commit(SRS, evals);
    const { value, proof } = HyperKZG.open({ srs: SRS, evals, point, transcript: new Transcript(DOMAIN) });
    return { commitment, point, value, proof };
  }

  function callArgs(o: { commitment: typeof G1.BASE; point: bigint[]; value: bigint; proof: HyperKzgProof }) {
    const hint = hyperKzgInverseHint(new Transcript(DOMAIN), o.commitment, o.point, o.value, o.proof);
    return [domainWord, g1Words(o.commitment), o.point, o.value, hyperKzgProofWords(o.proof), hint, vkWords] as const;
  }

  function tsVerifies(o: { commitment: typeof G1.BASE; point: bigint[]; value: bigint; proof: HyperKzgProof }) {
    return HyperKZG.verify({ vk, ...o, transcript: new Transcript(DOMAIN) });
  }

  for (const numVars of [1, 2, 5, 8]) {
    it(`completeness: ${numVars} variables verify on-chain with the TypeScript transcript state`, async () => {
      const o = opening(numVars, `complete-${numVars}`);
      expect(tsVerifies(o)).to.equal(true);
      const t = new Transcript(DOMAIN);
      HyperKZG.assertValidOpening({ vk, ...o, transcript: t });
      expect(await harness.hyperkzgVerify(...callArgs(o))).to.equal(t.stateHex);
    });
  }

  it("reports its gas at 8 variables (ℓ + 2 ecMul, one 2-pair pairing)", async () => {
    const o = opening(8, "gas");
    const gas = await harness.hyperkzgVerify.estimateGas(...callArgs(o));
    // 21k intrinsic + 10 ecMul + 10 ecAdd + 113k pairing ≈ 195.5k; calldata (~50 words) and field work add
    // well under 80k.
    expect(Number(gas)).to.be.within(195_500, 275_000);
  });

  describe("soundness: rejected in TypeScript and on-chain", () => {
    const numVars = 4;
    const honest = opening(numVars, "tamper");

    it("every altered proof word", async () => {
      const words = hyperKzgProofWords(honest.proof);
      const hint = callArgs(honest)[5];
      for (let i = 0; i < words.length; i++) {
        const tampered = [...words];
        tampered[i] = (tampered[i] + 1n) % Fr.MODULUS;
        await expect(
          harness.hyperkzgVerify(domainWord, g1Words(honest.commitment), honest.point, honest.value, tampered, hint, vkWords),
          `word ${i}`,
        ).to.be.reverted;
      }
    });

    it("a wrong value: FoldMismatch", async () => {
      const bad = { ...honest, value: Fr.add(honest.value, 1n) };
      expect(tsVerifies(bad)).to.equal(false);
      await expect(harness.hyperkzgVerify(...callArgs(bad))).to.be.revertedWithCustomError(
        harness,
        "HyperKzgFoldMismatch",
      );
    });

    it("the proof for another point", async () => {
      const bad = { ...honest, point: honest.point.map((u, j) => (j === 2 ? Fr.add(u, 1n) : u)) };
      expect(tsVerifies(bad)).to.equal(false);
      await expect(harness.hyperkzgVerify(...callArgs(bad))).to.be.reverted;
    });

    it("a commitment to another polynomial: PairingFailed", async () => {
      const bad = { ...honest, commitment: HyperKZG.commit(SRS, randomFrs(13, "other")) };
      expect(tsVerifies(bad)).to.equal(false);
      await expect(harness.hyperkzgVerify(...callArgs(bad))).to.be.reverted;
    });

    it("altered W' alone (a valid curve point): PairingFailed", async () => {
      const bad = { ...honest, proof: { ...honest.proof, wPrime: honest.proof.wPrime.add(G1.BASE) } };
      expect(tsVerifies(bad)).to.equal(false);
      await expect(harness.hyperkzgVerify(...callArgs(bad))).to.be.revertedWithCustomError(
        harness,
        "HyperKzgPairingFailed",
      );
    });

    it("a wrong inverse hint, a point off the curve, a short proof, a non-canonical evaluation", async () => {
      const args = callArgs(honest);
      await expect(harness.hyperkzgVerify(args[0], args[1], args[2], args[3], args[4], args[5] + 1n, args[6]))
        .to.be.revertedWithCustomError(harness, "HyperKzgInverseHintWrong");
      const offCurve = [...args[4]];
      offCurve[offCurve.length - 3] += 1n; // y of W (absorbed after beta, so the hint still holds)
      await expect(harness.hyperkzgVerify(args[0], args[1], args[2], args[3], offCurve, args[5], args[6]))
        .to.be.revertedWithCustomError(harness, "G1PointInvalid");
      await expect(harness.hyperkzgVerify(args[0], args[1], args[2], args[3], args[4].slice(1), args[5], args[6]))
        .to.be.revertedWithCustomError(harness, "HyperKzgProofSize")
        .withArgs(args[4].length - 1, numVars);
      const nonCanonical = [...args[4]];
      nonCanonical[2 * (numVars - 1)] += Fr.MODULUS; // a_0
      await expect(harness.hyperkzgVerify(args[0], args[1], args[2], args[3], nonCanonical, args[5], args[6]))
        .to.be.revertedWithCustomError(harness, "FieldElementNotCanonical");
    });
  });
});
