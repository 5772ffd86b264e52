/**
 * Conv (im2col + MatMul + selector), window sums, Pad, Slice, Concat and the factorized selector itself:
 * completeness (true claims handed on), soundness (every proof scalar tampered, claims changed, shapes refused).
 */
import { expect } from "chai";
import { MODULUS } from "../../src/field/fr";
import { conv } from "../../src/model/kernels/linear";
import { concat, stridedSlice } from "../../src/model/kernels/movement";
import { pool } from "../../src/model/kernels/pool";
import { evaluateMle } from "../../src/poly/mle";
import { LayerProofError, type Claim } from "../../src/prover/claims";
import { convOutShape, proveConv, verifyConv, type ConvSpec } from "../../src/prover/layers/conv";
import { concatOutShape, proveConcat, verifyConcat } from "../../src/prover/layers/concat";
import { proveReindex, reindexOutShape, verifyReindex, type ReindexSpec } from "../../src/prover/layers/reindex";
import { selectorEval, selectorTable, windowGroup, identityGroup, type Selector } from "../../src/prover/layers/selector";
import { evaluateTensor, LayoutError, layoutOf } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { intTensor, randomFrs } from "./helpers";

type T = { shape: readonly number[]; data: number[] };

const f64 = (t: T) => ({ dtype: "float32" as const, shape: [...t.shape], data: Float64Array.from(t.data) });
const back = (t: { shape: readonly number[]; data: Float64Array }): T => ({ shape: [...t.shape], data: Array.from(t.data) });

/** A true claim on `t` at a seeded random point. */
function claimOn(t: { shape: readonly number[]; data: ArrayLike<number> }, seed: string): Claim {
  const layout = layoutOf(t.shape);
  const point = randomFrs(layout.numVars, seed);
  return { point, value: evaluateTensor(layout, t.data, point) };
}

function holds(t: { shape: readonly number[]; data: ArrayLike<number> }, c: Claim, what: string): void {
  expect(evaluateTensor(layoutOf(t.shape), t.data, c.point), what).to.equal(c.value);
}

/** Every copy of `proof` with one bigint leaf changed (+1 mod r), labelled by its path. */
function tamperedCopies(proof: unknown): { path: string; proof: unknown }[] {
  const out: { path: string; proof: unknown }[] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (typeof node === "bigint") {
      out.push({ path: path.join("."), proof: replaceAt(proof, path, (node + 1n) % MODULUS) });
    } else if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, [...path, i]));
    } else if (node !== null && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
    }
  };
  walk(proof, []);
  return out;
}

function replaceAt(node: unknown, path: readonly (string | number)[], value: bigint): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(node)) return node.map((v, i) => (i === head ? replaceAt(v, rest, value) : v));
  const obj = node as Record<string, unknown>;
  return { ...obj, [head]: replaceAt(obj[head], rest, value) };
}

function convRef(spec: ConvSpec, x: T, w: T, bias?: T): T {
  const g = { group: spec.group ?? 1, kernel: spec.w.slice(2), strides: spec.strides, dilations: spec.dilations, padsBegin: spec.padsBegin, outSpatial: spec.outSpatial };
  return back(conv(f64(x), f64(w), bias ? Float64Array.from(bias.data) : undefined, g));
}

const CONVS: { name: string; spec: ConvSpec }[] = [
  { name: "2-D 3x3 pad 1", spec: { x: [1, 3, 6, 5], w: [4, 3, 3, 3], strides: [1, 1], dilations: [1, 1], padsBegin: [1, 1], outSpatial: [6, 5], bias: [4] } },
  { name: "2-D stride 2, dilation 2, batch 2", spec: { x: [2, 2, 9, 7], w: [3, 2, 2, 3], strides: [2, 1], dilations: [2, 2], padsBegin: [0, 1], outSpatial: [4, 4] } },
  { name: "1-D stride 3 pad 2", spec: { x: [1, 5, 11], w: [6, 5, 4], strides: [3], dilations: [1], padsBegin: [2], outSpatial: [4], bias: [6] } },
  { name: "grouped (G = 2), pad 1", spec: { x: [1, 4, 6, 5], w: [6, 2, 3, 3], strides: [1, 2], dilations: [1, 1], padsBegin: [1, 1], outSpatial: [6, 3], group: 2, bias: [6] } },
  { name: "depthwise (G = C), batch 2", spec: { x: [2, 3, 5, 5], w: [3, 1, 3, 3], strides: [1, 1], dilations: [1, 1], padsBegin: [0, 0], outSpatial: [3, 3], group: 3 } },
  { name: "3-D 2x2x2", spec: { x: [1, 2, 3, 4, 3], w: [2, 2, 2, 2, 2], strides: [1, 2, 1], dilations: [1, 1, 1], padsBegin: [0, 0, 0], outSpatial: [2, 2, 2] } },
];

