/**
 * Opcodes of a verifier program's layer instructions: the numbers `contracts/verifier/layers/LayerOps.sol`
 * dispatches on (kept equal by the differential tests in test/verifier-sol/).
 */
export const LAYER_OP = {
  matmul: 1,
  conv: 2,
  reindex: 3,
  concat: 4,
  linear: 5,
  hadamard: 6,
  merge: 7,
} as const;

/** The two label families of the inner-product step (ProductStep.sol). */
export const PRODUCT_FAMILY = { matmul: 0, conv: 1 } as const;
