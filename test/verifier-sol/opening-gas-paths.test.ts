import { expect } from "chai";
import { ethers } from "hardhat";
import { BASE_FIELD_MODULUS, G1, type G1Point } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly";
import { assertValidBatchOpening, proveBatchOpening, type OpeningClaim } from "../../src/pcs/batch";
import { encodeBatchOpeningProof } from "../../src/pcs/batch-encoding";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { batchClaimWords, batchCommitmentWords } from "../../src/compiler/batch-calldata";
import { g1Words, hyperKzgInverseHint, hyperKzgProofWords, hyperKzgVerifierKeyWords } from "../../src/compiler/hyperkzg-calldata";
import { randomFrs } from "../sumcheck/helpers";
import type { Bn254Harness, ModelVerifierPcs, PcsOpeningHarness, VerifierHarness } from "../../typechain-types";

/**
 * The assembly paths of the session-8 gas work on the batch opening (docs/verifier-gen.md, "Session 8 (OP)"), each
 * at its edges: BN254.linearCombination's skips (weight 0, weight 1, a running sum that is still or again (0, 0))
 * and the points its reverts name; HyperKZG's MSM loop (the refused point named) and its inverse computed from
 * hint 0; the canonical checks that replaced Fr.checked calls (the first bad word named); OpeningBatch's weights
 * with trailing 0/1 runs of every length 0…9 after prefixes of odd and even length (the four- and one-bit
 * loops and the paired prefix loop), and its one-point test (`_scan`) when only the last record differs.
 */
