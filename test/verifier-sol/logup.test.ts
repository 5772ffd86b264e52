import { expect } from "chai";
import { ethers } from "hardhat";
import { G1 } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import {
  decodeLookupProof,
  encodeLookupProof,
  functionTable,
  LookupError,
  lookupProofShape,
  proveLookup,
  rangeTable,
  verifierTable,
  verifyLookup,
  type LookupClaims,
  type LookupProof,
  type LookupTable,
  type WitnessColumn,
} from "../../src/lookup";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { cheatingProof } from "../lookup/adversary";
import { claimsHold, fr, randomInts } from "../lookup/helpers";
import { evaluateMle } from "../../src/poly";
import type { LookupHarness } from "../../typechain-types";

/**
 * The Solidity LogUp verifier against the TypeScript reference: the same proof gives the same transcript
 * state and the same claims; every altered word either reverts in both or gives the same (false) claims in
 * both; malformed input reverts with the named custom error.
 */
describe("verifier (Solidity): LogUp replays the TypeScript reference", () => {
  const DOMAIN = "test.logup";
  const domainWord = ethers.encodeBytes32String(DOMAIN);
  const srs = insecureDevSrs(1024);
  let harness: LookupHarness;

  before(async () => {
    harness = (await ethers.deployContract("LookupHarness")) as unknown as LookupHarness;
  });

  const relu = (x: bigint): bigint => (x > 0n ? x : 0n);
  const reluTable = functionTable(srs, -512, 10, relu);
  const reluColumn = (len: number, seed: string): WitnessColumn => {
    const xs = randomInts(len, seed, 1024).map((v) => BigInt(v - 512));
    return [fr(xs), fr(xs.map(relu))];
  };
  const range = rangeTable(-8, 4);
  const instances: { name: string; table: LookupTable; columns: WitnessColumn[] }[] = [
    {
      name: "range [-8, 8), columns of 5, 16, 3",
      table: range,
      columns: [5, 16, 3].map((n, i) => [fr(randomInts(n, `s${i}`, 16).map((v) => v - 8))]),
    },
    {
      name: "10-bit ReLU, columns of 7 and 100",
      table: reluTable,
      columns: [reluColumn(7, "a"), reluColumn(100, "b")],
    },
    { name: "one entry, one-row table", table: rangeTable(3, 0), columns: [[fr([3])]] },
    {
      name: "witness wider than the table (30 entries into [0, 4))",
      table: rangeTable(0, 2),
      columns: [[fr(randomInts(30, "w", 4))]],
    },
  ];

  const tableArg = (t: LookupTable) => ({
    numVars: t.numVars,
    columns: t.columns.flatMap((c) => (c.kind === "range" ? [0n, c.lo] : [1n, 0n])),
    commitments: t.columns.flatMap((c) => {
      if (c.kind !== "committed") return [];
      const { x, y } = c.commitment.toAffine();
      return [x, y];
    }),
  });
  const words = (p: LookupProof): bigint[] => {
    const bytes = encodeLookupProof(p);
    return Array.from({ length: bytes.length / 32 }, (_, i) =>
      BigInt(`0x${Buffer.from(bytes.subarray(32 * i, 32 * i + 32)).toString("hex")}`),
    );
  };
  const lengthsOf = (cols: readonly WitnessColumn[]) => cols.map((c) => c[0].length);

  /** The TypeScript verifier's claims as the Solidity struct lays them out, with its final state. */
  function reference(table: LookupTable, lengths: number[], proof: LookupProof) {
    const transcript = new Transcript(DOMAIN);
    const c: LookupClaims = verifyLookup({ table: verifierTable(table), lengths, proof, transcript });
    return {
      state: transcript.stateHex,
      point: c.witnessPoint,
      witnessClaims: c.witnessClaims.flat(),
      openingValues: c.openings.map((o) => o.value),
      claims: c,
    };
  }

  async function onChain(table: LookupTable, lengths: number[], proofWords: bigint[]) {
    const r = await harness.logupVerify(domainWord, tableArg(table), lengths, proofWords);
    return {
      state: r.state,
      point: r.point.map(BigInt),
      witnessClaims: r.witnessClaims.map(BigInt),
      openingValues: r.openingValues.map(BigInt),
    };
  }

  const proved = instances.map((inst) =>
    proveLookup({ srs, table: inst.table, columns: inst.columns, transcript: new Transcript(DOMAIN) }),
  );

  instances.forEach((inst, n) => {
    it(`completeness: ${inst.name}: same state and claims as TypeScript`, async () => {
      const lengths = lengthsOf(inst.columns);
      const ref = reference(inst.table, lengths, proved[n].proof);
      const sol = await onChain(inst.table, lengths, words(proved[n].proof));
      const { claims: _claims, ...expected } = ref;
      expect(sol).to.deep.equal(expected);
      expect(claimsHold(srs, ref.claims, proved[n].polys, inst.columns)).to.equal(true);
    });
  });

  it("soundness: every altered proof word fails the same check as in TypeScript (or yields the same false claims)", async () => {
    const inst = instances[1];
    const lengths = lengthsOf(inst.columns);
    const { proof, polys } = proved[1];
    const honest = words(proof);
    const shape = lookupProofShape(inst.table, lengths);
    const pointWords = 2 * (lengths.length + 2); // C_m, C_h_i, C_g: move the point by G (stays on the curve)
    for (let w = 0; w < honest.length; w++) {
      const bad = [...honest];
      if (w < pointWords) {
        const at = w - (w % 2);
        const moved = G1.fromAffine({ x: honest[at], y: honest[at + 1] })
          .add(G1.BASE)
          .toAffine();
        [bad[at], bad[at + 1]] = [moved.x, moved.y];
        if (w % 2 === 1) continue; // one alteration per point
      } else {
        bad[w] = Fr.add(bad[w], 1n);
      }
      const bytes = Uint8Array.from(
        Buffer.concat(bad.map((x) => Buffer.from(x.toString(16).padStart(64, "0"), "hex"))),
      );
      const tampered = decodeLookupProof(bytes, shape);
      let ref: ReturnType<typeof reference> | undefined;
      let reason = "";
      try {
        ref = reference(inst.table, lengths, tampered);
      } catch (e) {
        if (!(e instanceof LookupError)) throw e;
        reason = e.message;
      }
      if (ref === undefined) {
        // The same check fails on both sides.
        const error = /do not balance/.test(reason)
          ? "LookupSumsUnbalanced"
          : /final equation/.test(reason)
          ? "LookupZeroCheck"
          : "";
        expect(error, `word ${w}: ${reason}`).to.not.equal("");
        await expect(
          harness.logupVerify(domainWord, tableArg(inst.table), lengths, bad),
          `word ${w}`,
        ).to.be.revertedWithCustomError(harness, error);
        continue;
      }
      const { claims, ...expected } = ref;
      expect(await onChain(inst.table, lengths, bad), `word ${w}`).to.deep.equal(expected);
      expect(claimsHold(srs, claims, polys, inst.columns), `word ${w}`).to.equal(false);
    }
  });

  it("an adaptive cheater (out-of-table entry, sums balanced by a false S_g) passes on-chain with the same false claim", async () => {
    const witness = fr([0, 9, -8, 3, 3]); // 9 is outside [-8, 8)
    const m = new Array<bigint>(16).fill(0n);
    for (const y of [8, 15, 0, 11, 11]) m[y]++;
    const { proof, polys } = cheatingProof(srs, range, witness, m, "tableSum", DOMAIN);
    const ref = reference(range, [5], proof);
    const { claims, ...expected } = ref;
    expect(await onChain(range, [5], words(proof))).to.deep.equal(expected);
    const gHalf = claims.openings[2];
    expect(evaluateMle(polys[gHalf.poly], gHalf.point)).to.not.equal(gHalf.value);
  });

  it("reverts with named errors: sums, zero-checks, sizes, table shape, non-canonical words", async () => {
    const inst = instances[0];
    const lengths = lengthsOf(inst.columns);
    const honest = words(proved[0].proof);
    const t = tableArg(inst.table);
    const k = lengths.length;
    const call = (table: typeof t, lens: number[], p: bigint[]) => harness.logupVerify(domainWord, table, lens, p);
    const sums = 2 * k + 4;
    const bump = (i: number) => honest.map((x, j) => (j === i ? Fr.add(x, 1n) : x));
    await expect(call(t, lengths, bump(sums))).to.be.revertedWithCustomError(harness, "LookupSumsUnbalanced");
    const evals = sums + k + 1 + 3 * 4;
    await expect(call(t, lengths, bump(evals))).to.be.revertedWithCustomError(harness, "LookupZeroCheck");
    await expect(call(t, lengths, bump(honest.length - 1))).to.be.revertedWithCustomError(harness, "LookupZeroCheck");
    await expect(call(t, lengths, honest.slice(1)))
      .to.be.revertedWithCustomError(harness, "LookupProofSize")
      .withArgs(honest.length - 1, honest.length);
    await expect(call(t, [], honest)).to.be.revertedWithCustomError(harness, "LookupEmpty");
    await expect(call(t, [5, 0, 3], honest))
      .to.be.revertedWithCustomError(harness, "LookupColumnLength")
      .withArgs(1, 0);
    await expect(call({ ...t, numVars: 25 }, lengths, honest))
      .to.be.revertedWithCustomError(harness, "LookupTableVars")
      .withArgs(25);
    await expect(call(t, [5, 2 ** 40 + 1, 3], honest))
      .to.be.revertedWithCustomError(harness, "LookupColumnLength")
      .withArgs(1, 2 ** 40 + 1);
    await expect(call({ ...t, columns: [2n, 0n] }, lengths, honest))
      .to.be.revertedWithCustomError(harness, "LookupColumnKind")
      .withArgs(0, 2);
    await expect(call({ ...t, commitments: [1n, 2n] }, lengths, honest))
      .to.be.revertedWithCustomError(harness, "LookupTableCommitments")
      .withArgs(2, 0);
    const nonCanonical = [...honest];
    nonCanonical[sums] += Fr.MODULUS;
    await expect(call(t, lengths, nonCanonical)).to.be.revertedWithCustomError(harness, "FieldElementNotCanonical");
  });

  it("gas: a 10-bit ReLU lookup of 2 columns (n_f = 7, n_t = 10)", async () => {
    const inst = instances[1];
    const lengths = lengthsOf(inst.columns);
    const gas = await harness.logupVerify.estimateGas(
      domainWord,
      tableArg(inst.table),
      lengths,
      words(proved[1].proof),
    );
    // Calldata plus execution of the whole lookup replay; well under the per-transaction cap.
    expect(gas).to.be.lessThan(145_000n); // 132k at the time of writing: a regression guard, not a timing
    console.log(
      `      LogUp verify (k = 2, a = 2, n_f = 7, n_t = 10, ${words(proved[1].proof).length} words): ${gas} gas`,
    );
  });
});
