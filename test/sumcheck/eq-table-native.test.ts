import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { loadNative } from "../../src/msm/native";
import { eqTable, eqTableBigint, NATIVE_MLE_MIN } from "../../src/poly/mle";
import { randomFrs } from "./helpers";

const R = Fr.MODULUS;
const BACKEND_ENV = "DEEPPROVE_MSM_BACKEND";

/** Random coordinates with 0, 1 and r − 1 mixed in. */
function coords(n: number, seed: string): bigint[] {
  const edges = [0n, 1n, R - 1n];
  return randomFrs(n, seed).map((x, i) => (i % 4 === 2 ? edges[i % 3] : x));
}

/** Runs `body` with the native backend off (the bigint code alone). */
function onBigints<T>(body: () => T): T {
  const saved = process.env[BACKEND_ENV];
  process.env[BACKEND_ENV] = "portable";
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env[BACKEND_ENV];
    else process.env[BACKEND_ENV] = saved;
  }
}

describe("poly: eq tables in the native kernels (the bigint code's values)", () => {
  before(() => {
    if (!loadNative()) console.log("      (no native addon: both sides run the bigint code)");
  });

  it("equals the bigint reference below, at and above the threshold", () => {
    expect(NATIVE_MLE_MIN).to.equal(1 << 10);
    for (const n of [0, 1, 3, 9, 10, 11, 13]) {
      const point = coords(n, `eq${n}`);
      expect(eqTable(point), `n = ${n}`).to.deep.equal(eqTableBigint(point));
    }
  });

  it("at edge points: a Boolean vertex is its indicator, all-zero and all r − 1 match the reference", () => {
    const vertex = Array.from({ length: 10 }, (_, j) => BigInt(j % 2));
    const table = eqTable(vertex);
    expect(table.filter((v) => v !== 0n)).to.deep.equal([1n]);
    expect(table[0b1010101010]).to.equal(1n);
    expect(eqTable(new Array<bigint>(11).fill(0n))[0]).to.equal(1n);
    expect(eqTable(new Array<bigint>(11).fill(R - 1n))).to.deep.equal(eqTableBigint(new Array<bigint>(11).fill(R - 1n)));
  });

  it("takes non-canonical coordinates through the bigint code (same table as their reductions)", () => {
    const point = coords(10, "wide");
    const wide = point.map((x, j) => (j === 3 ? x + R : x));
    expect(eqTable(wide)).to.deep.equal(eqTable(point));
  });

  it("the portable backend gives the same table (the switch is the MSM backend's)", () => {
    const point = coords(12, "switch");
    expect(onBigints(() => eqTable(point))).to.deep.equal(eqTable(point));
  });
});
