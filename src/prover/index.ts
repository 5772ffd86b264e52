/** Prover building blocks (issue 5): tensor layout, claims, model commitment, linear-layer IOPs. See docs/prover.md. */
export * from "./tensor";
export * from "./claims";
export * from "./model-poly";
export * from "./setup";
export * from "./keys";
export * from "./weight-opening";
export * from "./layers/matmul";
export * from "./layers/elementwise";
export * from "./layers/merge";
export * from "./layers/linear-spec";
export * from "./layers/selector";
export * from "./layers/conv";
export * from "./layers/reindex";
export * from "./layers/conv-spec";
export * from "./layers/movement-spec";
export * from "./layers/concat";
