/**
 * The float path of the requantization witness (src/prover/layers/requant-witness.ts) against the bigint reference
 * `requantTables(spec, requantWitness(spec, acc))`: every table equal entry for entry, on random specs (shifts
 * 0..62 across the 48-bit split, negative multipliers, |M| up to 2^32 − 1, narrow clamps, limb widths 6..20) and
 * edge accumulators (0, ±1, ±bound, values at the digit boundaries ±2^24, ±2^47 − 1), sizes 1 and odd shapes;
 * the same errors for bad accumulators; the bounds outside the path refused.
 */
import { expect } from "chai";
import fc from "fast-check";
import { requantTables, type RequantTables } from "../../src/prover/layers/requant";
import { requantGeometry, requantWitness, type RequantSpec } from "../../src/prover/layers/requant-spec";
import { fastRequantApplies, requantWitnessTables, smallFr } from "../../src/prover/layers/requant-witness";
import { LayoutError, type IntTensor } from "../../src/prover/tensor";

function reference(spec: RequantSpec, acc: IntTensor): { tables: RequantTables; y: bigint[] } {
  const w = requantWitness(spec, acc);
  return { tables: requantTables(spec, w), y: [...w.y] };
}

function expectSame(spec: RequantSpec, data: number[]): void {
  const acc = { shape: spec.shape, data };
  const ref = reference(spec, acc);
  const fast = requantWitnessTables(spec, acc);
  expect(Array.from(fast.y, BigInt)).to.deep.equal(ref.y);
  for (const key of ["y", "p", "q"] as const) expect(fast.tables[key], key).to.deep.equal(ref.tables[key]);
  for (const key of ["rem", "e", "u", "uc"] as const) expect(fast.tables[key], key).to.deep.equal(ref.tables[key]);
}

/** The widest accumulator bound of a spec that the float path takes for this M and s (|t| < 2^52). */
function boundFor(multiplier: bigint, shift: number, want: bigint): bigint {
  const absM = multiplier < 0n ? -multiplier : multiplier;
  let bound = want > 2n ** 47n - 1n ? 2n ** 47n - 1n : want;
  while (bound > 0n && ((bound * absM) >> BigInt(shift)) + 1n >= 2n ** 52n) bound >>= 1n;
  return bound;
}

const specArb = fc
  .record({
    multiplier: fc.oneof(fc.bigInt(-(2n ** 32n) + 1n, 2n ** 32n - 1n), fc.constantFrom(1n, -1n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 32n - 1n, 3n)),
    shift: fc.integer({ min: 0, max: 62 }),
    bits: fc.integer({ min: 2, max: 16 }),
    want: fc.bigInt(1n, 2n ** 47n - 1n),
    limbBits: fc.integer({ min: 6, max: 20 }),
    narrow: fc.boolean(),
    shape: fc.oneof(fc.constant([1]), fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 7 })).map(([a, b]) => [a, b])),
  })
  .filter((r) => r.multiplier !== 0n)
  .map((r): RequantSpec => {
    const accBound = boundFor(r.multiplier, r.shift, r.want);
    const q = 1n << BigInt(r.bits - 1);
    return { shape: r.shape, multiplier: r.multiplier, shift: r.shift, bits: r.bits, accBound, limbBits: r.limbBits, ...(r.narrow ? { lo: 0n, hi: q - 1n } : {}) };
  })
  .filter((spec) => {
    try {
      requantGeometry(spec);
      return true;
    } catch {
      return false;
    }
  });

/** Accumulators: random in the bound plus the edges (0, ±1, ±bound, around ±2^24 and ±2^47). */
function accArb(spec: RequantSpec): fc.Arbitrary<number[]> {
  const size = spec.shape.reduce((p, d) => p * d, 1);
  const b = Number(spec.accBound);
  const edges = [0, 1, -1, b, -b, 2 ** 24, -(2 ** 24), 2 ** 24 - 1, -(2 ** 24) - 1, 2 ** 47 - 1, -(2 ** 47 - 1)].filter((v) => Math.abs(v) <= b);
  const value = fc.oneof(fc.integer({ min: -Math.min(b, 2 ** 31), max: Math.min(b, 2 ** 31) }), fc.double({ min: -b, max: b, noNaN: true }).map(Math.trunc), fc.constantFrom(...edges));
  return fc.array(value, { minLength: size, maxLength: size });
}