describe("prover: factorized selectors", function () {
  it("the per-group evaluation equals the MLE of the full table", function () {
    const point = randomFrs(7, "sel/out");
    const sel: Selector = {
      inShape: [3, 7, 5],
      groups: [
        identityGroup(0, 3, point.slice(0, 2)),
        windowGroup(1, 7, { size: 3, point: point.slice(2, 4) }, { size: 3, point: null }, 2, 1, 1),
        windowGroup(2, 5, { size: 5, point: point.slice(4, 7) }, { size: 2, point: randomFrs(1, "sel/k") }, 1, 2, 1),
      ],
    };
    const rho = randomFrs(layoutOf([3, 7, 5]).numVars, "sel/rho");
    expect(selectorEval(sel, rho)).to.equal(evaluateMle(selectorTable(sel), rho));
  });

  it("refuses groups that do not partition the axes", function () {
    const sel: Selector = { inShape: [2, 2], groups: [identityGroup(1, 2, [1n])] };
    expect(() => selectorTable(sel)).to.throw(LayoutError, /cover the input axes/);
  });
});

describe("prover: the Conv IOP", function () {
  for (const { name, spec } of CONVS) {
    it(`${name}: proves, verifies, hands on true claims`, function () {
      const x = intTensor([...spec.x], `${name}/x`);
      const w = intTensor([...spec.w], `${name}/w`);
      const bias = spec.bias ? intTensor([...spec.bias], `${name}/b`, 5000) : undefined;
      const acc = convRef(spec, x, w, bias);
      expect(acc.shape).to.deep.equal(convOutShape(spec));
      const claim = claimOn(acc, `${name}/r`);
      const { proof, claims } = proveConv({ spec, x, w, bias, claim, transcript: new Transcript("t") });
      const v = verifyConv({ spec, claim, proof, transcript: new Transcript("t") });
      expect(v).to.deep.equal(claims);
      holds(x, v.x, "X claim");
      holds(w, v.w, "W claim");
      if (bias) holds(bias, v.bias!, "bias claim");
    });
  }

  for (const { spec } of [CONVS[0], CONVS[3]]) it(`rejects every tampered proof scalar, a false claim and a changed point (group ${spec.group ?? 1})`, function () {
    const x = intTensor([...spec.x], "s/x");
    const w = intTensor([...spec.w], "s/w");
    const bias = intTensor([...spec.bias!], "s/b");
    const claim = claimOn(convRef(spec, x, w, bias), "s/r");
    const { proof } = proveConv({ spec, x, w, bias, claim, transcript: new Transcript("t") });
    const copies = tamperedCopies(proof);
    expect(copies.length).to.be.greaterThan(10);
    for (const c of copies) {
      expect(() => verifyConv({ spec, claim, proof: c.proof as typeof proof, transcript: new Transcript("t") }), c.path).to.throw(LayerProofError);
    }
    const falseClaim = { point: claim.point, value: (claim.value + 1n) % MODULUS };
    expect(() => verifyConv({ spec, claim: falseClaim, proof, transcript: new Transcript("t") })).to.throw(LayerProofError);
    expect(() => proveConv({ spec, x, w, bias, claim: falseClaim, transcript: new Transcript("t") })).to.throw(LayerProofError, /false/);
    const moved = { point: [(claim.point[0] + 1n) % MODULUS, ...claim.point.slice(1)], value: claim.value };
    expect(() => verifyConv({ spec, claim: moved, proof, transcript: new Transcript("t") })).to.throw(LayerProofError);
    expect(() => verifyConv({ spec, claim, proof: { ...proof, biasValue: null }, transcript: new Transcript("t") })).to.throw(LayerProofError, /missing/);
    const noBias = { ...spec, bias: undefined };
    expect(() => verifyConv({ spec: noBias, claim, proof, transcript: new Transcript("t") })).to.throw(LayerProofError, /unexpected bias/);
    const short = { ...proof, im2col: { ...proof.im2col, sumcheck: { rounds: proof.im2col.sumcheck.rounds.slice(1) } } };
    expect(() => verifyConv({ spec, claim, proof: short, transcript: new Transcript("t") })).to.throw(LayerProofError);
  });
  // (one `it` per spec above)

  it("a wrong X hands on a false claim (the selector binds U to X)", function () {
    const { spec } = CONVS[1];
    const x = intTensor([...spec.x], "b/x");
    const w = intTensor([...spec.w], "b/w");
    const claim = claimOn(convRef(spec, x, w), "b/r");
    const other = { shape: x.shape, data: x.data.map((v, i) => (i === 17 ? v + 1 : v)) };
    // The honest prover refuses (its U is built from `other`, inconsistent with the claim).
    expect(() => proveConv({ spec, x: other, w, claim, transcript: new Transcript("t") })).to.throw(LayerProofError);
  });

  it("refuses groups that do not divide the channels and mismatched shapes with clear errors", function () {
    expect(() => convOutShape({ ...CONVS[0].spec, x: [1, 4, 6, 5], w: [4, 2, 3, 3], group: 3 })).to.throw(LayoutError, /group = 3/);
    expect(() => convOutShape({ ...CONVS[0].spec, x: [1, 4, 6, 5], w: [4, 4, 3, 3], group: 2 })).to.throw(LayoutError, /per group/);
    expect(() => convOutShape({ ...CONVS[0].spec, w: [4, 2, 3, 3] })).to.throw(LayoutError, /input channels/);
    expect(() => convOutShape({ ...CONVS[0].spec, strides: [1] })).to.throw(LayoutError, /strides/);
  });
});

