/** Runs a generated ONNX graph through every stage and compares with onnxruntime. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Graph, Tensor } from "../../../src/model/ir";
import { sizeOf } from "../../../src/model/ir";
import { importOnnx } from "../../../src/model/onnx/import";
import { runFloat } from "../../../src/model/exec/float";
import { runAndCompare, type RunReport } from "../../../src/model/pipeline";
import { buildOnnx, seeded, type GraphSpec } from "./onnx-builder";

const dir = mkdtempSync(join(tmpdir(), "deepprove-onnx-"));
let counter = 0;

/** Writes a spec to a temporary .onnx file and returns its path. */
export function writeModel(spec: GraphSpec): string {
  const path = join(dir, `m${counter++}.onnx`);
  writeFileSync(path, buildOnnx(spec));
  return path;
}

/** Seeded inputs of the graph's input shapes (scaled to [-range, range)). */
export function inputsFor(graph: Graph, range = 2, seed = 7): Tensor[] {
  return graph.inputs.map((info, i) => ({
    dtype: info.dtype,
    shape: info.shape,
    data: Float64Array.from(seeded(sizeOf(info.shape), seed + i), (v) => (info.dtype === "float32" ? v * range : Math.abs(Math.round(v * range)))),
  }));
}

export interface CheckOptions {
  bits?: number;
  /** Smallest acceptable cosine of the quantized run. */
  cosine?: number;
  /** Inputs (default: seeded in [-2, 2)). */
  inputs?: (g: Graph) => Tensor[];
}

/**
 * Imports the spec, checks the float executor against onnxruntime (relative 1e-4), then the quantized run
 * (cosine, integer-valued outputs within the bit range). Returns the run report.
 */
export async function checkAgainstOrt(spec: GraphSpec, opts: CheckOptions = {}): Promise<RunReport> {
  const path = writeModel(spec);
  const graph = importOnnx(path);
  const inputs = opts.inputs ? opts.inputs(graph) : inputsFor(graph);
  const bits = opts.bits ?? 16;
  const report = await runAndCompare(path, graph, inputs, bits);
  const env = runFloat(graph, inputs);
  graph.outputs.forEach((o, i) => {
    const mine = env.get(o.name)!.data;
    const ref = report.reference[i];
    expect(mine.length, `output ${o.name} length`).to.equal(ref.length);
    let scale = 1e-6;
    for (const v of ref) scale = Math.max(scale, Math.abs(v));
    for (let k = 0; k < ref.length; k++) expect(Math.abs(mine[k] - ref[k]), `float output ${o.name}[${k}]: ${mine[k]} vs ${ref[k]}`).to.be.below(1e-4 * scale + 1e-6);
  });
  expect(report.cosine, "cosine of the quantized run").to.be.at.least(opts.cosine ?? 0.999);
  const lim = 2 ** (bits - 1);
  for (const step of report.trace.steps) {
    for (const t of step.values) {
      for (const v of t.data) {
        expect(Number.isInteger(v), `${step.node} produced a non-integer`).to.equal(true);
        if (step.outScales[0] !== 1) expect(v >= -lim && v < lim, `${step.node} value ${v} outside ${bits} bits`).to.equal(true);
      }
    }
  }
  return report;
}
