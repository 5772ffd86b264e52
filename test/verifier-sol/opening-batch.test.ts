import { expect } from "chai";
import { ethers } from "hardhat";
import type { G1Point } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly";
import { assertValidBatchOpening, BatchOpeningError, proveBatchOpening, type BatchOpeningProof, type OpeningClaim } from "../../src/pcs/batch";
import { encodeBatchOpeningProof } from "../../src/pcs/batch-encoding";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { batchClaimWords, batchCommitmentWords } from "../../src/compiler/batch-calldata";
import { hyperKzgVerifierKeyWords } from "../../src/compiler/hyperkzg-calldata";
import { randomFrs } from "../sumcheck/helpers";
import type { ModelVerifierPcs, PcsOpeningHarness } from "../../typechain-types";

/**
 * The interpreter's batch opening (contracts/verifier/layers/OpeningBatch.sol, reached through
 * `ModelVerifierPcs.opening` as the interpreter calls it (through contracts/test/PcsOpeningHarness.sol): records and commitments as bytes, the opening's
 * messages read from the proof stream) against src/pcs/batch.ts. The twin computes differently from the
 * TypeScript verifier — no grouping, eq(ρ, P_i) per claim, its trailing 0/1 run by table reads and the product
 * before it reused from the previous claim when the same —
 * so the batches here stress exactly that: slot claims (a shared point followed by selector bits), repeated
 * points, points that are prefixes of each other, lifted points equal only after zero padding, 0-variable claims.
 * Honest batches end in TypeScript's transcript state; tampered ones are rejected by both.
 */
