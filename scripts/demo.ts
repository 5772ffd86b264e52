/**
 * The main job on the embedded in-process Hardhat network: `npm run demo`.
 *
 * Runs the most complete flow the toolkit has so far, end to end on the Osaka network: a pairing equation
 * built in TypeScript is checked by the EVM's BN254 precompile, and the gas is reported. Later capabilities
 * extend this script (see README).
 */
import { ethers, network } from "hardhat";
import { G1, G2, CURVE_ORDER, encodePairingInput, pairingProductIsOne } from "../src/curve/bn254";
import { randomBytes } from "node:crypto";

function randomScalar(): bigint {
  return (BigInt(`0x${randomBytes(32).toString("hex")}`) % (CURVE_ORDER - 1n)) + 1n;
}

async function main(): Promise<void> {
  console.log(`network: ${network.name} (hardfork ${(network.config as { hardfork?: string }).hardfork})`);
  const probe = await ethers.deployContract("PairingProbe");
  await probe.waitForDeployment();
  const a = randomScalar();
  const b = randomScalar();
  const pairs = [
    [G1.BASE.multiply(a).negate(), G2.BASE.multiply(b)],
    [G1.BASE.multiply((a * b) % CURVE_ORDER), G2.BASE],
  ] as const;
  const offChain = pairingProductIsOne(pairs);
  const receipt = await (await probe.checkAndRecord(encodePairingInput(pairs))).wait();
  const onChain = await probe.check(encodePairingInput(pairs));
  console.log(`e(-aG1, bG2)·e(abG1, G2) == 1: TypeScript ${offChain}, EVM ${onChain}, gas ${receipt!.gasUsed}`);
  if (!offChain || !onChain) throw new Error("pairing check disagreed");
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
