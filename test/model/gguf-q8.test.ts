/**
 * End to end on block-quantized weights: stories260K re-encoded with Q8_0 blocks (the 32 matrices whose rows are
 * whole blocks; 1-D norms and the 172-wide ffn_down stay F32, as llama.cpp's converters keep odd shapes) and
 * written with @huggingface/gguf's writer. The Q8_0 blocks are encoded here from the GGML layout; the model
 * must still load, and its float and quantized greedy continuations still match llama.cpp's.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gguf } from "@huggingface/gguf";
import { readGguf } from "../../src/model/gguf/container";
import { generateFloat, generateQuantized, leadingAgreement, loadLlamaModel, promptIds, quantizeModel } from "../../src/model/gguf/generate";
import { GgmlType } from "../../src/model/gguf/ggml-types";
import { writeGguf } from "./gguf-writer";
import type { KvSpec, TensorSpec } from "./gguf-writer";

const STORIES = join(__dirname, "..", "..", "..", "shared", "models", "gguf", "stories260K.gguf");
const ref = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "gguf", "stories260K.reference.json"), "utf8"));

/** Nearest binary16 to `v` (round half to even is not needed here: ties are measure-zero for these data). */
function toHalf(v: number): { bits: number; value: number } {
  if (v === 0) return { bits: 0, value: 0 };
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  let e = Math.floor(Math.log2(a));
  if (e < -14) {
    const m = Math.round(a / 2 ** -24);
    return { bits: sign | m, value: Math.sign(v) * m * 2 ** -24 };
  }
  let m = Math.round((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e += 1;
  }
  if (e > 15) throw new RangeError(`${v} overflows binary16`);
  return { bits: sign | ((e + 15) << 10) | m, value: Math.sign(v) * (1 + m / 1024) * 2 ** e };
}

/** Q8_0 encoding of float32 data: per block of 32, d = f16(max|x|/127), q = round(x/d). */
function encodeQ8_0(x: Float32Array): Uint8Array {
  const data = new Uint8Array((x.length / 32) * 34);
  for (let b = 0; b < x.length / 32; b++) {
    const block = x.subarray(b * 32, (b + 1) * 32);
    const amax = block.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const d = toHalf(amax / 127);
    data[b * 34] = d.bits & 0xff;
    data[b * 34 + 1] = d.bits >> 8;
    block.forEach((v, j) => {
      const q = d.value === 0 ? 0 : Math.max(-127, Math.min(127, Math.round(v / d.value)));
      data[b * 34 + 2 + j] = q & 0xff;
    });
  }
  return data;
}

describe("GGUF llama: stories260K with Q8_0 blocks", () => {
  let dir: string;
  let path: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "deepprove-q8-"));
    path = join(dir, "stories260K-q8_0.gguf");
    const parsed = await gguf(STORIES, { allowLocalFile: true, typedMetadata: true });
    const { version: _v, tensor_count: _t, kv_count: _k, ...kv } = parsed.typedMetadata as unknown as Record<string, KvSpec>;
    const source = await readGguf(STORIES);
    const tensors: TensorSpec[] = source.tensors.map((t) => {
      const floats = new Float32Array(t.bytes.slice().buffer);
      if (t.ne.length === 2 && t.ne[0] % 32 === 0) return { name: t.name, ne: t.ne, type: GgmlType.Q8_0, data: encodeQ8_0(floats) };
      return { name: t.name, ne: t.ne, type: GgmlType.F32, data: t.bytes.slice() };
    });
    await writeGguf(path, kv, tensors);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("loads with Q8_0 tensors and keeps llama.cpp's greedy continuation (float and default quantized)", async () => {
    const model = await loadLlamaModel(path);
    expect(model.file.tensors.filter((t) => t.type === GgmlType.Q8_0)).to.have.length(32);
    const prompt = promptIds(model, ref.prompt);
    const float = generateFloat(model, prompt, 40);
    expect(leadingAgreement(float.ids, ref.generations["40"].ids)).to.be.at.least(30);
    const quantized = generateQuantized(model, quantizeModel(model, 12, prompt.length + 40), prompt, 40);
    expect(leadingAgreement(quantized.ids, ref.generations["40"].ids)).to.be.at.least(30);
  });
});
