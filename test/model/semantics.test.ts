/**
 * The integer executor against an independent transcription of docs/quantization.md: for a few plan kinds
 * the test recomputes every output integer from the documented formula (bigint arithmetic, written from the
 * document rather than from the executor) and requires bit-for-bit equality. The prover relies on this
 * contract.
 */
import { expect } from "chai";
import { importOnnxBytes } from "../../src/model/onnx/import";
import { quantizeGraph } from "../../src/model/quant/quantize";
import { quantizeInputs, runInteger, type IntegerTrace } from "../../src/model/exec/integer";
import { erf } from "../../src/model/ops/unary";
import { buildOnnx, seeded, type GraphSpec } from "./helpers/onnx-builder";
import { inputsFor } from "./helpers/harness";

const B = 10;
const QMIN = -(2 ** (B - 1));
const QMAX = 2 ** (B - 1) - 1;

/** floor((x*M + 2^(s-1)) / 2^s) in bigint, then clamp, as the document states it. */
function requant(x: bigint, m: number, s: number): number {
  const p = x * BigInt(m) + (s > 0 ? 1n << BigInt(s - 1) : 0n);
  const q = Number(p >> BigInt(s));
  return Math.min(Math.max(q, QMIN), QMAX);
}

function roundDivDoc(n: bigint, d: bigint, sat: number): number {
  if (d === 0n) return n === 0n ? 0 : n > 0n ? sat : -sat;
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const num = 2n * n + d;
  const den = 2n * d;
  let q = num / den;
  if (num % den !== 0n && num < 0n) q -= 1n;
  return Number(q);
}

const spec: GraphSpec = {
  inputs: [{ name: "X", dims: [2, 6] }],
  outputs: [{ name: "Y", dims: [] }, { name: "P", dims: [] }],
  initializers: [
    { name: "W", dims: [6, 4], values: seeded(24, 5) },
    { name: "b", dims: [4], values: seeded(4, 6) },
  ],
  nodes: [
    { op: "Gemm", inputs: ["X", "W", "b"], outputs: ["L"], name: "fc" },
    { op: "Tanh", inputs: ["L"], outputs: ["T"], name: "tanh" },
    { op: "Add", inputs: ["T", "L"], outputs: ["Y"], name: "residual" },
    { op: "Softmax", inputs: ["Y"], outputs: ["P"], name: "prob", attrs: { axis: -1 } },
  ],
};

describe("model: integer semantics match docs/quantization.md bit for bit", () => {
  const graph = importOnnxBytes(buildOnnx(spec));
  const inputs = inputsFor(graph, 3);
  const model = quantizeGraph(graph, [inputs], B);
  const trace: IntegerTrace = runInteger(model, quantizeInputs(model, inputs));
  const step = (name: string) => trace.steps.find((s) => s.node === name)!;
  const x = trace.inputs[0].data;

  it("linear: acc = Σ qx·qw + qbias, then requant", () => {
    const { multiplier, shift } = step("fc").plan.params as { multiplier: number; shift: number };
    const w = model.weights.get("W")!.tensor.data;
    const bias = model.weights.get("fc:bias")!.tensor.data;
    const out = step("fc").values[0].data;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 4; j++) {
        let acc = BigInt(bias[j]);
        for (let k = 0; k < 6; k++) acc += BigInt(x[i * 6 + k]) * BigInt(w[k * 4 + j]);
        expect(out[i * 4 + j]).to.equal(requant(acc, multiplier, shift));
      }
    }
  });

  it("table: T[q] = clamp(roundHalfAway(f(q·s_in)/s_out)) over the whole b-bit domain", () => {
    const s = step("tanh");
    const { inScale, outScale } = s.plan.params as { inScale: number; outScale: number };
    const table = s.plan.tables!["tanh:table"];
    expect(table.offset).to.equal(QMIN);
    expect(table.values.length).to.equal(2 ** B);
    for (let q = QMIN; q <= QMAX; q++) {
      const v = Math.tanh(q * inScale) / outScale;
      expect(table.values[q - QMIN]).to.equal(Math.min(Math.max(Math.sign(v) * Math.round(Math.abs(v)), QMIN), QMAX));
    }
    const input = step("fc").values[0].data;
    s.values[0].data.forEach((v, i) => expect(v).to.equal(table.values[input[i] - QMIN]));
  });

  it("add: clamp(mulShiftRound(qa·Ma + qb·Mb, 1, s)) on a shared shift", () => {
    const { multiplierA, multiplierB, shift } = step("residual").plan.params as { multiplierA: number; multiplierB: number; shift: number };
    const a = step("tanh").values[0].data;
    const b = step("fc").values[0].data;
    step("residual").values[0].data.forEach((v, i) => {
      expect(v).to.equal(requant(BigInt(a[i]) * BigInt(multiplierA) + BigInt(b[i]) * BigInt(multiplierB), 1, shift));
    });
  });

  it("softmax: exp table on q − max, sum, roundDiv(e·qmax, S)", () => {
    const s = step("prob");
    const table = s.plan.tables!["prob:exp"];
    const inScale = model.scales.get("Y")!;
    expect(table.offset).to.equal(-(2 ** B - 1));
    for (let d = table.offset; d <= 0; d++) expect(table.values[d - table.offset]).to.equal(Math.round(Math.exp(d * inScale) * 2 ** (B - 1)));
    expect(s.outScales[0]).to.equal(1 / QMAX);
    const y = step("residual").values[0].data;
    for (let r = 0; r < 2; r++) {
      const row = Array.from(y.slice(r * 4, r * 4 + 4));
      const m = Math.max(...row);
      const e = row.map((q) => table.values[q - m - table.offset]);
      const S = e.reduce((p, v) => p + v, 0);
      e.forEach((ev, j) => expect(s.values[0].data[r * 4 + j]).to.equal(roundDivDoc(BigInt(ev * QMAX), BigInt(S), QMAX)));
    }
  });

  it("graph outputs are the last integer values with their scales", () => {
    expect(trace.outputs.map((o) => o.name)).to.deep.equal(["Y", "P"]);
    expect([...trace.outputs[0].tensor.data]).to.deep.equal([...step("residual").values[0].data]);
    expect(trace.outputs[0].scale).to.equal(model.scales.get("Y"));
  });
});

describe("model: float kernels", () => {
  it("erf matches reference values to 1e-13", () => {
    const known: [number, number][] = [
      [0, 0], [0.3, 0.3286267594591112], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
      [2, 0.9953222650189527], [2.5, 0.999593047982555], [3, 0.9999779095030014], [-1.5, -0.9661051464753108],
    ];
    for (const [x, v] of known) expect(Math.abs(erf(x) - v), `erf(${x})`).to.be.below(1e-13);
  });
});