describe("verifier (Solidity): the batch opening's assembly paths at their edges", () => {
  const R = Fr.MODULUS;

  describe("BN254.linearCombination against TypeScript's G1 arithmetic", () => {
    let harness: Bn254Harness;
    before(async () => {
      harness = (await ethers.deployContract("Bn254Harness")) as unknown as Bn254Harness;
    });
    const P = [1n, 2n, 3n, 4n].map((k) => G1.BASE.multiply(k * 7919n + 5n));
    const words = (points: readonly G1Point[]): bigint[] => points.flatMap((p) => g1Words(p));
    const expected = (points: readonly G1Point[], weights: readonly bigint[]): bigint[] =>
      g1Words(points.reduce((acc, p, i) => (weights[i] === 0n ? acc : acc.add(p.multiply(weights[i]))), G1.ZERO));

    it("every mix of weights 0, 1 and others, the sum (0, 0) at the start and again midway", async () => {
      const cases: [G1Point[], bigint[]][] = [
        [[], []],
        [[P[0]], [0n]],
        [[P[0]], [1n]],
        [[P[0]], [5n]],
        [[P[0]], [R - 1n]],
        [P.slice(0, 2), [1n, 1n]],
        [P.slice(0, 2), [1n, 9n]],
        [P.slice(0, 2), [9n, 1n]],
        [P.slice(0, 3), [0n, 0n, 3n]],
        [P, [0n, 1n, 0n, 2n]],
        [P, [11n, 12n, 13n, 14n]],
        // P and −P: the running sum is (0, 0) again after them, then a weight-1 and a general term
        [[P[0], P[0].negate(), P[1], P[2]], [1n, 1n, 1n, 6n]],
        [[P[0], P[0], P[1]], [2n, R - 2n, 1n]],
        [[P[0], P[0], P[1]], [2n, R - 2n, 3n]],
        // the point at infinity as a term
        [[G1.ZERO, P[1]], [1n, 4n]],
        [[G1.ZERO, P[1]], [4n, 1n]],
      ];
      for (const [points, weights] of cases) {
        const [x, y] = await harness.linearCombination(words(points), weights);
        expect([x, y], `weights ${weights}`).to.deep.equal(expected(points, weights));
      }
    });

    it("a refused point is named: the term's (ecMul, or ecAdd for weight 1), or the running sum's", async () => {
      const bad = [g1Words(P[1])[0], g1Words(P[1])[1] + 1n];
      const good = words([P[0]]);
      // weight 0: never read
      expect(await harness.linearCombination([...good, ...bad], [3n, 0n])).to.deep.equal(expected([P[0]], [3n]));
      // ecMul refuses it (first term, and after a sum)
      await expect(harness.linearCombination([...bad, ...good], [2n, 1n])).to.be.revertedWithCustomError(harness, "G1PointInvalid").withArgs(bad[0], bad[1]);
      await expect(harness.linearCombination([...good, ...bad], [1n, 2n])).to.be.revertedWithCustomError(harness, "G1PointInvalid").withArgs(bad[0], bad[1]);
      // ecAdd refuses a weight-1 term
      await expect(harness.linearCombination([...good, ...bad], [1n, 1n])).to.be.revertedWithCustomError(harness, "G1PointInvalid").withArgs(bad[0], bad[1]);
      // a first weight-1 term is taken as it is (as BN254.add does); the next ecAdd names the running sum
      await expect(harness.linearCombination([...bad, ...good], [1n, 7n])).to.be.revertedWithCustomError(harness, "G1PointInvalid").withArgs(bad[0], bad[1]);
      // a coordinate ≥ p
      const big = [BASE_FIELD_MODULUS, 2n];
      await expect(harness.linearCombination([...good, ...big], [1n, 5n])).to.be.revertedWithCustomError(harness, "G1PointInvalid").withArgs(big[0], big[1]);
    });

    it("fewer point words than 2 per weight revert", async () => {
      await expect(harness.linearCombination(words([P[0]]), [1n, 1n])).to.be.reverted;
    });
  });

  describe("HyperKZG: the MSM loop and the inverse from hint 0", () => {
    const DOMAIN = "test.hyperkzg-paths";
    const domainWord = ethers.encodeBytes32String(DOMAIN);
    const SRS = insecureDevSrs(64);
    const vk = HyperKZG.verifierKey(SRS);
    const vkWords = hyperKzgVerifierKeyWords(vk);
    let harness: VerifierHarness;
    before(async () => {
      harness = (await ethers.deployContract("VerifierHarness")) as unknown as VerifierHarness;
    });
    const opening = (numVars: number) => {
      const evals = randomFrs(1 << numVars, `paths-${numVars}`);
      const point = randomFrs(numVars, `paths-point-${numVars}`);
      const commitment = HyperKZG.commit(SRS, evals);
      const { value, proof } = HyperKZG.open({ srs: SRS, evals, point, transcript: new Transcript(DOMAIN) });
      return { commitment, point, value, proof, words: hyperKzgProofWords(proof), hint: hyperKzgInverseHint(new Transcript(DOMAIN), commitment, point, value, proof) };
    };

    for (const numVars of [1, 2, 6]) {
      it(`${numVars} variable(s): hint 0 ends in the same state as the hint, and as TypeScript`, async () => {
        const o = opening(numVars);
        const t = new Transcript(DOMAIN);
        HyperKZG.assertValidOpening({ vk, commitment: o.commitment, point: o.point, value: o.value, proof: o.proof, transcript: t });
        const args = [domainWord, g1Words(o.commitment), o.point, o.value, o.words] as const;
        expect(await harness.hyperkzgVerify(...args, o.hint, vkWords)).to.equal(t.stateHex);
        expect(await harness.hyperkzgVerify(...args, 0n, vkWords)).to.equal(t.stateHex);
      });
    }

    it("with hint 0, a tampered evaluation still fails (the inverse is β's, whatever the proof)", async () => {
      const o = opening(3);
      const tampered = [...o.words];
      tampered[2 * 2] = Fr.add(tampered[2 * 2], 1n); // a_0
      await expect(harness.hyperkzgVerify(domainWord, g1Words(o.commitment), o.point, o.value, tampered, 0n, vkWords)).to.be.reverted;
    });

    it("the refused point is named: W and W' (their ecMul), the commitment (the running sum's first ecAdd)", async () => {
      // W and W' are absorbed after β, so the fold identities still hold and the pairing check's MSM is reached.
      const o = opening(4);
      const evalsEnd = 2 * (4 - 1) + 2 * 4 + 1;
      for (const at of [evalsEnd, evalsEnd + 2]) {
        const w = [...o.words];
        w[at + 1] += 1n; // off the curve, still < p
        await expect(harness.hyperkzgVerify(domainWord, g1Words(o.commitment), o.point, o.value, w, 0n, vkWords), `word ${at}`)
          .to.be.revertedWithCustomError(harness, "G1PointInvalid")
          .withArgs(w[at], w[at + 1]);
      }
      // A proof made for a commitment off the curve (the transcript absorbs it as given; the folds are honest).
      const evals = randomFrs(16, "paths-4");
      const [cx, cy] = g1Words(HyperKZG.commit(SRS, evals));
      const bad = new G1(cx, cy + 1n, 1n);
      const point = randomFrs(4, "paths-point-4");
      const { value, proof } = HyperKZG.open({ srs: SRS, evals, point, transcript: new Transcript(DOMAIN), commitment: bad });
      await expect(harness.hyperkzgVerify(domainWord, [cx, cy + 1n], point, value, hyperKzgProofWords(proof), 0n, vkWords))
        .to.be.revertedWithCustomError(harness, "G1PointInvalid")
        .withArgs(cx, cy + 1n);
    });

    it("the first non-canonical word is named: the value, then the point's coordinates in order, then the evaluations", async () => {
      const o = opening(3);
      const call = (point: bigint[], value: bigint, words = o.words) =>
        harness.hyperkzgVerify(domainWord, g1Words(o.commitment), point, value, words, 0n, vkWords);
      await expect(call(o.point, o.value + R)).to.be.revertedWithCustomError(harness, "FieldElementNotCanonical").withArgs(o.value + R);
      await expect(call([o.point[0], o.point[1] + R, o.point[2] + 2n * R], o.value))
        .to.be.revertedWithCustomError(harness, "FieldElementNotCanonical")
        .withArgs(o.point[1] + R);
      await expect(call([o.point[0], o.point[1], R], o.value)).to.be.revertedWithCustomError(harness, "FieldElementNotCanonical").withArgs(R);
      const w = [...o.words];
      const evals = 2 * (3 - 1);
      w[evals + 3] += R;
      w[evals + 5] += 2n * R;
      await expect(call(o.point, o.value, w)).to.be.revertedWithCustomError(harness, "FieldElementNotCanonical").withArgs(w[evals + 3]);
    });
  });

  describe("OpeningBatch: trailing 0/1 runs of every length, the one-point test", () => {
    const DOMAIN = "test.opening-paths";
    const SRS = insecureDevSrs(1 << 10);
    const vk = HyperKZG.verifierKey(SRS);
    const vkWords = hyperKzgVerifierKeyWords(vk);
    const TABLES = [randomFrs(1 << 10, "op-paths-a"), randomFrs(1 << 6, "op-paths-b")];
    const COMMITMENTS = TABLES.map((t) => HyperKZG.commit(SRS, t));
    let harness: PcsOpeningHarness;
    let pcs: ModelVerifierPcs;
    before(async () => {
      pcs = (await ethers.deployContract("ModelVerifierPcs")) as unknown as ModelVerifierPcs;
      harness = (await ethers.deployContract("PcsOpeningHarness", { libraries: { ModelVerifierPcs: await pcs.getAddress() } })) as unknown as PcsOpeningHarness;
    });
    const words = (ws: readonly bigint[]): string => ethers.concat(ws.map((w) => ethers.toBeHex(w, 32)));
    const claimAt = (poly: number, point: bigint[]): OpeningClaim => ({ poly, point, value: evaluateMle(TABLES[poly], point) });
    const bits = (v: number, k: number): bigint[] => Array.from({ length: k }, (_, j) => BigInt((v >> j) & 1));

    async function expectBothAccept(claims: OpeningClaim[]): Promise<void> {
      const proof = proveBatchOpening({ srs: SRS, tables: TABLES, commitments: COMMITMENTS, claims, transcript: new Transcript(DOMAIN) });
      const t = new Transcript(DOMAIN);
      assertValidBatchOpening({ vk, commitments: COMMITMENTS, claims, proof, transcript: t });
      const state = await harness.opening(
        new Transcript(DOMAIN).stateHex,
        words(batchCommitmentWords(COMMITMENTS)),
        words(batchClaimWords(claims)),
        claims.length,
        vkWords,
        encodeBatchOpeningProof(proof),
        0,
      );
      expect(state).to.equal(t.stateHex);
    }

    it("runs of 0 … 10 bits after prefixes of 10 … 0 field elements, on both tables (prefix misses and hits)", async () => {
      const g = randomFrs(10, "op-paths-prefix");
      const claims: OpeningClaim[] = [];
      for (const [poly, vars] of [[0, 10], [1, 6]]) {
        for (let prefix = 0; prefix <= vars; prefix++) {
          const run = vars - prefix;
          // three records with this split: the second and third reuse the prefix product
          for (const v of [0, (1 << run) - 1, 0x2aa & ((1 << run) - 1)]) claims.push(claimAt(poly, [...g.slice(0, prefix), ...bits(v, run)]));
        }
      }
      await expectBothAccept(claims);
    });

    it("a field element among the bits at each distance from the end (the runs' blocks stop there)", async () => {
      const g = randomFrs(2, "op-paths-inner");
      const claims: OpeningClaim[] = [];
      for (let at = 0; at < 10; at++) {
        const point = [...bits(0x1b5, 10)];
        point[at] = g[at % 2];
        claims.push(claimAt(0, point));
        claims.push(claimAt(0, [g[0], ...point.slice(1)]));
      }
      await expectBothAccept(claims);
    });

    it("one lifted point: every record the same point, the last one longer with zeros (no sum-check)", async () => {
      const p = randomFrs(4, "op-paths-one");
      const claims = [claimAt(1, [...p, 0n, 0n]), claimAt(1, [...p, 0n, 0n]), claimAt(0, [...p, ...bits(0, 6)])];
      const proof = proveBatchOpening({ srs: SRS, tables: TABLES, commitments: COMMITMENTS, claims, transcript: new Transcript(DOMAIN) });
      expect(proof.sumcheck).to.equal(null);
      await expectBothAccept(claims);
    });

    it("every record the same point but the last (a sum-check after all)", async () => {
      const p = randomFrs(4, "op-paths-last");
      const claims = [claimAt(1, [...p, 0n, 0n]), claimAt(1, [...p, 0n, 0n]), claimAt(1, [...p, 0n, 0n]), claimAt(0, [...p, ...bits(1, 6)])];
      const proof = proveBatchOpening({ srs: SRS, tables: TABLES, commitments: COMMITMENTS, claims, transcript: new Transcript(DOMAIN) });
      expect(proof.sumcheck).to.not.equal(null);
      await expectBothAccept(claims);
    });
  });
});
