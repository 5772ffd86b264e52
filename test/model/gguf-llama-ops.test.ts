/**
 * The llama operators (RMSNorm, RoPE, CausalSoftmax, SiLU): integer kernels checked by their defining
 * inequalities and against the float semantics, and the quantized plans against the float run on a tiny
 * graph through the shared quantizer and integer executor.
 */
import { expect } from "chai";
import fc from "fast-check";
import { runFloat } from "../../src/model/exec/float";
import { runInteger } from "../../src/model/exec/integer";
import { DEEPPROVE_DOMAIN, tensor } from "../../src/model/ir";
import type { Graph, Node, Tensor, TensorInfo } from "../../src/model/ir";
import { expTable, isqrt, rmsReciprocal, RMS_BITS, ropeInt, ropeTables, ROPE_BITS, siluTable, softmaxInt } from "../../src/model/llama-kernels";
import "../../src/model/llama-ops";
import { toFixedPoint } from "../../src/model/quant/fixed-point";
import { quantizeGraph } from "../../src/model/quant/quantize";

describe("llama kernels", () => {
  it("isqrt is the floor square root", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 100n }), (n) => {
        const r = isqrt(n);
        expect(r * r <= n && (r + 1n) * (r + 1n) > n).to.equal(true);
      }),
    );
    expect(() => isqrt(-1n)).to.throw(RangeError);
  });

  it("the RMSNorm reciprocal satisfies r²·S ≤ 2^(2·RMS_BITS)·d < (r+1)²·S", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 1, maxLength: 64 }), fc.nat(1000), (xs, eps) => {
        const x = Float64Array.from(xs);
        const r = BigInt(rmsReciprocal(x, eps));
        let s = BigInt(eps);
        for (const v of xs) s += BigInt(v * v);
        if (s < 1n) s = 1n;
        const num = (1n << BigInt(2 * RMS_BITS)) * BigInt(xs.length);
        expect(r * r * s <= num).to.equal(true);
        expect((r + 1n) * (r + 1n) * s > num).to.equal(true);
      }),
    );
  });

  it("integer RoPE tracks the float rotation within requantization error", () => {
    const tables = ropeTables(8, 10000, 32);
    const fp = toFixedPoint(1 / 2 ** ROPE_BITS); // output scale = input scale
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -2000, max: 2000 }), { minLength: 16, maxLength: 16 }), fc.nat(31), (xs, pos) => {
        const y = ropeInt(Float64Array.from(xs), 2, 8, pos, tables, fp, -32768, 32767);
        for (let h = 0; h < 2; h++) {
          for (let i = 0; i < 4; i++) {
            const a = pos * 10000 ** (-i / 4);
            const [x0, x1] = [xs[h * 8 + 2 * i], xs[h * 8 + 2 * i + 1]];
            expect(y[h * 8 + 2 * i]).to.be.closeTo(x0 * Math.cos(a) - x1 * Math.sin(a), 1.5);
            expect(y[h * 8 + 2 * i + 1]).to.be.closeTo(x0 * Math.sin(a) + x1 * Math.cos(a), 1.5);
          }
        }
      }),
    );
  });

  it("integer softmax sums to ≈ one, is monotone in the score and ends its table at the first zero", () => {
    const scale = 0.01;
    const table = expTable(scale, 65535);
    expect(table[table.length - 1]).to.be.greaterThan(0);
    expect(Math.round(2 ** 16 * Math.exp(-table.length * scale))).to.equal(0);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -2047, max: 2047 }), { minLength: 1, maxLength: 40 }), (xs) => {
        const p = softmaxInt(Float64Array.from(xs), table, 2047);
        const sum = p.reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - 2047)).to.be.at.most(xs.length);
        for (let i = 0; i < xs.length; i++) for (let j = 0; j < xs.length; j++) if (xs[i] > xs[j]) expect(p[i]).to.be.at.least(p[j]);
      }),
    );
  });

  it("the SiLU table is the rounded float function, clamped", () => {
    const t = siluTable(0.01, 0.01, -128, 127);
    expect(t.length).to.equal(256);
    expect(t[0 - -128]).to.equal(0);
    expect(t[100 - -128]).to.equal(Math.round(1 / (1 + Math.exp(-1)) / 0.01));
    expect(t[-100 - -128]).to.equal(Math.round(-1 / (1 + Math.exp(1)) / 0.01));
  });
});

