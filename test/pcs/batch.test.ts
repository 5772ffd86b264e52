import { expect } from "chai";
import { G1 } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly";
import {
  assertValidBatchOpening,
  BatchOpeningError,
  proveBatchOpening,
  verifyBatchOpening,
  type BatchOpeningProof,
  type OpeningClaim,
} from "../../src/pcs/batch";
import {
  batchOpeningProofBytes,
  decodeBatchOpeningProof,
  encodeBatchOpeningProof,
} from "../../src/pcs/batch-encoding";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { randomFrs, randomSmall } from "../sumcheck/helpers";

const DOMAIN = "batch-test";
const SRS = insecureDevSrs(32);
const VK = HyperKZG.verifierKey(SRS);

// Tables of different sizes: 2^5, 2^3, 13 entries (4 vars), 1 entry (0 vars), small ints 2^2.
const TABLES = [randomFrs(32, "t0"), randomFrs(8, "t1"), randomFrs(13, "t2"), randomFrs(1, "t3"), randomSmall(4, "t4")];
const COMMITMENTS = TABLES.map((t) => HyperKZG.commit(SRS, t));

function claimAt(poly: number, point: bigint[]): OpeningClaim {
  return { poly, point, value: evaluateMle(TABLES[poly], point) };
}

function prove(claims: OpeningClaim[]): BatchOpeningProof {
  return proveBatchOpening({ srs: SRS, tables: TABLES, commitments: COMMITMENTS, claims, transcript: new Transcript(DOMAIN) });
}

function verify(claims: OpeningClaim[], proof: BatchOpeningProof, commitments = COMMITMENTS): boolean {
  return verifyBatchOpening({ vk: VK, commitments, claims, proof, transcript: new Transcript(DOMAIN) });
}

