/** Sum-check over products of multilinear polynomials (spec in docs/sumcheck.md). */
export * from "./types";
export * from "./prover";
export * from "./verifier";
export * from "./encoding";
export * from "./packed";
