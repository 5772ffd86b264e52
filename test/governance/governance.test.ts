/**
 * Governance end to end on the network as `scripts/deploy.ts` leaves it: the timelock owns every parameter,
 * the deployer keeps no role, LA holders pass proposals through the governor, and the guardian can only pause.
 */
import { expect } from "chai";
import { artifacts, ethers, network } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { createWalletClient, custom, getAddress, type EIP1193Provider } from "viem";
import { deployNetwork } from "../../scripts/lib/deploy-network";
import { configFor } from "../../scripts/lib/network-config";

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;

async function governedNetworkFixture() {
  const [deployer, guardian, voter, outsider] = await ethers.getSigners();
  const client = createWalletClient({
    account: getAddress(deployer.address),
    transport: custom(network.provider as unknown as EIP1193Provider),
  });
  const config = configFor("hardhat", { guardian: getAddress(guardian.address) });
  const { addresses } = await deployNetwork(client, config);
  const token = await ethers.getContractAt("LAToken", addresses.token);
  const staking = await ethers.getContractAt("ProverStaking", addresses.staking);
  const emission = await ethers.getContractAt("EmissionController", addresses.emission);
  const governor = await ethers.getContractAt("LAGovernor", addresses.governor);
  const timelock = await ethers.getContractAt("LATimelock", addresses.timelock);
  // the voter holds 10 % of the supply and delegates its votes to itself (quorum is 4 %)
  await token.transfer(voter.address, config.initialSupply / 10n);
  await token.connect(voter).delegate(voter.address);
  await mine(1);
  return { token, staking, emission, governor, timelock, deployer, guardian, voter, outsider, config };
}

type Fixture = Awaited<ReturnType<typeof governedNetworkFixture>>;

/** Proposes, votes for, queues and executes one call through the governor. */
async function passProposal(fx: Fixture, target: string, calldata: string, description: string) {
  const { governor, voter, config } = fx;
  await governor.connect(voter).propose([target], [0], [calldata], description);
  const id = await governor.hashProposal([target], [0], [calldata], ethers.id(description));
  await time.increase(config.governance.votingDelay + 1);
  await governor.connect(voter).castVote(id, 1);
  await time.increase(config.governance.votingPeriod + 1);
  await governor.queue([target], [0], [calldata], ethers.id(description));
  await time.increase(config.governance.timelockDelay + 1);
  await governor.execute([target], [0], [calldata], ethers.id(description));
  return id;
}

