/**
 * `deepprove bench <model.onnx> --input <file>`: the whole pipeline of one model, measured in one process —
 * setup (import, quantize, SRS, commit; written to a temporary setup directory and loaded back as `prove`
 * does), prove, verify, proof size, peak memory and accuracy of the PROVED outputs against onnxruntime.
 *
 * Keys of the result (`--json` prints it as one object):
 *
 * | key | meaning |
 * | --- | --- |
 * | `setup_ms` | createSetupDir: import, quantize, SRS (dev or `.ptau`), model commitment, key files |
 * | `prove_ms` | proveInference only (median of `runs`; the integer forward pass is not included) |
 * | `prove_cpu_ms` | process CPU time of that proving (all threads; the native MSM uses both cores) |
 * | `verify_ms` | verifyInference of the same proof (median of `runs`) |
 * | `proof_bytes` | the proof stream, i.e. the verifier's calldata without the statement |
 * | `peak_rss_mb` | the process's peak resident set size up to our verification (MiB; the peer runs after) |
 * | `cosine` | worst cosine similarity over the outputs, proved outputs (dequantized) vs onnxruntime |
 * | `cosine_reference` | `"onnxruntime"`, or `"float"` (our float executor) when onnxruntime cannot load the file; `reference_error` says why |
 * | `gas`, `calldata_bytes`, `verifier_bytecode_bytes` | only with an {@link OnChainBench} (the generated Solidity verifier); `onchain_error` says why they are missing when the generator refuses the model |
 * | `peer_ezkl_*`, `speedup_prove` | only when the model sits in an EZKL peer folder (./peer-ezkl.ts); `peer_ezkl_cosine` is EZKL's outputs vs the same reference |
 *
 * `speedup_prove` = peer_ezkl_prove_ms / prove_ms from the same run (> 1: we are faster); the CPU-time ratio
 * `speedup_prove_cpu` is given beside it because the machine is shared and the peer is single-threaded.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createSetupDir, loadSetupDir, loadSetupSrs } from "../artifacts/setup-dir";
import { proveWithSetup, readSetupInputs, verifyWithSetup, ZERO_ADDRESS } from "../artifacts/inference";
import { decodeOutputs } from "../artifacts/outputs";
import { cosine } from "../model/accuracy";
import { runFloat } from "../model/exec/float";
import type { Graph, Tensor } from "../model/ir";
import { ReferenceUnavailableError, runReference } from "../model/reference";
import type { VerifyingKey } from "../prover/keys";
import type { QuantizedModel } from "../model/quant/quantize";
import { ProgramError } from "../compiler/program/writer";
import { VerifierGenError } from "../compiler/verifier-gen";
import type { InferenceStatement } from "../prover/graph";
import { round, timeMs } from "./measure";
import { isEzklPeerDir, runEzklPeer, type EzklPeerResult } from "./peer-ezkl";

/** What the on-chain measurement returns (engineer S's generated verifier, when it exists). */
export interface OnChainMeasurement {
  /** Gas of one verification transaction, calldata floor included. */
  readonly gas: number;
  /** Calldata bytes of that transaction. */
  readonly calldata_bytes: number;
  /** Deployed bytecode size of the model's verifier. */
  readonly verifier_bytecode_bytes: number;
}

/**
 * The optional on-chain hook: deploys the model's generated verifier on the in-process network and verifies
 * the proof there (./onchain-bench.ts; measured, never estimated).
 */
export type OnChainBench = (args: {
  readonly vk: VerifyingKey;
  readonly model: QuantizedModel;
  readonly statement: InferenceStatement;
  readonly proof: Uint8Array;
}) => Promise<OnChainMeasurement>;

export interface ModelBenchOptions {
  readonly model: string;
  readonly input: string;
  readonly bits?: number;
  readonly ptau?: string;
  /** Prove / verify repetitions (median reported). */
  readonly runs?: number;
  /** Run the EZKL peer when the model sits in a peer folder (default true). */
  readonly peer?: boolean;
  readonly onChain?: OnChainBench;
  readonly onProgress?: (line: string) => void;
}

export interface ModelBenchResult extends Partial<OnChainMeasurement>, Partial<EzklPeerResult> {
  readonly model: string;
  readonly bits: number;
  readonly srs: string;
  readonly setup_ms: number;
  readonly prove_ms: number;
  readonly prove_cpu_ms: number;
  readonly verify_ms: number;
  readonly proof_bytes: number;
  readonly peak_rss_mb: number;
  readonly cosine: number;
  readonly cosine_reference: "onnxruntime" | "float";
  readonly reference_error?: string;
  readonly speedup_prove?: number;
  /** EZKL's outputs vs the same onnxruntime reference (worst output). */
  readonly peer_ezkl_cosine?: number;
  readonly speedup_prove_cpu?: number;
  /** Why the on-chain figures are missing (e.g. a step the Solidity verifier does not run yet). */
  readonly onchain_error?: string;
}

