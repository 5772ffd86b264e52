import { expect } from "chai";
import { RegistryFixture, flippedProof } from "./registry-fixture";
import { withPackedValue } from "./packed-values";

/**
 * The corpus models of the exact integer kinds end to end on the in-process network (Osaka, EIP-7825 cap):
 * `less` (compare), `boolean` (logic: And, Xor on bool inputs) and `boolean_identity` (a bool input's 0/1 range
 * check): set up, prove for the sender, generate the verifier (`generateVerifier` no longer refuses them), compile,
 * link to the interpreter libraries (ModelVerifierExact among them), register in the InferenceRegistry, verify the
 * inference there and query it; a proof with one word flipped and a bool input of 2 revert and change nothing.
 * The registry transaction's gasUsed is printed (the figure docs/verifier-gen.md quotes).
 */
describe("e2e: exact integer kinds through the InferenceRegistry", function () {
  this.timeout(600_000);
  const fixture = new RegistryFixture();
  before(() => fixture.deploy());

  for (const name of ["less", "boolean", "boolean_identity"]) {
    it(`${name}: the registry records a verified inference; a rejected proof or input changes nothing`, async function () {
      const m = await fixture.register(name);
      if (!m) return this.skip();
      const { file, plan } = m;
      const wrong = [];
      if (file.proof.length > 0) wrong.push({ ...file, proof: flippedProof(file.proof) });
      if (plan.inputs.some((i) => i.boolean)) {
        wrong.push({ ...file, input: withPackedValue(file.input, plan.inputs, 0, 2) });
      }
      expect(wrong.length).to.be.greaterThan(0);
      await fixture.expectRejected(m.modelId, wrong);
      await fixture.expectRecorded(name, m);
    });
  }
});
