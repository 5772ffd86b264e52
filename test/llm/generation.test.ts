/**
 * Proved generation on a tiny llama GGUF (src/llm/): setup directory, greedy generation, one proof of the whole
 * sequence, verification — and every way the certified statement can be wrong: a generated token, a prompt
 * token, the model (another commitment), a proof word, a forced wrong argmax, a mismatched split.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProofFileContents } from "../../src/artifacts/proof-file";
import { promptIds } from "../../src/model/gguf/generate";
import { runInteger } from "../../src/model/exec/integer";
import { tensor } from "../../src/model/ir";
import { proveInference } from "../../src/prover/graph";
import { NEXT_TOKEN } from "../../src/llm/model";
import { generateTokens, proveGeneration, type ProvedGeneration } from "../../src/llm/prove";
import { createLlmSetup, loadLlmSetup, type CreatedLlmSetup } from "../../src/llm/setup";
import { generationInput, provedSequence } from "../../src/llm/statement";
import { verifyGeneration } from "../../src/llm/verify";
import { writeTinyLlama } from "./tiny-gguf";

const PROVER = "0x00000000000000000000000000000000000000a1" as const;
const CONTEXT = 16;
const TOKENS = 8;

function setInt(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setInt32(4 * at, value, false);
  return out;
}

function getInt(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(4 * at, false);
}

describe("llm: proved generation (tiny llama GGUF)", function () {
  this.timeout(600_000);
  let root: string;
  let setup: CreatedLlmSetup;
  let proved: ProvedGeneration;
  let P: number;

  const verdict = (file: ProofFileContents, s = setup) => verifyGeneration(s, file);
  const reason = (file: ProofFileContents, s = setup): string => {
    const v = verdict(file, s);
    return v.valid ? "valid" : v.reason;
  };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "deepprove-llm-"));
    await writeTinyLlama(join(root, "tiny.gguf"));
    setup = await createLlmSetup({ gguf: join(root, "tiny.gguf"), out: join(root, "setup"), bits: 12, context: CONTEXT });
    const prompt = promptIds(setup.llama, "ab c");
    P = prompt.length;
    const gen = generateTokens(setup, prompt, TOKENS);
    expect(gen.stoppedOnEos, "the tiny model should not stop on EOS for this prompt").to.equal(false);
    proved = proveGeneration({ setup, srs: setup.srs, statement: { promptIds: prompt, generatedIds: gen.ids }, prover: PROVER });
  });
  after(() => root && rmSync(root, { recursive: true, force: true }));

  it("the proof verifies and certifies exactly the prompt and the generated tokens", () => {
    const v = verdict(proved.file);
    expect(v.valid, v.valid ? "" : v.reason).to.equal(true);
    if (!v.valid) return;
    expect(v.statement.promptIds).to.deep.equal(proved.statement.promptIds);
    expect(v.statement.generatedIds).to.deep.equal(proved.statement.generatedIds);
    expect(proved.file.generation).to.deep.equal({ promptTokens: P, generatedTokens: TOKENS });
  });

  it("a reloaded setup (model re-derived from the GGUF file) verifies the same proof", async () => {
    const loaded = await loadLlmSetup(setup.dir);
    expect(loaded.vk.digest).to.equal(setup.vk.digest);
    expect(verdict(proved.file, { ...setup, ...loaded }).valid).to.equal(true);
  });

  it("rejects a tampered generated token, fed back consistently or only in the output", () => {
    for (const i of [0, 3, TOKENS - 1]) {
      const other = (proved.statement.generatedIds[i] + 1) % setup.q.cfg.nVocab;
      let input = proved.file.input;
      if (i < TOKENS - 1) input = setInt(input, P + i, other);
      const output = setInt(proved.file.output, P - 1 + i, other);
      expect(reason({ ...proved.file, input, output }), `token ${i}`).to.not.equal("valid");
      // Output only: the statement itself no longer spells a generation.
      if (i < TOKENS - 1) expect(reason({ ...proved.file, output }), `token ${i}, output only`).to.match(/^generation statement/);
    }
  });

  it("rejects a tampered prompt token", () => {
    for (const t of [0, P - 1]) {
      const input = setInt(proved.file.input, t, (getInt(proved.file.input, t) + 1) % setup.q.cfg.nVocab);
      expect(reason({ ...proved.file, input }), `prompt position ${t}`).to.not.equal("valid");
    }
  });

  it("the split is checked: a boundary moved into the prompt, past the context, or missing is rejected", () => {
    // Moving the boundary forward states another TRUE generation (prompt ‖ generated[0], then the rest): it
    // verifies. Moving it back claims the prompt's last token was the greedy choice, which it is not here.
    const forward = verdict({ ...proved.file, generation: { promptTokens: P + 1, generatedTokens: TOKENS - 1 } });
    expect(forward.valid && forward.statement.generatedIds).to.deep.equal(proved.statement.generatedIds.slice(1));
    expect(reason({ ...proved.file, generation: { promptTokens: P - 1, generatedTokens: TOKENS + 1 } })).to.match(/^generation statement/);
    expect(reason({ ...proved.file, generation: { promptTokens: P, generatedTokens: CONTEXT } })).to.match(/^generation statement/);
    expect(reason({ ...proved.file, generation: undefined })).to.match(/no generation field/);
  });

  it("rejects a flipped proof word", () => {
    const words = proved.file.proof.length / 32;
    for (const w of [0, Math.floor(words / 3), Math.floor((2 * words) / 3), words - 1]) {
      const proof = proved.file.proof.slice();
      proof[32 * w + 31] ^= 1;
      expect(reason({ ...proved.file, proof }), `word ${w}`).to.not.equal("valid");
    }
  });

  it("rejects the proof against another model (one weight changed: another commitment)", async () => {
    await writeTinyLlama(join(root, "other.gguf"), { tensor: "output.weight", at: 5, by: 0.25 });
    const other = await createLlmSetup({ gguf: join(root, "other.gguf"), out: join(root, "other"), bits: 12, context: CONTEXT });
    expect(other.vk.digest).to.not.equal(setup.vk.digest);
    expect(reason(proved.file, other)).to.match(/model digest/);
    // The digest field rewritten to the other model's: the proof itself must fail.
    expect(reason({ ...proved.file, digest: other.vk.digest }, other)).to.not.equal("valid");
  });

  it("rejects a dishonest proof of a wrong argmax (witness forced)", () => {
    const { promptIds: prompt, generatedIds: gen } = proved.statement;
    const last = P - 1 + gen.length - 1;
    const wrong = (gen[gen.length - 1] + 1) % setup.q.cfg.nVocab;
    const tokens = new Array<number>(CONTEXT).fill(0);
    provedSequence(proved.statement).forEach((id, t) => (tokens[t] = id));
    const honest = runInteger(setup.q.model, [tensor("int64", [CONTEXT], Float64Array.from(tokens))]);
    const force = <T extends { data: ArrayLike<number> }>(t: T): T => ({ ...t, data: Float64Array.from(t.data, (v, i) => (i === last ? wrong : v)) });
    const trace = {
      ...honest,
      steps: honest.steps.map((s) => (s.node !== NEXT_TOKEN ? s : { ...s, values: s.values.map(force) })),
      outputs: honest.outputs.map((o) => ({ ...o, tensor: force(o.tensor) })),
    };
    const forged = proveInference({ setup: setup.pk, model: setup.q.model, srs: setup.srs, trace, prover: PROVER, unsafeDishonest: true });
    const generatedIds = [...gen.slice(0, -1), wrong];
    expect(forged.statement.input).to.deep.equal(generationInput({ promptIds: prompt, generatedIds }, CONTEXT));
    const file = { ...proved.file, output: forged.statement.output, proof: forged.proof };
    expect(getInt(file.output, last)).to.equal(wrong);
    expect(reason(file)).to.not.equal("valid");
  });
});
