/**
 * The model front end's public surface: import (ONNX), graph IR, quantization, integer execution, float
 * reference and accuracy. See docs/model-ir.md and docs/quantization.md.
 */
export * from "./ir";
export { ModelError, UnsupportedError } from "./errors";
export { importOnnx, importOnnxBytes } from "./onnx/import";
export { decodeOnnx } from "./onnx/decode";
export { foldGraph } from "./fold";
export { parseInputs, readInputs } from "./input";
export { registerOp, findOp, supportedOps } from "./ops";
export type { OpDef, QuantPlan, QuantizeContext } from "./ops/types";
export { quantizeGraph, checkBits, MIN_BITS, MAX_BITS, type QuantizedModel, type QuantizedWeight } from "./quant/quantize";
export { runInteger, quantizeInputs, dequantize, type IntegerTrace, type TraceStep } from "./exec/integer";
export { runFloat, calibrate } from "./exec/float";
export { runReference } from "./reference";
export { compareOutput, cosine, argmax, type OutputAccuracy } from "./accuracy";
export { inspectModel, runAndCompare, DEFAULT_BITS, type ModelSummary, type RunReport } from "./pipeline";
