import { expect } from "chai";
import { G1 } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly";
import { HyperKZG, HyperKzgError, type HyperKzgProof } from "../../src/pcs/hyperkzg";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { randomFrs, randomSmall } from "../sumcheck/helpers";

const DOMAIN = "hyperkzg-test";
const SRS = insecureDevSrs(64);
const VK = HyperKZG.verifierKey(SRS);

function openAndVerify(evals: bigint[], point: bigint[]) {
  const commitment = HyperKZG.commit(SRS, evals);
  const { value, proof } = HyperKZG.open({ srs: SRS, evals, point, transcript: new Transcript(DOMAIN) });
  const ok = HyperKZG.verify({ vk: VK, commitment, point, value, proof, transcript: new Transcript(DOMAIN) });
  return { commitment, value, proof, ok };
}

describe("HyperKZG", () => {
  describe("completeness", () => {
    const sizes: [string, number, number][] = [
      ["0 variables", 1, 0],
      ["empty table, 0 variables", 0, 0],
      ["1 variable", 2, 1],
      ["2 variables", 4, 2],
      ["length 5 padded to 3 variables", 5, 3],
      ["6 variables", 64, 6],
      ["length 3 opened as 5 variables", 3, 5],
    ];
    for (const [name, length, numVars] of sizes) {
      it(`opens and verifies: ${name}`, () => {
        const evals = randomFrs(length, `hkzg/${name}`);
        const point = randomFrs(numVars, `hkzg/point/${name}`);
        const { value, ok, proof } = openAndVerify(evals, point);
        expect(value).to.equal(evaluateMle(evals, point));
        expect(proof.folds).to.have.length(Math.max(numVars, 1) - 1);
        expect(ok).to.equal(true);
      });
    }

    it("opens small-integer and all-zero tables", () => {
      expect(openAndVerify(randomSmall(16, "small"), randomFrs(4, "p")).ok).to.equal(true);
      expect(openAndVerify(new Array(8).fill(0n), randomFrs(3, "p")).ok).to.equal(true);
    });

    it("opens at Boolean points (the value is a table entry)", () => {
      const evals = randomFrs(8, "bool");
      const r = openAndVerify(evals, [1n, 0n, 1n]);
      expect(r.value).to.equal(evals[5]);
      expect(r.ok).to.equal(true);
    });

    it("commitment equals the MSM of the table and ignores zero padding", () => {
      const evals = randomFrs(5, "pad");
      expect(HyperKZG.commit(SRS, evals).equals(HyperKZG.commit(SRS, [...evals, 0n, 0n, 0n]))).to.equal(true);
      expect(HyperKZG.commit(SRS, [1n]).equals(G1.BASE)).to.equal(true);
    });

    it("refuses tables larger than the SRS or the point", () => {
      expect(() => HyperKZG.commit(SRS, new Array(65).fill(1n))).to.throw(/SRS has 64/);
      expect(() =>
        HyperKZG.open({ srs: SRS, evals: [1n, 2n, 3n], point: [5n], transcript: new Transcript(DOMAIN) }),
      ).to.throw(/exceed 2\^1/);
    });
  });

  describe("soundness", () => {
    const evals = randomFrs(32, "sound");
    const point = randomFrs(5, "sound/point");
    const honest = openAndVerify(evals, point);
    const check = (over: Partial<{ commitment: typeof honest.commitment; point: bigint[]; value: bigint; proof: HyperKzgProof; domain: string }>) =>
      HyperKZG.verify({
        vk: VK,
        commitment: over.commitment ?? honest.commitment,
        point: over.point ?? point,
        value: over.value ?? honest.value,
        proof: over.proof ?? honest.proof,
        transcript: new Transcript(over.domain ?? DOMAIN),
      });

    it("accepts the honest opening", () => expect(check({})).to.equal(true));

    it("rejects a wrong value", () => expect(check({ value: Fr.add(honest.value, 1n) })).to.equal(false));

    it("rejects a commitment to another polynomial", () => {
      const other = evals.slice();
      other[7] = Fr.add(other[7], 1n);
      expect(check({ commitment: HyperKZG.commit(SRS, other) })).to.equal(false);
    });

    it("rejects the proof for another point", () => {
      const p2 = point.slice();
      p2[3] = Fr.add(p2[3], 1n);
      expect(check({ point: p2 })).to.equal(false);
      // ... even with the right value for that point
      expect(check({ point: p2, value: evaluateMle(evals, p2) })).to.equal(false);
    });

    it("rejects every altered fold commitment", () => {
      for (let j = 0; j < honest.proof.folds.length; j++) {
        const folds = honest.proof.folds.slice();
        folds[j] = folds[j].add(G1.BASE);
        expect(check({ proof: { ...honest.proof, folds } }), `fold ${j}`).to.equal(false);
      }
    });

    it("rejects every altered evaluation", () => {
      for (let i = 0; i < honest.proof.evals.length; i++) {
        const ev = honest.proof.evals.slice();
        ev[i] = Fr.add(ev[i], 1n);
        expect(check({ proof: { ...honest.proof, evals: ev } }), `eval ${i}`).to.equal(false);
      }
    });

    it("rejects altered witnesses W and W'", () => {
      expect(check({ proof: { ...honest.proof, w: honest.proof.w.add(G1.BASE) } })).to.equal(false);
      expect(check({ proof: { ...honest.proof, wPrime: honest.proof.wPrime.add(G1.BASE) } })).to.equal(false);
      expect(check({ proof: { ...honest.proof, w: honest.proof.wPrime, wPrime: honest.proof.w } })).to.equal(false);
    });

    it("rejects a proof replayed under another transcript", () => expect(check({ domain: "other" })).to.equal(false));

    it("names the failing check", () => {
      const params = { vk: VK, commitment: honest.commitment, point, value: honest.value, transcript: new Transcript(DOMAIN) };
      expect(() => HyperKZG.assertValidOpening({ ...params, proof: { ...honest.proof, folds: [] } })).to.throw(
        HyperKzgError,
        /0 fold commitments, expected 4/,
      );
      expect(() =>
        HyperKZG.assertValidOpening({ ...params, proof: { ...honest.proof, evals: honest.proof.evals.slice(1) } }),
      ).to.throw(HyperKzgError, /10 evaluations, expected 11/);
      const bad = honest.proof.evals.slice();
      bad[0] = Fr.MODULUS;
      expect(() => HyperKZG.assertValidOpening({ ...params, proof: { ...honest.proof, evals: bad } })).to.throw(
        HyperKzgError,
        /evals\[0\] is not a canonical/,
      );
      expect(() =>
        HyperKZG.assertValidOpening({ ...params, value: Fr.add(honest.value, 1n), proof: honest.proof }),
      ).to.throw(HyperKzgError, /last fold/);
      const offCurve = G1.fromAffine({ x: 1n, y: 3n });
      expect(() => HyperKZG.assertValidOpening({ ...params, proof: { ...honest.proof, w: offCurve } })).to.throw(
        HyperKzgError,
        /W is not a point on the curve/,
      );
      expect(() => HyperKZG.assertValidOpening({ ...params, commitment: offCurve, proof: honest.proof })).to.throw(
        HyperKzgError,
        /the commitment is not a point on the curve/,
      );
    });
  });
});
