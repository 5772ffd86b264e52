/**
 * The proof-wide lookup arena: one LogUp argument for every lookup of a proof, with two commitments (M, H) and
 * one zero-check (spec: docs/lookup.md, "The arena").
 */
export * from "./arena-types";
export { arenaContext, arenaShapeWords, arenaSlotNames, evaluateRange, MAX_ARENA_COLUMN_VARS, type ArenaContext } from "./arena-protocol";
export { arenaShape, proveArena } from "./arena-prover";
export { verifyArena } from "./arena-verifier";
export * from "./arena-encoding";