/** The on-chain figures, or the reason the generator refused the model (unsupported step, size, gas cap); a revert still throws. */
async function onChainFigures(bench: OnChainBench, args: Parameters<OnChainBench>[0]): Promise<Partial<OnChainMeasurement> & { onchain_error?: string }> {
  try {
    return await bench(args);
  } catch (e) {
    if (e instanceof VerifierGenError || e instanceof ProgramError) return { onchain_error: e.message };
    throw e;
  }
}

/** onnxruntime's outputs or, when onnxruntime cannot load the file, our float executor's (named in the result). */
async function referenceOutputs(model: string, graph: Graph, inputs: readonly Tensor[]): Promise<{ outputs: Float64Array[]; cosine_reference: "onnxruntime" | "float"; reference_error?: string }> {
  try {
    return { outputs: await runReference(model, graph, inputs), cosine_reference: "onnxruntime" };
  } catch (e) {
    if (!(e instanceof ReferenceUnavailableError)) throw e;
    const trace = runFloat(graph, inputs);
    return { outputs: graph.outputs.map((o) => Float64Array.from(trace.get(o.name)!.data)), cosine_reference: "float", reference_error: e.message };
  }
}

/** Runs the model benchmark. @throws when setup, proving or verification fails (a bench never hides one). */
export async function runModelBench(options: ModelBenchOptions): Promise<ModelBenchResult> {
  const progress = options.onProgress ?? (() => {});
  const runs = options.runs ?? 1;
  const scratch = mkdtempSync(join(tmpdir(), "deepprove-bench-"));
  try {
    const setupTime = await timeMs(() => createSetupDir({ model: options.model, calibration: options.input, out: join(scratch, "setup"), bits: options.bits, ptau: options.ptau, onProgress: progress }));
    const setup = loadSetupDir(setupTime.value.dir, { provingKey: true });
    const srs = loadSetupSrs(setup);
    const inputs = readSetupInputs(setup, options.input);

    progress(`proving (${runs} run${runs > 1 ? "s" : ""})`);
    const provings = Array.from({ length: runs }, () => proveWithSetup(setup, srs, inputs, ZERO_ADDRESS, progress));
    const proveMs = median(provings.map((p) => p.proveMs));
    const proveCpuMs = median(provings.map((p) => p.proveCpuMs));
    const { statement, proof } = provings[provings.length - 1];
    progress("verifying");
    const verified = await timeMs(() => verifyWithSetup(setup, { ...statement, proof }), { runs });
    if (!verified.value.valid) throw new Error(`bench: the proof of ${options.model} did not verify: ${verified.value.reason}`);

    const { outputs: reference, ...referenceInfo } = await referenceOutputs(options.model, setup.graph, inputs);
    const outputs = decodeOutputs(statement.output, setup.vk.statement.outputs, setup.vk.statement.bits);
    const cos = Math.min(...outputs.map((o, i) => cosine(Float64Array.from(o.dequantized), reference[i])));

    const result: ModelBenchResult = {
      model: options.model,
      bits: setup.manifest.bits,
      srs: setup.manifest.srs.origin,
      setup_ms: setupTime.ms,
      prove_ms: round(proveMs),
      prove_cpu_ms: round(proveCpuMs),
      verify_ms: verified.ms,
      proof_bytes: proof.length,
      // Before the peer runs, so the figure is ours (maxRSS is the process's peak so far, in KiB).
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      cosine: cos,
      ...referenceInfo,
      ...(options.onChain ? await onChainFigures(options.onChain, { vk: setup.vk, model: setup.model, statement, proof }) : {}),
    };
    const peerDir = dirname(options.model);
    if (options.peer !== false && isEzklPeerDir(peerDir)) {
      const peer = await runEzklPeer(peerDir, { runs, onProgress: progress });
      const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
      // EZKL's outputs against the same onnxruntime reference (when they line up output by output).
      const aligned = peer.peer_ezkl_outputs.length === reference.length && peer.peer_ezkl_outputs.every((o, i) => o.length === reference[i].length);
      const peerCosine = aligned ? Math.min(...peer.peer_ezkl_outputs.map((o, i) => cosine(o, reference[i]))) : undefined;
      return { ...result, ...peer, ...(peerCosine === undefined ? {} : { peer_ezkl_cosine: peerCosine }), speedup_prove: ratio(peer.peer_ezkl_prove_ms, result.prove_ms), speedup_prove_cpu: ratio(peer.peer_ezkl_prove_cpu_ms, result.prove_cpu_ms) };
    }
    return result;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
