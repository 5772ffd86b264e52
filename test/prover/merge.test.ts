import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly/mle";
import { LayerProofError, type Claim } from "../../src/prover/claims";
import { proveMerge, verifyMerge, type MergeProof } from "../../src/prover/layers/merge";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "./helpers";

const DOMAIN = "merge-test";
const N = 4;
const TABLE = randomFrs(2 ** N, "merge-table");

function claimAt(seed: string): Claim {
  const point = randomFrs(N, seed);
  return { point, value: evaluateMle(TABLE, point) };
}

const prove = (claims: Claim[]) => proveMerge({ table: TABLE, numVars: N, claims, transcript: new Transcript(DOMAIN) });
const verify = (claims: Claim[], proof: MergeProof) => verifyMerge({ numVars: N, claims, proof, transcript: new Transcript(DOMAIN) });

describe("prover: claim merging", () => {
  const claims = [claimAt("a"), claimAt("b"), claimAt("c")];

  it("merges claims at different points into one true claim", () => {
    const { proof, claim } = prove(claims);
    expect(proof.sumcheck!.rounds.length).to.equal(N);
    expect(verify(claims, proof)).to.deep.equal(claim);
    expect(evaluateMle(TABLE, claim.point)).to.equal(claim.value);
  });

  it("merges claims at one point without messages, and refuses disagreeing values", () => {
    const same = [claims[0], { ...claims[0] }];
    const { proof, claim } = prove(same);
    expect(proof).to.deep.equal({ sumcheck: null, value: null });
    expect(verify(same, proof)).to.deep.equal(claims[0]);
    const bad = [claims[0], { ...claims[0], value: Fr.add(claims[0].value, 1n) }];
    expect(() => verify(bad, proof)).to.throw(LayerProofError, "disagree");
    expect(() => verify(same, prove(claims).proof)).to.throw(LayerProofError, "unexpected sum-check");
    expect(claim).to.deep.equal(claims[0]);
  });

  it("soundness: a false input claim, an altered round or value is rejected", () => {
    const { proof } = prove(claims);
    for (let i = 0; i < claims.length; i++) {
      const forged = claims.map((c, k) => (k === i ? { ...c, value: Fr.add(c.value, 1n) } : c));
      expect(() => verify(forged, proof), `claim ${i}`).to.throw(LayerProofError);
    }
    proof.sumcheck!.rounds.forEach((round, j) =>
      round.forEach((_, k) => {
        const rounds = proof.sumcheck!.rounds.map((r) => [...r]);
        rounds[j][k] = Fr.add(rounds[j][k], 1n);
        expect(() => verify(claims, { ...proof, sumcheck: { rounds } })).to.throw(LayerProofError);
      }),
    );
    expect(() => verify(claims, { ...proof, value: Fr.add(proof.value!, 1n) })).to.throw(LayerProofError, "does not match");
    expect(() => verify(claims, { sumcheck: null, value: null })).to.throw(LayerProofError, "missing sum-check");
    expect(() => prove([claims[0], { ...claims[1], value: 0n }])).to.throw(LayerProofError, "false");
  });
});
