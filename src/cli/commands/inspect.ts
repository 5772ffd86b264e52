/**
 * `deepprove inspect <model> [--json]`: a model's inputs, outputs, static shapes, parameter count, operators
 * (as written and after constant folding) and whatever is unsupported. Exits non-zero when the model cannot
 * be run, after printing the report.
 */
import type { Command } from "commander";
import { ModelError } from "../../model/errors";

/** Registers `deepprove inspect`. */
export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("show a model's inputs, outputs, shapes, parameter count, operators and unsupported parts")
    .argument("<model>", "ONNX model file")
    .option("--json", "print the report as JSON")
    .action(async (path: string, opts: { json?: boolean }) => {
      const { describeValue, inspectModel } = await import("../../model/pipeline");
      const s = inspectModel(path);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...s, supported: s.unsupported.length === 0 }, null, 2)}\n`);
      } else {
        const ops = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k}×${v}`).join(", ") || "(none)";
        const lines = [
          `model: ${s.name} (opset ${s.opset})`,
          "inputs:",
          ...s.inputs.map((v) => `  ${describeValue(v)}`),
          "outputs:",
          ...s.outputs.map((v) => `  ${describeValue(v)}`),
          `parameters: ${s.parameters}`,
          `operators: ${ops(s.ops)}`,
          `after constant folding: ${ops(s.provedOps)}`,
          s.unsupported.length === 0 ? "supported: yes" : `unsupported:\n${s.unsupported.map((u) => `  ${u}`).join("\n")}`,
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      }
      if (s.unsupported.length > 0) throw new ModelError(`${path}: ${s.unsupported.length} unsupported part(s), listed above`);
    });
}
