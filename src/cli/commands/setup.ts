/**
 * `deepprove setup <model.onnx> --input <calibration.json> --out <dir> [--bits N] [--ptau <file>] [--force]`:
 * imports and quantizes the model, commits it over the SRS and writes the setup directory (keys, manifest,
 * model and calibration copies) atomically. Without `--ptau` the INSECURE development SRS is used, with a
 * warning: anyone can forge proofs against it. Layout: docs/proof-format.md ("Setup directory").
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { DEFAULT_BITS, MAX_BITS, MIN_BITS } from "../../model/defaults";

/** The warning printed whenever a setup uses, or a proof is made or checked against, the development SRS. */
export const INSECURE_SRS_WARNING =
  "WARNING: INSECURE development SRS (its trapdoor is public): proofs against this setup can be forged. " +
  "Use --ptau <ceremony.ptau> for anything that matters.";

function parseBits(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < MIN_BITS || n > MAX_BITS) throw new InvalidArgumentError(`must be an integer from ${MIN_BITS} to ${MAX_BITS}`);
  return n;
}

/** Registers `deepprove setup`. */
export function registerSetup(program: Command): void {
  program
    .command("setup")
    .description("quantize and commit a model once: writes a setup directory (keys, manifest, model and calibration copies)")
    .argument("<model>", "ONNX model file")
    .requiredOption("--input <file>", "calibration input JSON (EZKL's {\"input_data\": [[...]]} or a plain array)")
    .requiredOption("--out <dir>", "setup directory to create")
    .option("--bits <n>", `quantization bit width (${MIN_BITS}-${MAX_BITS})`, parseBits, DEFAULT_BITS)
    .option("--ptau <file>", "Powers of Tau ceremony file (verified); default: the INSECURE development SRS")
    .option("--force", "replace an existing setup directory at --out")
    .action(async (model: string, opts: { input: string; out: string; bits: number; ptau?: string; force?: boolean }) => {
      const { createSetupDir } = await import("../../artifacts/setup-dir");
      if (!opts.ptau) process.stderr.write(`${INSECURE_SRS_WARNING}\n`);
      const created = createSetupDir({
        model,
        calibration: opts.input,
        out: opts.out,
        bits: opts.bits,
        ptau: opts.ptau,
        force: opts.force,
        onProgress: (line) => process.stderr.write(`setup: ${line}\n`),
      });
      const lines = [
        `setup directory: ${created.dir}`,
        `model digest:    ${created.manifest.digest}`,
        `bits:            ${created.manifest.bits}`,
        `SRS:             ${created.manifest.srs.origin} (${created.manifest.srs.size} powers)`,
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
