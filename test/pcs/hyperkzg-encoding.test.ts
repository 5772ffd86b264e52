import { expect } from "chai";
import { decodeHyperKzgProof, encodeHyperKzgProof, hyperKzgProofBytes } from "../../src/pcs/hyperkzg-encoding";
import { HyperKZG, HyperKzgError } from "../../src/pcs/hyperkzg";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "../sumcheck/helpers";

describe("HyperKZG proof encoding", () => {
  const srs = insecureDevSrs(16);
  const vk = HyperKZG.verifierKey(srs);

  for (const numVars of [0, 1, 4]) {
    it(`is 128·l + 96 bytes, round-trips and verifies (${numVars} variables)`, () => {
      const evals = randomFrs(2 ** numVars, `enc/${numVars}`);
      const point = randomFrs(numVars, `enc/p/${numVars}`);
      const commitment = HyperKZG.commit(srs, evals);
      const { value, proof } = HyperKZG.open({ srs, evals, point, transcript: new Transcript("enc") });
      const bytes = encodeHyperKzgProof(proof);
      expect(bytes.length).to.equal(hyperKzgProofBytes(numVars)).and.to.equal(128 * Math.max(numVars, 1) + 96);
      const decoded = decodeHyperKzgProof(bytes, numVars);
      expect(encodeHyperKzgProof(decoded)).to.deep.equal(bytes);
      expect(HyperKZG.verify({ vk, commitment, point, value, proof: decoded, transcript: new Transcript("enc") })).to.equal(true);
    });
  }

  it("refuses short input, bad points and non-canonical scalars, naming the field and byte", () => {
    const evals = randomFrs(8, "enc/bad");
    const { proof } = HyperKZG.open({ srs, evals, point: randomFrs(3, "p"), transcript: new Transcript("enc") });
    const bytes = encodeHyperKzgProof(proof); // 2 folds (128 B), 7 evals (224 B), W, W'
    expect(() => decodeHyperKzgProof(bytes.subarray(0, 479), 3)).to.throw(HyperKzgError, /need 480 bytes/);
    const offCurve = bytes.slice();
    offCurve[63] ^= 1;
    expect(() => decodeHyperKzgProof(offCurve, 3)).to.throw(HyperKzgError, /fold commitment C_1 \(byte 0\)/);
    const scalar = bytes.slice();
    scalar.set(new Uint8Array(32).fill(0xff), 128 + 32);
    expect(() => decodeHyperKzgProof(scalar, 3)).to.throw(HyperKzgError, /evaluation 1 \(byte 160\)/);
    const w = bytes.slice();
    w[128 + 224 + 63] ^= 1;
    expect(() => decodeHyperKzgProof(w, 3)).to.throw(HyperKzgError, /W \(byte 352\)/);
  });
});
