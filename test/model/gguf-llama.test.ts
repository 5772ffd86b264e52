/**
 * The llama front end against llama.cpp (fixtures from scripts/gguf-reference.ts): float and quantized greedy
 * generation on stories260K, logits of the F16 llama-2-tiny-random model, integer-only execution, and
 * config/shape errors on files written with @huggingface/gguf's writer.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGguf } from "../../src/model/gguf/container";
import { GgufError } from "../../src/model/gguf/errors";
import { GgmlType } from "../../src/model/gguf/ggml-types";
import {
  DEFAULT_GGUF_BITS,
  greedy,
  generateFloat,
  generateQuantized,
  leadingAgreement,
  loadLlamaModel,
  promptIds,
  quantizeModel,
} from "../../src/model/gguf/generate";
import type { LlamaModel } from "../../src/model/gguf/generate";
import { readLlamaConfig } from "../../src/model/gguf/llama-config";
import { floatLogits } from "../../src/model/gguf/llama-float";
import { argmax, logitsScale, quantizeLlama, runSequence } from "../../src/model/gguf/llama-quant";
import { LlamaSession } from "../../src/model/gguf/llama-session";
import { buildLlamaGraph } from "../../src/model/gguf/llama-graph";
import { runFloat } from "../../src/model/exec/float";
import { tensor } from "../../src/model/ir";
import { loadLlamaWeights } from "../../src/model/gguf/llama-weights";
import { kvF32, kvString, kvU32, writeGguf } from "./gguf-writer";

const MODELS = join(__dirname, "..", "..", "..", "shared", "models", "gguf");
const FIXTURES = join(__dirname, "..", "fixtures", "gguf");
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.reference.json`), "utf8"));

/** Tokens of stories260K's greedy continuation that must match llama.cpp at the default bit width. */
const REQUIRED_AGREEMENT = 30;
const REQUIRED_COSINE = 0.99;

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

