import { expect } from "chai";
import { ethers } from "hardhat";
import type { InterpreterPiecesHarness } from "../../typechain-types";

/**
 * The interpreter's assembly pieces on their edge cases (contracts/test/InterpreterPiecesHarness.sol):
 * `Program.gather` — counts around the 4 / 8 / 32 boundaries (an unrolled or word-at-a-time gather must pass these
 * unchanged), pools of 1 … 300 coordinates, program bytes after the indices that must be ignored, two points
 * allocated one after the other, an index out of bounds at every lane class; `ClaimBook.open` writing a slot's
 * selector bits several per iteration — 0 … 17 bits, buffers of the exact size, too small (grown mid-way) and none
 * reserved. The whole-model differential tests run both on every model.
 */
describe("verifier (Solidity): interpreter pieces — gather and slot records", function () {
  let h: InterpreterPiecesHarness;
  let seed = 0x5eed;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return Math.floor((seed / 2 ** 32) * n);
  };

  before(async () => {
    h = (await ethers.deployContract("InterpreterPiecesHarness")) as unknown as InterpreterPiecesHarness;
  });

  const pool = (size: number) => Array.from({ length: size }, (_, i) => 1000n + BigInt(i) * 7n);

  it("gather copies pool[index] for every count and pool size, ignoring the bytes after the indices", async () => {
    for (const size of [1, 2, 9, 31, 32, 33, 128, 129, 255, 256, 300]) {
      for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 63, 64, 65, 100]) {
        const idx = Array.from({ length: n }, () => rand(Math.min(size, 256)));
        // Trailing program bytes up to 0xff (past the pool for small pools): never read as indices.
        const tail = Array.from({ length: 40 }, () => 0xff - rand(8));
        const code = Uint8Array.from([n, ...idx, ...tail]);
        const p = pool(size);
        const [first, second, consumed] = await h.gather(code, p);
        const expected = idx.map((k) => p[k]);
        expect(first, `size ${size}, n ${n}`).to.deep.equal(expected);
        expect(second, `size ${size}, n ${n} (second point)`).to.deep.equal(expected);
        expect(consumed).to.equal(BigInt(1 + n));
      }
    }
  });

  it("gather reverts ProgramTruncated for an index past the pool, at any lane", async () => {
    for (const size of [0, 1, 5, 32, 128, 129, 255]) {
      for (const n of [1, 8, 9, 31, 32, 33, 70]) {
        const lanes = [0, n - 1, Math.floor(n / 2), Math.min(n - 1, 31), Math.min(n - 1, 32)];
        for (const lane of lanes) {
          if (size === 0 && lane > 0) continue;
          const idx = Array.from({ length: n }, () => (size === 0 ? 0 : rand(size)));
          idx[lane] = size + rand(256 - size);
          await expect(h.gather(Uint8Array.from([n, ...idx]), pool(size)), `size ${size}, n ${n}, lane ${lane}`).to.be.revertedWithCustomError(
            h,
            "ProgramTruncated",
          );
        }
      }
    }
    // An empty point from an empty pool is fine; one coordinate from it is not.
    expect((await h.gather(Uint8Array.from([0, 7, 7]), []))[0]).to.deep.equal([]);
  });

  /** One opening: a slot of `vars` variables at `index`, its point and value. */
  interface Opening {
    vars: number;
    index: number;
    point: bigint[];
    value: bigint;
  }

  const slotTable = (ops: Opening[]) => Uint8Array.from(ops.flatMap((o) => [o.vars, o.index >>> 24, (o.index >>> 16) & 255, (o.index >>> 8) & 255, o.index & 255]));
  const expectedRecords = (polyVars: number, ops: Opening[]) =>
    ops.flatMap((o) => [1n, BigInt(polyVars), ...o.point, ...Array.from({ length: polyVars - o.vars }, (_, j) => BigInt((o.index >>> j) & 1)), o.value]);

  it("open writes (poly, polyVars, point ‖ selector bits, value) for 0 … 17 bits, in exact, short and unreserved buffers", async () => {
    for (const polyVars of [3, 8, 9, 16, 17, 20]) {
      const ops: Opening[] = [];
      for (let vars = polyVars; vars >= Math.max(0, polyVars - 17); vars--) {
        const bits = polyVars - vars;
        const index = bits === 0 ? 0 : rand(2 ** Math.min(bits, 30)) | (1 << (bits - 1));
        ops.push({ vars, index, point: Array.from({ length: vars }, () => BigInt(rand(1_000_000)) + 2n), value: BigInt(rand(1_000_000)) + 5n });
      }
      const table = slotTable(ops);
      const slots = ops.map((_, i) => i);
      const total = ops.length * (polyVars + 3);
      for (const capacity of [total, Math.floor(total / 3), 0]) {
        const [words, count] = await h.records(polyVars, table, slots, ops.map((o) => o.point), ops.map((o) => o.value), capacity);
        expect(words, `polyVars ${polyVars}, capacity ${capacity}`).to.deep.equal(expectedRecords(polyVars, ops));
        expect(count).to.equal(BigInt(ops.length));
      }
    }
  });

  it("open reverts SlotClaimShape for a point of another length, and panics for a slot past the table", async () => {
    const op: Opening = { vars: 2, index: 5, point: [3n, 4n], value: 9n };
    await expect(h.records(6, slotTable([op]), [0], [[3n]], [9n], 0)).to.be.revertedWithCustomError(h, "SlotClaimShape").withArgs(1, 0, 1);
    await expect(h.records(6, slotTable([op]), [1], [op.point], [9n], 0)).to.be.revertedWithPanic(0x32);
  });
});
