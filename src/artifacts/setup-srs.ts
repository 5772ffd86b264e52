/**
 * The SRS side of a setup directory, shared by the ONNX setup (./setup-dir.ts) and the LLM setup
 * (../llm/setup.ts): which SRS a new setup commits over, and re-reading that same SRS for proving.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { encodeG2, type G2Point } from "../curve/bn254";
import { loadPtau } from "../pcs/ptau";
import { INSECURE_DEV_SEED, insecureDevSrs, type Srs } from "../pcs/srs";
import { SetupDirError } from "./errors";
import type { SrsSource } from "./setup-dir";

/**
 * The SRS of a new setup of `size` powers: a `.ptau` ceremony file verified in full, else the INSECURE seeded
 * development SRS; with the manifest's record of where it came from.
 */
export function chooseSetupSrs(ptau: string | undefined, size: number, progress: (line: string) => void): { srs: Srs; source: SrsSource } {
  if (ptau) {
    progress(`loading and verifying ${ptau} (${size} powers)`);
    const srs = loadPtau(ptau, { maxSize: size, verify: "full" });
    return { srs, source: { kind: "ptau", origin: srs.origin, size: srs.g1Powers.length, file: resolve(ptau) } };
  }
  progress(`generating the INSECURE development SRS (${size} powers)`);
  const srs = insecureDevSrs(size, INSECURE_DEV_SEED);
  return { srs, source: { kind: "insecure-dev", origin: srs.origin, size, seed: INSECURE_DEV_SEED } };
}

/**
 * The SRS a setup at `dir` was made with, for proving: the development SRS is regenerated from its seed; a
 * ceremony file is re-read from `ptau` (default: the path recorded at setup). Either way its τ·G2 must equal
 * the verifying key's, so a different ceremony is refused rather than yielding proofs that never verify.
 * @throws {SetupDirError}
 */
export function reloadSetupSrs(dir: string, source: SrsSource, vkTauG2: G2Point, options: { ptau?: string; onProgress?: (line: string) => void } = {}): Srs {
  let srs: Srs;
  if (source.kind === "insecure-dev") {
    srs = insecureDevSrs(source.size, source.seed);
  } else {
    const file = options.ptau ?? source.file;
    if (!existsSync(file)) throw new SetupDirError(`${file}: the .ptau file of this setup is missing (pass --ptau <file> with the ceremony file the setup used)`);
    options.onProgress?.(`loading ${file}`);
    // Verified in full at setup; here a sample of pairing checks plus the τ·G2 match below suffice (a wrong
    // file cannot forge anything: it would only make proofs that fail to verify).
    srs = loadPtau(file, { maxSize: source.size, verify: "sample" });
  }
  const a = encodeG2(srs.tauG2);
  const b = encodeG2(vkTauG2);
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) {
    throw new SetupDirError(`${dir}: the SRS (${srs.origin}) is not the one the verifying key was made with (τ·G2 differs)`);
  }
  return srs;
}
