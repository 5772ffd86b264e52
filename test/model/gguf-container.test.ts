/**
 * GGUF container reading and block dequantization. Files are written with `@huggingface/gguf`'s writer
 * (`buildGgufHeader`) and block bytes built here from the GGML block layouts; expected floats are computed
 * here from the values the test chose, never by the reader under test.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGguf, tensorValues } from "../../src/model/gguf/container";
import { f16ToNumber } from "../../src/model/gguf/dequantize";
import { GgufError } from "../../src/model/gguf/errors";
import { GgmlType } from "../../src/model/gguf/ggml-types";
import { kvString, writeGguf } from "./gguf-writer";
import type { TensorSpec } from "./gguf-writer";

/** f16 bit patterns with their exact values (chosen by hand; includes a negative and a subnormal). */
const HALVES: readonly [bits: number, value: number][] = [
  [0x3c00, 1],
  [0x3800, 0.5],
  [0x3400, 0.25],
  [0xb000, -0.125],
  [0x4200, 3],
  [0x2c00, 0.0625],
  [0x0001, 2 ** -24],
  [0x1400, 2 ** -10],
];

/** Deterministic small PRNG so block contents vary without randomness in the test outcome. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

function putF16(bytes: Uint8Array, at: number, bits: number): void {
  bytes[at] = bits & 0xff;
  bytes[at + 1] = bits >> 8;
}

/** Q8_0 blocks: [d f16][32 × int8]; x = d·q. */
function q8_0(blocks: number, rnd: () => number): { data: Uint8Array; expected: number[] } {
  const data = new Uint8Array(blocks * 34);
  const expected: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const [bits, d] = HALVES[rnd() % HALVES.length];
    putF16(data, b * 34, bits);
    for (let j = 0; j < 32; j++) {
      const q = (rnd() % 256) - 128;
      data[b * 34 + 2 + j] = q & 0xff;
      expected.push(d * q);
    }
  }
  return { data, expected };
}

/** Q4_0 blocks: [d f16][16 bytes: low nibble = q[j]+8, high nibble = q[j+16]+8]; x = d·q, q ∈ [−8, 7]. */
function q4_0(blocks: number, rnd: () => number): { data: Uint8Array; expected: number[] } {
  const data = new Uint8Array(blocks * 18);
  const expected: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const [bits, d] = HALVES[rnd() % HALVES.length];
    putF16(data, b * 18, bits);
    const q = Array.from({ length: 32 }, () => (rnd() % 16) - 8);
    for (let j = 0; j < 16; j++) data[b * 18 + 2 + j] = (q[j] + 8) | ((q[j + 16] + 8) << 4);
    expected.push(...q.map((v) => d * v));
  }
  return { data, expected };
}

/**
 * Q4_K super-blocks: [d f16][dmin f16][12 scale bytes][128 quant bytes]. Eight sub-blocks s of 32 have a
 * 6-bit scale sc_s and min m_s: s < 4 keep them in the low 6 bits of bytes s and s+4; s ≥ 4 put their low
 * nibbles in byte s+4 (scale low, min high) and their top 2 bits in the top bits of bytes s−4 (scale) and s
 * (min). Quant byte 32g+l holds sub-block 2g's element l (low nibble) and sub-block 2g+1's (high nibble).
 * x = d·sc·q − dmin·m.
 */
function q4_K(blocks: number, rnd: () => number): { data: Uint8Array; expected: number[] } {
  const data = new Uint8Array(blocks * 144);
  const expected: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const base = b * 144;
    const [dBits, d] = HALVES[rnd() % HALVES.length];
    const [mBits, dmin] = HALVES[rnd() % HALVES.length];
    putF16(data, base, dBits);
    putF16(data, base + 2, mBits);
    const sc = Array.from({ length: 8 }, () => rnd() % 64);
    const mn = Array.from({ length: 8 }, () => rnd() % 64);
    // Make sure the top bits of the upper sub-blocks are exercised.
    sc[7] = 63;
    mn[6] = 48;
    const s = data.subarray(base + 4, base + 16);
    for (let j = 0; j < 4; j++) {
      s[j] = sc[j];
      s[j + 4] = mn[j];
    }
    for (let j = 4; j < 8; j++) {
      s[j + 4] = (sc[j] & 0x0f) | ((mn[j] & 0x0f) << 4);
      s[j - 4] |= (sc[j] >> 4) << 6;
      s[j] |= (mn[j] >> 4) << 6;
    }
    const q = Array.from({ length: 8 }, () => Array.from({ length: 32 }, () => rnd() % 16));
    for (let g = 0; g < 4; g++) {
      for (let l = 0; l < 32; l++) data[base + 16 + 32 * g + l] = q[2 * g][l] | (q[2 * g + 1][l] << 4);
    }
    for (let sub = 0; sub < 8; sub++) for (let l = 0; l < 32; l++) expected.push(d * sc[sub] * q[sub][l] - dmin * mn[sub]);
  }
  return { data, expected };
}