describe("verifier (Solidity): the interpreter's batch opening (OpeningBatch) vs src/pcs/batch.ts", () => {
  const DOMAIN = "test.opening-batch";
  const SRS = insecureDevSrs(1 << 9);
  const vk = HyperKZG.verifierKey(SRS);
  const vkWords = hyperKzgVerifierKeyWords(vk);
  // W-like (2^9), A-like (2^7), M-like (2^4), H-like (2^5) tables.
  const TABLES = [randomFrs(1 << 9, "ob-w"), randomFrs(1 << 7, "ob-a"), randomFrs(16, "ob-m"), randomFrs(32, "ob-h")];
  const COMMITMENTS = TABLES.map((t) => HyperKZG.commit(SRS, t));
  let pcs: ModelVerifierPcs;
  let harness: PcsOpeningHarness;

  before(async () => {
    pcs = (await ethers.deployContract("ModelVerifierPcs")) as unknown as ModelVerifierPcs;
    harness = (await ethers.deployContract("PcsOpeningHarness", { libraries: { ModelVerifierPcs: await pcs.getAddress() } })) as unknown as PcsOpeningHarness;
  });

  const words = (ws: readonly bigint[]): string => ethers.concat(ws.map((w) => ethers.toBeHex(w, 32)));

  function claimAt(poly: number, point: bigint[]): OpeningClaim {
    return { poly, point, value: evaluateMle(TABLES[poly], point) };
  }

  /** Claim on slot `slot` of a polynomial: the point then the slot index's bits, least significant first. */
  function slotClaim(poly: number, point: readonly bigint[], slot: number): OpeningClaim {
    const vars = Math.log2(TABLES[poly].length);
    const bits = Array.from({ length: vars - point.length }, (_, j) => BigInt((slot >> j) & 1));
    return claimAt(poly, [...point, ...bits]);
  }

  interface Batch {
    readonly commitments: readonly G1Point[];
    readonly claims: readonly OpeningClaim[];
    readonly proof: BatchOpeningProof;
  }

  function prove(claims: OpeningClaim[]): Batch {
    const proof = proveBatchOpening({ srs: SRS, tables: TABLES, commitments: COMMITMENTS, claims, transcript: new Transcript(DOMAIN) });
    return { commitments: COMMITMENTS, claims, proof };
  }

  /** The on-chain call; `extraWords` trailing record words (the interpreter's buffer may be longer) are ignored. */
  function onChain(b: Batch, extraWords = 0, stream = encodeBatchOpeningProof(b.proof)) {
    const records = [...batchClaimWords(b.claims), ...new Array<bigint>(extraWords).fill(7n)];
    return harness.opening(new Transcript(DOMAIN).stateHex, words(batchCommitmentWords(b.commitments)), words(records), b.claims.length, vkWords, stream, 0);
  }

  function tsState(b: Batch): string | undefined {
    const t = new Transcript(DOMAIN);
    try {
      assertValidBatchOpening({ vk, ...b, transcript: t });
      return t.stateHex;
    } catch (e) {
      if (e instanceof BatchOpeningError) return undefined;
      throw e;
    }
  }

  async function expectBothAccept(b: Batch, extraWords = 0): Promise<void> {
    const state = tsState(b);
    expect(state, "TypeScript rejected an honest batch").to.not.equal(undefined);
    expect(await onChain(b, extraWords)).to.equal(state);
  }

  const base = randomFrs(9, "ob-base");
  // A requantization-like step: A's slots 0…6 at one 4-variable point, then W's slots at a 5-variable point
  // and its 3-variable prefix, then M/H at the same points, the pattern of a whole-model proof's records.
  const slots = prove([
    ...[0, 1, 2, 3, 4, 5, 6].map((s) => slotClaim(1, base.slice(0, 4), s)),
    ...[3, 5, 9, 10].map((s) => slotClaim(0, base.slice(0, 5), s)),
    ...[0, 1, 2].map((s) => slotClaim(0, base.slice(0, 3), s)),
    slotClaim(3, base.slice(0, 3), 2),
    slotClaim(2, base.slice(0, 3), 1),
    slotClaim(3, base.slice(0, 3), 1),
    claimAt(2, base.slice(0, 4)),
    claimAt(2, base.slice(0, 4)),
    ...[0, 1, 2].map((s) => slotClaim(1, randomFrs(4, "ob-other"), s)),
    slotClaim(3, base.slice(0, 2), 0),
  ]);

  describe("completeness: the same final transcript state as TypeScript", () => {
    it("slot claims sharing points and prefixes, repeated points, lifted points equal after padding", async () => {
      expect(slots.proof.sumcheck).to.not.equal(null);
      await expectBothAccept(slots);
    });

    it("the records buffer may hold words after the last record", async () => {
      await expectBothAccept(slots, 5);
    });

    it("one claim, and one lifted point for polynomials of different sizes: no sum-check", async () => {
      const one = prove([claimAt(2, base.slice(0, 4))]);
      expect(one.proof.sumcheck).to.equal(null);
      await expectBothAccept(one);
      const p = [...base.slice(0, 4), 0n];
      const shared = prove([claimAt(3, p), claimAt(2, p.slice(0, 4)), claimAt(0, [...p, 0n, 0n, 0n, 0n]), claimAt(3, p)]);
      expect(shared.proof.sumcheck).to.equal(null);
      await expectBothAccept(shared);
    });

    it("only 0-variable claims, and 0-variable claims among others (opened as ℓ = 1 at u = (0))", async () => {
      const tables = [[5n], TABLES[2]];
      const commitments = tables.map((t) => HyperKZG.commit(SRS, t));
      const at = (poly: number, point: bigint[]): OpeningClaim => ({ poly, point, value: evaluateMle(tables[poly], point) });
      for (const claims of [[at(0, []), at(0, [])], [at(0, []), at(1, base.slice(0, 4)), at(0, []), at(1, [0n, 0n, 0n, 0n])]]) {
        const proof = proveBatchOpening({ srs: SRS, tables, commitments, claims, transcript: new Transcript(DOMAIN) });
        await expectBothAccept({ commitments, claims, proof });
      }
    });

    it("0/1 coordinates that are not selector bits (inside a point, whole points of bits, runs split anywhere)", async () => {
      // The twin splits each point where its trailing run of 0/1 coordinates starts and reuses the product
      // before it from the previous claim: these claims move that split around and share prefixes across it.
      const [b0, b2, b3] = [base[0], base[2], base[3]];
      await expectBothAccept(
        prove([
          slotClaim(0, [b0, 1n, b2], 5),
          slotClaim(0, [b0, 1n, b2], 6),
          slotClaim(0, [b0, 1n, b2, 0n, 1n], 3),
          claimAt(0, [b0, 1n, 0n, b3, 1n, 0n, 0n, 1n, 1n]),
          claimAt(0, [b0, 1n, 0n, b3, 0n, 0n, 0n, 1n, 1n]),
          claimAt(0, [1n, 0n, 1n, 1n, 0n, 0n, 1n, 0n, 1n]),
          claimAt(0, [1n, 0n, 1n, 1n, 0n, 0n, 1n, 0n, 0n]),
          slotClaim(1, [], 17),
          slotClaim(1, [b0], 17),
          slotClaim(3, [b0, 1n], 2),
          slotClaim(3, [b0, 1n], 3),
          claimAt(2, [0n, 0n, 0n, 0n]),
        ]),
      );
    });

    it("random slot batches", async () => {
      for (let seed = 0; seed < 3; seed++) {
        const r = randomFrs(60, `ob-random-${seed}`).map((x) => Number(x % 1000n));
        const points = [0, 1, 2].map((k) => randomFrs(6, `ob-random-point-${seed}-${k}`));
        const claims: OpeningClaim[] = [];
        for (let i = 0; i < 6 + (r[0] % 10); i++) {
          const poly = r[1 + i] % TABLES.length;
          const vars = Math.log2(TABLES[poly].length);
          const n = r[20 + i] % (vars + 1);
          claims.push(slotClaim(poly, points[r[40 + i] % 3].slice(0, Math.min(n, 6)), r[i] % (1 << (vars - Math.min(n, 6)))));
        }
        await expectBothAccept(prove(claims));
      }
    });
  });

  // OpeningBatch._eqSums reuses the previous record's product outside a 4-coordinate window (where the previous
  // record's trailing 0/1 run starts) when the words outside it are the same, and the last prefix's product
  // otherwise: these batches put every kind of neighbour next to a record that set a window.
  describe("completeness: the window and prefix memos of the weights", () => {
    const p3 = base.slice(0, 3);
    const bits = (slot: number, k: number): bigint[] => Array.from({ length: k }, (_, j) => BigInt((slot >> j) & 1));
    const junk = randomFrs(4, "ob-window-junk");

    it("equal records, window hits and misses, windows that do not fit, a lone record", async () => {
      await expectBothAccept(
        prove([
          // W (9 variables) at a 3-variable point: runs of 6 bits; slots 0…3 share bits 4, 5 (hits), 16 does not.
          ...[0, 1, 2, 3, 3, 16, 17].map((s) => slotClaim(0, p3, s)),
          // the same words outside the window, field elements inside it (the window's general factor)
          claimAt(0, [...p3, ...junk, 1n, 0n]),
          claimAt(0, [...p3, junk[0], 1n, junk[2], 0n, 1n, 0n]),
          // the same point twice in a row, then a shorter record whose length the window does not fit
          slotClaim(0, p3, 17),
          slotClaim(0, p3, 17),
          claimAt(2, [...p3, 1n]),
          // a run of exactly 4 bits (window = the whole run), then 3 (no window), then a point of bits only
          claimAt(1, [...base.slice(0, 3), ...bits(5, 4)]),
          claimAt(1, [...base.slice(0, 3), ...bits(13, 4)]),
          claimAt(1, [...base.slice(0, 4), ...bits(6, 3)]),
          claimAt(1, [...base.slice(0, 4), ...bits(7, 3)]),
          claimAt(1, bits(77, 7)),
          claimAt(1, bits(78, 7)),
          claimAt(1, bits(78, 7)),
          // back to the first point after others (a prefix miss, then hits again)
          ...[4, 5].map((s) => slotClaim(0, p3, s)),
        ]),
      );
    });

    it("one record at a non-zero lifted point, two records at different points", async () => {
      await expectBothAccept(prove([slotClaim(0, p3, 5)]));
      const two = prove([slotClaim(0, p3, 5), slotClaim(0, base.slice(3, 6), 5)]);
      expect(two.proof.sumcheck).to.not.equal(null);
      await expectBothAccept(two);
    });

    it("random runs of neighbouring slots at a few points", async () => {
      for (let seed = 0; seed < 3; seed++) {
        const r = randomFrs(80, `ob-window-${seed}`).map((x) => Number(x % 1000n));
        const points = [0, 1, 2].map((k) => randomFrs(5, `ob-window-point-${seed}-${k}`));
        const claims: OpeningClaim[] = [];
        let slot = r[0] % 64;
        for (let i = 0; i < 24; i++) {
          const k = [0, 2, 3, 5][r[1 + i] % 4];
          slot = r[30 + i] % 5 === 0 ? r[55 + i] % 512 : slot + (r[30 + i] % 3);
          claims.push(slotClaim(0, points[r[1 + i] % 3].slice(0, k), slot % (1 << (9 - k))));
        }
        await expectBothAccept(prove(claims));
      }
    });

    it("no records: the stream must be empty", async () => {
      const state = new Transcript(DOMAIN).stateHex;
      const commitments = words(batchCommitmentWords(COMMITMENTS));
      await harness.opening(state, commitments, "0x", 0, vkWords, "0x", 0);
      await expect(harness.opening(state, commitments, "0x", 0, vkWords, words([1n]), 0)).to.be.revertedWithCustomError(pcs, "ProofTrailingBytes");
    });
  });

  describe("soundness: a tampered batch is rejected by both", () => {
    it("each claim's value", async () => {
      for (let i = 0; i < slots.claims.length; i += 3) {
        const claims = slots.claims.map((c, k) => (k === i ? { ...c, value: Fr.add(c.value, 1n) } : c));
        const b = { ...slots, claims };
        expect(tsState(b), `claim ${i}`).to.equal(undefined);
        await expect(onChain(b), `claim ${i}`).to.be.reverted;
      }
    });

    it("a selector bit of a slot claim flipped (another slot, same value)", async () => {
      const i = 9;
      const claims = slots.claims.map((c, k) => (k === i ? { ...c, point: c.point.map((x, j) => (j === c.point.length - 1 ? 1n - x : x)) } : c));
      const b = { ...slots, claims };
      expect(tsState(b)).to.equal(undefined);
      await expect(onChain(b)).to.be.reverted;
    });

    it("a window bit of a record that reuses the previous record's product (another slot, same value)", async () => {
      // slots 0 and 1 of W at a 3-variable point: the second record differs from the first only in its window.
      const p3 = base.slice(0, 3);
      const honest = prove([slotClaim(0, p3, 0), slotClaim(0, p3, 1), slotClaim(0, p3, 2)]);
      await expectBothAccept(honest);
      const claims = honest.claims.map((c, k) => (k === 1 ? { ...c, point: c.point.map((x, j) => (j === 3 ? 1n - x : x)) } : c));
      const b = { ...honest, claims };
      expect(tsState(b)).to.equal(undefined);
      await expect(onChain(b)).to.be.reverted;
    });

    it("each word of the opening's stream", async () => {
      const stream = encodeBatchOpeningProof(slots.proof);
      for (let w = 0; w < stream.length / 32; w += 4) {
        const bad = stream.slice();
        bad[32 * w + 31] ^= 1;
        await expect(onChain(slots, 0, bad), `word ${w}`).to.be.reverted;
      }
      await expect(onChain(slots, 0, stream.slice(0, stream.length - 32))).to.be.reverted;
      await expect(onChain(slots, 0, Uint8Array.from([...stream, ...new Uint8Array(32)]))).to.be.revertedWithCustomError(pcs, "ProofTrailingBytes");
    });
  });
});