describe("batch opening", () => {
  const p5 = randomFrs(5, "p5");
  const mixed = [
    claimAt(0, p5),
    claimAt(0, randomFrs(5, "q5")),
    claimAt(1, randomFrs(3, "p3")),
    claimAt(2, randomFrs(4, "p4")),
    claimAt(3, []),
    claimAt(4, randomFrs(2, "p2")),
    claimAt(1, p5.slice(0, 3)),
  ];
  const mixedProof = prove(mixed);

  describe("completeness", () => {
    it("one claim: no sum-check", () => {
      const claims = [claimAt(0, p5)];
      const proof = prove(claims);
      expect(proof.sumcheck).to.equal(null);
      expect(verify(claims, proof)).to.equal(true);
    });

    it("several polynomials (different sizes) at the same lifted point: no sum-check", () => {
      // (p0..p3) on a 4-variable table lifts to (p0..p3, 0): the same point as the 5-variable claim below.
      const shared = [...p5.slice(0, 4), 0n];
      const claims = [claimAt(0, shared), claimAt(2, shared.slice(0, 4)), claimAt(1, shared.slice(0, 3))];
      const proof = prove(claims.slice(0, 2));
      expect(proof.sumcheck).to.equal(null);
      expect(verify(claims.slice(0, 2), proof)).to.equal(true);
      // The 3-variable claim lifts to (p0, p1, p2, 0, 0), another point: now a sum-check is needed.
      const three = prove(claims);
      expect(three.sumcheck).to.not.equal(null);
      expect(verify(claims, three)).to.equal(true);
    });

    it("many polynomials of different sizes at many points (incl. 0 variables, repeats)", () => {
      expect(mixedProof.sumcheck).to.not.equal(null);
      expect(mixedProof.sumcheck!.rounds).to.have.length(5);
      expect(verify(mixed, mixedProof)).to.equal(true);
    });

    it("only 0-variable claims", () => {
      const claims = [claimAt(3, []), claimAt(3, [])];
      expect(verify(claims, prove(claims))).to.equal(true);
    });

    it("refuses to prove a false claim, and names bad claims", () => {
      expect(() => prove([{ ...mixed[2], value: Fr.add(mixed[2].value, 1n) }])).to.throw(/claim 0 \(table 1\) has a wrong value/);
      expect(() => prove([{ poly: 9, point: [], value: 0n }])).to.throw(/claim 0 refers to polynomial 9, have 5/);
      expect(() => prove([{ poly: 0, point: [1n], value: 0n }])).to.throw(/table 0 does not fit 1 variables/);
    });
  });

  describe("soundness", () => {
    it("rejects any wrong claimed value", () => {
      for (let i = 0; i < mixed.length; i++) {
        const claims = mixed.slice();
        claims[i] = { ...claims[i], value: Fr.add(claims[i].value, 1n) };
        expect(verify(claims, mixedProof), `claim ${i}`).to.equal(false);
      }
    });

    it("rejects a claim moved to another point", () => {
      const claims = mixed.slice();
      const moved = mixed[3].point.slice();
      moved[1] = Fr.add(moved[1], 1n);
      claims[3] = { ...claims[3], point: moved };
      expect(verify(claims, mixedProof)).to.equal(false);
    });

    it("rejects a commitment to another polynomial", () => {
      const commitments = COMMITMENTS.slice();
      commitments[2] = commitments[2].add(G1.BASE);
      expect(verify(mixed, mixedProof, commitments)).to.equal(false);
    });

    it("rejects every altered sum-check coefficient", () => {
      const rounds = mixedProof.sumcheck!.rounds;
      for (let j = 0; j < rounds.length; j++) {
        for (let k = 0; k < rounds[j].length; k++) {
          const altered = rounds.map((r) => r.slice());
          altered[j][k] = Fr.add(altered[j][k], 1n);
          expect(verify(mixed, { ...mixedProof, sumcheck: { rounds: altered } }), `round ${j} coeff ${k}`).to.equal(false);
        }
      }
    });

    it("rejects altered opening messages", () => {
      const o = mixedProof.opening;
      const evals = o.evals.slice();
      evals[3] = Fr.add(evals[3], 1n);
      expect(verify(mixed, { ...mixedProof, opening: { ...o, evals } })).to.equal(false);
      const folds = o.folds.slice();
      folds[1] = folds[1].double();
      expect(verify(mixed, { ...mixedProof, opening: { ...o, folds } })).to.equal(false);
      expect(verify(mixed, { ...mixedProof, opening: { ...o, w: o.wPrime } })).to.equal(false);
    });

    it("rejects a proof of the wrong shape with a reason", () => {
      const base = { vk: VK, commitments: COMMITMENTS, transcript: new Transcript(DOMAIN) };
      expect(() => assertValidBatchOpening({ ...base, claims: mixed, proof: { ...mixedProof, sumcheck: null } })).to.throw(
        BatchOpeningError,
        /missing sum-check/,
      );
      const one = [claimAt(0, p5)];
      expect(() =>
        assertValidBatchOpening({ ...base, transcript: new Transcript(DOMAIN), claims: one, proof: mixedProof }),
      ).to.throw(BatchOpeningError, /unexpected sum-check/);
      const short = { rounds: mixedProof.sumcheck!.rounds.slice(1) };
      expect(() =>
        assertValidBatchOpening({ ...base, transcript: new Transcript(DOMAIN), claims: mixed, proof: { ...mixedProof, sumcheck: short } }),
      ).to.throw(BatchOpeningError, /4 rounds, expected 5/);
    });

    it("rejects a commitment that is not on the curve", () => {
      const commitments = COMMITMENTS.slice();
      commitments[1] = G1.fromAffine({ x: 1n, y: 3n });
      expect(() =>
        assertValidBatchOpening({ vk: VK, commitments, claims: mixed, proof: mixedProof, transcript: new Transcript(DOMAIN) }),
      ).to.throw(BatchOpeningError, /commitment 1 is not a point on the curve/);
    });

    it("rejects a proof replayed under another transcript", () => {
      expect(
        verifyBatchOpening({ vk: VK, commitments: COMMITMENTS, claims: mixed, proof: mixedProof, transcript: new Transcript("x") }),
      ).to.equal(false);
    });
  });
});

describe("batch opening proof encoding", () => {
  const p = randomFrs(5, "enc/p");
  const claims = [claimAt(0, p), claimAt(1, randomFrs(3, "enc/q")), claimAt(2, p.slice(0, 4))];

  it("round-trips with the size 64n + 128n + 96 (sum-check) or 128n + 96 (one point), and verifies", () => {
    const proof = prove(claims);
    const bytes = encodeBatchOpeningProof(proof);
    expect(bytes.length).to.equal(batchOpeningProofBytes(claims, 5)).and.to.equal(64 * 5 + 128 * 5 + 96);
    const decoded = decodeBatchOpeningProof(bytes, claims, 5);
    expect(verify(claims, decoded)).to.equal(true);
    const one = [claimAt(0, p)];
    const oneBytes = encodeBatchOpeningProof(prove(one));
    expect(oneBytes.length).to.equal(128 * 5 + 96);
    expect(verify(one, decodeBatchOpeningProof(oneBytes, one, 5))).to.equal(true);
  });

  it("refuses a wrong length or a malformed field", () => {
    const bytes = encodeBatchOpeningProof(prove(claims));
    expect(() => decodeBatchOpeningProof(bytes.subarray(1), claims, 5)).to.throw(BatchOpeningError, /1055 bytes, expected 1056/);
    const bad = bytes.slice();
    bad.set(new Uint8Array(32).fill(0xff), 0);
    expect(() => decodeBatchOpeningProof(bad, claims, 5)).to.throw(BatchOpeningError, /round 0 coefficient 0 \(byte 0\)/);
  });
});
