/**
 * Defaults of the GGUF front end, in a module with no imports so that the CLI can show them without loading
 * the model code.
 */

/**
 * Default bit width for GGUF models, chosen by measurement (docs/gguf.md §9): 12 is the smallest width whose
 * 64-token greedy continuations of stories260K matched the float model on every measured prompt not limited
 * by a float near-tie (10 bits loses one prompt at token 35, 8 bits all of them), and its SiLU table keeps
 * 4,096 entries.
 */
export const DEFAULT_GGUF_BITS = 12;