describe("GGUF container and dequantization", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "deepprove-gguf-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("f16 decoding matches hand-computed halves, including subnormals and specials", () => {
    for (const [bits, value] of HALVES) expect(f16ToNumber(bits)).to.equal(value);
    expect(f16ToNumber(0x7c00)).to.equal(Infinity);
    expect(f16ToNumber(0xfc00)).to.equal(-Infinity);
    expect(Number.isNaN(f16ToNumber(0x7e00))).to.equal(true);
    expect(Object.is(f16ToNumber(0x8000), -0)).to.equal(true);
    expect(f16ToNumber(0x7bff)).to.equal(65504);
  });

  it("reads F32, F16, Q8_0, Q4_0 and Q4_K tensors written with buildGgufHeader", async () => {
    const rnd = lcg(7);
    const f32 = Float32Array.from([1.5, -2.25, 3.0e-3, 0, -0, 1e30]);
    const f16 = HALVES.map(([bits]) => bits);
    const f16Bytes = new Uint8Array(f16.length * 2);
    f16.forEach((bits, i) => putF16(f16Bytes, 2 * i, bits));
    const a = q8_0(4, rnd); // [64, 2]
    const b = q4_0(3, rnd); // [32, 3]
    const c = q4_K(2, rnd); // [256, 2]
    const tensors: TensorSpec[] = [
      { name: "f32", ne: [6], type: GgmlType.F32, data: new Uint8Array(f32.buffer) },
      { name: "f16", ne: [f16.length], type: GgmlType.F16, data: f16Bytes },
      { name: "q8", ne: [64, 2], type: GgmlType.Q8_0, data: a.data },
      { name: "q4", ne: [32, 3], type: GgmlType.Q4_0, data: b.data },
      { name: "q4k", ne: [256, 2], type: GgmlType.Q4_K, data: c.data },
    ];
    const path = join(dir, "blocks.gguf");
    await writeGguf(path, { "general.architecture": kvString("llama") }, tensors);
    const file = await readGguf(path);
    expect(file.version).to.equal(3);
    expect(file.metadata["general.architecture"]).to.equal("llama");
    expect(file.tensors.map((t) => t.name)).to.deep.equal(["f32", "f16", "q8", "q4", "q4k"]);
    expect(file.tensors[2].shape).to.deep.equal([2, 64]);
    expect([...tensorValues(file, "f32", [6])]).to.deep.equal([...f32]);
    expect([...tensorValues(file, "f16")]).to.deep.equal(HALVES.map(([, v]) => v));
    expect([...tensorValues(file, "q8", [2, 64])]).to.deep.equal(a.expected);
    expect([...tensorValues(file, "q4", [3, 32])]).to.deep.equal(b.expected);
    const got = tensorValues(file, "q4k", [2, 256]);
    expect(got.length).to.equal(c.expected.length);
    c.expected.forEach((e, i) => expect(got[i]).to.be.closeTo(e, 1e-12));
  });

  describe("bad files give clear errors naming the file and tensor", () => {
    const good = async (name: string): Promise<{ path: string; bytes: Uint8Array }> => {
      const path = join(dir, name);
      const bytes = await writeGguf(path, { "general.architecture": kvString("llama") }, [
        { name: "w", ne: [32, 2], type: GgmlType.Q8_0, data: q8_0(2, lcg(1)).data },
      ]);
      return { path, bytes };
    };
    const rejects = async (path: string, pattern: RegExp): Promise<GgufError> => {
      try {
        await readGguf(path);
      } catch (error) {
        expect(error).to.be.instanceOf(GgufError);
        expect((error as Error).message).to.match(pattern);
        expect((error as Error).message.startsWith(path)).to.equal(true);
        return error as GgufError;
      }
      throw new Error(`expected ${path} to be rejected`);
    };

    it("wrong magic", async () => {
      const { path, bytes } = await good("magic.gguf");
      bytes[0] = 0x46;
      writeFileSync(path, bytes);
      await rejects(path, /not a GGUF file: expected magic "GGUF".*found 46 47 55 46/);
    });

    it("a missing file", async () => {
      await rejects(join(dir, "absent.gguf"), /cannot read the file \(ENOENT\)/);
    });

    it("truncated tensor data names the tensor and the byte range", async () => {
      const { path, bytes } = await good("trunc-data.gguf");
      writeFileSync(path, bytes.subarray(0, bytes.length - 40));
      const e = await rejects(path, /tensor "w".*Q8_0 \[32, 2\] needs bytes \d+\.\.\d+ but the file ends at \d+ \(truncated\)/);
      expect(e.tensor).to.equal("w");
    });

    it("truncated header", async () => {
      const { path, bytes } = await good("trunc-header.gguf");
      writeFileSync(path, bytes.subarray(0, 40));
      await rejects(path, /truncated|ends early/);
    });

    it("a row length that is not a whole number of blocks", async () => {
      const path = join(dir, "partial-block.gguf");
      await writeGguf(path, {}, [{ name: "odd", ne: [48, 1], type: GgmlType.Q4_0, data: new Uint8Array(36) }]);
      await rejects(path, /tensor "odd".*blocks of 32; the row length ne\[0\] = 48 is not a multiple/);
    });

    it("an unknown tensor type", async () => {
      const path = join(dir, "unknown-type.gguf");
      await writeGguf(path, {}, [{ name: "x", ne: [4], type: 99, data: new Uint8Array(16) }]);
      await rejects(path, /tensor "x".*unknown GGML tensor type 99/);
    });

    it("an unaligned or overlapping data offset", async () => {
      const unaligned = join(dir, "unaligned.gguf");
      await writeGguf(unaligned, {}, [{ name: "x", ne: [4], type: GgmlType.F32, data: new Uint8Array(16), offset: 4 }]);
      await rejects(unaligned, /tensor "x".*offset 4 is not a multiple of the alignment 32/);
      const overlap = join(dir, "overlap.gguf");
      await writeGguf(overlap, {}, [
        { name: "a", ne: [16], type: GgmlType.F32, data: new Uint8Array(64) },
        { name: "b", ne: [4], type: GgmlType.F32, data: new Uint8Array(16), offset: 32 },
      ]);
      await rejects(overlap, /tensor "a".*overlap tensor "b"/);
    });

    it("a known but undecodable type names the tensor and the supported types", async () => {
      const path = join(dir, "q6k.gguf");
      await writeGguf(path, {}, [{ name: "blk.0.ffn_down.weight", ne: [256], type: 14, data: new Uint8Array(210) }]);
      const file = await readGguf(path);
      expect(() => tensorValues(file, "blk.0.ffn_down.weight")).to.throw(
        GgufError,
        /tensor "blk.0.ffn_down.weight".*cannot dequantize GGML type Q6_K; supported: F32, F16, Q8_0, Q4_0, Q4_K/,
      );
    });

    it("a shape that does not match what the model needs", async () => {
      const { path } = await good("shape.gguf");
      const file = await readGguf(path);
      expect(() => tensorValues(file, "w", [2, 64])).to.throw(GgufError, /tensor "w".*shape \[2, 32\].*does not match the expected \[2, 64\]/);
      expect(() => tensorValues(file, "missing")).to.throw(GgufError, /tensor "missing".*required tensor is missing/);
    });

    it("the real models' bytes are read unchanged", async () => {
      const path = join(__dirname, "..", "..", "..", "shared", "models", "gguf", "stories260K.gguf");
      const file = await readGguf(path);
      const embd = file.tensors.find((t) => t.name === "token_embd.weight")!;
      const raw = readFileSync(path);
      expect(Buffer.from(embd.bytes).equals(raw.subarray(embd.fileOffset, embd.fileOffset + 64 * 512 * 4))).to.equal(true);
    });
  });
});
