import { expect } from "chai";
import { ethers, network } from "hardhat";
import { G1, G2, CURVE_ORDER, encodePairingInput, pairingProductIsOne } from "../../src/curve/bn254";
import { MAINNET_HARDFORK, TX_GAS_CAP } from "../../hardhat.config";

/** Toolchain end to end: solcjs-compiled contract, Osaka network, BN254 pairing precompile, EIP-7825 cap. */
describe("toolchain: Osaka network and the BN254 pairing precompile", () => {
  async function deployProbe() {
    return ethers.deployContract("PairingProbe");
  }

  // e(-a·G1, b·G2) · e(ab·G1, G2) == 1 holds by bilinearity; perturbing one scalar breaks it.
  const a = 0x1234_5678_9abc_def0_1357n;
  const b = 0xfeed_beef_cafe_babe_2468n;
  const truePairs = [
    [G1.BASE.multiply(a).negate(), G2.BASE.multiply(b)],
    [G1.BASE.multiply((a * b) % CURVE_ORDER), G2.BASE],
  ] as const;
  const falsePairs = [
    [G1.BASE.multiply(a).negate(), G2.BASE.multiply(b)],
    [G1.BASE.multiply((a * b + 1n) % CURVE_ORDER), G2.BASE],
  ] as const;

  it("runs the in-process network on the mainnet hardfork", () => {
    expect(network.config).to.have.property("hardfork", MAINNET_HARDFORK);
  });

  it("agrees with @noble/curves on a true pairing equation", async () => {
    expect(pairingProductIsOne(truePairs)).to.equal(true);
    const probe = await deployProbe();
    expect(await probe.check(encodePairingInput(truePairs))).to.equal(true);
  });

  it("agrees with @noble/curves on a false pairing equation", async () => {
    expect(pairingProductIsOne(falsePairs)).to.equal(false);
    const probe = await deployProbe();
    expect(await probe.check(encodePairingInput(falsePairs))).to.equal(false);
  });

  it("costs what EIP-1108 prices a 2-pair check at, in a transaction", async () => {
    const probe = await deployProbe();
    const receipt = await (await probe.checkAndRecord(encodePairingInput(truePairs))).wait();
    const precompileGas = 45_000 + 2 * 34_000;
    expect(Number(receipt!.gasUsed)).to.be.greaterThan(precompileGas).and.lessThan(precompileGas + 40_000);
  });

  it("reverts with a custom error on a point off the curve", async () => {
    const probe = await deployProbe();
    const bad = encodePairingInput(truePairs);
    bad[63] ^= 1; // y of the first G1 point: no longer on the curve
    await expect(probe.check(bad)).to.be.revertedWithCustomError(probe, "PairingInputInvalid");
  });

  it("reverts with a custom error on a ragged input", async () => {
    const probe = await deployProbe();
    await expect(probe.check(new Uint8Array(191)))
      .to.be.revertedWithCustomError(probe, "PairingInputLength")
      .withArgs(191);
  });

  it("refuses a transaction above the EIP-7825 gas cap and accepts one at it", async () => {
    const [sender] = await ethers.getSigners();
    const refusal = await sender.sendTransaction({ to: sender.address, gasLimit: TX_GAS_CAP + 1 }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(refusal?.message).to.match(/gas limit|cap|exceed/i);
    const ok = await sender.sendTransaction({ to: sender.address, gasLimit: TX_GAS_CAP });
    expect((await ok.wait())!.status).to.equal(1);
  });
});
