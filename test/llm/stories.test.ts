/**
 * stories260K (the real trained model, when ../shared/models is present): the generation model's greedy tokens
 * — the ones a proof certifies — agree with llama.cpp's recorded greedy continuation (test/fixtures/gguf) for 16
 * and 64 tokens at the contexts `generate --prove` picks, and the whole-sequence run's ArgMax output (the proved
 * statement) equals the KV-cache generation. Generation only, no proof (scripts/prove-llm.ts proves it).
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { findReference, greedy, loadLlamaModel, promptIds, type LlamaModel } from "../../src/model/gguf/generate";
import { LlamaSession } from "../../src/model/gguf/llama-session";
import { runInteger } from "../../src/model/exec/integer";
import { tensor } from "../../src/model/ir";
import { DEFAULT_GGUF_BITS } from "../../src/model/gguf/defaults";
import { contextFor, PAD_TOKEN, quantizeGenerator } from "../../src/llm/model";

const MODEL = resolve(__dirname, "../../../shared/models/gguf/stories260K.gguf");
const PROMPT = "Once upon a time";

describe("llm: stories260K generation agrees with llama.cpp", function () {
  this.timeout(300_000);
  let model: LlamaModel;
  let prompt: number[];

  before(async function () {
    if (!existsSync(MODEL)) this.skip();
    model = await loadLlamaModel(MODEL);
    prompt = promptIds(model, PROMPT);
  });

  for (const tokens of [16, 64]) {
    it(`${tokens} tokens: every generated token equals llama.cpp's`, () => {
      const context = contextFor(prompt.length + tokens - 1);
      const q = quantizeGenerator(model, DEFAULT_GGUF_BITS, context);
      const session = new LlamaSession(q);
      const gen = greedy((t) => session.step(t), prompt, tokens, model.tokenizer.eos);
      const reference = findReference(MODEL, PROMPT, tokens, model.tokenizer);
      expect(reference, "test/fixtures/gguf/stories260K.reference.json").to.not.equal(undefined);
      expect(reference!.ids).to.have.length(tokens);
      expect(gen.ids).to.deep.equal(reference!.ids);
      if (tokens > 16) return;
      // The proved statement: the whole-sequence run's ArgMax output at positions P − 1 … P + N − 2.
      const sequence = [...prompt, ...gen.ids.slice(0, -1)];
      const padded = [...sequence, ...new Array<number>(context - sequence.length).fill(PAD_TOKEN)];
      const next = runInteger(q.model, [tensor("int64", [context], Float64Array.from(padded))]).outputs[0].tensor.data;
      expect(Array.from(next).slice(prompt.length - 1, prompt.length - 1 + tokens)).to.deep.equal(gen.ids);
    });
  }
});
