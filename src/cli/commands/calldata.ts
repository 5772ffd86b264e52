/**
 * `deepprove calldata <dir> <proof> [--registry <modelId>] [--out <file>] [--json]`: the transaction data that
 * verifies a proof file — `verifyInference(input, output, prover, proof)` for the model's generated verifier, or
 * with `--registry <id>` `InferenceRegistry.verifyInference(id, input, output, proof)` (send it from the proof's
 * prover address). Checks the proof against the setup directory first (digest, statement sizes). Prints the
 * 0x-hex data (or writes it to --out) and, on stderr, its size and gas. Layout: docs/calldata.md.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";

function parseModelId(value: string): bigint {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError("must be a positive integer model id");
  return BigInt(value);
}

/** Registers `deepprove calldata`. */
export function registerCalldata(program: Command): void {
  program
    .command("calldata")
    .description("compile a proof file into the transaction data that verifies it on-chain (verifier or registry)")
    .argument("<dir>", "setup directory of the model (deepprove setup)")
    .argument("<proof>", "proof file (deepprove prove)")
    .option("--registry <modelId>", "encode InferenceRegistry.verifyInference for this model id", parseModelId)
    .option("--out <file>", "write the 0x-hex data to a file instead of stdout")
    .option("--json", "print { to, data, bytes, gas } as JSON")
    .action(async (dir: string, proofPath: string, opts: { registry?: bigint; out?: string; json?: boolean }) => {
      const { loadSetupDir } = await import("../../artifacts/setup-dir");
      const { readProofFile } = await import("../../artifacts/proof-file");
      const { writeFileAtomic } = await import("../../artifacts/atomic");
      const cd = await import("../../compiler/calldata");
      const llm = await import("../../llm/setup");
      // A generation setup (deepprove generate --prove) carries the same statement: its model is the generation graph.
      const setup = llm.isLlmSetupDir(dir) ? await llm.loadLlmSetup(dir).then((s) => ({ vk: s.vk, model: s.q.model })) : loadSetupDir(dir);
      const proof = readProofFile(proofPath);
      if (proof.digest.toLowerCase() !== setup.vk.digest.toLowerCase()) {
        throw new Error(`${proofPath}: the proof is for model ${proof.digest}, the setup in ${dir} is ${setup.vk.digest}`);
      }
      const { packedBytes, publicTensors } = await import("../../prover/graph/statement");
      const bytesOf = (values: Parameters<typeof publicTensors>[0]) => packedBytes(publicTensors(values, setup.model.bits));
      cd.checkStatementSizes(proof, { inputBytes: bytesOf(setup.model.graph.inputs), outputBytes: bytesOf(setup.model.graph.outputs) });
      const data = opts.registry === undefined ? cd.verifierCalldata(proof) : cd.registryCalldata(opts.registry, proof);
      const cost = cd.calldataCost(Buffer.from(data.slice(2), "hex"));
      const target = opts.registry === undefined ? "IInferenceVerifier.verifyInference" : `InferenceRegistry.verifyInference (model ${opts.registry}, send from ${proof.prover})`;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ to: target, data, bytes: cost.bytes, proofBytes: proof.proof.length, standardGas: cost.standardGas, floorGas: cost.floorGas })}\n`);
        return;
      }
      if (opts.out) writeFileAtomic(opts.out, `${data}\n`);
      else process.stdout.write(`${data}\n`);
      process.stderr.write(`calldata: ${target}: ${cost.bytes} bytes (proof stream ${proof.proof.length}); data gas ${cost.standardGas}, EIP-7623 floor ${cost.floorGas} for the whole transaction\n`);
    });
}
