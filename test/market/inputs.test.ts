/** ProofMarket.publishInput: the input's data availability for provers (hash-checked, anyone may publish). */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { INPUT, marketFixture, requestParams } from "./fixture";

async function requestedFixture() {
  const fx = await marketFixture();
  await fx.market.connect(fx.alice).requestProof(requestParams(fx, { payToken: await fx.token.getAddress() }));
  return fx;
}

describe("ProofMarket: publishInput", () => {
  it("emits the bytes of a request's input, by anyone", async () => {
    const { market, outsider } = await loadFixture(requestedFixture);
    await expect(market.connect(outsider).publishInput(1n, INPUT)).to.emit(market, "InputPublished").withArgs(1n, INPUT);
  });

  it("refuses bytes that do not hash to the request's inputHash", async () => {
    const { market, alice } = await loadFixture(requestedFixture);
    await expect(market.connect(alice).publishInput(1n, "0x0a0b0c0e"))
      .to.be.revertedWithCustomError(market, "InputMismatch")
      .withArgs(1n, ethers.keccak256(INPUT), ethers.keccak256("0x0a0b0c0e"));
  });

  it("refuses an unknown request", async () => {
    const { market, alice } = await loadFixture(requestedFixture);
    await expect(market.connect(alice).publishInput(2n, INPUT)).to.be.revertedWithCustomError(market, "UnknownRequest").withArgs(2n);
  });
});

describe("ProofMarket: publishInput gas", () => {
  // Execution is light (a hash and a log: 8 gas per byte), so a large input pays the EIP-7623 calldata floor:
  // 21,000 + 40 gas per non-zero byte. Measured: 28,747 for 4 bytes.
  it("costs the calldata floor for large inputs (about 40 gas per non-zero byte)", async () => {
    const fx = await marketFixture();
    const big = ethers.hexlify(new Uint8Array(3_136).fill(0x5a)); // a 28×28 int32 input, no zero byte
    await fx.market.connect(fx.alice).requestProof(requestParams(fx, { payToken: await fx.token.getAddress() }));
    await fx.market.connect(fx.alice).requestProof(requestParams(fx, { payToken: await fx.token.getAddress(), inputHash: ethers.keccak256(big) }));
    const small = await (await fx.market.publishInput(1n, INPUT)).wait();
    const large = await (await fx.market.publishInput(2n, big)).wait();
    expect(small!.gasUsed < 30_000n).to.equal(true);
    expect(large!.gasUsed <= 21_000n + 3_136n * 40n + 2_000n).to.equal(true);
  });
});
