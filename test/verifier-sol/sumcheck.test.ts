import { expect } from "chai";
import { ethers } from "hardhat";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly";
import { Transcript } from "../../src/transcript";
import { combineTerms, proveSumcheck, verifySumcheck, type ProductTerm } from "../../src/sumcheck";
import { randomFrs } from "../sumcheck/helpers";
import type { VerifierHarness } from "../../typechain-types";

/**
 * The Solidity sum-check verifier against the TypeScript reference: the same proof yields the same transcript
 * state, point and expected evaluation; a tampered proof yields a subclaim that no honest evaluation meets,
 * in both; malformed proofs revert with the named custom error.
 */
describe("verifier (Solidity): transcript and sum-check replay the TypeScript reference", () => {
  const DOMAIN = "test.sumcheck";
  const domainWord = ethers.encodeBytes32String(DOMAIN);
  let harness: VerifierHarness;

  before(async () => {
    harness = (await ethers.deployContract("VerifierHarness")) as unknown as VerifierHarness;
  });

  it("transcript: absorb + challenges equal the TypeScript transcript's", async () => {
    const scalars = randomFrs(5, "sol-transcript");
    const t = new Transcript(DOMAIN);
    t.absorbScalars("payload", scalars);
    const expected = [t.challengeScalar("challenge"), t.challengeScalar("challenge"), t.challengeScalar("challenge")];
    const [state, out] = await harness.transcriptRun(domainWord, ethers.encodeBytes32String("payload"), scalars, 3);
    expect(out.map(BigInt)).to.deep.equal(expected);
    expect(state).to.equal(t.stateHex);
  });

  it("transcript: refuses a non-canonical scalar with FieldElementNotCanonical", async () => {
    await expect(harness.transcriptRun(domainWord, ethers.encodeBytes32String("x"), [Fr.MODULUS], 1))
      .to.be.revertedWithCustomError(harness, "FieldElementNotCanonical")
      .withArgs(Fr.MODULUS);
  });

  /** f·g + 3·h·f·g over n variables: degree 3, two terms. */
  function instance(numVars: number, seed: string) {
    const size = 1 << numVars;
    const tables = [randomFrs(size, `${seed}/f`), randomFrs(size, `${seed}/g`), randomFrs(size, `${seed}/h`)];
    const terms: ProductTerm[] = [
      { coeff: 1n, factors: [0, 1] },
      { coeff: 3n, factors: [2, 0, 1] },
    ];
    const proved = proveSumcheck({ tables, terms, transcript: new Transcript(DOMAIN) });
    const honestAt = (point: bigint[]) => combineTerms(terms, tables.map((t) => evaluateMle(t, point)));
    return { proved, honestAt, degree: proved.degree };
  }

  for (const numVars of [0, 1, 4, 7]) {
    it(`completeness: ${numVars} variables, same subclaim as TypeScript and it meets the honest evaluation`, async () => {
      const { proved, honestAt, degree } = instance(numVars, `complete-${numVars}`);
      const tsTranscript = new Transcript(DOMAIN);
      const sub = verifySumcheck({ claim: proved.claim, numVars, degree, proof: proved.proof, transcript: tsTranscript });
      const [state, point, expectedEvaluation] = await harness.sumcheckVerify(
        domainWord,
        proved.claim,
        numVars,
        degree,
        proved.proof.rounds.flat(),
      );
      expect(point.map(BigInt)).to.deep.equal(sub.point);
      expect(BigInt(expectedEvaluation)).to.equal(sub.expectedEvaluation);
      expect(state).to.equal(tsTranscript.stateHex);
      expect(honestAt(point.map(BigInt))).to.equal(BigInt(expectedEvaluation));
    });
  }

  /** A product of `degree` random tables: a sum-check of exactly that degree. */
  function productInstance(numVars: number, degree: number, seed: string) {
    const size = 1 << numVars;
    const tables = Array.from({ length: degree }, (_, k) => randomFrs(size, `${seed}/${k}`));
    const terms: ProductTerm[] = [{ coeff: 1n, factors: tables.map((_, k) => k) }];
    const proved = proveSumcheck({ tables, terms, transcript: new Transcript(DOMAIN) });
    const honestAt = (point: bigint[]) => combineTerms(terms, tables.map((t) => evaluateMle(t, point)));
    return { proved, honestAt };
  }

  // Degrees 2 and 3 run unrolled round loops of their own on-chain, every other degree the generic Horner loop.
  for (const degree of [1, 2, 3, 4, 5]) {
    it(`degree ${degree}: same subclaim as TypeScript, honest evaluation met, every altered word refused`, async () => {
      const numVars = 3;
      const { proved, honestAt } = productInstance(numVars, degree, `degree-${degree}`);
      expect(proved.degree).to.equal(degree);
      const flat = proved.proof.rounds.flat();
      const tsTranscript = new Transcript(DOMAIN);
      const sub = verifySumcheck({ claim: proved.claim, numVars, degree, proof: proved.proof, transcript: tsTranscript });
      const [state, point, expectedEvaluation] = await harness.sumcheckVerify(domainWord, proved.claim, numVars, degree, flat);
      expect(point.map(BigInt)).to.deep.equal(sub.point);
      expect(BigInt(expectedEvaluation)).to.equal(sub.expectedEvaluation);
      expect(state).to.equal(tsTranscript.stateHex);
      expect(honestAt(point.map(BigInt))).to.equal(BigInt(expectedEvaluation));
      for (let i = 0; i < flat.length; i++) {
        const rounds = [...flat];
        rounds[i] = Fr.add(rounds[i], 1n);
        const [, p, e] = await harness.sumcheckVerify(domainWord, proved.claim, numVars, degree, rounds);
        expect(honestAt(p.map(BigInt)), `coefficient ${i} + 1`).to.not.equal(BigInt(e));
      }
    });
  }

  it("soundness: every altered coefficient and a wrong claim break the subclaim on-chain", async () => {
    const numVars = 3;
    const { proved, honestAt, degree } = instance(numVars, "tamper");
    const flat = proved.proof.rounds.flat();
    const variants: { name: string; claim: bigint; rounds: bigint[] }[] = [
      { name: "claim + 1", claim: Fr.add(proved.claim, 1n), rounds: flat },
    ];
    for (let i = 0; i < flat.length; i++) {
      const rounds = [...flat];
      rounds[i] = Fr.add(rounds[i], 1n);
      variants.push({ name: `coefficient ${i} + 1`, claim: proved.claim, rounds });
    }
    for (const v of variants) {
      const [, point, expectedEvaluation] = await harness.sumcheckVerify(domainWord, v.claim, numVars, degree, v.rounds);
      expect(honestAt(point.map(BigInt)), v.name).to.not.equal(BigInt(expectedEvaluation));
    }
  });

  it("rejects malformed proofs with named custom errors", async () => {
    const { proved, degree } = instance(2, "malformed");
    const flat = proved.proof.rounds.flat();
    await expect(harness.sumcheckVerify(domainWord, proved.claim, 2, degree, flat.slice(1)))
      .to.be.revertedWithCustomError(harness, "SumcheckProofSize")
      .withArgs(flat.length - 1, 2, degree);
    await expect(harness.sumcheckVerify(domainWord, proved.claim, 2, 0, flat)).to.be.revertedWithCustomError(
      harness,
      "SumcheckDegreeZero",
    );
    const nonCanonical = [...flat];
    nonCanonical[2] = nonCanonical[2] + Fr.MODULUS;
    await expect(harness.sumcheckVerify(domainWord, proved.claim, 2, degree, nonCanonical))
      .to.be.revertedWithCustomError(harness, "FieldElementNotCanonical")
      .withArgs(nonCanonical[2]);
    await expect(harness.sumcheckVerify(domainWord, Fr.MODULUS, 2, degree, flat)).to.be.revertedWithCustomError(
      harness,
      "FieldElementNotCanonical",
    );
  });
});
