/**
 * Model input files: EZKL's `input.json` (`{"input_data": [[...], ...]}`, one flat list per graph input, in
 * graph-input order) or a plain JSON array (a flat list for a single-input model, or one list per input;
 * nested lists are flattened row-major). Every value must be a finite number, and each list must have
 * exactly as many values as the input's static shape. An EZKL file with more lists than graph inputs is read
 * by argument position when the exporter pruned unused arguments ({@link prunedInputLists}).
 */
import { readFileSync } from "node:fs";
import { ModelError } from "./errors";
import type { Graph, Tensor } from "./ir";
import { formatShape, isFloatType, sizeOf } from "./ir";

function flatten(v: unknown, out: number[], path: string): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => flatten(x, out, `${path}[${i}]`));
    return;
  }
  if (typeof v === "boolean") {
    out.push(v ? 1 : 0);
    return;
  }
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ModelError(`${path} is not a finite number: ${JSON.stringify(v)}`);
  out.push(v);
}

/** Splits parsed JSON into one flat list per graph input. */
function lists(json: unknown, graph: Graph, file: string): unknown[] {
  const n = graph.inputs.length;
  let data: unknown = json;
  if (json !== null && typeof json === "object" && !Array.isArray(json)) {
    if (!("input_data" in json)) throw new ModelError(`${file}: expected {"input_data": [[...]]} or a JSON array`);
    data = (json as { input_data: unknown }).input_data;
  }
  if (!Array.isArray(data)) throw new ModelError(`${file}: input_data must be an array with one list per model input`);
  const perInput = data.length > 0 && data.every((x) => Array.isArray(x));
  // A model without inputs accepts a file that gives no values (EZKL writes [[]] for it).
  if (n === 0) {
    const values: number[] = [];
    flatten(data, values, file);
    if (values.length > 0) throw new ModelError(`${file}: the model has no inputs, the file gives ${values.length} value(s)`);
    return [];
  }
  // A single input: [[...]] (EZKL) or a flat or nested array of its values.
  if (n === 1) return [perInput && data.length === 1 ? data[0] : data];
  if (perInput && data.length > n) {
    const picked = prunedInputLists(data, graph);
    if (picked) return picked;
  }
  if (!perInput || data.length !== n) {
    throw new ModelError(`${file}: the model has ${n} input(s) (${graph.inputs.map((i) => `"${i.name}" ${formatShape(i.shape)}`).join(", ")}), the file gives ${perInput ? data.length : "a flat list instead of one list per input"}`);
  }
  return data;
}

/** torch.onnx's default graph-input names: "input" for argument 0, "input<k>" for argument k. */
const TORCH_INPUT_NAME = /^input(\d*)$/;

/**
 * A file written for the model's forward() arguments when the exporter pruned the unused ones: the graph keeps
 * only the inputs its outputs read, each still named by its argument position ("input2", "input3" of
 * `bitwise_ops`, whose file gives four lists). Every graph input must carry such a name, at increasing positions
 * inside the file; then input k's values are list k and the other lists (arguments no output reads) are
 * ignored. Anything else stays the count mismatch error.
 */
function prunedInputLists(data: readonly unknown[], graph: Graph): unknown[] | null {
  const positions = graph.inputs.map((info) => {
    const m = TORCH_INPUT_NAME.exec(info.name);
    return m ? (m[1] === "" ? 0 : Number(m[1])) : -1;
  });
  const increasing = positions.every((k, i) => k >= 0 && k < data.length && (i === 0 || k > positions[i - 1]));
  return increasing ? positions.map((k) => data[k]) : null;
}

/** Parses input JSON text for `graph`; errors name the input and its expected shape. */
export function parseInputs(text: string, graph: Graph, file = "input"): Tensor[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const raw = lists(json, graph, file);
  return graph.inputs.map((info, i) => {
    const flat: number[] = [];
    flatten(raw[i], flat, `${file}: input "${info.name}"`);
    const need = sizeOf(info.shape);
    if (flat.length !== need) {
      throw new ModelError(`${file}: input "${info.name}" has ${flat.length} values, expected ${need} for shape ${formatShape(info.shape)}`);
    }
    if (!isFloatType(info.dtype)) {
      const bad = flat.findIndex((v) => !Number.isInteger(v) || (info.dtype === "bool" && v !== 0 && v !== 1));
      if (bad >= 0) throw new ModelError(`${file}: input "${info.name}" is ${info.dtype}, value ${bad} (${flat[bad]}) is not ${info.dtype === "bool" ? "a boolean" : "an integer"}`);
    }
    return { dtype: info.dtype, shape: info.shape, data: Float64Array.from(flat) };
  });
}

/** Reads and parses an input file. */
export function readInputs(path: string, graph: Graph): Tensor[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ModelError(`${path}: cannot read the input file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseInputs(text, graph, path);
}
