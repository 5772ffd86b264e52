/**
 * Dequantization checked against llama.cpp itself: the synthetic llama of `gguf-synthetic.ts` (Q8_0, Q4_0
 * and Q4_K matrices) is rebuilt byte for byte, and our float forward pass must reproduce the logits
 * llama.cpp computed on the same file (scripts/gguf-reference.ts). A wrong nibble order, scale unpacking
 * or block size would scramble whole matrices and drop the cosine far below the bound.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GgmlType } from "../../src/model/gguf/ggml-types";
import { loadLlamaModel, quantizeModel } from "../../src/model/gguf/generate";
import { floatLogits } from "../../src/model/gguf/llama-float";
import { argmax, logitsScale, runSequence } from "../../src/model/gguf/llama-quant";
import { writeSyntheticLlama } from "./gguf-synthetic";

const ref = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "gguf", "synthetic-kquants.reference.json"), "utf8")) as {
  sha256: string;
  prompt_ids: number[];
  logits: number[][];
};

/** llama.cpp multiplies k-quant weights by activations quantized to 8 bits, so the match is close, not exact. */
const FLOAT_COSINE = 0.999;
const QUANTIZED_COSINE = 0.99;

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

describe("GGUF dequantization against llama.cpp (synthetic Q8_0/Q4_0/Q4_K llama)", () => {
  let dir: string;
  let path: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "deepprove-kquants-"));
    path = join(dir, "synthetic-kquants.gguf");
    const bytes = await writeSyntheticLlama(path);
    expect(createHash("sha256").update(bytes).digest("hex"), "the file llama.cpp saw").to.equal(ref.sha256);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`float logits match llama.cpp's at every position (cosine ≥ ${FLOAT_COSINE}, same argmax)`, async () => {
    const model = await loadLlamaModel(path);
    const types = model.file.tensors.map((t) => t.type);
    for (const t of [GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K]) expect(types).to.include(t);
    const logits = floatLogits(model.cfg, model.weights, ref.prompt_ids);
    logits.forEach((row, t) => {
      expect(cosine(row, ref.logits[t]), `position ${t}`).to.be.at.least(FLOAT_COSINE);
      expect(argmax(row), `position ${t}`).to.equal(argmax(ref.logits[t]));
    });
  });

  it(`quantized logits (default bits) match llama.cpp's (cosine ≥ ${QUANTIZED_COSINE})`, async () => {
    const model = await loadLlamaModel(path);
    const q = quantizeModel(model, 12, ref.prompt_ids.length);
    const rows = runSequence(q, ref.prompt_ids);
    rows.forEach((row, t) => expect(cosine(row.map((v) => v * logitsScale(q)), ref.logits[t]), `position ${t}`).to.be.at.least(QUANTIZED_COSINE));
  });
});