/** A one-block attention-free graph using every llama operator: RMSNorm → RoPE → SiLU, plus scores → CausalSoftmax. */
function tinyGraph(): Graph {
  const T = 6;
  const D = 8;
  const values = new Map<string, TensorInfo>();
  const initializers = new Map<string, Tensor>();
  const info = (name: string, shape: number[]) => values.set(name, { name, dtype: "float32", shape });
  info("x", [T, D]);
  info("s", [2, T, T]);
  initializers.set("g", tensor("float32", [D], [0.5, 1, 1.5, 2, -1, 0.25, 1, 3]));
  info("g", [D]);
  const nodes: Node[] = [
    { name: "norm", op: "RMSNorm", domain: DEEPPROVE_DOMAIN, inputs: ["x", "g"], outputs: ["norm"], attrs: { epsilon: { kind: "float", value: 1e-5 } } },
    { name: "rope", op: "RoPE", domain: DEEPPROVE_DOMAIN, inputs: ["norm"], outputs: ["rope"], attrs: { num_heads: { kind: "int", value: 2 }, rotary_dim: { kind: "int", value: 2 }, base: { kind: "float", value: 10000 } } },
    { name: "act", op: "SiLU", domain: DEEPPROVE_DOMAIN, inputs: ["rope"], outputs: ["act"], attrs: {} },
    { name: "probs", op: "CausalSoftmax", domain: DEEPPROVE_DOMAIN, inputs: ["s"], outputs: ["probs"], attrs: { scale: { kind: "float", value: 0.5 } } },
  ];
  for (const n of ["norm", "rope", "act"]) info(n, [T, D]);
  info("probs", [2, T, T]);
  return { name: "tiny-llama-ops", opset: 17, inputs: [values.get("x")!, values.get("s")!], outputs: [values.get("act")!, values.get("probs")!], nodes, initializers, values };
}

describe("llama operators through the shared quantizer and integer executor", () => {
  const rnd = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 97 + i * 12.9898) * 3);
  const graph = tinyGraph();
  const sample = [tensor("float32", [6, 8], rnd(48, 1)), tensor("float32", [2, 6, 6], rnd(72, 2))];

  it("float semantics: RMSNorm rows have unit RMS before the gain; causal rows sum to 1 with zeros above the diagonal", () => {
    const env = runFloat(graph, sample);
    const norm = env.get("norm")!.data;
    const gain = graph.initializers.get("g")!.data;
    for (let r = 0; r < 6; r++) {
      let ss = 0;
      for (let i = 0; i < 8; i++) ss += (norm[r * 8 + i] / gain[i]) ** 2;
      expect(Math.sqrt(ss / 8)).to.be.closeTo(1, 1e-5);
    }
    const probs = env.get("probs")!.data;
    for (let r = 0; r < 12; r++) {
      const i = r % 6;
      let sum = 0;
      for (let j = 0; j < 6; j++) {
        if (j > i) expect(probs[r * 6 + j]).to.equal(0);
        sum += probs[r * 6 + j];
      }
      expect(sum).to.be.closeTo(1, 1e-12);
    }
  });

  for (const bits of [8, 12, 16]) {
    it(`${bits}-bit plans track the float run; masked probabilities are exactly 0`, () => {
      const q = quantizeGraph(graph, [sample], bits);
      expect(q.plans.get("norm")!.kind).to.equal("rmsnorm");
      expect(q.plans.get("probs")!.kind).to.equal("causal-softmax");
      const qx = sample.map((t) => ({ ...t, data: t.data.map((v) => Math.round(v / q.scales.get(t === sample[0] ? "x" : "s")!)) }));
      const trace = runInteger(q, qx);
      const env = runFloat(graph, sample);
      const tolerance = bits === 8 ? 0.08 : bits === 12 ? 0.006 : 0.0005;
      for (const out of trace.outputs) {
        const ref = env.get(out.name)!.data;
        const maxRef = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        out.tensor.data.forEach((v, i) => expect(Math.abs(v * out.scale - ref[i]) / maxRef, `${out.name}[${i}]`).to.be.below(tolerance));
      }
      const probs = trace.outputs[1].tensor.data;
      for (let r = 0; r < 12; r++) for (let j = (r % 6) + 1; j < 6; j++) expect(probs[r * 6 + j]).to.equal(0);
    });
  }
});
