/**
 * Accuracy of a quantized run against the float reference, per output: cosine similarity, largest absolute
 * error of the dequantized values, and whether the argmax (first maximal index, flattened) agrees.
 */

/** Per-output accuracy figures. */
export interface OutputAccuracy {
  readonly name: string;
  readonly cosine: number;
  readonly max_abs_error: number;
  readonly argmax_agree: boolean;
}

/** Index of the first maximum (-1 for an empty array). */
export function argmax(xs: ArrayLike<number>): number {
  let best = -1;
  let bv = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] > bv) {
      bv = xs[i];
      best = i;
    }
  }
  return best;
}

/**
 * Cosine similarity. Two all-zero vectors are identical (1); one zero vector against a non-zero one is 0.
 * Vectors that agree exactly count as 1 whatever their norm.
 */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let same = true;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
    if (a[i] !== b[i]) same = false;
  }
  if (same) return 1;
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

/** Compares a quantized output (dequantized) with the reference. */
export function compareOutput(name: string, quantized: ArrayLike<number>, reference: ArrayLike<number>): OutputAccuracy {
  if (quantized.length !== reference.length) {
    throw new Error(`output "${name}": quantized run has ${quantized.length} values, reference ${reference.length}`);
  }
  let maxErr = 0;
  for (let i = 0; i < quantized.length; i++) maxErr = Math.max(maxErr, Math.abs(quantized[i] - reference[i]));
  return {
    name,
    cosine: cosine(quantized, reference),
    max_abs_error: maxErr,
    argmax_agree: argmax(quantized) === argmax(reference),
  };
}
