/**
 * Property test: random sequences of register / deprecate / verify (honest, copied or wrong proofs, unknown
 * models) against the in-process network, checked after every step against a plain TypeScript model of the
 * registry: every accepted call is recorded exactly as the model says, every rejected one changes nothing.
 */
import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { COMMITMENT_A, COMMITMENT_B, boundProof, hashOf, registryFixture, type RegistryFixture } from "./fixture";

const RUNS = Number(process.env.DEEPPROVE_PROPERTY_RUNS ?? 12);
const MAX_STEPS = 25;
const PAYLOADS = ["0x", "0x01", "0x0102", "0xffee"];

type Op =
  | { kind: "register"; who: number; mismatched: boolean }
  | { kind: "deprecate"; who: number; model: number }
  | { kind: "verify"; who: number; model: number; input: number; output: number; proofFor: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("register" as const), who: fc.nat(2), mismatched: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deprecate" as const), who: fc.nat(2), model: fc.nat(5) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("verify" as const),
      who: fc.nat(2),
      model: fc.nat(5),
      input: fc.nat(PAYLOADS.length - 1),
      output: fc.nat(PAYLOADS.length - 1),
      proofFor: fc.nat(2),
    }),
  }
);

interface ModelState {
  owner: string;
  deprecated: boolean;
  accepts: boolean;
}
interface InferenceRow {
  model: number;
  input: string;
  output: string;
  prover: string;
}

describe("InferenceRegistry: property over random operation sequences", () => {
  it("matches a reference model after every step; rejected calls change nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: MAX_STEPS }), async (ops) => {
        const fixture: RegistryFixture = await loadFixture(registryFixture);
        const { registry, bound, reverting, owner, prover, other } = fixture;
        const signers = [owner, prover, other];
        const models: ModelState[] = [
          { owner: owner.address, deprecated: false, accepts: true },
          { owner: owner.address, deprecated: false, accepts: false },
        ];
        const records: InferenceRow[] = [];
        const verifiers = { bound: await bound.getAddress(), reverting: await reverting.getAddress() };

        for (const op of ops) {
          const signer = signers[op.who];
          if (op.kind === "register") {
            const commitment = op.mismatched ? COMMITMENT_B : COMMITMENT_A;
            const call = registry.connect(signer).registerModel(commitment, verifiers.bound, "", signer.address);
            if (op.mismatched) await expect(call).to.be.revertedWithCustomError(registry, "CommitmentMismatch");
            else {
              await call;
              models.push({ owner: signer.address, deprecated: false, accepts: true });
            }
          } else if (op.kind === "deprecate") {
            const model = models[op.model - 1];
            const call = registry.connect(signer).deprecateModel(op.model);
            if (!model) await expect(call).to.be.revertedWithCustomError(registry, "UnknownModel");
            else if (model.owner !== signer.address) await expect(call).to.be.revertedWithCustomError(registry, "NotModelOwner");
            else if (model.deprecated) await expect(call).to.be.revertedWithCustomError(registry, "ModelIsDeprecated");
            else {
              await call;
              model.deprecated = true;
            }
          } else {
            const model = models[op.model - 1];
            const [input, output] = [PAYLOADS[op.input], PAYLOADS[op.output]];
            const proof = boundProof(input, output, signers[op.proofFor].address);
            const call = registry.connect(signer).verifyInference(op.model, input, output, proof);
            if (!model) await expect(call).to.be.revertedWithCustomError(registry, "UnknownModel");
            else if (model.deprecated) await expect(call).to.be.revertedWithCustomError(registry, "ModelIsDeprecated");
            else if (!model.accepts) await expect(call).to.be.revertedWithCustomError(reverting, "SumcheckRoundMismatch");
            else if (op.proofFor !== op.who) await expect(call).to.be.revertedWithCustomError(registry, "ProofRejected");
            else {
              await expect(call)
                .to.emit(registry, "InferenceVerified")
                .withArgs(records.length + 1, op.model, signer.address, hashOf(input), hashOf(output));
              records.push({ model: op.model, input, output, prover: signer.address });
            }
          }

          expect(await registry.modelCount()).to.equal(BigInt(models.length));
          expect(await registry.inferenceCount()).to.equal(BigInt(records.length));
        }

        for (const [i, model] of models.entries()) {
          expect((await registry.getModel(i + 1)).deprecated).to.equal(model.deprecated);
        }
        for (const [i, record] of records.entries()) {
          const stored = await registry.getInference(i + 1);
          expect([stored.modelId, stored.inputHash, stored.outputHash, stored.prover]).to.deep.equal([
            BigInt(record.model),
            hashOf(record.input),
            hashOf(record.output),
            record.prover,
          ]);
        }
        for (let model = 1; model <= models.length; model++) {
          for (const input of PAYLOADS) {
            for (const output of PAYLOADS) {
              const first = records.findIndex((r) => r.model === model && r.input === input && r.output === output);
              expect(await registry.firstInferenceOf(model, hashOf(input), hashOf(output))).to.equal(BigInt(first + 1));
              expect(await registry.isVerified(model, hashOf(input), hashOf(output))).to.equal(first >= 0);
            }
          }
        }
      }),
      { numRuns: RUNS }
    );
  });
});
