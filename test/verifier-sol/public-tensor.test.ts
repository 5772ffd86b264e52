import { expect } from "chai";
import { ethers } from "hardhat";
import { evaluateTensor, layoutOf } from "../../src/prover/tensor";
import { eqEval, eqTable } from "../../src/poly";
import { randomFrs } from "../prover/helpers";
import type { ModelVerifierPcs, PublicTensorHarness } from "../../typechain-types";

/**
 * PublicTensor.sol (the public input's and output's MLE, the input range check), through the interpreter's own
 * entry points (ModelVerifierPcs.publicTensor / firstOutOfRange), against the TypeScript reference on packed
 * big-endian bytes of every width (1, 2, 4 bytes a value; the width code in the program field's top bits): every
 * shape class the row-weights / padded-table evaluation distinguishes (rank 0, axes of one element, a last axis
 * of 1, of fewer than a word's lanes, of a multiple of them, of an odd size, several padded axes) and the SWAR
 * range check at its edges.
 */
describe("verifier (Solidity): PublicTensor", () => {
  let harness: PublicTensorHarness;
  let pcs: ModelVerifierPcs;
  before(async () => {
    harness = (await ethers.deployContract("PublicTensorHarness")) as unknown as PublicTensorHarness;
    // Both entry points are pure: the library's deployed code answers a plain call.
    pcs = (await ethers.deployContract("ModelVerifierPcs")) as unknown as ModelVerifierPcs;
  });

  const WIDTHS = [4, 2, 1] as const;
  /** The program field carrying `value` and the width code (4 >> code bytes) in its top two bits. */
  const field = (value: number, width: number) => value + Math.log2(4 / width) * 2 ** 30;
  /** The smallest and largest value of `width` bytes. */
  const extremesOf = (width: number) => [-(2 ** (8 * width - 1)), 2 ** (8 * width - 1) - 1];

  /** Big-endian two's complement bytes of `width` per value, with `pad` bytes of 0xff before and after (the tensor sits inside other data). */
  function packed(values: readonly number[], width = 4, pad = 8): Uint8Array {
    const out = new Uint8Array(2 * pad + width * values.length).fill(0xff);
    values.forEach((v, i) => {
      for (let b = 0; b < width; b++) out[pad + width * i + b] = Number((BigInt(v) >> BigInt(8 * (width - 1 - b))) & 0xffn);
    });
    return out;
  }

  /** Deterministic values of `width` bytes covering its extremes and small signed numbers. */
  function values(size: number, seed: number, width = 4): number[] {
    const [min, max] = extremesOf(width);
    const edges = [0, 1, -1, max, min, 127, -128, 2047, -2048].filter((v) => v >= min && v <= max);
    let x = seed * 2654435761;
    return Array.from({ length: size }, (_, i) => {
      x = (x * 1103515245 + 12345) >>> 0;
      return i % 5 === 0 ? edges[(x >>> 8) % edges.length] : (x | 0) >> (32 - 8 * width + (x % (8 * width)));
    });
  }

  it("Mle.eqTable at 0 … 6 variables and an offset = the TypeScript eq table", async () => {
    const point = randomFrs(9, "eq-table");
    for (let n = 0; n <= 6; n++) {
      for (const offset of [0, 3]) {
        const got = await harness.eqTable(point, offset, n);
        expect(got.map(BigInt)).to.deep.equal(eqTable(point.slice(offset, offset + n)));
      }
    }
  });

  it("Mle.eqAt over 0 … 9 coordinates (odd and even counts), at offsets, with y before and after x in memory = eqEval", async () => {
    const y = randomFrs(12, "eq-at/y");
    for (let n = 0; n <= 9; n++) {
      const x = randomFrs(n, `eq-at/x/${n}`);
      for (const offset of [0, 1, 12 - n]) {
        const expected = eqEval(x, y.slice(offset, offset + n));
        expect(BigInt(await harness.eqAt(x, y, offset)), `n ${n} offset ${offset}`).to.equal(expected);
        expect(BigInt(await harness.eqAtYFirst(y, x, offset)), `n ${n} offset ${offset}, y first`).to.equal(expected);
        // A Boolean x on a Boolean y: 1 exactly where they agree.
        const bits = x.map((_, j) => BigInt((n + j) & 1));
        const yBits = y.map((_, j) => BigInt((j * 7) & 1));
        const agree = bits.every((b, j) => b === yBits[offset + j]);
        expect(BigInt(await harness.eqAt(bits, yBits, offset))).to.equal(agree ? 1n : 0n);
      }
    }
  });

  const shapes: number[][] = [[], [1], [5], [8], [9], [28], [1, 1], [3, 1], [1, 7], [2, 3], [3, 5, 7], [1, 1, 28, 28], [2, 1, 3, 9], [4, 16], [3, 2, 3, 2, 2], [5, 3, 2, 4], [7, 4, 2, 1]];
  for (const shape of shapes) {
    it(`evaluate [${shape.join(", ")}] = evaluateTensor, at every width`, async () => {
      const layout = layoutOf(shape);
      const size = shape.reduce((p, d) => p * d, 1);
      for (const width of WIDTHS) {
        const data = values(size, shape.length + size, width);
        for (const seed of ["a", "b"]) {
          const point = randomFrs(layout.numVars, `public-tensor:${shape.join("x")}:${seed}`);
          const got = await pcs.publicTensor(packed(data, width), field(8, width), shape, point);
          expect(got, `width ${width}`).to.equal(evaluateTensor(layout, data, point));
        }
      }
    });
  }

  // Both row paths (fewer than 8 rows: a mask per lane; from 8 rows: the telescoped lane coefficients of
  // PublicTensor._coefficients) with every lane of a word at an int32 extreme
  // (the shifted words y_l then carry the largest higher lanes), rows ending mid-word, on a word boundary and
  // one past it, with the tensor surrounded by 0xff bytes that the zero coefficients must cancel.
  for (const shape of [[3, 9], [2, 8], [5, 7], [1, 17], [2, 2, 15], [9, 9], [8, 3], [2, 5, 16], [12, 1], [9, 33], [3, 40], [10, 16]]) {
    it(`evaluate [${shape.join(", ")}] with every value at its width's boundaries = evaluateTensor, at every width`, async () => {
      const layout = layoutOf(shape);
      const size = shape.reduce((p, d) => p * d, 1);
      for (const width of WIDTHS) {
        const [min, max] = extremesOf(width);
        const extremes = [max, min, min + 1, max - 1, -1, 0];
        for (const [k, pick] of [(i: number) => extremes[i % extremes.length], () => min, () => max].entries()) {
          const data = Array.from({ length: size }, (_, i) => pick(i));
          const point = randomFrs(layout.numVars, `public-tensor-extremes:${shape.join("x")}:${k}`);
          expect(await pcs.publicTensor(packed(data, width), field(8, width), shape, point), `width ${width}`).to.equal(evaluateTensor(layout, data, point));
        }
      }
    });
  }

  it("evaluate of a tensor with no elements is 0", async () => {
    expect(await pcs.publicTensor(packed([]), 8, [3, 0, 2], randomFrs(layoutOf([3, 0, 2]).numVars, "empty"))).to.equal(0n);
  });

  it("a width code of 3 is refused (PublicWidthCode)", async () => {
    await expect(pcs.publicTensor(packed([1]), 8 + 3 * 2 ** 30, [1], [])).to.be.revertedWithCustomError(pcs, "PublicWidthCode").withArgs(3);
    await expect(pcs.firstOutOfRange(packed([1]), 8, 1 + 3 * 2 ** 30, 0, 1)).to.be.revertedWithCustomError(pcs, "PublicWidthCode").withArgs(3);
  });

  describe("firstOutOfRange", () => {
    const NONE = ethers.MaxUint256;
    const ranges: [number, number][] = [[-2048, 2047], [-128, 127], [0, 255], [5, 5], [-2147483648, 2147483647], [-1073741824, 1073741823], [-1, 0], [0, 1], [-64, 63], [-32768, 32767]];
    for (const width of WIDTHS) {
      const [min, max] = extremesOf(width);
      for (const [lo, hi] of ranges.filter(([a, b]) => a >= min && b <= max)) {
        it(`width ${width}, [${lo}, ${hi}]: inside → none; each position of a value just outside → that index`, async () => {
          for (const count of [0, 1, 7, 8, 9, 16, 23, 32, 33, 70]) {
            const inside = Array.from({ length: count }, (_, i) => [lo, hi, Math.trunc((lo + hi) / 2)][i % 3]);
            expect(await pcs.firstOutOfRange(packed(inside, width), 8, field(count, width), lo, hi)).to.equal(NONE);
            for (const bad of [lo - 1, hi + 1, lo - 2 ** 20, hi + 2 ** 20, min, max]) {
              if (bad < min || bad > max || (bad >= lo && bad <= hi)) continue;
              for (const at of new Set([0, count - 1, Math.floor(count / 2), 8, 31, 32]).values()) {
                if (at < 0 || at >= count) continue;
                const data = [...inside];
                data[at] = bad;
                if (at + 3 < count) data[at + 3] = bad; // a second bad value later: the first is named
                expect(await pcs.firstOutOfRange(packed(data, width), 8, field(count, width), lo, hi), `count ${count} at ${at} = ${bad}`).to.equal(BigInt(at));
              }
            }
          }
        });
      }
    }

    it("values past `count` are not checked (the tail word's other lanes)", async () => {
      const data = [1, 2, 3, 99999, 99999, 99999, 99999, 99999, 99999];
      expect(await pcs.firstOutOfRange(packed(data), 8, 3, 0, 10)).to.equal(NONE);
      expect(await pcs.firstOutOfRange(packed(data), 8, 4, 0, 10)).to.equal(3n);
      const bytes = Array.from({ length: 40 }, (_, i) => (i < 33 ? i % 2 : 100));
      expect(await pcs.firstOutOfRange(packed(bytes, 1), 8, field(33, 1), 0, 1)).to.equal(NONE);
      expect(await pcs.firstOutOfRange(packed(bytes, 1), 8, field(34, 1), 0, 1)).to.equal(33n);
    });
  });
});
