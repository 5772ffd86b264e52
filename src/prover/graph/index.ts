/**
 * The whole-model prover and its reference verifier (docs/prover.md, "The whole-model proof"): one proof per
 * inference — statement, advice polynomial A, one lookup arena, output claims, the backward walk over the
 * graph, one batch opening — written as a byte stream that is the on-chain calldata.
 */
export { proveInference, type ProveInferenceParameters, type ProverModelKey, type ProgressCallback, type ProofCost } from "./prove";
export { verifyInference, executePlan, type VerifyInferenceParameters } from "./verify";
export { verifierPlan } from "./verifier-plan";
export { compileGraph, type GraphPlan } from "./compile";
export {
  packTensors,
  unpackTensors,
  packedBytes,
  publicRange,
  publicTensors,
  widthFor,
  absorbStatement,
  type InferenceStatement,
  type PackedTensorInfo,
  type PublicRange,
  type PublicWidth,
} from "./statement";
export { ProofRejectedError, UnsupportedNodeError, ProverInputError } from "./errors";
export { ProofReader, ProofWriter, ProofFormatError, type ProofStats } from "./stream";
export type * from "./plan";
