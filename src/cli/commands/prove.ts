/**
 * `deepprove prove <dir> --input <input.json> --out <proof> [--prover <0xaddr>] [--json] [--ptau <file>]`:
 * loads and checks the setup directory, runs the model with integers on the input, proves the inference and
 * writes the proof file (binary, or the JSON form with `--json`; docs/proof-format.md). Progress goes to
 * stderr; stdout gets the outputs and the figures.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { INSECURE_SRS_WARNING } from "./setup";

/** An Ethereum address argument, normalized to lowercase. */
export function parseAddress(value: string): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new InvalidArgumentError(`"${value}" is not an address (0x + 40 hex digits)`);
  return value.toLowerCase() as `0x${string}`;
}

interface ProveFlags {
  input: string;
  out: string;
  prover?: `0x${string}`;
  json?: boolean;
  ptau?: string;
}

/** Registers `deepprove prove`. */
export function registerProve(program: Command): void {
  program
    .command("prove")
    .description("prove one inference of a set-up model: writes a proof file (binary, or JSON with --json)")
    .argument("<dir>", "setup directory made by `deepprove setup`")
    .requiredOption("--input <file>", "input JSON (EZKL's {\"input_data\": [[...]]} or a plain array)")
    .requiredOption("--out <file>", "proof file to write")
    .option("--prover <address>", "the prover address the proof is bound to (default: the zero address)", parseAddress)
    .option("--json", "write the JSON form of the proof file (with the decoded outputs)")
    .option("--ptau <file>", "the .ptau file of a ceremony setup, if it moved since `deepprove setup`")
    .action(async (dir: string, flags: ProveFlags) => {
      const [{ loadSetupDir, loadSetupSrs }, { proveWithSetup, readSetupInputs, ZERO_ADDRESS }, { writeProofFile }, { decodeOutputs, formatOutputs }] = await Promise.all([
        import("../../artifacts/setup-dir"),
        import("../../artifacts/inference"),
        import("../../artifacts/proof-file"),
        import("../../artifacts/outputs"),
      ]);
      const progress = (line: string) => process.stderr.write(`prove: ${line}\n`);
      progress(`loading ${dir}`);
      const setup = loadSetupDir(dir, { provingKey: true });
      if (setup.insecure) process.stderr.write(`${INSECURE_SRS_WARNING}\n`);
      const inputs = readSetupInputs(setup, flags.input);
      const srs = loadSetupSrs(setup, { ptau: flags.ptau, onProgress: progress });
      const proved = proveWithSetup(setup, srs, inputs, flags.prover ?? ZERO_ADDRESS, progress);
      const outputs = decodeOutputs(proved.statement.output, setup.vk.statement.outputs, setup.vk.statement.bits);
      writeProofFile(flags.out, { ...proved.statement, proof: proved.proof }, { form: flags.json ? "json" : "binary", outputs });
      const lines = [
        ...formatOutputs(outputs),
        `model digest: ${proved.statement.digest}`,
        `prover:       ${proved.statement.prover}`,
        `prove time:   ${Math.round(proved.proveMs)} ms`,
        `proof:        ${proved.proof.length} bytes (calldata), written to ${flags.out}${flags.json ? " (JSON)" : ""}`,
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
