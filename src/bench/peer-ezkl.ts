/**
 * The EZKL peer: proves and verifies a model with EZKL's own engine (`@ezkljs/engine`, the WebAssembly build
 * of EZKL v21, Halo2 + KZG over BN254) in this same process, so `deepprove bench` can put both provers' times
 * side by side from one run on one machine.
 *
 * The peer folder is EZKL's usual output for a model: `network.onnx`, `input.json`, `model.compiled` (the
 * compiled circuit), `settings.json`, `kzg` (the SRS) and `vk.key`. The engine exposes no proving-key file
 * reader for a key made elsewhere, so the keys are generated here (genVk + genPk, timed apart as setup) from
 * the folder's circuit and SRS; the folder's own `vk.key` is then tried on the same proof and the answer is
 * reported (`peer_ezkl_shipped_vk_verifies`, with the engine's reason and whether the two keys are the same
 * bytes) rather than assumed. On ../shared/peers/ezkl-v21 it is false, and expected (docs/cli.md): the shipped key
 * was written by the EZKL build that made the folder (its settings.json: version 0.0.0, September 2024), whose
 * layouter placed the circuit's gates on other rows and its constants in other fixed columns than v21 lays out
 * the same compiled circuit — the keys' selector bit-vectors differ, which no SRS choice can cause.
 *
 * The engine is a devDependency (benchmark only; its npm package declares no licence); when it is not
 * installed the peer is skipped with a clear message, never faked.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { timeMs } from "./measure";

/** The engine version this peer is pinned to (package.json devDependencies, exact). */
export const EZKL_ENGINE_VERSION = "21.0.0";

/** Files an EZKL peer folder must hold. */
export const EZKL_PEER_FILES = ["model.compiled", "settings.json", "kzg", "vk.key", "input.json"] as const;

/** The measured peer run; every key is prefixed so it can be merged into a bench result. */
export interface EzklPeerResult {
  readonly peer_ezkl_engine: string;
  readonly peer_ezkl_logrows: number;
  /** genVk + genPk from the folder's compiled circuit and SRS. */
  readonly peer_ezkl_keygen_ms: number;
  /** genWitness: EZKL's quantized forward pass. */
  readonly peer_ezkl_witness_ms: number;
  /** prove (witness given), median of the runs. */
  readonly peer_ezkl_prove_ms: number;
  /** Process CPU time of that prove (the engine is single-threaded WebAssembly; steadier on a busy machine). */
  readonly peer_ezkl_prove_cpu_ms: number;
  /** verify, median of the runs. */
  readonly peer_ezkl_verify_ms: number;
  /** Bytes of the Halo2 proof transcript. */
  readonly peer_ezkl_proof_bytes: number;
  /** The engine's own verifier accepted the proof with the generated verifying key. */
  readonly peer_ezkl_verified: boolean;
  /** The folder's vk.key accepted the same proof (false: it was made for another circuit layout or SRS). */
  readonly peer_ezkl_shipped_vk_verifies: boolean;
  /** Why the engine rejected the proof under the folder's vk.key (null when it accepted it). */
  readonly peer_ezkl_shipped_vk_reason: string | null;
  /** The folder's vk.key is byte for byte the key generated here (genVk, compressed selectors). */
  readonly peer_ezkl_shipped_vk_identical: boolean;
  /** EZKL's dequantized outputs (its settings' scales), for comparing accuracy. */
  readonly peer_ezkl_outputs: readonly number[][];
}

/** The engine's functions this peer calls (a subset of its typings). */
interface EzklEngine {
  genWitness(compiled: Uint8ClampedArray, input: Uint8ClampedArray): Uint8Array;
  genVk(compiled: Uint8ClampedArray, srs: Uint8ClampedArray, compressSelectors: boolean): Uint8Array;
  genPk(vk: Uint8ClampedArray, compiled: Uint8ClampedArray, srs: Uint8ClampedArray): Uint8Array;
  prove(witness: Uint8ClampedArray, pk: Uint8ClampedArray, compiled: Uint8ClampedArray, srs: Uint8ClampedArray): Uint8Array;
  verify(proof: Uint8ClampedArray, vk: Uint8ClampedArray, settings: Uint8ClampedArray, srs: Uint8ClampedArray): boolean;
}

