import { expect } from "chai";
import { RegistryFixture, flippedProof } from "./registry-fixture";

/**
 * The two smallest tree models end to end on the in-process network (Osaka, EIP-7825 cap): `linear_svc` (a class
 * lookup at a runtime index) and `decision_tree` (integer MatMuls, Equal, runtime gathers): set up, prove for the
 * sender, generate the verifier (`generateVerifier` no longer refuses the tree kinds), compile, link to the
 * interpreter libraries (ModelVerifierTree among them), register in the InferenceRegistry, verify the inference
 * there and query it; a proof with one word flipped reverts and records nothing; the generator's estimate stays
 * within 0.85–1.3× of the registry transaction's gasUsed (both printed: the figures docs/verifier-gen.md quotes). The other tree models are
 * measured by `scripts/gas-table.ts --only <names>` (docs/verifier-gen.md, "ModelVerifierTree").
 */
describe("e2e: tree models through the InferenceRegistry", function () {
  this.timeout(600_000);
  const fixture = new RegistryFixture();
  before(() => fixture.deploy());

  for (const name of ["linear_svc", "decision_tree"]) {
    it(`${name}: the registry records a verified inference; a flipped proof word changes nothing`, async function () {
      const m = await fixture.register(name);
      if (!m) return this.skip();
      await fixture.expectRejected(m.modelId, [{ ...m.file, proof: flippedProof(m.file.proof) }]);
      const gasUsed = await fixture.expectRecorded(name, m);
      // The generator's estimate (src/compiler/tree-estimate.ts for the tree steps) stays close to the receipt.
      expect(m.generated.estimate.total / Number(gasUsed), "estimate / gasUsed").to.be.within(0.85, 1.3);
    });
  }
});
