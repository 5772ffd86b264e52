import { expect } from "chai";
import {
  decodeSumcheckProof,
  encodeSumcheckProof,
  proveSumcheck,
  sumcheckProofBytes,
  SumcheckError,
  verifySumcheck,
} from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "./helpers";

describe("sum-check proof encoding", () => {
  const tables = [randomFrs(16, "enc/f"), randomFrs(16, "enc/g"), randomFrs(16, "enc/h")];
  const terms = [{ coeff: 5n, factors: [0, 1, 2] }];
  const res = proveSumcheck({ tables, terms, transcript: new Transcript("enc") });
  const bytes = encodeSumcheckProof(res.proof);

  it("is n·d words, round-trips, and the decoded proof verifies", () => {
    expect(bytes.length).to.equal(sumcheckProofBytes(4, 3)).and.to.equal(4 * 3 * 32);
    const decoded = decodeSumcheckProof(bytes, 4, 3);
    expect(decoded).to.deep.equal(res.proof);
    const sub = verifySumcheck({ claim: res.claim, numVars: 4, degree: 3, proof: decoded, transcript: new Transcript("enc") });
    expect(sub.point).to.deep.equal(res.point);
  });

  it("each round's bytes are exactly the words the transcript absorbs (hashable from calldata)", () => {
    const a = new Transcript("words");
    const b = new Transcript("words");
    for (let j = 0; j < 4; j++) {
      a.absorbScalars("sumcheck.round", res.proof.rounds[j]);
      const slice = bytes.subarray(j * 96, (j + 1) * 96);
      b.absorbWords("sumcheck.round", [0, 1, 2].map((k) => slice.subarray(k * 32, (k + 1) * 32)));
      expect(b.stateHex).to.equal(a.stateHex);
    }
  });

  it("refuses short input and non-canonical words, naming round, coefficient and byte", () => {
    expect(() => decodeSumcheckProof(bytes.subarray(1), 4, 3)).to.throw(SumcheckError, /need 384 bytes at offset 0, have 383/);
    const bad = bytes.slice();
    bad.set(new Uint8Array(32).fill(0xff), 5 * 32);
    expect(() => decodeSumcheckProof(bad, 4, 3)).to.throw(SumcheckError, /round 1 coefficient 2 \(byte 160\)/);
  });
});
