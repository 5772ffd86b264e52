/** Deploys the interpreter libraries (src/compiler/interpreter-libraries.ts) on the in-process network for tests. */
import { artifacts, ethers } from "hardhat";
import { INTERPRETER_LIBRARIES } from "../../src/compiler/interpreter-libraries";

/** Every interpreter library, each linked to the ones before it that it needs; returns name → address. */
export async function deployInterpreter(): Promise<Record<string, string>> {
  const deployed: Record<string, string> = {};
  for (const name of INTERPRETER_LIBRARIES) {
    const { linkReferences } = await artifacts.readArtifact(name);
    const needed = Object.values(linkReferences).flatMap((byName) => Object.keys(byName));
    const libraries = Object.fromEntries(needed.map((lib) => [lib, deployed[lib]]));
    const contract = await ethers.deployContract(name, { libraries });
    deployed[name] = await contract.getAddress();
  }
  return deployed;
}
