import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { G1, type G1Point } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly";
import {
  assertValidBatchOpening,
  BatchOpeningError,
  proveBatchOpening,
  type BatchOpeningProof,
  type OpeningClaim,
} from "../../src/pcs/batch";
import { decodeBatchOpeningProof } from "../../src/pcs/batch-encoding";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { batchOpeningCalldata, type BatchOpeningCalldata } from "../../src/compiler/batch-calldata";
import { hyperKzgVerifierKeyWords } from "../../src/compiler/hyperkzg-calldata";
import { randomFrs, randomSmall } from "../sumcheck/helpers";
import type { BatchOpeningHarness } from "../../typechain-types";

/**
 * The Solidity batch-opening verifier against src/pcs/batch.ts: honest batches (one point, several points,
 * different sizes, repeated polynomials, 0-variable claims) pass in both and end in the same transcript state;
 * every tampered message fails in TypeScript and reverts on-chain; malformed calldata reverts with the named
 * custom error.
 */
describe("verifier (Solidity): batch opening", () => {
  const DOMAIN = "test.batch";
  const domainWord = ethers.encodeBytes32String(DOMAIN);
  const SRS = insecureDevSrs(4096);
  const vk = HyperKZG.verifierKey(SRS);
  const vkWords = hyperKzgVerifierKeyWords(vk);
  let harness: BatchOpeningHarness;

  // Tables of 2^5, 2^3, 13 (4 variables), 1 (0 variables) and 2^2 small entries.
  const TABLES = [randomFrs(32, "t0"), randomFrs(8, "t1"), randomFrs(13, "t2"), randomFrs(1, "t3"), randomSmall(4, "t4")];
  const COMMITMENTS = TABLES.map((t) => HyperKZG.commit(SRS, t));

  before(async () => {
    harness = (await ethers.deployContract("BatchOpeningHarness")) as unknown as BatchOpeningHarness;
  });

  /** Big-endian 32-byte words as bytes (words may exceed r: G1 coordinates live in Fp). */
  function wordsToBytes(words: readonly bigint[]): Uint8Array {
    return ethers.getBytes(ethers.concat(words.map((w) => ethers.toBeHex(w, 32))));
  }

  interface Batch {
    readonly tables: readonly (readonly bigint[])[];
    readonly commitments: readonly G1Point[];
    readonly claims: readonly OpeningClaim[];
    readonly proof: BatchOpeningProof;
  }

  function claimAt(tables: readonly (readonly bigint[])[], poly: number, point: bigint[]): OpeningClaim {
    return { poly, point, value: evaluateMle(tables[poly], point) };
  }

  function batch(claims: OpeningClaim[], tables = TABLES, commitments = COMMITMENTS): Batch {
    const proof = proveBatchOpening({ srs: SRS, tables, commitments, claims, transcript: new Transcript(DOMAIN) });
    return { tables, commitments, claims, proof };
  }

  /** Calldata for (possibly tampered) inputs, with the inverse hint those inputs imply. */
  function calldata(b: Omit<Batch, "tables">): BatchOpeningCalldata {
    return batchOpeningCalldata(new Transcript(DOMAIN), b.commitments, b.claims, b.proof);
  }

  function call(cd: BatchOpeningCalldata) {
    return [domainWord, cd.commitments, cd.claims, cd.proof, cd.inverseHint, vkWords] as const;
  }

  function tsAccepts(b: Omit<Batch, "tables">): boolean {
    try {
      assertValidBatchOpening({ vk, ...b, transcript: new Transcript(DOMAIN) });
      return true;
    } catch (e) {
      if (e instanceof BatchOpeningError) return false;
      throw e;
    }
  }

  async function expectBothAccept(b: Batch): Promise<void> {
    const t = new Transcript(DOMAIN);
    assertValidBatchOpening({ vk, ...b, transcript: t });
    expect(await harness.batchOpeningVerify(...call(calldata(b)))).to.equal(t.stateHex);
  }

  const p5 = randomFrs(5, "p5");
  const mixed = batch([
    claimAt(TABLES, 0, p5),
    claimAt(TABLES, 0, randomFrs(5, "q5")),
    claimAt(TABLES, 1, randomFrs(3, "p3")),
    claimAt(TABLES, 2, randomFrs(4, "p4")),
    claimAt(TABLES, 3, []),
    claimAt(TABLES, 4, randomFrs(2, "p2")),
    claimAt(TABLES, 1, p5.slice(0, 3)),
  ]);

  describe("completeness: same verdict and final transcript state as TypeScript", () => {
    it("one claim (weight 1: no ecMul; the unreferenced commitments weigh 0)", async () => {
      const b = batch([claimAt(TABLES, 1, randomFrs(3, "one"))]);
      expect(b.proof.sumcheck).to.equal(null);
      await expectBothAccept(b);
    });

    it("one lifted point, several polynomials of different sizes: no sum-check", async () => {
      const shared = [...p5.slice(0, 4), 0n];
      const b = batch([claimAt(TABLES, 0, shared), claimAt(TABLES, 2, shared.slice(0, 4)), claimAt(TABLES, 0, shared)]);
      expect(b.proof.sumcheck).to.equal(null);
      await expectBothAccept(b);
    });

    it("only 0-variable claims (opened as ℓ = 1 at u = (0))", async () => {
      await expectBothAccept(batch([claimAt(TABLES, 3, []), claimAt(TABLES, 3, [])]));
    });

    it("several points, different sizes, repeated polynomials, a 0-variable claim", async () => {
      expect(mixed.proof.sumcheck).to.not.equal(null);
      await expectBothAccept(mixed);
    });

    it("random batches: random sizes, points shared by prefix, repeated claims", async () => {
      for (let seed = 0; seed < 4; seed++) {
        const r = randomFrs(40, `random-batch-${seed}`).map((x) => Number(x % 1000n));
        const base = randomFrs(5, `random-base-${seed}`);
        const claims: OpeningClaim[] = [];
        for (let i = 0; i < 3 + (r[0] % 5); i++) {
          const poly = r[1 + i] % TABLES.length;
          const vars = Math.ceil(Math.log2(TABLES[poly].length));
          // Half the claims reuse the shared point's prefix (so groups merge), half get a fresh point.
          const point = r[20 + i] % 2 === 0 ? base.slice(0, vars) : randomFrs(vars, `random-point-${seed}-${i}`);
          claims.push(claimAt(TABLES, poly, point));
        }
        await expectBothAccept(batch(claims));
      }
    });

    it("three one-variable points (n = 1: one sum-check round)", async () => {
      await expectBothAccept(batch([claimAt(TABLES, 3, [5n]), claimAt(TABLES, 3, [7n]), claimAt(TABLES, 3, [])]));
    });

    it("reports the gas of 6 commitments (ℓ = 12) claimed at 3 points", async () => {
      const tables = [0, 1, 2, 3, 4, 5].map((k) => randomFrs(1 << 12, `gas-table-${k}`));
      const commitments = tables.map((t) => HyperKZG.commit(SRS, t));
      const points = [0, 1, 2].map((g) => randomFrs(12, `gas-point-${g}`));
      const b = batch(
        tables.map((_, k) => claimAt(tables, k, points[k % 3])),
        tables,
        commitments,
      );
      await expectBothAccept(b);
      const cd = calldata(b);
      const gas = await harness.batchOpeningVerify.estimateGas(...call(cd));
      const words = cd.commitments.length + cd.claims.length + cd.proof.length;
      console.log(`      batch opening, 6 commitments, 3 points, l = 12: ${gas} gas, ${words} calldata words`);
      // Floor: 21k intrinsic + 20 ecMul and 20 ecAdd (14 HyperKZG, 6 combination) + 113k pairing ≈ 257k,
      // plus ~90k for 177 calldata words. Measured ≈ 480k: the rest is transcript,
      // sum-check and field work; the ceiling catches a regression of more than ~40k.
      expect(Number(gas)).to.be.within(257_000, 520_000);

      // The same six polynomials all at one point: no sum-check, and claim 0's weight is 1 (no ecMul).
      const one = batch(tables.map((_, k) => claimAt(tables, k, points[0])), tables, commitments);
      await expectBothAccept(one);
      const gasOne = await harness.batchOpeningVerify.estimateGas(...call(calldata(one)));
      console.log(`      batch opening, 6 commitments, 1 point, l = 12: ${gasOne} gas`);
      expect(Number(gasOne)).to.be.below(Number(gas));
    });
  });

  describe("soundness: every tampered message is rejected by both", () => {
    const honest = calldata(mixed);

    async function expectBothReject(b: Omit<Batch, "tables">, what: string): Promise<void> {
      expect(tsAccepts(b), `TypeScript accepted ${what}`).to.equal(false);
      await expect(harness.batchOpeningVerify(...call(calldata(b))), what).to.be.reverted;
    }

    it("each sum-check coefficient", async () => {
      const rounds = mixed.proof.sumcheck!.rounds;
      for (let j = 0; j < rounds.length; j++) {
        for (let k = 0; k < rounds[j].length; k++) {
          const tampered = rounds.map((r, jj) => r.map((c, kk) => (jj === j && kk === k ? Fr.add(c, 1n) : c)));
          await expectBothReject({ ...mixed, proof: { ...mixed.proof, sumcheck: { rounds: tampered } } }, `round ${j}.${k}`);
        }
      }
    });

    it("each claim value", async () => {
      for (let i = 0; i < mixed.claims.length; i++) {
        const claims = mixed.claims.map((c, ii) => (ii === i ? { ...c, value: Fr.add(c.value, 1n) } : c));
        await expectBothReject({ ...mixed, claims }, `value of claim ${i}`);
      }
    });

    it("a claim's point (one coordinate, and a claim moved onto another claim's point)", async () => {
      const moved = mixed.claims.map((c, i) => (i === 3 ? { ...c, point: c.point.map((x, j) => (j === 1 ? Fr.add(x, 1n) : x)) } : c));
      await expectBothReject({ ...mixed, claims: moved }, "a shifted coordinate");
      const merged = mixed.claims.map((c, i) => (i === 1 ? { ...c, point: mixed.claims[0].point } : c));
      await expectBothReject({ ...mixed, claims: merged }, "a point changed to another claim's");
    });

    it("each commitment (replaced by another valid point)", async () => {
      for (let k = 0; k < mixed.commitments.length; k++) {
        const commitments = mixed.commitments.map((c, kk) => (kk === k ? c.add(G1.BASE) : c));
        await expectBothReject({ ...mixed, commitments }, `commitment ${k}`);
      }
    });

    it("each HyperKZG word", async () => {
      const start = 2 * mixed.proof.sumcheck!.rounds.length;
      for (let w = start; w < honest.proof.length; w++) {
        const words = [...honest.proof];
        words[w] += 1n;
        // TypeScript: the tampered bytes either fail to decode (a point off the curve) or fail to verify; then
        // the on-chain call gets the inverse hint the tampered proof implies, so a revert is the real check's.
        let cd: BatchOpeningCalldata = { ...honest, proof: words };
        try {
          const proof = decodeBatchOpeningProof(wordsToBytes(words), mixed.claims, mixed.commitments.length);
          expect(tsAccepts({ ...mixed, proof }), `TypeScript accepted word ${w}`).to.equal(false);
          cd = calldata({ ...mixed, proof });
          expect(cd.proof).to.deep.equal(words);
        } catch (e) {
          if (!(e instanceof BatchOpeningError)) throw e;
        }
        await expect(harness.batchOpeningVerify(...call(cd)), `word ${w}`).to.be.reverted;
      }
    });

    it("a claim for a polynomial other than the one evaluated", async () => {
      const swapped = mixed.claims.map((c, i) => (i === 2 ? { ...c, poly: 4 } : c));
      const b = { ...mixed, claims: swapped.map((c, i) => (i === 2 ? { ...c, point: c.point.slice(0, 2) } : c)) };
      await expectBothReject(b, "claim 2 on table 4");
    });
  });

  describe("malformed calldata reverts with the named error", () => {
    const honest = calldata(mixed);
    const verify = (over: Partial<BatchOpeningCalldata>) => harness.batchOpeningVerify(...call({ ...honest, ...over }));

    it("commitments: empty, odd length, off the curve, a coordinate >= p", async () => {
      await expect(verify({ commitments: [] })).to.be.revertedWithCustomError(harness, "BatchCommitmentsLength").withArgs(0);
      await expect(verify({ commitments: honest.commitments.slice(1) }))
        .to.be.revertedWithCustomError(harness, "BatchCommitmentsLength")
        .withArgs(honest.commitments.length - 1);
      const offCurve = [...honest.commitments];
      offCurve[5] += 1n; // y of commitment 2
      await expect(verify({ commitments: offCurve })).to.be.revertedWithCustomError(harness, "BatchCommitmentInvalid").withArgs(2);
      const P = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47n;
      const unreduced = [...honest.commitments];
      unreduced[1] += P; // y of commitment 0 plus p: the same point mod p, refused
      await expect(verify({ commitments: unreduced })).to.be.revertedWithCustomError(harness, "BatchCommitmentInvalid").withArgs(0);
    });

    it("claims: none, truncated, a point longer than the words left, an unknown polynomial, a value >= r", async () => {
      await expect(verify({ claims: [] })).to.be.revertedWithCustomError(harness, "BatchNoClaims");
      await expect(verify({ claims: honest.claims.slice(0, -1) }))
        .to.be.revertedWithCustomError(harness, "BatchClaimTruncated")
        .withArgs(6, honest.claims.length - (3 + 3)); // claim 6: 3 coordinates
      await expect(verify({ claims: [...honest.claims, 0n, 0n] }))
        .to.be.revertedWithCustomError(harness, "BatchClaimTruncated")
        .withArgs(7, honest.claims.length);
      const long = [...honest.claims];
      long[1] = BigInt(long.length); // claim 0 says it has more coordinates than there are words
      await expect(verify({ claims: long })).to.be.revertedWithCustomError(harness, "BatchClaimTruncated").withArgs(0, 0);
      const unknown = [...honest.claims];
      unknown[0] = 5n;
      await expect(verify({ claims: unknown }))
        .to.be.revertedWithCustomError(harness, "BatchClaimUnknownPolynomial")
        .withArgs(0, 5, 5);
      const nonCanonical = [...honest.claims];
      nonCanonical[2 + 5] += Fr.MODULUS; // value of claim 0 (5 coordinates)
      await expect(verify({ claims: nonCanonical })).to.be.revertedWithCustomError(harness, "FieldElementNotCanonical");
    });

    it("proof: missing the sum-check, one word short or long", async () => {
      const n = 5;
      const expected = 2 * n + 4 * n + 3;
      expect(honest.proof).to.have.length(expected);
      for (const proof of [honest.proof.slice(2 * n), honest.proof.slice(1), [...honest.proof, 0n]]) {
        await expect(verify({ proof }))
          .to.be.revertedWithCustomError(harness, "BatchOpeningProofSize")
          .withArgs(proof.length, expected);
      }
      const nonCanonical = [...honest.proof];
      nonCanonical[0] += Fr.MODULUS;
      await expect(verify({ proof: nonCanonical })).to.be.revertedWithCustomError(harness, "FieldElementNotCanonical");
    });

    it("random corruptions of the claim words: always a named custom error, never a panic or acceptance", async () => {
      // Small words (indices, counts, coordinates) make structurally plausible records; the verifier must
      // refuse each with one of its own errors, never by an out-of-bounds panic.
      const word = fc.oneof(fc.integer({ min: 0, max: 8 }).map(BigInt), fc.constant(Fr.MODULUS - 1n), fc.constant(Fr.MODULUS));
      const edit = fc.record({ at: fc.nat(), insert: fc.boolean(), value: word });
      const seen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
          const claims = [...honest.claims];
          for (const e of edits) {
            const at = e.at % (claims.length + 1);
            if (e.insert || at === claims.length) claims.splice(at, 0, e.value);
            else claims[at] = e.value;
          }
          let data: string | undefined;
          try {
            await harness.batchOpeningVerify.staticCall(...call({ ...honest, claims }));
          } catch (e) {
            data = (e as { data?: string }).data;
          }
          expect(data, `accepted ${claims.join(",")}`).to.be.a("string");
          const name = harness.interface.parseError(data!)?.name;
          expect(name, `not a named error: ${data}`).to.be.a("string").and.not.be.oneOf(["Panic", "Error"]);
          seen.add(name!);
        }),
        { numRuns: 40, seed: 7 },
      );
      // The corruptions reach the structural checks, not only the final proof checks.
      expect([...seen]).to.include.members(["BatchClaimTruncated", "FieldElementNotCanonical"]);
    });

    it("a wrong inverse hint", async () => {
      await expect(verify({ inverseHint: honest.inverseHint + 1n })).to.be.revertedWithCustomError(
        harness,
        "HyperKzgInverseHintWrong",
      );
    });
  });
});
