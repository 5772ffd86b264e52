/**
 * Bit-width constants, in a module with no dependencies so that the CLI can read them without loading the
 * model pipeline (and onnxruntime) at start-up.
 */

/** Smallest and largest supported quantization bit widths. */
export const MIN_BITS = 8;
export const MAX_BITS = 16;

/** Default bit width of `deepprove run`, chosen by measured corpus accuracy (docs/corpus.md). */
export const DEFAULT_BITS = 12;
