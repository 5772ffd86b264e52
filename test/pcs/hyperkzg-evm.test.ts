import { expect } from "chai";
import { ethers } from "hardhat";
import { encodePairingInput, G1 } from "../../src/curve/bn254";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "../sumcheck/helpers";

/** The final HyperKZG equation, checked by the EVM's pairing precompile (0x08) instead of noble. */
describe("HyperKZG final check on the EVM pairing precompile", () => {
  const srs = insecureDevSrs(16);
  const vk = HyperKZG.verifierKey(srs);
  const evals = randomFrs(16, "evm");
  const point = randomFrs(4, "evm/point");
  const commitment = HyperKZG.commit(srs, evals);
  const { value, proof } = HyperKZG.open({ srs, evals, point, transcript: new Transcript("evm") });
  const input = (p = proof) =>
    encodePairingInput(
      HyperKZG.openingPairingInput({ vk, commitment, point, value, proof: p, transcript: new Transcript("evm") }),
    );

  it("the precompile accepts the honest pairing input and rejects a tampered witness", async () => {
    const probe = await ethers.deployContract("PairingProbe");
    expect(await probe.check(input())).to.equal(true);
    expect(await probe.check(input({ ...proof, wPrime: proof.wPrime.add(G1.BASE) }))).to.equal(false);
    expect(await probe.check(input({ ...proof, w: proof.w.add(G1.BASE) }))).to.equal(false);
  });
});
