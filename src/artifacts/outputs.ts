/**
 * Human-readable outputs of a proved inference: the packed output bytes of a statement split into the
 * model's output tensors (shapes from the model statement) and dequantized with their scales. Informational
 * only — what is proved and verified is the bytes.
 */
import type { StatementValue } from "../prover/setup";
import { publicTensors, unpackTensors } from "../prover/graph/statement";
import type { DecodedOutput } from "./proof-file";

/**
 * Splits packed output bytes into the model's outputs (each at the width its dtype and the model's `bits` give).
 * @throws ProverInputError on a length mismatch
 */
export function decodeOutputs(output: Uint8Array, outputs: readonly StatementValue[], bits: number): DecodedOutput[] {
  return unpackTensors(output, publicTensors(outputs, bits)).map((t, i) => ({
    name: t.name,
    shape: t.shape,
    scale: outputs[i].scale,
    values: Array.from(t.data),
    dequantized: Array.from(t.data, (v) => v * outputs[i].scale),
  }));
}

/** One line per output: name, shape and the first `max` dequantized values. */
export function formatOutputs(decoded: readonly DecodedOutput[], max = 16): string[] {
  return decoded.map((o) => {
    const shown = o.dequantized.slice(0, max).map((v) => Number(v.toPrecision(6)));
    const more = o.dequantized.length > max ? `, … (${o.dequantized.length} values)` : "";
    return `output ${o.name} [${o.shape.join(", ")}]: ${shown.join(", ")}${more}`;
  });
}
