/**
 * The interpreter libraries of every generated model verifier (docs/verifier-gen.md), in deployment order: each
 * is linked to the ones before it that it names (`linkBytecode` fills the placeholders solc left), and the
 * generated contract is linked to `ModelVerifier`. Adding an extension library is one entry here (before
 * `ModelVerifier`, which calls it) and one dispatch line in contracts/verifier/ModelVerifierOps.sol. Every
 * deployer reads this list: the bench (src/bench/onchain-bench.ts), scripts/lib/deploy-model.ts and the tests.
 */
export const INTERPRETER_LIBRARIES = ["ModelVerifierPcs", "ModelVerifierSteps", "ModelVerifierAttention", "ModelVerifierLlm", "ModelVerifierExact", "ModelVerifierTree", "ModelVerifierIndexed", "ModelVerifier"] as const;

/** One interpreter library's contract name. */
export type InterpreterLibrary = (typeof INTERPRETER_LIBRARIES)[number];
