/**
 * The SentencePiece-BPE tokenizer against llama.cpp's own tokenization (recorded by
 * scripts/gguf-reference.ts) on both vocabularies, plus round-trip properties and error cases.
 */
import { expect } from "chai";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readGguf } from "../../src/model/gguf/container";
import type { GgufFile } from "../../src/model/gguf/container";
import { GgufError } from "../../src/model/gguf/errors";
import { loadTokenizer } from "../../src/model/gguf/tokenizer";
import type { Tokenizer } from "../../src/model/gguf/tokenizer";

const MODELS = join(__dirname, "..", "..", "..", "shared", "models", "gguf");
const FIXTURES = join(__dirname, "..", "fixtures", "gguf");

interface Reference {
  tokenizations: { text: string; ids: number[] }[];
  prompt: string;
  prompt_ids: number[];
  generations?: Record<string, { ids: number[]; text: string }>;
}

for (const name of ["stories260K", "llama-2-tiny-random"]) {
  describe(`GGUF tokenizer: ${name}`, () => {
    let tok: Tokenizer;
    let file: GgufFile;
    const ref = JSON.parse(readFileSync(join(FIXTURES, `${name}.reference.json`), "utf8")) as Reference;
    before(async () => {
      file = await readGguf(join(MODELS, `${name}.gguf`));
      tok = loadTokenizer(file);
    });

    it("encodes exactly as llama.cpp", () => {
      for (const { text, ids } of ref.tokenizations) expect(tok.encode(text), JSON.stringify(text)).to.deep.equal(ids);
      expect([tok.bos, ...tok.encode(ref.prompt)]).to.deep.equal(ref.prompt_ids);
    });

    it("decodes llama.cpp's generated text exactly", () => {
      for (const g of Object.values(ref.generations ?? {})) expect(tok.decode(g.ids)).to.equal(g.text);
    });

    it("round-trips any text (byte fallback covers every character)", () => {
      fc.assert(
        fc.property(fc.string({ unit: "binary", maxLength: 24 }), (s) => {
          fc.pre(!s.includes("\u2581"));
          expect(tok.decode(tok.encode(s))).to.equal(s.length ? ` ${s}` : "");
        }),
        { numRuns: 200 },
      );
    });

    it("control tokens decode to nothing; out-of-range ids are rejected", () => {
      expect(tok.decode([tok.bos, tok.eos])).to.equal("");
      expect(() => tok.decode([tok.vocabSize])).to.throw(RangeError, /outside the vocabulary/);
    });
  });
}

describe("GGUF tokenizer: unsupported vocabularies", () => {
  it("names the tokenizer model and the inconsistent array", async () => {
    const file = await readGguf(join(MODELS, "stories260K.gguf"));
    const gpt2 = { ...file, metadata: { ...file.metadata, "tokenizer.ggml.model": "gpt2" } };
    expect(() => loadTokenizer(gpt2)).to.throw(GgufError, /metadata "tokenizer.ggml.model".*"gpt2" is not supported; supported: "llama"/);
    const scores = file.metadata["tokenizer.ggml.scores"] as number[];
    const short = { ...file, metadata: { ...file.metadata, "tokenizer.ggml.scores": scores.slice(1) } };
    expect(() => loadTokenizer(short)).to.throw(GgufError, /metadata "tokenizer.ggml.scores".*has 511 entries but the vocabulary has 512/);
  });
});