/** A peer run that could not be done or whose proof did not verify. */
export class PeerError extends Error {
  override readonly name = "PeerError";
}

/** True when `dir` holds an EZKL peer folder's files. */
export function isEzklPeerDir(dir: string): boolean {
  return EZKL_PEER_FILES.every((f) => existsSync(join(dir, f)));
}

/**
 * Proves and verifies the folder's model with the EZKL engine. `runs` proofs are made and the median prove
 * and verify times reported. @throws {PeerError} when the engine is missing or its proof does not verify.
 */
export async function runEzklPeer(dir: string, options: { runs?: number; onProgress?: (line: string) => void } = {}): Promise<EzklPeerResult> {
  const progress = options.onProgress ?? (() => {});
  const ezkl = await loadEngine();
  const file = (name: string) => new Uint8ClampedArray(readFileSync(join(dir, name)));
  const [compiled, settings, srs, shippedVk, input] = [file("model.compiled"), file("settings.json"), file("kzg"), file("vk.key"), file("input.json")];
  const logrows = Number((JSON.parse(Buffer.from(settings).toString("utf8")) as { run_args?: { logrows?: number } }).run_args?.logrows);

  progress(`EZKL ${EZKL_ENGINE_VERSION}: keygen (2^${logrows} rows)`);
  const keygen = await timeMs(() => {
    const vk = new Uint8ClampedArray(ezkl.genVk(compiled, srs, true));
    return { vk, pk: new Uint8ClampedArray(ezkl.genPk(vk, compiled, srs)) };
  });
  const witness = await timeMs(() => new Uint8ClampedArray(ezkl.genWitness(compiled, input)));
  progress("EZKL: prove");
  const proof = await timeMs(() => new Uint8ClampedArray(ezkl.prove(witness.value, keygen.value.pk, compiled, srs)), { runs: options.runs ?? 1 });
  progress("EZKL: verify");
  const verify = await timeMs(() => engineVerify(ezkl, proof.value, keygen.value.vk, settings, srs), { runs: options.runs ?? 1 });
  if (verify.value !== true) throw new PeerError(`EZKL ${EZKL_ENGINE_VERSION}: its own proof of ${dir} did not verify (${verify.value})`);
  const shipped = engineVerify(ezkl, proof.value, shippedVk, settings, srs);

  const parsed = JSON.parse(Buffer.from(proof.value).toString("utf8")) as { proof?: unknown };
  const witnessJson = JSON.parse(Buffer.from(witness.value).toString("utf8")) as { pretty_elements?: { rescaled_outputs?: string[][] } };
  return {
    peer_ezkl_engine: `@ezkljs/engine@${EZKL_ENGINE_VERSION}`,
    peer_ezkl_logrows: logrows,
    peer_ezkl_keygen_ms: keygen.ms,
    peer_ezkl_witness_ms: witness.ms,
    peer_ezkl_prove_ms: proof.ms,
    peer_ezkl_prove_cpu_ms: proof.cpuMs,
    peer_ezkl_verify_ms: verify.ms,
    peer_ezkl_proof_bytes: Array.isArray(parsed.proof) ? parsed.proof.length : 0,
    peer_ezkl_verified: true,
    peer_ezkl_shipped_vk_verifies: shipped === true,
    peer_ezkl_shipped_vk_reason: shipped === true ? null : shipped,
    peer_ezkl_shipped_vk_identical: Buffer.from(shippedVk).equals(Buffer.from(keygen.value.vk)),
    peer_ezkl_outputs: (witnessJson.pretty_elements?.rescaled_outputs ?? []).map((o) => o.map(Number)),
  };
}

/** The engine's verify, with its thrown "verification failed" turned into the reason string. */
function engineVerify(ezkl: EzklEngine, proof: Uint8ClampedArray, vk: Uint8ClampedArray, settings: Uint8ClampedArray, srs: Uint8ClampedArray): true | string {
  try {
    return ezkl.verify(proof, vk, settings, srs) ? true : "verify returned false";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function loadEngine(): Promise<EzklEngine> {
  try {
    return (await import("@ezkljs/engine")) as unknown as EzklEngine;
  } catch (error) {
    throw new PeerError(`the EZKL peer needs the dev dependency @ezkljs/engine@${EZKL_ENGINE_VERSION} (npm ci installs it): ${(error as Error).message}`);
  }
}
