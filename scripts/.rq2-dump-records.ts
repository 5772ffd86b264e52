import { writeFileSync } from "node:fs";
import { join } from "node:path";
// eslint-disable-next-line
const batch = require("../src/pcs/batch");
import { loadSetupDir } from "../src/artifacts/setup-dir";
import { readProofFile } from "../src/artifacts/proof-file";
import { verifierPlan, executePlan } from "../src/prover/graph";

const dir = process.argv[2];
const setup = loadSetupDir(join(dir, "setup"), { provingKey: false });
const f = readProofFile(join(dir, "proof.bin"));
const orig = batch.assertValidBatchOpening;
batch.assertValidBatchOpening = (p: { claims: { poly: number; point: bigint[]; value: bigint }[] }) => {
  writeFileSync(process.argv[3], JSON.stringify(p.claims.map((c) => ({ p: c.poly, z: c.point.map((x) => x.toString(16)) }))));
  return orig(p);
};
const plan = verifierPlan(setup.vk, setup.model);
executePlan(plan, { digest: f.digest, prover: f.prover, input: f.input, output: f.output }, f.proof);
console.log("ok");