describe("prover: window sums, Pad, Slice, Concat", function () {
  const x = intTensor([2, 3, 7, 6], "r/x");
  const poolGeom = { kernel: [3, 2], strides: [2, 2], dilations: [1, 1], padsBegin: [1, 0], padsEnd: [1, 0], outSpatial: [4, 3] };
  const sums = pool(f64(x), poolGeom);
  const windowSpec = { x: x.shape, kernel: poolGeom.kernel, strides: poolGeom.strides, dilations: poolGeom.dilations, padsBegin: poolGeom.padsBegin, outSpatial: poolGeom.outSpatial };
  // Per-position weights: the window's in-bounds count stands in for the requant multiplier.
  const weights = Array.from(sums.count.slice(0, 12));
  const cases: { name: string; layer: ReindexSpec; out: T }[] = [
    { name: "window sum (AveragePool)", layer: { op: "window-sum", spec: windowSpec }, out: { shape: sums.shape, data: Array.from(sums.sum) } },
    {
      name: "weighted window sum (per-count multipliers)",
      layer: { op: "window-sum", spec: { ...windowSpec, weights } },
      out: { shape: sums.shape, data: Array.from(sums.sum, (s, i) => s * weights[i % 12]) },
    },
    {
      name: "global window sum",
      layer: { op: "window-sum", spec: { x: x.shape, kernel: [7, 6], strides: [1, 1], dilations: [1, 1], padsBegin: [0, 0], outSpatial: [1, 1] } },
      out: { shape: [2, 3, 1, 1], data: Array.from(pool(f64(x), { kernel: [7, 6], strides: [1, 1], dilations: [1, 1], padsBegin: [0, 0], padsEnd: [0, 0], outSpatial: [1, 1] }).sum) },
    },
    { name: "pad (and crop)", layer: { op: "pad", spec: { x: x.shape, begin: [0, 1, 2, -1], end: [1, 0, 3, 0] } }, out: padRef(x, [0, 1, 2, -1], [1, 0, 3, 0]) },
    { name: "pad constant 7", layer: { op: "pad", spec: { x: x.shape, begin: [1, 0, 2, 1], end: [0, 1, 1, 2], value: 7 } }, out: padRef(x, [1, 0, 2, 1], [0, 1, 1, 2], "constant", 7) },
    { name: "pad edge", layer: { op: "pad", spec: { x: x.shape, begin: [0, 2, 3, 1], end: [1, 0, 2, 4], mode: "edge" } }, out: padRef(x, [0, 2, 3, 1], [1, 0, 2, 4], "edge") },
    { name: "pad reflect", layer: { op: "pad", spec: { x: x.shape, begin: [1, 2, 3, 1], end: [1, 2, 6, 5], mode: "reflect" } }, out: padRef(x, [1, 2, 3, 1], [1, 2, 6, 5], "reflect") },
    {
      name: "slice with steps",
      layer: { op: "slice", spec: { x: x.shape, starts: [1, 0, 6, 1], steps: [1, 2, -2, 3], out: [1, 2, 4, 2] } },
      out: back(stridedSlice(f64(x), [1, 0, 6, 1], [1, 2, -2, 3], [1, 2, 4, 2])),
    },
    { name: "reshape across non-power-of-two axes", layer: { op: "reshape", spec: { x: x.shape, out: [6, 42] } }, out: { shape: [6, 42], data: x.data } },
  ];
  for (const c of cases) {
    it(`${c.name}: proves, verifies, rejects tampering`, function () {
      expect(reindexOutShape(c.layer)).to.deep.equal(c.out.shape);
      const claim = claimOn(c.out, c.name);
      const { proof, claim: handed } = proveReindex({ layer: c.layer, x, claim, transcript: new Transcript("t") });
      const v = verifyReindex({ layer: c.layer, claim, proof, transcript: new Transcript("t") });
      expect(v).to.deep.equal(handed);
      holds(x, v, "input claim");
      for (const t of tamperedCopies(proof)) {
        expect(() => verifyReindex({ layer: c.layer, claim, proof: t.proof as typeof proof, transcript: new Transcript("t") }), t.path).to.throw(LayerProofError);
      }
      const falseClaim = { point: claim.point, value: (claim.value + 1n) % MODULUS };
      expect(() => verifyReindex({ layer: c.layer, claim: falseClaim, proof, transcript: new Transcript("t") })).to.throw(LayerProofError);
      expect(() => proveReindex({ layer: c.layer, x, claim: falseClaim, transcript: new Transcript("t") })).to.throw(LayerProofError);
    });
  }

  it("concat of three inputs along an inner axis: k claims, tampering rejected", function () {
    const ins = [intTensor([2, 3, 5], "c/0"), intTensor([2, 1, 5], "c/1"), intTensor([2, 4, 5], "c/2")];
    const spec = { inShapes: ins.map((t) => t.shape), axis: 1 };
    const out = back(concat(ins.map(f64), 1));
    expect(concatOutShape(spec)).to.deep.equal(out.shape);
    const claim = claimOn(out, "c/r");
    const { proof, claims } = proveConcat({ spec, inputs: ins, claim, transcript: new Transcript("t") });
    const v = verifyConcat({ spec, claim, proof, transcript: new Transcript("t") });
    expect(v).to.deep.equal(claims);
    v.forEach((c, j) => holds(ins[j], c, `input ${j}`));
    for (const t of tamperedCopies(proof)) {
      expect(() => verifyConcat({ spec, claim, proof: t.proof as typeof proof, transcript: new Transcript("t") }), t.path).to.throw(LayerProofError);
    }
    expect(() => verifyConcat({ spec, claim, proof: { ...proof, parts: proof.parts.slice(1) }, transcript: new Transcript("t") })).to.throw(LayerProofError, /parts/);
    expect(() => concatOutShape({ inShapes: [[2, 3], [3, 3]], axis: 1 })).to.throw(LayoutError, /does not concatenate/);
  });

  it("refuses slices that read outside the input and bad pads", function () {
    expect(() => reindexOutShape({ op: "slice", spec: { x: [4], starts: [1], steps: [2], out: [3] } })).to.throw(LayoutError, /outside/);
    expect(() => reindexOutShape({ op: "pad", spec: { x: [4], begin: [-5], end: [0] } })).to.throw(LayoutError, /bad pads/);
    expect(() => reindexOutShape({ op: "reshape", spec: { x: [4, 3], out: [5, 2] } })).to.throw(LayoutError, /sizes differ/);
    expect(() => reindexOutShape({ op: "window-sum", spec: { ...windowSpec, weights: [1, 2] } })).to.throw(LayoutError, /weights/);
  });
});

/** Reference ONNX Pad (numpy semantics: reflect mirrors without the border, possibly several times). */
function padRef(x: T, begin: number[], end: number[], mode = "constant", value = 0): T {
  const shape = x.shape.map((d, a) => d + begin[a] + end[a]);
  const size = shape.reduce((p, d) => p * d, 1);
  const data = new Array<number>(size).fill(0);
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < size; o++) {
    let src = 0;
    let inside = true;
    x.shape.forEach((d, a) => {
      let i = idx[a] - begin[a];
      if (mode === "edge") i = Math.min(Math.max(i, 0), d - 1);
      if (mode === "reflect") {
        while (i < 0 || i >= d) i = i < 0 ? -i : 2 * (d - 1) - i;
      }
      inside &&= i >= 0 && i < d;
      src = src * d + i;
    });
    data[o] = inside ? x.data[src] : value;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return { shape, data };
}