describe("requant witness: the float path equals the bigint reference", () => {
  it("on random specs and accumulators (shifts 0..62, signed M, narrow clamps, limb widths 6..20)", () => {
    fc.assert(fc.property(specArb.chain((spec) => fc.tuple(fc.constant(spec), accArb(spec))), ([spec, data]) => expectSame(spec, data)), { numRuns: 400 });
  });

  it("on the edges: M = ±(2^32 − 1), |acc| = 2^47 − 1, s at the 48-bit split, s = 0, one element", () => {
    const cases: [bigint, number, bigint][] = [
      [2n ** 32n - 1n, 62, 2n ** 47n - 1n],
      [-(2n ** 32n - 1n), 62, 2n ** 47n - 1n],
      [2n ** 32n - 1n, 48, 2n ** 47n - 1n],
      [-(2n ** 31n), 49, 2n ** 47n - 1n],
      [12345n, 47, 2n ** 40n],
      [-7n, 0, 2n ** 40n],
      [1n, 31, 2n ** 43n],
      [391221695n, 40, 2n ** 29n],
    ];
    for (const [multiplier, shift, want] of cases) {
      const spec: RequantSpec = { shape: [3, 5], multiplier, shift, bits: 12, accBound: boundFor(multiplier, shift, want), limbBits: 17 };
      const b = Number(spec.accBound);
      const data = [0, 1, -1, b, -b, 2 ** 24, -(2 ** 24), 2 ** 24 - 1, -(2 ** 24) - 1, b - 1, -b + 1, 3, -3, Math.floor(b / 3), -Math.floor(b / 7)].map((v) => (Math.abs(v) <= b ? v : 0));
      expectSame(spec, data);
      expectSame({ ...spec, shape: [1] }, [data[4]]);
    }
  });

  it("shares one bigint per small value and converts large ones", () => {
    expect(smallFr(5)).to.equal(5n);
    expect(smallFr(2 ** 20 - 1)).to.equal(2n ** 20n - 1n);
    expect(smallFr(2 ** 40)).to.equal(2n ** 40n);
  });

  it("refuses what the reference refuses, with the same messages", () => {
    const spec: RequantSpec = { shape: [2, 2], multiplier: 3n, shift: 4, bits: 8, accBound: 100n };
    for (const data of [[1, 2, 3.5, 4], [1, 2, 101, 4], [1, -101, 0, 0], [1, 2, 3]]) {
      const acc = { shape: [2, 2], data };
      const message = (() => {
        try {
          requantWitness(spec, acc);
        } catch (e) {
          return (e as Error).message;
        }
        return "no error";
      })();
      expect(() => requantWitnessTables(spec, acc)).to.throw(LayoutError, message);
    }
  });

  it("leaves specs beyond its bounds to the bigint path", () => {
    const spec: RequantSpec = { shape: [1], multiplier: 3n, shift: 4, bits: 8, accBound: 100n };
    expect(fastRequantApplies(spec)).to.equal(true);
    expect(fastRequantApplies({ ...spec, accBound: 2n ** 47n })).to.equal(false);
    expect(fastRequantApplies({ ...spec, multiplier: 2n ** 32n })).to.equal(false);
    expect(fastRequantApplies({ ...spec, multiplier: 2n ** 31n, accBound: 2n ** 46n, shift: 20 })).to.equal(false);
    expect(() => requantWitnessTables({ ...spec, multiplier: 2n ** 32n }, { shape: [1], data: [1] })).to.throw(RangeError);
  });
});
