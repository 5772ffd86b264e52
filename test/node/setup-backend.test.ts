/**
 * The product proof backend on a real setup directory (examples/mlp, insecure dev SRS): it proves the packed
 * input with the whole-model prover, the reference verifier accepts the proof for the node's address and
 * rejects it for any other, and malformed inputs are refused before any bidding.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSetupDir, loadSetupDir } from "../../src/artifacts/setup-dir";
import { quantizeInputs, readInputs } from "../../src/model";
import { ProofRejectedError, packTensors, publicTensors, verifyInference } from "../../src/prover/graph";
import { setupBackend } from "../../src/node/setup-backend";

const MLP = join(__dirname, "..", "..", "examples", "mlp");
const PROVER = "0x00000000000000000000000000000000000000aa" as const;
const OTHER = "0x00000000000000000000000000000000000000bb" as const;

describe("node: setup-directory proof backend (whole-model prover)", function () {
  this.timeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), "deepprove-backend-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("proves a request's packed input; the proof verifies for the node's address only", async () => {
    const out = join(dir, "mlp");
    createSetupDir({ model: join(MLP, "network.onnx"), calibration: join(MLP, "input.json"), out });
    const setup = loadSetupDir(out);
    const input = packTensors(quantizeInputs(setup.model, readInputs(join(MLP, "input.json"), setup.graph)), publicTensors(setup.model.graph.inputs, setup.model.bits));
    const backend = setupBackend(new Map([[7n, { setup: out }]]));
    expect(backend.checkInput!(7n, input)).to.equal(undefined);
    expect(backend.checkInput!(7n, input.slice(4))).to.match(/bytes/);
    expect(backend.checkInput!(8n, input)).to.match(/model 8 is not in this node's configuration/);

    const { output, proof } = await backend.prove({ modelId: 7n, input, prover: PROVER });
    const statement = { digest: setup.vk.digest, prover: PROVER, input, output };
    verifyInference({ vk: setup.vk, model: setup.model, statement, proof });
    expect(() => verifyInference({ vk: setup.vk, model: setup.model, statement: { ...statement, prover: OTHER }, proof })).to.throw(ProofRejectedError);
  });
});
