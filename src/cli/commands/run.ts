/**
 * `deepprove run <model> --input <file> [--bits N] [--calibration <files...>] [--json]`: quantizes the model
 * (calibrated on the given input plus any calibration files), runs it with integers only, runs the original file in onnxruntime and prints the accuracy per
 * output (cosine similarity, max absolute error of the dequantized values, argmax agreement).
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { DEFAULT_BITS, MAX_BITS, MIN_BITS } from "../../model/defaults";

function parseBits(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < MIN_BITS || n > MAX_BITS) throw new InvalidArgumentError(`must be an integer from ${MIN_BITS} to ${MAX_BITS}`);
  return n;
}

/** Registers `deepprove run`. */
export function registerRun(program: Command): void {
  program
    .command("run")
    .description("quantized integer run of an ONNX model beside the onnxruntime float reference, with an accuracy report")
    .argument("<model>", "ONNX model file")
    .requiredOption("--input <file>", "input JSON: EZKL's {\"input_data\": [[...]]} or a plain array")
    .option("--bits <n>", `quantization bit width (${MIN_BITS}-${MAX_BITS})`, parseBits, DEFAULT_BITS)
    .option("--calibration <files...>", "more input files to calibrate scales on (the --input file is always used)")
    .option("--json", "print the report as JSON")
    .action(async (path: string, opts: { input: string; bits: number; calibration?: string[]; json?: boolean }) => {
      const [{ importOnnx }, { readInputs }, { runAndCompare }] = await Promise.all([
        import("../../model/onnx/import"),
        import("../../model/input"),
        import("../../model/pipeline"),
      ]);
      const graph = importOnnx(path);
      const inputs = readInputs(opts.input, graph);
      const calibration = [inputs, ...(opts.calibration ?? []).map((f) => readInputs(f, graph))];
      const r = await runAndCompare(path, graph, inputs, opts.bits, calibration);
      const report = {
        model: path,
        bits: r.bits,
        nodes: r.trace.steps.length,
        cosine: r.cosine,
        max_abs_error: r.max_abs_error,
        argmax_agree: r.argmax_agree,
        outputs: r.accuracy.map((a, i) => ({
          ...a,
          shape: r.trace.outputs[i].tensor.shape,
          scale: r.trace.outputs[i].scale,
          quantized: Array.from(r.outputs[i]),
          reference: Array.from(r.reference[i]),
        })),
      };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const lines = [`model: ${path}`, `bits: ${r.bits}, integer nodes: ${report.nodes}`];
      for (const a of r.accuracy) {
        lines.push(`output ${a.name}: cosine ${a.cosine.toFixed(6)}, max abs error ${a.max_abs_error.toExponential(3)}, argmax ${a.argmax_agree ? "agrees" : "differs"}`);
      }
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
