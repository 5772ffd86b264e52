/**
 * `deepprove bench <model> --json` on the EZKL peer folder: our whole pipeline and EZKL's engine in one run.
 * Checks what the numbers mean (our proof verified, the peer's proof verified by its own verifier, the ratio is
 * computed from the two figures, accuracy of the PROVED outputs), never how fast anything is.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { runModelBench } from "../../src/bench/model-bench";
import { measureOnChain } from "../../src/bench/onchain-bench";
import { VerifierGenError } from "../../src/compiler/verifier-gen";
import { runCliInProcess as runCli } from "./in-process";

const PEER = resolve(__dirname, "../../../shared/peers/ezkl-v21");
const LESS = resolve(__dirname, "../../../shared/models/less");

describe("cli: deepprove bench on the EZKL peer model", function () {
  before(function () {
    if (!existsSync(join(PEER, "network.onnx"))) this.skip();
  });

  it("reports our figures and EZKL's from one run, both proofs verified", async () => {
    const run = await runCli("bench", join(PEER, "network.onnx"), "--input", join(PEER, "input.json"), "--json");
    expect(run.status).to.equal(0);
    const r = JSON.parse(run.stdout);
    for (const key of ["setup_ms", "prove_ms", "prove_cpu_ms", "verify_ms", "proof_bytes", "peak_rss_mb", "cosine", "peer_ezkl_prove_ms", "peer_ezkl_verify_ms", "speedup_prove"]) {
      expect(r[key], key).to.be.a("number");
    }
    expect(r.proof_bytes % 32).to.equal(0);
    expect(r.cosine).to.be.greaterThan(0.99);
    expect(r.peer_ezkl_verified).to.equal(true);
    expect(r.peer_ezkl_proof_bytes).to.be.greaterThan(0);
    expect(r.speedup_prove).to.be.closeTo(r.peer_ezkl_prove_ms / r.prove_ms, 0.01);
    // Measured on the in-process network: one verification transaction of the generated verifier.
    expect(r.gas).to.be.a("number").and.greaterThan(21_000).and.lessThan(16_777_216);
    expect(r.calldata_bytes).to.be.greaterThan(r.proof_bytes);
    expect(r.verifier_bytecode_bytes).to.be.greaterThan(0).and.lessThan(24_577);
  });

  it("says why the on-chain figures are missing when the generator refuses the model", async function () {
    if (!existsSync(join(LESS, "network.onnx"))) this.skip();
    // Every small corpus model now has an on-chain verifier (the refused ones are above the gas cap and slow to
    // prove): the generator's refusal is stood in for by the error it throws.
    const refusal = "verification would need about 99,000,000 gas, above the 16,777,216-gas transaction cap (EIP-7825)";
    const refuse = async (): ReturnType<typeof measureOnChain> => {
      throw new VerifierGenError(refusal);
    };
    const r = await runModelBench({ model: join(LESS, "network.onnx"), input: join(LESS, "input.json"), peer: false, onChain: refuse });
    expect(r.proof_bytes).to.be.greaterThan(0);
    expect(r).to.not.have.property("gas");
    expect(r.onchain_error).to.equal(refusal);
  });
});
