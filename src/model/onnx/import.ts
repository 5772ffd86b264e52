/**
 * ONNX import: a `.onnx` file to a prepared IR graph (decoded, type-inferred, constant-folded).
 */
import { readFileSync } from "node:fs";
import { ModelError } from "../errors";
import type { Graph } from "../ir";
import { foldGraph } from "../fold";
import { decodeOnnx } from "./decode";

/** Reads a file, turning I/O failures into one clear line. */
export function readModelFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelError(`${path}: cannot read the model file (${code ?? String(error)})`);
  }
}

/** Decodes and prepares ONNX bytes. */
export function importOnnxBytes(bytes: Uint8Array, file = "model"): Graph {
  return foldGraph(decodeOnnx(bytes, file));
}

/** Imports an ONNX file into a prepared IR graph. */
export function importOnnx(path: string): Graph {
  return importOnnxBytes(readModelFile(path), path);
}
