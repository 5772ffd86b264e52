import { RegistryFixture, flippedProof } from "./registry-fixture";
import { packedValue, withPackedValue } from "./packed-values";

/**
 * Two corpus models of the indexed kinds end to end on the in-process network (Osaka, EIP-7825 cap): `integer_div`
 * (exact-div) and `scatter_nd` (scatter-runtime into a carried constant): set up, prove for the sender, generate
 * the verifier (`generateVerifier` no longer refuses them), compile, link to the interpreter libraries
 * (ModelVerifierIndexed among them), register in the InferenceRegistry, verify the inference there and query it; a
 * proof with one word flipped and a changed output revert and change nothing. The registry transaction's gasUsed
 * is printed. The other models these kinds unlock are measured with scripts/gas-profile.ts (docs/verifier-gen.md).
 */
describe("e2e: indexed kinds through the InferenceRegistry", function () {
  this.timeout(600_000);
  const fixture = new RegistryFixture();
  before(() => fixture.deploy());

  for (const name of ["integer_div", "scatter_nd"]) {
    it(`${name}: the registry records a verified inference; a rejected proof or output changes nothing`, async function () {
      const m = await fixture.register(name);
      if (!m) return this.skip();
      const output = withPackedValue(m.file.output, m.plan.outputs, 0, packedValue(m.file.output, m.plan.outputs, 0) + 1);
      await fixture.expectRejected(m.modelId, [{ ...m.file, proof: flippedProof(m.file.proof) }, { ...m.file, output }]);
      await fixture.expectRecorded(name, m);
    });
  }
});
