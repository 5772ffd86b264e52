import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly/mle";
import {
  broadcastPoint,
  broadcastTable,
  evaluateTensor,
  fixVariables,
  joinPoint,
  LayoutError,
  layoutOf,
  paddedTable,
  prefixIndicator,
  reshapePoint,
  splitPoint,
  transposePoint,
} from "../../src/prover/tensor";
import { broadcastMap, intTensor, randomFrs, strides } from "./helpers";

describe("prover: axis-padded tensor layout", () => {
  it("gives the last axis the lowest variables", () => {
    const l = layoutOf([3, 5, 2]);
    expect(l.paddedShape).to.deep.equal([4, 8, 2]);
    expect(l.axes).to.deep.equal([
      { start: 4, count: 2 },
      { start: 1, count: 3 },
      { start: 0, count: 1 },
    ]);
    expect(l.numVars).to.equal(6);
    expect(layoutOf([]).numVars).to.equal(0);
    expect(layoutOf([1, 1]).numVars).to.equal(0);
  });

  it("puts element (i, j, k) at padded index i·16 + j·2 + k, zeros elsewhere", () => {
    const t = intTensor([3, 5, 2], "pad");
    const l = layoutOf(t.shape);
    const table = paddedTable(l, t.data);
    expect(table.length).to.equal(64);
    let nonPadding = 0;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 5; j++)
        for (let k = 0; k < 2; k++) {
          expect(table[i * 16 + j * 2 + k]).to.equal(Fr.fromSigned(t.data[i * 10 + j * 2 + k]));
          nonPadding++;
        }
    expect(table.filter((v, idx) => v !== 0n && !(Math.floor(idx / 16) < 3 && Math.floor(idx / 2) % 8 < 5)).length).to.equal(0);
    expect(nonPadding).to.equal(30);
  });

  it("evaluates a public tensor in O(size) exactly as the MLE of its padded table", () => {
    for (const shape of [[3, 5, 2], [7], [1, 6, 1, 3], [2, 2], []]) {
      const t = intTensor(shape, `eval${shape.join("x")}`);
      const l = layoutOf(shape);
      const point = randomFrs(l.numVars, `p${shape.join("x")}`);
      expect(evaluateTensor(l, t.data, point), `shape [${shape}]`).to.equal(evaluateMle(paddedTable(l, t.data), point));
    }
  });

  it("splits and joins points per axis", () => {
    const l = layoutOf([3, 5, 2]);
    const p = randomFrs(6, "split");
    const parts = splitPoint(l, p);
    expect(parts).to.deep.equal([p.slice(4, 6), p.slice(1, 4), p.slice(0, 1)]);
    expect(joinPoint(l, parts)).to.deep.equal(p);
  });

  it("turns Transpose into a permutation of variable groups", () => {
    const x = intTensor([3, 5, 2], "tr");
    const perm = [2, 0, 1];
    const outShape = perm.map((p) => x.shape[p]);
    const xs = strides(x.shape);
    const os = strides(outShape);
    const y = new Array<number>(30);
    for (let o = 0; o < 30; o++) {
      const oi = outShape.map((_, a) => Math.floor(o / os[a]) % outShape[a]);
      const ii = new Array<number>(3);
      perm.forEach((p, k) => (ii[p] = oi[k]));
      y[o] = x.data[ii[0] * xs[0] + ii[1] * xs[1] + ii[2] * xs[2]];
    }
    const outPoint = randomFrs(layoutOf(outShape).numVars, "trp");
    const inPoint = transposePoint(layoutOf(x.shape), perm, outPoint);
    expect(evaluateTensor(layoutOf(x.shape), x.data, inPoint)).to.equal(evaluateTensor(layoutOf(outShape), y, outPoint));
    expect(() => transposePoint(layoutOf(x.shape), [0, 0, 1], outPoint)).to.throw(LayoutError, "not a permutation");
  });

  it("treats Reshape/Flatten at power-of-two boundaries as the identity on points, and refuses others", () => {
    const x = intTensor([3, 2, 4], "rs");
    for (const outShape of [[3, 8], [24], [1, 3, 1, 8], [3, 2, 2, 2], [6, 4]]) {
      const point = randomFrs(layoutOf(outShape).numVars, `rs${outShape}`);
      const inPoint = reshapePoint(x.shape, outShape, point);
      // Reshape keeps the row-major data: the output tensor is the same flat array.
      expect(evaluateTensor(layoutOf(x.shape), x.data, inPoint), `[${outShape}]`).to.equal(evaluateTensor(layoutOf(outShape), x.data, point));
    }
    expect(() => reshapePoint([2, 3], [6], randomFrs(3, "r"))).to.throw(LayoutError, "axis of size 3");
    expect(() => reshapePoint([4, 3], [3, 4], randomFrs(4, "r"))).to.throw(LayoutError);
    expect(() => reshapePoint([4, 3], [13], randomFrs(4, "r"))).to.throw(LayoutError, "sizes differ");
  });

  it("computes the prefix indicator Σ_{i<n} eq(r, i) in O(bits)", () => {
    const r = randomFrs(4, "ind");
    const table = paddedTable(layoutOf([16]), new Array<number>(16).fill(0));
    for (let n = 0; n <= 16; n++) {
      const ones = table.map((_, i) => (i < n ? 1n : 0n));
      expect(prefixIndicator(n, r), `n = ${n}`).to.equal(evaluateMle(ones, r));
    }
    expect(prefixIndicator(1, [])).to.equal(1n);
    expect(() => prefixIndicator(5, r.slice(0, 2))).to.throw(LayoutError);
  });

  it("reduces a broadcast operand to a sub-point times an indicator factor", () => {
    const cases: [number[], number[]][] = [
      [[3, 5], [5]],
      [[3, 5], [3, 1]],
      [[2, 3, 4], [1, 3, 1]],
      [[3, 6], []],
      [[4, 4], [1, 4]],
    ];
    for (const [outShape, opShape] of cases) {
      const b = intTensor(opShape, `bc${opShape}`);
      const l = layoutOf(outShape);
      const r = randomFrs(l.numVars, `bcp${outShape}`);
      const expanded = broadcastMap(outShape, b, b, (x) => x);
      const { point, factor } = broadcastPoint(outShape, opShape, r);
      const direct = evaluateTensor(l, expanded, r);
      expect(Fr.mul(factor, evaluateTensor(layoutOf(opShape), b.data, point)), `[${opShape}] -> [${outShape}]`).to.equal(direct);
      expect(evaluateMle(broadcastTable(outShape, b), r)).to.equal(direct);
    }
    expect(() => broadcastPoint([3, 5], [4], randomFrs(5, "x"))).to.throw(LayoutError, "does not broadcast");
  });

  it("fixes any subset of variables like a partial evaluation", () => {
    const table = randomFrs(32, "fix");
    const r = randomFrs(5, "fixp");
    const assignment = [null, r[1], null, r[3], r[4]];
    const reduced = fixVariables(table, assignment);
    expect(reduced.length).to.equal(4);
    expect(evaluateMle(reduced, [r[0], r[2]])).to.equal(evaluateMle(table, r));
  });

  it("refuses wrong data lengths, non-integers and wrong point lengths, naming the problem", () => {
    const l = layoutOf([2, 3]);
    expect(() => paddedTable(l, [1, 2, 3], "X")).to.throw(LayoutError, "X: has 3 values, expected 6 for shape [2, 3]");
    expect(() => paddedTable(l, [1, 2, 3, 4, 5, 0.5], "X")).to.throw(LayoutError, "not an integer");
    expect(() => evaluateTensor(l, [1, 2, 3, 4, 5, 6], [1n])).to.throw(LayoutError, "point has 1 coordinates");
    expect(() => layoutOf([2, -1])).to.throw(LayoutError, "axis 1");
  });
});
