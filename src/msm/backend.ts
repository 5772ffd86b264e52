/**
 * Which MSM backend runs, and on how many threads.
 *
 * `DEEPPROVE_MSM_BACKEND` = `native` | `portable` | `auto` (default): `auto` takes the native kernels when
 * they loaded and the portable one otherwise; `native` fails loudly when they did not. `DEEPPROVE_THREADS`
 * caps the native kernels' threads (default: every core Node reports). `DEEPPROVE_NATIVE_ARITH` = `auto` (default) |
 * `adx` | `portable` picks the native field multiplication (read by the addon when it loads; see
 * {@link nativeArithmetic}). `DEEPPROVE_MSM_FLUSH` = `auto` (default) | `ifma` | `scalar` picks the batch-affine
 * flush (see {@link nativeMsmFlush}).
 */
import { availableParallelism } from "node:os";
import { loadNative, nativeLoadError, type NativeKernels } from "./native";

/** The two implementations behind {@link msm}: identical results, different speed. */
export type MsmBackendName = "native" | "portable";

const BACKEND_ENV = "DEEPPROVE_MSM_BACKEND";
const THREADS_ENV = "DEEPPROVE_THREADS";
const ARITH_ENV = "DEEPPROVE_NATIVE_ARITH";
const ARITH_NAMES = ["auto", "adx", "portable"] as const;
const FLUSH_ENV = "DEEPPROVE_MSM_FLUSH";
const FLUSH_NAMES = ["auto", "ifma", "scalar"] as const;

/** The backend `auto` resolves to under the current environment. Throws on a bad env value. */
export function selectedBackend(): MsmBackendName {
  const wanted = (process.env[BACKEND_ENV] ?? "auto").trim().toLowerCase();
  if (wanted === "portable") return "portable";
  if (wanted === "native") {
    requireNative();
    return "native";
  }
  if (wanted === "auto" || wanted === "") return loadNative() ? "native" : "portable";
  throw new Error(`${BACKEND_ENV}=${process.env[BACKEND_ENV]} is not one of native, portable, auto`);
}

/** The native kernels, or an error saying why they are unavailable. */
export function requireNative(): NativeKernels {
  const native = loadNative();
  if (!native) {
    throw new Error(`native MSM backend unavailable (${nativeLoadError()}); run \`npm run build:native\``);
  }
  return native;
}

/** Threads for native kernels: DEEPPROVE_THREADS if set (a positive integer), else all cores. */
export function threadCount(): number {
  const raw = process.env[THREADS_ENV];
  if (raw === undefined || raw === "") return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${THREADS_ENV}=${raw} is not a positive integer`);
  return n;
}

/**
 * The Montgomery multiplication the native kernels run on ("adx" or "portable"), or undefined without them.
 * Throws on a `DEEPPROVE_NATIVE_ARITH` that is not auto, adx or portable, or that asks for adx on a CPU
 * without BMI2 and ADX (the addon alone would quietly use portable).
 */
export function nativeArithmetic(): "adx" | "portable" | undefined {
  const native = loadNative();
  const raw = process.env[ARITH_ENV];
  const wanted = (raw ?? "auto").trim().toLowerCase() || "auto";
  if (!(ARITH_NAMES as readonly string[]).includes(wanted)) {
    throw new Error(`${ARITH_ENV}=${raw} is not one of ${ARITH_NAMES.join(", ")}`);
  }
  if (!native) return undefined;
  if (wanted === "adx" && !native.adxSupported()) {
    throw new Error(`${ARITH_ENV}=adx but this CPU lacks BMI2/ADX; use auto or portable`);
  }
  return native.arithmetic();
}

/**
 * The flush the native MSM's batch-affine buckets run on ("ifma" or "scalar"), or undefined without the native
 * kernels. Throws on a `DEEPPROVE_MSM_FLUSH` that is not auto, ifma or scalar, or that asks for ifma on a CPU
 * without AVX-512 IFMA (the addon alone would quietly use the scalar flush).
 */
export function nativeMsmFlush(): "ifma" | "scalar" | undefined {
  const native = loadNative();
  const raw = process.env[FLUSH_ENV];
  const wanted = (raw ?? "auto").trim().toLowerCase() || "auto";
  if (!(FLUSH_NAMES as readonly string[]).includes(wanted)) {
    throw new Error(`${FLUSH_ENV}=${raw} is not one of ${FLUSH_NAMES.join(", ")}`);
  }
  if (!native) return undefined;
  if (wanted === "ifma" && !native.ifmaSupported()) {
    throw new Error(`${FLUSH_ENV}=ifma but this CPU lacks AVX-512 IFMA; use auto or scalar`);
  }
  return native.msmFlush();
}