describe("GGUF llama: stories260K against llama.cpp", () => {
  const ref = fixture("stories260K");
  let model: LlamaModel;
  before(async () => {
    model = await loadLlamaModel(join(MODELS, "stories260K.gguf"));
  });

  it("reads the architecture and counts 292,800 parameters", () => {
    expect(model.cfg).to.include({ nLayer: 5, nEmbd: 64, nFf: 172, nHead: 8, nHeadKv: 4, headDim: 8, nRot: 8, nVocab: 512 });
    const params = model.file.tensors.reduce((n, t) => n + t.ne.reduce((a, b) => a * b, 1), 0);
    expect(params).to.equal(292_800);
  });

  it("float greedy generation reproduces llama.cpp's 64 tokens", () => {
    const gen = generateFloat(model, ref.prompt_ids, 64);
    expect(gen.ids).to.deep.equal(ref.generations["64"].ids);
  });

  it(`quantized (default ${DEFAULT_GGUF_BITS}-bit) greedy generation agrees with llama.cpp on ≥ ${REQUIRED_AGREEMENT} tokens`, () => {
    const prompt = promptIds(model, ref.prompt);
    expect(prompt).to.deep.equal(ref.prompt_ids);
    const q = quantizeModel(model, DEFAULT_GGUF_BITS, prompt.length + 40);
    const gen = generateQuantized(model, q, prompt, 40);
    const agree = leadingAgreement(gen.ids, ref.generations["40"].ids);
    expect(agree).to.be.at.least(REQUIRED_AGREEMENT);
    expect(model.tokenizer.decode(gen.ids.slice(0, agree))).to.equal(model.tokenizer.decode(ref.generations["40"].ids.slice(0, agree)));
  });

  it("the IR graph's float run equals the float reference at every position", () => {
    const ids: number[] = ref.prompt_ids.concat(ref.generations["40"].ids.slice(0, 6));
    const graph = buildLlamaGraph(model.cfg, model.weights, ids.length);
    expect(graph.nodes.filter((n) => n.op === "CausalSoftmax")).to.have.length(5);
    const env = runFloat(graph, [tensor("int64", [ids.length], ids)]);
    const logits = env.get("logits")!;
    const reference = floatLogits(model.cfg, model.weights, ids);
    const V = model.cfg.nVocab;
    let maxDiff = 0;
    reference.forEach((row, t) => row.forEach((r, v) => (maxDiff = Math.max(maxDiff, Math.abs(logits.data[t * V + v] - r)))));
    expect(maxDiff).to.be.below(1e-9);
    // Causality: position t's argmax is the next reference token.
    for (let t = ref.prompt_ids.length - 1; t < ids.length - 1; t++) expect(argmax(reference[t])).to.equal(ids[t + 1]);
  });

  it("the KV-cache session computes exactly the whole-sequence integer run (the proved computation)", () => {
    const q = quantizeModel(model, 8, 24);
    const ids: number[] = ref.prompt_ids.concat(ref.generations["40"].ids.slice(0, 19));
    const whole = runSequence(q, ids);
    const session = new LlamaSession(q);
    ids.forEach((id, t) => {
      const row = session.step(id);
      expect([...row], `position ${t}`).to.deep.equal([...whole[t]]);
      expect(row.every((v) => Number.isInteger(v) && v >= -128 && v <= 127)).to.equal(true);
    });
  });

  it("an exact-length graph (minContext = positions) reproduces the reference tokens it certifies", () => {
    const ids: number[] = ref.prompt_ids.concat(ref.generations["40"].ids.slice(0, 16));
    const q = quantizeLlama(model.cfg, model.weights, DEFAULT_GGUF_BITS, ids.length, model.tokenizer.bos, ids.length);
    expect(q.context).to.equal(ids.length);
    expect(q.model.graph.inputs[0].shape).to.deep.equal([ids.length]);
    const rows = runSequence(q, ids);
    for (let t = ref.prompt_ids.length - 1; t < ids.length - 1; t++) expect(argmax(rows[t]), `position ${t}`).to.equal(ids[t + 1]);
  });

  it("rejects a bit width outside 8..16, a token outside the vocabulary and a full context", () => {
    expect(() => quantizeLlama(model.cfg, model.weights, 7, 8, 1)).to.throw(RangeError, /8\.\.16, got 7/);
    expect(() => quantizeLlama(model.cfg, model.weights, 12, 4000, 1)).to.throw(RangeError, /4000 positions exceed the model's context length 2048/);
    const q = quantizeModel(model, 8, 4);
    const session = new LlamaSession(q);
    expect(() => session.step(512)).to.throw(RangeError, /token id 512 is outside the vocabulary/);
    for (let t = 0; t < q.context; t++) session.step(1);
    expect(() => session.step(1)).to.throw(RangeError, /holds 96 positions; position 96 is past its end/);
    expect(() => runSequence(q, [])).to.throw(RangeError, /does not fit/);
  });
});

describe("GGUF llama: llama-2-tiny-random (F16) logits against llama.cpp", () => {
  const ref = fixture("llama-2-tiny-random");
  const expected = new Float32Array(new Uint8Array(Buffer.from(ref.last_logits_f32le_base64, "base64")).buffer);
  let model: LlamaModel;
  before(async () => {
    model = await loadLlamaModel(join(MODELS, "llama-2-tiny-random.gguf"));
  });

  it(`float logits match (cosine ≥ ${REQUIRED_COSINE}, same top tokens at every position)`, () => {
    expect(model.file.tensors.filter((t) => t.type === GgmlType.F16)).to.have.length(9);
    const logits = floatLogits(model.cfg, model.weights, ref.prompt_ids);
    expect(cosine(logits[logits.length - 1], expected)).to.be.at.least(REQUIRED_COSINE);
    logits.forEach((l, pos) => expect(argmax(l), `position ${pos}`).to.equal(ref.top_logits[pos][0][0]));
  });

  it(`quantized logits match (cosine ≥ ${REQUIRED_COSINE}) at the default bit width`, () => {
    const q = quantizeModel(model, DEFAULT_GGUF_BITS, ref.prompt_ids.length);
    const rows = runSequence(q, ref.prompt_ids);
    const last = rows[rows.length - 1].map((v) => v * logitsScale(q));
    expect(cosine(last, expected)).to.be.at.least(REQUIRED_COSINE);
  });
});

describe("GGUF llama: the greedy loop", () => {
  /** A fake model whose next token is a fixed function of the last one, recording what it was fed. */
  const fake = (next: (t: number) => number, fed: number[]) => (t: number) => {
    fed.push(t);
    const scores = new Float64Array(8);
    scores[next(t)] = 1;
    return scores;
  };

  it("feeds the prompt, then each chosen token, and stops after count tokens or on EOS", () => {
    const fed: number[] = [];
    const gen = greedy(fake((t) => (t + 1) % 8, fed), [1, 3], 3, 7);
    expect(gen).to.deep.equal({ ids: [4, 5, 6], stoppedOnEos: false });
    expect(fed).to.deep.equal([1, 3, 4, 5]);
    const eos = greedy(fake((t) => (t + 2) % 8, []), [1], 10, 5);
    expect(eos).to.deep.equal({ ids: [3, 5], stoppedOnEos: true });
  });

  it("breaks ties towards the lowest id and rejects an empty prompt", () => {
    expect(greedy(() => [0, 2, 2, 1], [0], 1).ids).to.deep.equal([1]);
    expect(() => greedy(() => [1], [], 1)).to.throw(RangeError, /at least one token/);
  });
});

describe("GGUF llama: config and layout errors", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "deepprove-llama-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const llamaKv = {
    "general.architecture": kvString("llama"),
    "llama.block_count": kvU32(1),
    "llama.embedding_length": kvU32(8),
    "llama.feed_forward_length": kvU32(16),
    "llama.attention.head_count": kvU32(2),
    "llama.attention.head_count_kv": kvU32(2),
    "llama.context_length": kvU32(64),
    "llama.attention.layer_norm_rms_epsilon": kvF32(1e-5),
    "llama.vocab_size": kvU32(4),
  };
  const f32 = (name: string, ne: number[]) => ({ name, ne, type: GgmlType.F32, data: new Uint8Array(4 * ne.reduce((a, b) => a * b, 1)) });

  it("recognises GPT-2 and says what it would need", async () => {
    const path = join(dir, "gpt2.gguf");
    await writeGguf(path, { "general.architecture": kvString("gpt2") }, []);
    const file = await readGguf(path);
    expect(() => readLlamaConfig(file)).to.throw(GgufError, /metadata "general.architecture".*gpt2 is recognised.*position_embd.*builds only: llama/);
  });

  it("rejects other architectures, missing keys and inconsistent heads", async () => {
    const path = join(dir, "mamba.gguf");
    await writeGguf(path, { "general.architecture": kvString("mamba") }, []);
    const mamba = await readGguf(path);
    expect(() => readLlamaConfig(mamba)).to.throw(GgufError, /"mamba" is not supported; supported: llama/);
    const noBlocks = join(dir, "noblocks.gguf");
    const { ["llama.block_count"]: _omit, ...rest } = llamaKv;
    await writeGguf(noBlocks, rest, []);
    const missing = await readGguf(noBlocks);
    expect(() => readLlamaConfig(missing)).to.throw(GgufError, /metadata "llama.block_count".*missing/);
    const badHeads = join(dir, "heads.gguf");
    await writeGguf(badHeads, { ...llamaKv, "llama.attention.head_count_kv": kvU32(3) }, []);
    const heads = await readGguf(badHeads);
    expect(() => readLlamaConfig(heads)).to.throw(GgufError, /head_count 2 is not a multiple of head_count_kv 3/);
  });

  it("names the tensor whose shape does not fit the config", async () => {
    const path = join(dir, "shapes.gguf");
    await writeGguf(path, llamaKv, [f32("token_embd.weight", [8, 4]), f32("blk.0.attn_norm.weight", [8]), f32("blk.0.attn_q.weight", [8, 6])]);
    const file = await readGguf(path);
    const cfg = readLlamaConfig(file);
    expect(() => loadLlamaWeights(file, cfg)).to.throw(GgufError, /tensor "blk.0.attn_q.weight".*shape \[6, 8\].*expected \[8, 8\]/);
  });
});
