import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { forEachIndex, forEachRow, layoutOf, paddedTable } from "../../src/prover/tensor";

/** The padded index of a flat index by the layout's definition (Σ_a index_a · 2^start_a): the reference. */
function paddedIndexOf(shape: readonly number[], flat: number): number {
  const layout = layoutOf(shape);
  let padded = 0;
  for (let a = shape.length - 1; a >= 0; a--) {
    padded += (flat % shape[a]) * 2 ** layout.axes[a].start;
    flat = Math.floor(flat / shape[a]);
  }
  return padded;
}

const SHAPES: readonly (readonly number[])[] = [[], [1], [5], [1, 1], [3, 1], [1, 7], [3, 5, 2], [2, 3, 1, 5], [4, 4], [1, 3, 1, 3], [6, 1, 1]];

describe("prover: tensor rows (forEachRow, forEachIndex, paddedTable)", () => {
  it("visits every element once, in row-major order, at its padded index", () => {
    for (const shape of SHAPES) {
      const layout = layoutOf(shape);
      const size = shape.reduce((p, d) => p * d, 1);
      const seen: [number, number][] = [];
      forEachIndex(layout, (flat, padded) => seen.push([flat, padded]));
      expect(seen, `[${shape}]`).to.deep.equal(Array.from({ length: size }, (_, f) => [f, paddedIndexOf(shape, f)]));
      const rows: number[][] = [];
      forEachRow(layout, (flat, padded, length) => rows.push([flat, padded, length]));
      const length = shape.length === 0 ? 1 : shape[shape.length - 1];
      expect(rows, `[${shape}] rows`).to.deep.equal(Array.from({ length: size / length }, (_, r) => [r * length, paddedIndexOf(shape, r * length), length]));
    }
  });

  it("visits nothing for an empty axis", () => {
    let calls = 0;
    forEachRow(layoutOf([3, 0, 2]), () => calls++);
    forEachIndex(layoutOf([0]), () => calls++);
    expect(calls).to.equal(0);
  });

  it("pads with Fr.fromSigned's values, zeros elsewhere, for edge and random integers", () => {
    const edge = [0, -0, 1, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 31, -(2 ** 31)];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 2 ** 21) - 2 ** 20;
    for (const shape of SHAPES) {
      const layout = layoutOf(shape);
      const size = shape.reduce((p, d) => p * d, 1);
      const data = Array.from({ length: size }, (_, i) => (i < edge.length ? edge[i] : rand()));
      const expected = new Array<bigint>(layout.paddedSize).fill(0n);
      data.forEach((v, f) => (expected[paddedIndexOf(shape, f)] = Fr.fromSigned(v)));
      expect(paddedTable(layout, data), `[${shape}]`).to.deep.equal(expected);
    }
  });

  it("names the element that is not an integer", () => {
    expect(() => paddedTable(layoutOf([2, 3]), [1, 2, 3, 4, Number.NaN, 6], "X")).to.throw("X: value NaN at flat index 4 is not an integer");
    expect(() => paddedTable(layoutOf([2]), [2 ** 53, 0], "X")).to.throw("X: value 9007199254740992 at flat index 0 is not an integer");
  });
});
