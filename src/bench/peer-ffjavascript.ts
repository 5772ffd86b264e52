/**
 * ffjavascript's WASM MSM as a benchmark peer, measured in the same run as ours.
 *
 * ffjavascript is GPL-3.0 and a devDependency only: it is loaded lazily here, never by the shipped code
 * path, and the benchmark simply omits the peer when it is not installed. Its affine bases use the same
 * Montgomery little-endian layout as {@link G1Bases.montgomeryBytes}, so both MSMs read identical bytes.
 */
import { writeWordLE, WORD_BYTES } from "../msm/layout";

/** The subset of ffjavascript's curve object the benchmark uses. */
interface FfCurve {
  G1: {
    multiExpAffine(bases: Uint8Array, scalars: Uint8Array): Promise<Uint8Array>;
    toAffine(p: Uint8Array): Uint8Array;
    toObject(p: Uint8Array): bigint[];
  };
  terminate(): Promise<void>;
}

/** A loaded peer: one MSM entry point and its teardown. */
export interface FfjavascriptPeer {
  /** sum s_i·P_i over Montgomery affine bases and 32-byte little-endian scalars; returns affine (x, y). */
  msm(basesMont: Uint8Array, scalarBytes: Uint8Array): Promise<{ x: bigint; y: bigint }>;
  terminate(): Promise<void>;
}

/** ffjavascript's single-thread BN254 curve, or a reason it is unavailable. */
export async function loadFfjavascriptPeer(): Promise<FfjavascriptPeer | string> {
  let buildBn128: (singleThread: boolean) => Promise<FfCurve>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ({ buildBn128 } = require("ffjavascript") as { buildBn128: typeof buildBn128 });
  } catch {
    return "ffjavascript is not installed (it is a devDependency)";
  }
  const curve = await buildBn128(true);
  return {
    async msm(basesMont, scalarBytes) {
      const p = await curve.G1.multiExpAffine(basesMont, scalarBytes);
      const [x, y] = curve.G1.toObject(curve.G1.toAffine(p));
      return { x, y };
    },
    terminate: () => curve.terminate(),
  };
}

/** Scalars as consecutive 32-byte little-endian words (ffjavascript's scalar layout). */
export function scalarsToBytes(scalars: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(scalars.length * WORD_BYTES);
  for (let i = 0; i < scalars.length; i++) writeWordLE(out, i * WORD_BYTES, scalars[i]);
  return out;
}