describe("governance: governor, timelock and guardian", () => {
  it("leaves the timelock as the only admin and the deployer with no role", async () => {
    const { token, staking, emission, timelock, governor, deployer } = await loadFixture(governedNetworkFixture);
    for (const contract of [token, staking, emission]) {
      expect(await contract.hasRole(DEFAULT_ADMIN_ROLE, await timelock.getAddress())).to.equal(true);
      expect(await contract.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(false);
    }
    expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(false);
    expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), await governor.getAddress())).to.equal(true);
    expect(await token.hasRole(await token.MINTER_ROLE(), await emission.getAddress())).to.equal(true);
    expect(await staking.hasRole(await staking.EMISSION_ROLE(), await emission.getAddress())).to.equal(true);
    expect(await governor.CLOCK_MODE()).to.equal("mode=timestamp");
  });

  it("changes a parameter only through a passed, queued and executed proposal", async () => {
    const fx = await loadFixture(governedNetworkFixture);
    const { staking, deployer, governor } = fx;
    await expect(staking.connect(deployer).setUnbondingPeriod(3 * 86_400))
      .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
      .withArgs(deployer.address, DEFAULT_ADMIN_ROLE);
    const calldata = staking.interface.encodeFunctionData("setUnbondingPeriod", [3 * 86_400]);
    const id = await passProposal(fx, await staking.getAddress(), calldata, "shorten unbonding to 3 days");
    expect(await governor.state(id)).to.equal(7n); // Executed
    expect(await staking.unbondingPeriod()).to.equal(3n * 86_400n);
  });

  it("sets every governed parameter of staking and emission through the timelock", async () => {
    const fx = await loadFixture(governedNetworkFixture);
    const { staking, emission, timelock, governor, voter } = fx;
    const calls: [string, string][] = [
      [await staking.getAddress(), staking.interface.encodeFunctionData("setMinSelfStake", [5n * 10n ** 21n])],
      [await staking.getAddress(), staking.interface.encodeFunctionData("setSlashFraction", [2_500])],
      [await staking.getAddress(), staking.interface.encodeFunctionData("setCommissionDelay", [86_400])],
      [await emission.getAddress(), emission.interface.encodeFunctionData("setEmissionRate", [300])],
      [await emission.getAddress(), emission.interface.encodeFunctionData("setEpochLength", [2 * 86_400])],
    ];
    const description = "retune the network";
    await governor.connect(voter).propose(
      calls.map((c) => c[0]),
      calls.map(() => 0),
      calls.map((c) => c[1]),
      description
    );
    const args = [calls.map((c) => c[0]), calls.map(() => 0), calls.map((c) => c[1]), ethers.id(description)] as const;
    const id = await governor.hashProposal(...args);
    await time.increase(fx.config.governance.votingDelay + 1);
    await governor.connect(voter).castVote(id, 1);
    await time.increase(fx.config.governance.votingPeriod + 1);
    await governor.queue(...args);
    // one second before the timelock delay ends the operation is not ready
    await expect(governor.execute(...args)).to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState");
    await time.increase(fx.config.governance.timelockDelay + 1);
    await governor.execute(...args);
    expect(await staking.minSelfStake()).to.equal(5n * 10n ** 21n);
    expect(await staking.slashFractionBps()).to.equal(2_500n);
    expect(await staking.commissionDelay()).to.equal(86_400n);
    expect(await emission.emissionRateBps()).to.equal(300n);
  });

  it("defeats a proposal without quorum", async () => {
    const fx = await loadFixture(governedNetworkFixture);
    const { staking, governor, token, outsider, voter } = fx;
    // the outsider holds 1 % of the supply, below the 4 % quorum
    await token.connect(voter).transfer(outsider.address, (await token.totalSupply()) / 100n);
    await token.connect(outsider).delegate(outsider.address);
    const calldata = staking.interface.encodeFunctionData("setUnbondingPeriod", [0]);
    await governor.connect(outsider).propose([await staking.getAddress()], [0], [calldata], "no quorum");
    const id = await governor.hashProposal([await staking.getAddress()], [0], [calldata], ethers.id("no quorum"));
    await time.increase(fx.config.governance.votingDelay + 1);
    await governor.connect(outsider).castVote(id, 1);
    await time.increase(fx.config.governance.votingPeriod + 1);
    expect(await governor.state(id)).to.equal(3n); // Defeated
  });

  it("lets the guardian pause, but not unpause or change anything; governance unpauses", async () => {
    const fx = await loadFixture(governedNetworkFixture);
    const { staking, emission, guardian } = fx;
    await staking.connect(guardian).pause();
    await emission.connect(guardian).pause();
    expect(await staking.paused()).to.equal(true);
    await expect(staking.connect(guardian).unpause()).to.be.revertedWithCustomError(
      staking,
      "AccessControlUnauthorizedAccount"
    );
    await expect(staking.connect(guardian).setSlashFraction(0)).to.be.revertedWithCustomError(
      staking,
      "AccessControlUnauthorizedAccount"
    );
    await expect(
      staking.connect(guardian).grantRole(await staking.MARKET_ROLE(), guardian.address)
    ).to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount");
    await passProposal(
      fx,
      await staking.getAddress(),
      staking.interface.encodeFunctionData("unpause"),
      "unpause staking"
    );
    expect(await staking.paused()).to.equal(false);
    expect(await emission.paused()).to.equal(true);
  });

  it("keeps the deployed contracts under the EIP-170 size limit", async () => {
    for (const name of ["LAToken", "ProverStaking", "EmissionController", "LAGovernor", "LATimelock"]) {
      const { deployedBytecode } = await artifacts.readArtifact(name);
      expect((deployedBytecode.length - 2) / 2, name).to.be.at.most(24_576);
    }
  });
});
