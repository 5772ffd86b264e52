/** LogUp lookup argument with committed helper columns (spec in docs/lookup.md). */
export * from "./types";
export * from "./table";
export * from "./multiplicities";
export * from "./protocol";
export * from "./claims";
export * from "./prover";
export * from "./verifier";
export * from "./encoding";
export * from "./arena";
