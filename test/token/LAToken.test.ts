import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { INITIAL_SUPPLY, LA, YEAR, atTimestamp } from "../staking/fixture";

const MAX_INFLATION_BPS = 400n;
const capAt = (elapsed: bigint) => (INITIAL_SUPPLY * MAX_INFLATION_BPS * elapsed) / (10_000n * BigInt(YEAR));

describe("token: LAToken", () => {
  async function tokenFixture() {
    const [admin, minter, holder, other] = await ethers.getSigners();
    const token = await ethers.deployContract("LAToken", [holder.address, INITIAL_SUPPLY, admin.address]);
    await token.grantRole(await token.MINTER_ROLE(), minter.address);
    const start = await token.MINT_START();
    return { token, admin, minter, holder, other, start };
  }

  it("mints the fixed initial supply to the holder and nothing else", async () => {
    const { token, holder } = await loadFixture(tokenFixture);
    expect(await token.totalSupply()).to.equal(INITIAL_SUPPLY);
    expect(await token.balanceOf(holder.address)).to.equal(INITIAL_SUPPLY);
    expect(await token.totalMinted()).to.equal(0n);
    expect(await token.name()).to.equal("Lagrange");
    expect(await token.symbol()).to.equal("LA");
  });

  it("rejects zero addresses at construction", async () => {
    const [admin] = await ethers.getSigners();
    const factory = await ethers.getContractFactory("LAToken");
    await expect(ethers.deployContract("LAToken", [ethers.ZeroAddress, 1n, admin.address]))
      .to.be.revertedWithCustomError(factory, "ZeroAddress")
      .withArgs("initialHolder");
    await expect(ethers.deployContract("LAToken", [admin.address, 1n, ethers.ZeroAddress]))
      .to.be.revertedWithCustomError(factory, "ZeroAddress")
      .withArgs("admin");
  });

  it("accrues the cap linearly at 4 % of the initial supply per year", async () => {
    const { token, start } = await loadFixture(tokenFixture);
    for (const elapsed of [0n, 1n, 3_600n, BigInt(YEAR) / 2n, BigInt(YEAR), 3n * BigInt(YEAR)]) {
      expect(await token.mintCapAt(start + elapsed)).to.equal(capAt(elapsed));
    }
    expect(await token.mintCapAt(start - 1n)).to.equal(0n);
    expect(capAt(BigInt(YEAR))).to.equal((INITIAL_SUPPLY * 4n) / 100n);
  });

  it("mints exactly up to the cap at a given second and not one wei more", async () => {
    const { token, minter, other, start } = await loadFixture(tokenFixture);
    const at = start + 30n * 86_400n;
    await atTimestamp(at);
    await token.connect(minter).mint(other.address, capAt(30n * 86_400n));
    expect(await token.totalMinted()).to.equal(capAt(30n * 86_400n));
    await atTimestamp(at + 1n);
    const available = capAt(30n * 86_400n + 1n) - capAt(30n * 86_400n);
    await expect(token.connect(minter).mint(other.address, available + 1n))
      .to.be.revertedWithCustomError(token, "MintCapExceeded")
      .withArgs(available + 1n, available);
    expect(await token.totalMinted()).to.equal(capAt(30n * 86_400n));
  });

  it("keeps unminted headroom available later (the cap is cumulative)", async () => {
    const { token, minter, other, start } = await loadFixture(tokenFixture);
    await atTimestamp(start + BigInt(YEAR));
    await token.connect(minter).mint(other.address, 1n * LA);
    await atTimestamp(start + 2n * BigInt(YEAR));
    const rest = capAt(2n * BigInt(YEAR)) - 1n * LA;
    await token.connect(minter).mint(other.address, rest);
    expect(await token.totalMinted()).to.equal(capAt(2n * BigInt(YEAR)));
    expect(await token.mintable()).to.equal(0n);
  });

  it("refuses minting by anyone without MINTER_ROLE", async () => {
    const { token, other, admin } = await loadFixture(tokenFixture);
    await time.increase(YEAR);
    for (const who of [other, admin]) {
      await expect(token.connect(who).mint(who.address, 1n))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(who.address, await token.MINTER_ROLE());
    }
  });

  it("does not turn burned tokens into mint headroom", async () => {
    const { token, holder, start } = await loadFixture(tokenFixture);
    await token.connect(holder).burn(1_000n * LA);
    expect(await token.totalSupply()).to.equal(INITIAL_SUPPLY - 1_000n * LA);
    await atTimestamp(start + 100n);
    await ethers.provider.send("evm_mine", []);
    expect(await token.mintable()).to.equal(capAt(100n));
  });

  it("counts votes on a timestamp clock after self-delegation", async () => {
    const { token, holder } = await loadFixture(tokenFixture);
    expect(await token.CLOCK_MODE()).to.equal("mode=timestamp");
    expect(await token.clock()).to.equal(BigInt(await time.latest()));
    await token.connect(holder).delegate(holder.address);
    const at = await time.latest();
    await time.increase(10);
    expect(await token.getPastVotes(holder.address, at)).to.equal(INITIAL_SUPPLY);
    expect(await token.getPastTotalSupply(at)).to.equal(INITIAL_SUPPLY);
  });

  it("accepts an EIP-2612 permit", async () => {
    const { token, holder, other } = await loadFixture(tokenFixture);
    const deadline = BigInt(await time.latest()) + 3_600n;
    const value = 5n * LA;
    const { chainId } = await ethers.provider.getNetwork();
    const signature = await holder.signTypedData(
      { name: "Lagrange", version: "1", chainId, verifyingContract: await token.getAddress() },
      {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      { owner: holder.address, spender: other.address, value, nonce: 0n, deadline }
    );
    const { v, r, s } = ethers.Signature.from(signature);
    await token.permit(holder.address, other.address, value, deadline, v, r, s);
    expect(await token.allowance(holder.address, other.address)).to.equal(value);
    expect(await token.nonces(holder.address)).to.equal(1n);
  });
});
