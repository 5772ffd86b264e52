/**
 * The bench's tamper checks (src/llm/tamper.ts) on the tiny llama: the honest proof verifies, and the tampered
 * token, prompt and weight are each rejected — the same function `deepprove bench <model.gguf>` runs on its
 * 64-token proof (field `tamper_rejected`).
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promptIds } from "../../src/model/gguf/generate";
import { generateTokens, proveGeneration, type ProvedGeneration } from "../../src/llm/prove";
import { createLlmSetup, type CreatedLlmSetup } from "../../src/llm/setup";
import { tamperChecks, TAMPERED_WEIGHT, withWeightChanged } from "../../src/llm/tamper";
import { verifyGeneration } from "../../src/llm/verify";
import { writeTinyLlama } from "./tiny-gguf";

const PROVER = "0x00000000000000000000000000000000000000a1" as const;

describe("llm: tamper checks of the bench (tiny llama GGUF)", function () {
  this.timeout(600_000);
  let root: string;
  let setup: CreatedLlmSetup;
  let proved: ProvedGeneration;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "deepprove-llm-tamper-"));
    await writeTinyLlama(join(root, "tiny.gguf"));
    setup = await createLlmSetup({ gguf: join(root, "tiny.gguf"), out: join(root, "setup"), bits: 12, context: 16 });
    const prompt = promptIds(setup.llama, "ab c");
    const gen = generateTokens(setup, prompt, 6);
    proved = proveGeneration({ setup, srs: setup.srs, statement: { promptIds: prompt, generatedIds: gen.ids }, prover: PROVER });
  });
  after(() => root && rmSync(root, { recursive: true, force: true }));

  it("the honest proof verifies; a tampered token, prompt and weight are each rejected", () => {
    expect(verifyGeneration(setup, proved.file).valid).to.equal(true);
    expect(tamperChecks(setup, setup.srs, proved.file)).to.deep.equal({ token: true, prompt: true, weight: true });
  });

  it("the weight change is one integer step of one entry (another model, nothing else)", () => {
    const before = setup.q.model.weights.get(TAMPERED_WEIGHT)!.tensor.data;
    const after = withWeightChanged(setup.q.model, TAMPERED_WEIGHT).weights.get(TAMPERED_WEIGHT)!.tensor.data;
    expect(Math.abs(after[0] - before[0])).to.equal(1);
    expect(Array.from(after).slice(1)).to.deep.equal(Array.from(before).slice(1));
    expect(() => withWeightChanged(setup.q.model, "no.such.weight")).to.throw(/no weight "no.such.weight"/);
  });
});
