/**
 * The measurement-only verifier (scripts/llm-gas.ts measures the gas of a generation proof past the limits that
 * refuse it): `generateVerifierForMeasurement` generates a plan over the EIP-7825 estimate and says which limits
 * it bypassed, while `generateVerifier` — what `deepprove verifier`, the bench and the deploy scripts call — refuses
 * it whatever options it is handed, no module of src/ reaches the measurement entry point, and `deepprove verifier`
 * on the stories260K generation setup (when ../shared/models is present) refuses it with the generator's reason.
 */
import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { generateVerifier, generateVerifierForMeasurement, VerifierGenError, type GenerateVerifierOptions } from "../../src/compiler/verifier-gen";
import { estimateVerifier, TX_GAS_CAP } from "../../src/compiler/verifier-estimate";
import { ProgramError } from "../../src/compiler/program/writer";
import { createLlmSetup } from "../../src/llm/setup";
import { verifierPlan, type VerifierPlan } from "../../src/prover/graph";
import { runCliInProcess as cli } from "../cli/in-process";
import { proveCorpus } from "../prover/graph-helpers";

const SRC = resolve(__dirname, "../../src");
const STORIES = resolve(__dirname, "../../../shared/models/gguf/stories260K.gguf");
const MEASUREMENT_ENTRY = "generateVerifierForMeasurement";

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("llm: measurement-only verifier (the gas-cap bypass stays out of deepprove verifier)", function () {
  this.timeout(300_000);
  let root: string;
  let plan: VerifierPlan;
  let over: VerifierPlan;

  before(function () {
    root = mkdtempSync(join(tmpdir(), "deepprove-llm-gas-"));
    // A plan whose every step the interpreter runs (the generation model's may lack a step's Solidity twin while
    // a kind is being built: then the generator refuses it for that, before any limit), repeated past the cap.
    const proved = proveCorpus("2l_relu_fc");
    if (!proved) this.skip();
    plan = verifierPlan(proved.vk, proved.model);
    let copies = 1;
    while (estimateVerifier({ ...plan, nodes: Array.from({ length: copies }, () => plan.nodes).flat() }).total <= TX_GAS_CAP) copies *= 2;
    over = { ...plan, nodes: Array.from({ length: copies }, () => plan.nodes).flat() };
  });
  after(() => root && rmSync(root, { recursive: true, force: true }));

  it("generateVerifier refuses a plan over the cap whatever options it gets", () => {
    expect(estimateVerifier(over).total).to.be.greaterThan(TX_GAS_CAP);
    expect(() => generateVerifier(over)).to.throw(VerifierGenError, /16,777,216-gas transaction cap \(EIP-7825\)/);
    const smuggled = { contractName: "V", bypassed: ["gas"], measurementOnly: true, ignoreGasCap: true, gasCap: false } as unknown as GenerateVerifierOptions;
    expect(() => generateVerifier(over, smuggled)).to.throw(VerifierGenError, /transaction cap/);
  });

  it("generateVerifierForMeasurement generates it, names the bypassed limits and marks the source", () => {
    const m = generateVerifierForMeasurement(over, { contractName: "Measured" });
    expect(m.bypassed).to.have.length.greaterThan(0);
    expect(m.bypassed[0]).to.match(/transaction cap \(EIP-7825\)/);
    for (const reason of m.bypassed) expect(m.source).to.contain(`// MEASUREMENT ONLY, not deployable: ${reason}`);
    expect(m.source).to.contain("contract Measured is IInferenceVerifier");
    expect(m.estimate.total).to.equal(estimateVerifier(over).total);
  });

  it("a plan within the limits: both entry points give the same contract, nothing bypassed", () => {
    const normal = generateVerifier(plan, { contractName: "V" });
    const m = generateVerifierForMeasurement(plan, { contractName: "V" });
    expect(m.bypassed).to.deep.equal([]);
    expect(m.source).to.equal(normal.source);
  });

  it("no module of src/ other than the generator names the measurement entry point (the CLI, bench, deploy cannot reach it)", () => {
    const users = sources(SRC)
      .filter((f) => readFileSync(f, "utf8").includes(MEASUREMENT_ENTRY))
      .map((f) => relative(SRC, f));
    expect(users).to.deep.equal(["compiler/verifier-gen.ts"]);
  });

  it("deepprove verifier on the stories260K generation setup (16 tokens, C = 32) refuses it, with generateVerifier's reason", async function () {
    if (!existsSync(STORIES)) this.skip();
    const dir = join(root, "stories-setup");
    const setup = await createLlmSetup({ gguf: STORIES, out: dir, bits: 12, context: 32 });
    let refusal: Error | undefined;
    try {
      generateVerifier(verifierPlan(setup.vk, setup.q.model));
    } catch (error) {
      refusal = error as Error;
    }
    expect(refusal, "the stories260K generation verifier must be refused").to.be.instanceOf(Error);
    // With every step on-chain, the refusal is the gas cap (201.8 M gas measured by scripts/llm-gas.ts) — or, before
    // it, the plan's grouped arena helpers, which LookupArena.sol does not verify (docs/lookup.md).
    if (!(refusal instanceof ProgramError)) expect(refusal!.message).to.match(/16,777,216-gas transaction cap \(EIP-7825\)|LookupArena\.sol/);
    const out = join(root, "V.sol");
    const r = await cli("verifier", dir, "--out", out);
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.contain(refusal!.message);
    expect(existsSync(out)).to.equal(false);
  });
});
