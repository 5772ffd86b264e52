/** Polynomials over Fr: dense multilinear extensions and the univariate helpers sum-check needs. */
export * from "./mle";
export * from "./univariate";
