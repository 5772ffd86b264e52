import { expect } from "chai";
import { ethers } from "hardhat";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { InterpreterMemoryHarness } from "../../typechain-types";
import { deployInterpreter } from "./interpreter";

/**
 * The interpreter's memory reclamation (`Machine.reclaim`, contracts/test/InterpreterMemoryHarness.sol): after a
 * step, what survives it — the register's claims and points, claims it added to the book, arena prefixes it made —
 * is moved down to the mark and everything else it allocated is freed. Each case plays a step with garbage
 * between the survivors and reads every survivor back through the state afterwards: contents unchanged, packed
 * right after the mark (the free pointer ends exactly after them), shared arena prefixes still shared, and
 * nothing freed when the step left something reclaim does not follow (a grown record buffer, a new prefix
 * table). The whole-model differential tests run it after every REQUANTS / REQUANT / MERGEMANY of every model.
 */
describe("verifier (Solidity): interpreter memory — freeing a step's temporaries", function () {
  let h: InterpreterMemoryHarness;
  let seed = 0x3e3;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return Math.floor((seed / 2 ** 32) * n);
  };
  const point = (n: number) => Array.from({ length: n }, () => BigInt(rand(1 << 30)) * 977n + 1n);
  const words = (points: bigint[][]) => points.reduce((s, p) => s + 32 * (p.length + 1), 0);

  before(async () => {
    h = (await ethers.deployContract("InterpreterMemoryHarness")) as unknown as InterpreterMemoryHarness;
  });

  it("the hand-encoded publicTensor call of ModelVerifierOps.sol names ModelVerifierPcs.publicTensor's selector", async function () {
    const libraries = await deployInterpreter();
    const pcs = await ethers.getContractAt("ModelVerifierPcs", libraries.ModelVerifierPcs);
    const source = readFileSync(join(__dirname, "..", "..", "contracts", "verifier", "ModelVerifierOps.sol"), "utf8");
    const f = pcs.interface.getFunction("publicTensor")!;
    expect(f.format()).to.equal("publicTensor(bytes,uint256,uint256[],uint256[])");
    expect(source).to.contain(`PUBLIC_TENSOR_SELECTOR = ${f.selector};`);
  });

  it("keeps the register's fresh claims and points, packed after the mark", async () => {
    for (const counts of [[], [0], [1], [3, 5], [1, 0, 7, 2], [12, 12, 12, 12, 12, 12]]) {
      for (const garbage of [0, 1, 9]) {
        const points = counts.map(point);
        const values = counts.map(() => BigInt(rand(1e9)));
        const o = await h.register(points, values, garbage, false);
        expect(o.points, `${counts} / ${garbage}`).to.deep.equal(points);
        expect([...o[1]]).to.deep.equal(values);
        expect(o.packed).to.equal(true);
        // The list, its claims (2 words each) and their points; nothing else.
        expect(o.used, `${counts} / ${garbage}`).to.equal(BigInt(32 * (counts.length + 1) + 64 * counts.length + words(points)));
      }
    }
  });

  it("moves the fresh points of claims made before the mark, the claims left where they are", async () => {
    for (const counts of [[2], [4, 1, 3]]) {
      const points = counts.map(point);
      const values = counts.map(() => BigInt(rand(1e9)));
      const o = await h.register(points, values, 5, true);
      expect(o.points).to.deep.equal(points);
      expect([...o[1]]).to.deep.equal(values);
      expect(o.used).to.equal(BigInt(32 * (counts.length + 1) + words(points)));
    }
  });

  it("keeps the claims a step added to the book, in order, with those added before it", async () => {
    for (const [tensors, before, n] of [[1, 0, 1], [3, 2, 5], [6, 1, 12], [2, 0, 0]] as const) {
      const tensorOf = Array.from({ length: n }, () => rand(tensors));
      const points = Array.from({ length: Math.max(n, 1) }, () => point(1 + rand(6)));
      const values = points.map(() => BigInt(rand(1e9)));
      const [o, counts] = await h.chains(tensors, tensorOf, points.slice(0, Math.max(n, 1)), values, before, 3);
      // Expected: per tensor, the claims before the mark (tensor 0) then the step's in the order added.
      const expected: bigint[][] = [];
      const expectedValues: bigint[] = [];
      for (let t = 0; t < tensors; t++) {
        const mine = tensorOf.flatMap((u, i) => (u === t ? [i] : []));
        const ids = t === 0 ? [...Array<number>(before).fill(0), ...mine] : mine;
        for (const i of ids) {
          expected.push(points[i]);
          expectedValues.push(values[i]);
        }
      }
      expect(o.points, `${tensors} / ${before} / ${n}`).to.deep.equal(expected);
      expect([...o[1]]).to.deep.equal(expectedValues);
      expect(counts.map(Number)).to.deep.equal(Array.from({ length: tensors }, (_, t) => tensorOf.filter((u) => u === t).length + (t === 0 ? before : 0)));
      // Nodes (2 words), claims (2 words) and points of the step's claims only.
      expect(o.used).to.equal(BigInt(128 * n + words(points.slice(0, n))));
    }
  });

  it("keeps the arena prefixes a step made, still shared by the claims on them", async () => {
    const rho = point(7);
    for (const [early, made, claimed] of [
      [[3], [5], [5, 5, 0]],
      [[7], [1, 2, 7], [2, 1, 7, 2]],
      [[0, 4], [], [4, 6, 6]],
    ]) {
      const [o, shared, again] = await h.prefixes(rho, early, made, claimed, 4);
      expect(o.points).to.deep.equal(claimed.map((n) => rho.slice(0, n)));
      expect(shared, `${early} / ${made} / ${claimed}`).to.equal(true);
      expect(again).to.deep.equal(rho.map((_, n) => rho.slice(0, n)).concat([rho]));
    }
  });

  it("frees nothing after a step that grew the record buffer or made the prefix table", async () => {
    for (const which of [0, 1]) {
      const [before, after] = await h.kept(which);
      expect(after, `case ${which}`).to.equal(before);
    }
  });
});
