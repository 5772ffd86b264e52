import { expect } from "chai";
import { ethers } from "hardhat";
import { evaluateTensor, layoutOf } from "../../src/prover/tensor";
import { eqEval, eqTable } from "../../src/poly";
import { randomFrs } from "../prover/helpers";
import type { ModelVerifierPcs, PublicTensorHarness } from "../../typechain-types";

/**
 * PublicTensor.sol (the public input's and output's MLE, the input range check), through the interpreter's own
 * entry points (ModelVerifierPcs.publicTensor / firstOutOfRange), against the TypeScript reference on int32
 * big-endian bytes: every shape class the row-weights / padded-table evaluation
 * distinguishes (rank 0, axes of one element, a last axis of 1, of fewer than 8, of a multiple of 8, of an odd
 * size, several padded axes) and the SWAR range check at its edges.
 */
describe("verifier (Solidity): PublicTensor", () => {
  let harness: PublicTensorHarness;
  let pcs: ModelVerifierPcs;
  before(async () => {
    harness = (await ethers.deployContract("PublicTensorHarness")) as unknown as PublicTensorHarness;
    // Both entry points are pure: the library's deployed code answers a plain call.
    pcs = (await ethers.deployContract("ModelVerifierPcs")) as unknown as ModelVerifierPcs;
  });

  /** int32 big-endian bytes, with `pad` bytes of 0xff before and after (the tensor sits inside other data). */
  function packed(values: readonly number[], pad = 8): Uint8Array {
    const out = new Uint8Array(2 * pad + 4 * values.length).fill(0xff);
    const view = new DataView(out.buffer);
    values.forEach((v, i) => view.setInt32(pad + 4 * i, v, false));
    return out;
  }

  /** Deterministic values covering the int32 extremes and small signed numbers. */
  function values(size: number, seed: number): number[] {
    const edges = [0, 1, -1, 2147483647, -2147483648, 127, -128, 2047, -2048];
    let x = seed * 2654435761;
    return Array.from({ length: size }, (_, i) => {
      x = (x * 1103515245 + 12345) >>> 0;
      return i % 5 === 0 ? edges[(x >>> 8) % edges.length] : ((x | 0) >> (x % 24));
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

  const shapes: number[][] = [[], [1], [5], [8], [9], [28], [1, 1], [3, 1], [1, 7], [2, 3], [3, 5, 7], [1, 1, 28, 28], [2, 1, 3, 9], [4, 16]];
  for (const shape of shapes) {
    it(`evaluate [${shape.join(", ")}] = evaluateTensor`, async () => {
      const layout = layoutOf(shape);
      const size = shape.reduce((p, d) => p * d, 1);
      const data = values(size, shape.length + size);
      for (const seed of ["a", "b"]) {
        const point = randomFrs(layout.numVars, `public-tensor:${shape.join("x")}:${seed}`);
        const got = await pcs.publicTensor(packed(data), 8, shape, point);
        expect(got).to.equal(evaluateTensor(layout, data, point));
      }
    });
  }

  // Both row paths (fewer than 8 rows: a mask per lane; from 8 rows: the telescoped lane coefficients of
  // PublicTensor._coefficients) with every lane of a word at an int32 extreme
  // (the shifted words y_l then carry the largest higher lanes), rows ending mid-word, on a word boundary and
  // one past it, with the tensor surrounded by 0xff bytes that the zero coefficients must cancel.
  for (const shape of [[3, 9], [2, 8], [5, 7], [1, 17], [2, 2, 15], [9, 9], [8, 3], [2, 5, 16], [12, 1]]) {
    it(`evaluate [${shape.join(", ")}] with every value at ±2^31 boundaries = evaluateTensor`, async () => {
      const layout = layoutOf(shape);
      const size = shape.reduce((p, d) => p * d, 1);
      const extremes = [2147483647, -2147483648, -2147483647, 2147483646, -1, 0];
      for (const [k, pick] of [(i: number) => extremes[i % extremes.length], () => -2147483648, () => 2147483647].entries()) {
        const data = Array.from({ length: size }, (_, i) => pick(i));
        const point = randomFrs(layout.numVars, `public-tensor-extremes:${shape.join("x")}:${k}`);
        expect(await pcs.publicTensor(packed(data), 8, shape, point)).to.equal(evaluateTensor(layout, data, point));
      }
    });
  }

  it("evaluate of a tensor with no elements is 0", async () => {
    expect(await pcs.publicTensor(packed([]), 8, [3, 0, 2], randomFrs(layoutOf([3, 0, 2]).numVars, "empty"))).to.equal(0n);
  });

  describe("firstOutOfRange", () => {
    const NONE = ethers.MaxUint256;
    const ranges: [number, number][] = [[-2048, 2047], [-128, 127], [0, 255], [5, 5], [-2147483648, 2147483647], [-1073741824, 1073741823], [-1, 0]];
    for (const [lo, hi] of ranges) {
      it(`[${lo}, ${hi}]: inside → none; each position of a value just outside → that index`, async () => {
        for (const count of [0, 1, 7, 8, 9, 16, 23]) {
          const inside = Array.from({ length: count }, (_, i) => [lo, hi, Math.trunc((lo + hi) / 2)][i % 3]);
          expect(await pcs.firstOutOfRange(packed(inside), 8, count, lo, hi)).to.equal(NONE);
          for (const bad of [lo - 1, hi + 1, lo - 2 ** 20, hi + 2 ** 20]) {
            if (bad < -(2 ** 31) || bad >= 2 ** 31) continue;
            for (const at of new Set([0, count - 1, Math.floor(count / 2), 8]).values()) {
              if (at < 0 || at >= count) continue;
              const data = [...inside];
              data[at] = bad;
              if (at + 3 < count) data[at + 3] = bad; // a second bad value later: the first is named
              expect(await pcs.firstOutOfRange(packed(data), 8, count, lo, hi)).to.equal(BigInt(at));
            }
          }
        }
      });
    }

    it("values past `count` are not checked (the tail word's other lanes)", async () => {
      const data = [1, 2, 3, 99999, 99999, 99999, 99999, 99999, 99999];
      expect(await pcs.firstOutOfRange(packed(data), 8, 3, 0, 10)).to.equal(NONE);
      expect(await pcs.firstOutOfRange(packed(data), 8, 4, 0, 10)).to.equal(3n);
    });
  });
});
