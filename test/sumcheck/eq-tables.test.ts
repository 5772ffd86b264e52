import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { eqEval, eqTable } from "../../src/poly/mle";
import { eqCombinationTable, eqCombinationTableBigint, NATIVE_EQ_COMBINATION_MIN } from "../../src/sumcheck/eq-tables";
import { loadWalkKernels } from "../../src/sumcheck/walk-native";
import { randomFrs } from "./helpers";

const R = Fr.MODULUS;

/** `count` points of n coordinates, with 0, 1 and r − 1 mixed in. */
function points(count: number, n: number, seed: string): bigint[][] {
  const edges = [0n, 1n, R - 1n];
  return Array.from({ length: count }, (_, k) => randomFrs(n, `${seed}/${k}`).map((x, j) => ((j + k) % 4 === 1 ? edges[(j + k) % 3] : x)));
}

describe("sumcheck: eq combination tables (Σ_k s_k·eq(·, P_k))", () => {
  it("the bigint reference is the definition: Σ_k s_k·eq(b, P_k) at every b", () => {
    const ps = points(3, 3, "def");
    const scales = [5n, R - 1n, 0n];
    const table = eqCombinationTableBigint(ps, scales);
    for (let b = 0; b < 8; b++) {
      const bits = [0, 1, 2].map((j) => BigInt((b >> j) & 1));
      const expected = ps.reduce((acc, p, k) => Fr.add(acc, Fr.mul(scales[k], eqEval(bits, p))), 0n);
      expect(table[b], `b = ${b}`).to.equal(expected);
    }
  });

  it("equals the bigint reference on random and edge inputs at every size (native from 2^6 entries)", () => {
    if (!loadWalkKernels()) console.log("      (no native kernels: both sides are the bigint path)");
    for (const n of [0, 1, 3, 5, 6, 7, 10]) {
      for (const count of [1, 2, 5]) {
        const ps = points(count, n, `n${n}c${count}`);
        const scales = [...randomFrs(count - 1, `s${n}/${count}`), R - 1n];
        expect(eqCombinationTable(ps, scales), `n = ${n}, ${count} points`).to.deep.equal(eqCombinationTableBigint(ps, scales));
      }
    }
    expect(2 ** 6).to.equal(NATIVE_EQ_COMBINATION_MIN);
  });

  it("one point with scale 1 is eqTable; scale 0 or a zero-weighted point gives zeros", () => {
    const [p] = points(1, 7, "one");
    expect(eqCombinationTable([p], [1n])).to.deep.equal(eqTable(p));
    expect(eqCombinationTable([p], [0n])).to.deep.equal(new Array<bigint>(128).fill(0n));
    expect(eqCombinationTable([p, p], [3n, R - 3n])).to.deep.equal(new Array<bigint>(128).fill(0n));
  });

  it("refuses mismatched or non-canonical inputs, naming them", () => {
    const [p, q] = points(2, 6, "bad");
    expect(() => eqCombinationTable([], [])).to.throw(RangeError, "no point");
    expect(() => eqCombinationTable([p], [1n, 2n])).to.throw(RangeError, "1 points but 2 scales");
    expect(() => eqCombinationTable([p, q.slice(1)], [1n, 2n])).to.throw(RangeError, "point 1 has 5 coordinates");
    expect(() => eqCombinationTable([[...p.slice(1), R]], [1n])).to.throw(RangeError, "point 0, coordinate 5");
    expect(() => eqCombinationTable([p], [R])).to.throw(RangeError, "scale 0");
  });
});
