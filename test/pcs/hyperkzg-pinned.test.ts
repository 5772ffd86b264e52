import { expect } from "chai";
import { createHash } from "node:crypto";
import { loadNative } from "../../src/msm";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { encodeHyperKzgProof } from "../../src/pcs/hyperkzg-encoding";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "../sumcheck/helpers";

const DOMAIN = "hyperkzg-pinned";
const SRS = insecureDevSrs(64);

/**
 * SHA-256 of encodeHyperKzgProof for fixed inputs, recorded from the all-bigint prover that preceded the
 * packed native kernels (commit 065533f). Any change to the proof bytes — transcript, message order, field
 * arithmetic — fails here; performance work must leave them alone.
 */
const PINNED: readonly { length: number; numVars: number; value: string; proofSha256: string }[] = [
  {
    length: 13,
    numVars: 4,
    value: "ddb2f0f17221bb0f4f94f484050550a3b95a5b9750d19455f3af017f8478762",
    proofSha256: "66ab941e4b9fc2badbffeea0995355bc9673e7e2a31d5c72b05968e3672129f9",
  },
  {
    length: 64,
    numVars: 6,
    value: "6a44e85f1fd177bc88502f45a7d6f07ed4032f04893ff5f4d605ec31e0d925c",
    proofSha256: "59863c3b0dc9b794766c352971bc43fb8074290c4e8a2d648ebd27ac24a39919",
  },
  {
    length: 1,
    numVars: 0,
    value: "217e1d18d90ccfdbe7f1ce72f98767da37a4924ccf1f9a2568630fd8991536e1",
    proofSha256: "5a05aebcea674d298e5b5438083e327bd2e90466caa98256209f44a1be627289",
  },
];

function openPinned(length: number, numVars: number, kernels: "native" | "portable") {
  const evals = randomFrs(length, `pinned/${length}`);
  const point = randomFrs(numVars, `pinned/point/${numVars}`);
  return HyperKZG.open({ srs: SRS, evals, point, transcript: new Transcript(DOMAIN), kernels });
}

describe("HyperKZG proof bytes", () => {
  for (const kernels of ["native", "portable"] as const) {
    for (const { length, numVars, value, proofSha256 } of PINNED) {
      it(`are pinned (${kernels} kernels, ${length} entries, ${numVars} variables)`, function () {
        if (kernels === "native" && !loadNative()) this.skip();
        const opened = openPinned(length, numVars, kernels);
        expect(opened.value.toString(16)).to.equal(value);
        expect(createHash("sha256").update(encodeHyperKzgProof(opened.proof)).digest("hex")).to.equal(proofSha256);
      });
    }
  }

  it("are the same from native and portable kernels at 2^16 (both threads in every native kernel)", function () {
    if (!loadNative()) this.skip();
    this.timeout(120_000);
    const srs = insecureDevSrs(1 << 16);
    const evals = randomFrs((1 << 16) - 3, "pinned/large");
    const point = randomFrs(16, "pinned/large/point");
    const commitment = HyperKZG.commit(srs, evals);
    const proofs = (["native", "portable"] as const).map((kernels) =>
      HyperKZG.open({ srs, evals, point, commitment, transcript: new Transcript(DOMAIN), kernels }),
    );
    expect(proofs[0].value).to.equal(proofs[1].value);
    expect(encodeHyperKzgProof(proofs[0].proof)).to.deep.equal(encodeHyperKzgProof(proofs[1].proof));
    const vk = HyperKZG.verifierKey(srs);
    const { value, proof } = proofs[0];
    expect(HyperKZG.verify({ vk, commitment, point, value, proof, transcript: new Transcript(DOMAIN) })).to.equal(true);
  });
});
