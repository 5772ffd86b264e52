import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { FeeConverter, MockPriceFeed, MockUSDC } from "../../typechain-types";

/**
 * The fee converter's and the proof market constructor's revert paths no other test names (test/contracts/
 * revert-coverage.test.ts lists them): each asserted by its custom error, with the converter's state (sources,
 * balances) unchanged after the revert.
 */
describe("market: FeeConverter and ProofMarket revert paths by name", () => {
  const FEED_DECIMALS = 8;
  const MAX_AGE = 3_600;
  let admin: HardhatEthersSigner;
  let market: HardhatEthersSigner;
  let user: HardhatEthersSigner;
  let la: MockUSDC;
  let converter: FeeConverter;
  let feed: MockPriceFeed;
  let token: string;

  beforeEach(async () => {
    [admin, market, user] = await ethers.getSigners();
    // Any ERC-20 serves as LA here: the converter only holds and transfers it.
    la = (await ethers.deployContract("MockUSDC")) as unknown as MockUSDC;
    converter = (await ethers.deployContract("FeeConverter", [await la.getAddress(), admin.address])) as unknown as FeeConverter;
    await converter.grantRole(await converter.MARKET_ROLE(), market.address);
    feed = (await ethers.deployContract("MockPriceFeed", [FEED_DECIMALS, 2n * 10n ** 8n])) as unknown as MockPriceFeed;
    token = await (await ethers.deployContract("MockUSDC")).getAddress();
  });

  it("UnsupportedToken: a quote or conversion of a token without a price source", async () => {
    await expect(converter.quote(token, 1n)).to.be.revertedWithCustomError(converter, "UnsupportedToken").withArgs(token);
    await expect(converter.connect(market).convert(token, 1n, 0n, user.address)).to.be.revertedWithCustomError(converter, "UnsupportedToken").withArgs(token);
  });

  it("InvalidSource: decimals over 36, a zero or over-long max age, a feed reporting over 36 decimals; nothing stored", async () => {
    const at = await feed.getAddress();
    await expect(converter.setSource(token, at, 37, MAX_AGE)).to.be.revertedWithCustomError(converter, "InvalidSource").withArgs(token);
    await expect(converter.setSource(token, at, 6, 0)).to.be.revertedWithCustomError(converter, "InvalidSource").withArgs(token);
    const tooOld = (await converter.MAX_MAX_AGE()) + 1n;
    await expect(converter.setSource(token, at, 6, tooOld)).to.be.revertedWithCustomError(converter, "InvalidSource").withArgs(token);
    const wide = await ethers.deployContract("MockPriceFeed", [37, 1n]);
    await expect(converter.setSource(token, await wide.getAddress(), 6, MAX_AGE)).to.be.revertedWithCustomError(converter, "InvalidSource").withArgs(token);
    const source = await converter.sourceOf(token);
    expect([source.feed, source.tokenDecimals, source.maxAge]).to.deep.equal([ethers.ZeroAddress, 0n, 0n]);
  });

  it("BadPrice: a feed answering zero or a negative price", async () => {
    await converter.setSource(token, await feed.getAddress(), 6, MAX_AGE);
    for (const answer of [0n, -5n]) {
      await feed.setAnswer(answer);
      await expect(converter.quote(token, 10n ** 6n)).to.be.revertedWithCustomError(converter, "BadPrice").withArgs(token, answer);
    }
  });

  it("InsufficientLiquidity: a conversion worth more LA than the converter holds; no token moves", async () => {
    await converter.setSource(token, await feed.getAddress(), 6, MAX_AGE);
    const usdc = (await ethers.getContractAt("MockUSDC", token)) as unknown as MockUSDC;
    await usdc.mint(market.address, 10n ** 6n);
    await usdc.connect(market).approve(await converter.getAddress(), 10n ** 6n);
    await la.mint(await converter.getAddress(), 10n ** 18n); // 1 LA; 1 token at 2 LA needs 2.
    const out = await converter.quote(token, 10n ** 6n);
    expect(out).to.equal(2n * 10n ** 18n);
    await expect(converter.connect(market).convert(token, 10n ** 6n, 0n, user.address))
      .to.be.revertedWithCustomError(converter, "InsufficientLiquidity")
      .withArgs(10n ** 18n, out);
    expect(await usdc.balanceOf(market.address)).to.equal(10n ** 6n);
    expect(await la.balanceOf(await converter.getAddress())).to.equal(10n ** 18n);
  });

  it("EtherTransferFailed: withdrawing more ETH than held, or to a contract that refuses ETH", async () => {
    await expect(converter.withdraw(ethers.ZeroAddress, user.address, 1n))
      .to.be.revertedWithCustomError(converter, "EtherTransferFailed")
      .withArgs(user.address, 1n);
    // Fund it with ETH through an ETH conversion, then withdraw to an ERC-20 (no receive function).
    await converter.setSource(ethers.ZeroAddress, await feed.getAddress(), 18, MAX_AGE);
    await la.mint(await converter.getAddress(), 10n ** 18n);
    await converter.connect(market).convert(ethers.ZeroAddress, 10n ** 15n, 0n, user.address, { value: 10n ** 15n });
    const held = await ethers.provider.getBalance(await converter.getAddress());
    expect(held).to.equal(10n ** 15n);
    await expect(converter.withdraw(ethers.ZeroAddress, token, held))
      .to.be.revertedWithCustomError(converter, "EtherTransferFailed")
      .withArgs(token, held);
    expect(await ethers.provider.getBalance(await converter.getAddress())).to.equal(held);
  });

  it("InvalidTiming: a proof market with a zero batch, reveal or settle length", async () => {
    const factory = await ethers.getContractFactory("ProofMarket");
    const base = {
      la: await la.getAddress(),
      usdc: token,
      staking: user.address,
      emission: user.address,
      registry: user.address,
      converter: await converter.getAddress(),
      genesis: 0n,
      batchLength: 3_600n,
      revealLength: 600n,
      settleWindow: 600n,
      minProvingTime: 3_600n,
    };
    for (const field of ["batchLength", "revealLength", "settleWindow"] as const) {
      await expect(factory.deploy({ ...base, [field]: 0n }, admin.address, admin.address, 1n)).to.be.revertedWithCustomError(factory, "InvalidTiming");
    }
    // The same arguments with every length set deploy.
    await expect(factory.deploy(base, admin.address, admin.address, 1n)).not.to.be.reverted;
  });
});
