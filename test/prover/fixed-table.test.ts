import { expect } from "chai";
import { fixedTable } from "../../src/prover/layers/fixed-table";
import { fixVariables, layoutOf, LayoutError, paddedTable } from "../../src/prover/tensor";
import { loadWalkKernels } from "../../src/sumcheck/walk-native";
import { randomFrs } from "../sumcheck/helpers";

const native = loadWalkKernels();

/** Seeded integers in [−bound, bound], with 0, ±1 and values past 2^32 mixed in. */
function ints(n: number, seed: string, bound = 2 ** 40): number[] {
  const edge = [0, 1, -1, 2 ** 32, -(2 ** 32) - 5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
  return randomFrs(n, seed).map((x, i) => (i % 9 === 4 ? edge[i % edge.length] : Number(x % BigInt(2 * bound + 1)) - bound));
}

/** The assignment fixing variables [from, to) to seeded challenges. */
function fixing(n: number, from: number, to: number, seed: string): (bigint | null)[] {
  const r = randomFrs(n, seed);
  return Array.from({ length: n }, (_, j) => (j >= from && j < to ? r[j] : null));
}

describe("fixed tables on packed words (native)", function () {
  before(function () {
    if (!native) this.skip();
  });

  for (const arith of ["portable", "adx"] as const) {
    it(`equals fixVariables(paddedTable(…)) with the top, middle or bottom block fixed, padded axes, negatives (${arith})`, function () {
      if (arith === "adx" && !native!.adxSupported()) this.skip();
      native!.arithmetic(arith);
      try {
        for (const shape of [[5, 12], [3, 7, 6], [32, 64], [1, 9], [3, 5, 8, 3]]) {
          const layout = layoutOf(shape);
          const data = ints(shape.reduce((p, d) => p * d, 1), shape.join("x"));
          const n = layout.numVars;
          const lastAxisVars = layout.axes[shape.length - 1].count;
          // the top block (the leading axes: a matrix product's rows) and the bottom block (its columns)
          const firstAxisVars = layout.axes[0].count;
          // and a middle block (a batched product's rows: batch variables above, free inner variables below)
          const middle = shape.length > 2 ? [fixing(n, lastAxisVars, n - firstAxisVars, "middle"), fixing(n, 1, n - 1, "inner")] : [];
          for (const assignment of [fixing(n, lastAxisVars, n, "top"), fixing(n, 0, lastAxisVars, "bottom"), fixing(n, n - 1, n, "one"), ...middle]) {
            expect(fixedTable(layout, data, assignment, "T")).to.deep.equal(fixVariables(paddedTable(layout, data, "T"), assignment));
          }
        }
      } finally {
        native!.arithmetic("auto");
      }
    });
  }

  it("a middle block, two separate blocks (the bigint path), and an all-zero tensor (zeros)", () => {
    const layout = layoutOf([4, 4, 4]);
    const data = ints(64, "mid");
    const middle = fixing(6, 2, 4, "mid");
    expect(fixedTable(layout, data, middle, "T")).to.deep.equal(fixVariables(paddedTable(layout, data, "T"), middle));
    const split = fixing(6, 0, 6, "split").map((r, j) => (j === 1 || j === 4 ? null : r));
    expect(fixedTable(layout, data, split, "T")).to.deep.equal(fixVariables(paddedTable(layout, data, "T"), split));
    const zeros = new Array<number>(64).fill(0);
    expect(fixedTable(layout, zeros, fixing(6, 4, 6, "z"), "T")).to.deep.equal(new Array<bigint>(16).fill(0n));
  });

  it("names a non-integer value as paddedTable does", () => {
    const layout = layoutOf([2, 3]);
    expect(() => fixedTable(layout, [1, 2, 0.5, 4, 5, 6], fixing(3, 2, 3, "bad"), "X")).to.throw(LayoutError, "X: value 0.5 at flat index 2 is not an integer");
  });
});
