/**
 * MEASURED gas of verifying a proved generation on-chain (docs/gguf.md, "Proved generation", "On-chain"): the
 * generation is proved (or a proof is reused), its verifier is generated PAST the limits that refuse it
 * (`generateVerifierForMeasurement`: the EIP-7825 gas-cap estimate and the EIP-170 code size — measurement only;
 * `deepprove verifier` keeps refusing), the interpreter libraries and the verifier are deployed on a private
 * in-process Hardhat network whose limits are lifted FOR THIS MEASUREMENT ONLY (block gas limit 2^53 − 1, which
 * also turns Hardhat's EIP-7825 per-transaction cap off; unlimited contract size), and ONE
 * `verifyInference(input, output, prover, proof)` transaction is sent. Printed as one JSON object:
 *
 * - `gas`: the receipt's gasUsed; `calldata_bytes`, `calldata_standard_gas` and `calldata_floor_gas` (EIP-7623);
 *   `execution_gas` = gas − 21,000 − standard calldata gas (when the floor does not bind);
 * - `verifier_bytecode_bytes` and the limits the generator bypassed (`bypassed`), `estimate` (the generator's);
 * - `split` (`--split`): the gas up to each phase, measured by verifiers whose program keeps only the first k
 *   walk steps (same proof, same calldata): such a verifier reverts at ClaimBook.checkEmpty right after step
 *   k − 1, and its receipt's gasUsed is everything before — statement, input checks, the arena, then the walk
 *   block by block; the last increment is the final step plus the batch opening;
 * - `phases` (`--trace`, small proofs only: the opcode trace of a 200M-gas transaction does not fit in memory):
 *   execution gas by the library each call frame runs, from `debug_traceTransaction`.
 *
 *   npx ts-node --transpile-only scripts/llm-gas.ts [--cache DIR] [--tokens 16] [--prompt TEXT] [--model FILE]
 *       [--split] [--trace] [--no-compile] [--prefix K (one prefix, with --cache)]
 *
 * `--cache DIR` keeps the setup (`DIR/setup`) and the proof file (`DIR/proof.bin`) and reuses them; a proof made
 * by `deepprove generate --prove --out DIR/proof.bin --setup DIR/setup` is picked up the same way. Minutes of
 * CPU and several GB of memory for the trace: a script, not a test.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { encodeFunctionData, toHex, type Abi, type Address, type Hex } from "viem";
import { readProofFile } from "../src/artifacts/proof-file";
import { ZERO_ADDRESS } from "../src/artifacts/inference";
import { calldataCost } from "../src/compiler/calldata";
import { compileVerifier, linkBytecode } from "../src/compiler/compile-verifier";
import { INTERPRETER_LIBRARIES } from "../src/compiler/interpreter-libraries";
import { TX_GAS_CAP } from "../src/compiler/verifier-estimate";
import { generateVerifierForMeasurement, type MeasurementVerifier } from "../src/compiler/verifier-gen";
import { runProvedGeneration } from "../src/llm/run";
import { loadLlmSetup } from "../src/llm/setup";
import { verifierPlan } from "../src/prover/graph";

const ROOT = join(__dirname, "..");
const CONTRACT_NAME = "MeasuredLlmVerifier";
/**
 * Hardhat 2 turns the EIP-7825 per-transaction cap off exactly when the block gas limit is this number (the
 * value solidity-coverage uses; node_modules/hardhat/internal/hardhat-network/provider/provider.js).
 */
const UNCAPPED_BLOCK_GAS_LIMIT = 0x1fffffffffffff;
/** Gas given to every transaction of the measurement (explicit: the default would be the whole block). */
const TX_GAS = 1_000_000_000;
const INTRINSIC_GAS = 21_000;
/** Opcode steps checked when matching a call frame to the library code it runs. */
const MATCH_STEPS = 400;

interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

interface StructLog {
  pc: number;
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** A private Hardhat network with the measurement's lifted limits (never the project's configured network). */
async function measurementProvider(): Promise<Eip1193> {
  const hre = await import("hardhat");
  if (!process.argv.includes("--no-compile")) await hre.run("compile", { quiet: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createProvider } = require("hardhat/internal/core/providers/construction") as {
    createProvider(config: unknown, network: string, artifacts: unknown): Promise<Eip1193>;
  };
  const hardhat = { ...hre.config.networks.hardhat, blockGasLimit: UNCAPPED_BLOCK_GAS_LIMIT, allowUnlimitedContractSize: true, gas: TX_GAS, throwOnTransactionFailures: false };
  return createProvider({ ...hre.config, networks: { ...hre.config.networks, hardhat } }, "hardhat", hre.artifacts);
}

async function send(provider: Eip1193, from: Address, tx: { to?: Address; data: Hex }, allowRevert = false): Promise<{ hash: Hex; gasUsed: number; address: Address | null; reverted: boolean }> {
  const hash = (await provider.request({ method: "eth_sendTransaction", params: [{ from, gas: toHex(TX_GAS), ...tx }] })) as Hex;
  const receipt = (await provider.request({ method: "eth_getTransactionReceipt", params: [hash] })) as { status: Hex; gasUsed: Hex; contractAddress: Address | null };
  if (receipt.status !== "0x1" && !allowRevert) throw new Error(`transaction ${hash} reverted`);
  return { hash, gasUsed: Number(BigInt(receipt.gasUsed)), address: receipt.contractAddress, reverted: receipt.status !== "0x1" };
}

/**
 * Prefix lengths of the walk at which `--split` cuts it: none, each block's end (the walk runs from the output
 * back to the embedding, so the blocks end in the order 4, 3, …, 0) and all but the last step. A verifier whose
 * program keeps only the first k steps reverts at ClaimBook.checkEmpty, right after step k − 1, with everything
 * before it paid: its receipt's gasUsed is the cost up to there (the same proof, the same calldata).
 */
function splitPoints(nodes: readonly { node: string }[]): { k: number; label: string }[] {
  const block = (name: string) => /^blk\.(\d+)\./.exec(name)?.[1];
  const points = [{ k: 0, label: "statement + input checks + arena + output claims" }];
  for (let k = 1; k < nodes.length; k++) {
    const before = block(nodes[k - 1].node);
    if (before !== undefined && block(nodes[k].node) !== before) points.push({ k, label: `walk through blk.${before}` });
  }
  if (points[points.length - 1].k !== nodes.length - 1) points.push({ k: nodes.length - 1, label: `walk up to the last step (${nodes[nodes.length - 1].node})` });
  return points;
}

/** Deployed code of a library or the verifier, to recognise the frames that run it. */
interface Code {
  readonly name: string;
  readonly bytes: Buffer;
  /** Offsets that start an instruction. */
  readonly starts: Set<number>;
}

function codeOf(name: string, hex: string): Code {
  const bytes = Buffer.from(hex.replace(/^0x/, ""), "hex");
  const starts = new Set<number>();
  for (let pc = 0; pc < bytes.length; pc++) {
    starts.add(pc);
    if (bytes[pc] >= 0x60 && bytes[pc] <= 0x7f) pc += bytes[pc] - 0x5f;
  }
  return { name, bytes, starts };
}

/** The code a frame starting at step `i` runs: the one whose instructions agree with its first steps. */
function frameCode(logs: readonly StructLog[], i: number, codes: readonly Code[]): string {
  const depth = logs[i].depth;
  const candidates = codes.filter((c) => {
    let seen = 0;
    for (let j = i; j < logs.length && logs[j].depth >= depth && seen < MATCH_STEPS; j++) {
      const log = logs[j];
      if (log.depth !== depth) continue;
      seen++;
      if (!c.starts.has(log.pc)) return false;
      const op = c.bytes[log.pc];
      if ((log.op === "JUMPDEST") !== (op === 0x5b) || log.op.startsWith("PUSH") !== (op >= 0x5f && op <= 0x7f)) return false;
    }
    return true;
  });
  return candidates.length === 1 ? candidates[0].name : candidates.length === 0 ? "?" : candidates.map((c) => c.name).join("|");
}

/**
 * Execution gas by interpreter phase: every frame's own opcodes are charged to its code's name; the frames that
 * ModelVerifier calls are numbered in order, so the arena (the first large ModelVerifierPcs frame) and the
 * opening (the last one) are told apart from the input range checks.
 */
function phaseSplit(logs: readonly StructLog[], codes: readonly Code[]): Record<string, { gas: number; calls: number }> {
  const out: Record<string, { gas: number; calls: number }> = {};
  const add = (k: string, gas: number, call = false) => {
    const e = (out[k] ??= { gas: 0, calls: 0 });
    e.gas += gas;
    if (call) e.calls++;
  };
  // Open frames: label, the step of the call that entered it, gas charged inside it (nested frames included).
  const frames: { label: string; callStep: number; inside: number }[] = [];
  const pcsCalls: number[] = [];
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    if (i === 0 || log.depth > logs[i - 1].depth) {
      let label = frameCode(logs, i, codes);
      if (label === "ModelVerifierPcs") {
        label = `ModelVerifierPcs#${pcsCalls.length}`;
        pcsCalls.push(pcsCalls.length);
      }
      frames.push({ label, callStep: i - 1, inside: 0 });
      add(label, 0, true);
    }
    const next = logs[i + 1];
    // A call that enters a frame is settled when the frame returns (its price minus what the callee used).
    if (next && next.depth > log.depth) continue;
    const top = frames[frames.length - 1];
    const cost = next && next.depth === log.depth ? log.gas - next.gas : log.gasCost;
    add(top.label, cost);
    top.inside += cost;
    if (next && next.depth < log.depth) {
      const done = frames.pop()!;
      const caller = frames[frames.length - 1];
      const own = logs[done.callStep].gas - next.gas - done.inside;
      add(caller.label, own);
      caller.inside += done.inside + own;
    }
  }
  // Name the ModelVerifierPcs frames: the heaviest before the last is the arena, the last the opening.
  const pcsFrames = pcsCalls.map((n) => ({ n, gas: out[`ModelVerifierPcs#${n}`].gas }));
  const last = pcsFrames[pcsFrames.length - 1];
  const arena = pcsFrames.slice(0, -1).reduce((a, b) => (b.gas > (a?.gas ?? -1) ? b : a), undefined as (typeof pcsFrames)[number] | undefined);
  const named: Record<string, { gas: number; calls: number }> = {};
  for (const [k, v] of Object.entries(out)) {
    let key = k;
    if (k.startsWith("ModelVerifierPcs#")) {
      const n = Number(k.slice("ModelVerifierPcs#".length));
      key = n === last?.n ? "opening (ModelVerifierPcs.opening)" : n === arena?.n ? "arena (ModelVerifierPcs.arena)" : "input range checks (ModelVerifierPcs)";
    }
    const e = (named[key] ??= { gas: 0, calls: 0 });
    e.gas += v.gas;
    e.calls += v.calls;
  }
  return named;
}

/** The verifier of the first `steps` walk steps (all when undefined), deployed with the libraries; one transaction. */
async function measure(
  setup: Awaited<ReturnType<typeof loadLlmSetup>>,
  file: ReturnType<typeof readProofFile>,
  steps: number | undefined,
  stage: (what: string) => void,
): Promise<{ gas: number; reverted: boolean; hash: Hex; provider: Eip1193; codes: Code[]; generated: MeasurementVerifier; deployment: Record<string, { bytes: number; gas: number }>; data: Hex }> {
  const plan = verifierPlan(setup.vk, setup.q.model);
  const name = steps === undefined ? CONTRACT_NAME : `${CONTRACT_NAME}Prefix${steps}`;
  const generated = generateVerifierForMeasurement(steps === undefined ? plan : { ...plan, nodes: plan.nodes.slice(0, steps) }, { contractName: name, contractsImport: ".." });
  const compiled = compileVerifier(generated.source, name);
  stage("verifier generated and compiled");
  const provider = await measurementProvider();
  const hre = await import("hardhat");
  const [from] = (await provider.request({ method: "eth_accounts" })) as Address[];
  const libraries: Record<string, Address> = {};
  const codes: Code[] = [];
  const deployment: Record<string, { bytes: number; gas: number }> = {};
  for (const lib of INTERPRETER_LIBRARIES) {
    const artifact = await hre.artifacts.readArtifact(lib);
    const d = await send(provider, from, { data: linkBytecode(artifact.bytecode as Hex, artifact.linkReferences, libraries) });
    libraries[lib] = d.address!;
    const code = (await provider.request({ method: "eth_getCode", params: [d.address, "latest"] })) as Hex;
    codes.push(codeOf(lib, code));
    deployment[lib] = { bytes: (code.length - 2) / 2, gas: d.gasUsed };
  }
  const v = await send(provider, from, { data: linkBytecode(compiled.bytecode, compiled.linkReferences, libraries) });
  const verifierCode = (await provider.request({ method: "eth_getCode", params: [v.address, "latest"] })) as Hex;
  codes.push(codeOf(name, verifierCode));
  deployment[name] = { bytes: (verifierCode.length - 2) / 2, gas: v.gasUsed };
  stage("deployed");
  const data = encodeFunctionData({
    abi: compiled.abi as Abi,
    functionName: "verifyInference",
    args: [toHex(file.input), toHex(file.output), file.prover as Address, toHex(file.proof)],
  });
  // A prefix verifier reverts at ClaimBook.checkEmpty (claims of the dropped steps are left): that is the point.
  const tx = await send(provider, from, { to: v.address!, data }, steps !== undefined);
  stage(`verifyInference sent${steps === undefined ? "" : ` (first ${steps} steps: ${tx.gasUsed} gas, ${tx.reverted ? "reverted" : "did NOT revert"})`}`);
  return { gas: tx.gasUsed, reverted: tx.reverted, hash: tx.hash, provider, codes, generated, deployment, data };
}

/** `--split`: each prefix measured in its own process (a 200M-gas transaction leaves several GB in the node). */
function split(plan: { nodes: readonly { node: string }[] }, cache: string): { steps: number; label: string; gas: number; reverted: boolean }[] {
  const cuts: { steps: number; label: string; gas: number; reverted: boolean }[] = [];
  for (const { k, label } of splitPoints(plan.nodes)) {
    const args = [require.resolve("ts-node/dist/bin"), "--transpile-only", __filename, "--cache", cache, "--prefix", String(k), ...(process.argv.includes("--no-compile") ? ["--no-compile"] : [])];
    const r = spawnSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`prefix of ${k} steps: exit ${r.status}`);
    const out = JSON.parse(r.stdout) as { gas: number; reverted: boolean };
    cuts.push({ steps: k, label, gas: out.gas, reverted: out.reverted });
  }
  return cuts;
}

async function main(): Promise<void> {
  const tokens = Number(arg("--tokens") ?? 16);
  const prompt = arg("--prompt") ?? "Once upon a time";
  const model = resolve(arg("--model") ?? join(ROOT, "..", "shared", "models", "gguf", "stories260K.gguf"));
  const keep = arg("--cache");
  const prefix = arg("--prefix");
  if (prefix !== undefined && !keep) throw new Error("--prefix needs --cache (the setup and proof to measure)");
  const scratch = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), "deepprove-llm-gas-"));
  mkdirSync(scratch, { recursive: true });
  const t0 = Date.now();
  const stage = (what: string) => process.stderr.write(`llm-gas${prefix === undefined ? "" : ` [prefix ${prefix}]`}: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  try {
    const setupDir = join(scratch, "setup");
    const proofFile = join(scratch, "proof.bin");
    if (!existsSync(proofFile)) {
      stage(`proving ${tokens} tokens after "${prompt}"`);
      await runProvedGeneration({ model, prompt, tokens, setupDir, prover: ZERO_ADDRESS, out: proofFile, onProgress: (l) => stage(l) });
    }
    const setup = await loadLlmSetup(setupDir, { gguf: model });
    const file = readProofFile(proofFile);
    if (file.digest !== setup.vk.digest) throw new Error(`${proofFile}: proof for ${file.digest}, the setup's model is ${setup.vk.digest}`);
    stage("setup and proof loaded");
    if (prefix !== undefined) {
      const m = await measure(setup, file, Number(prefix), stage);
      process.stdout.write(`${JSON.stringify({ steps: Number(prefix), gas: m.gas, reverted: m.reverted })}\n`);
      return;
    }
    // The prefixes first, each in its own process, so that this one holds one network at a time.
    const cuts = process.argv.includes("--split") ? split(verifierPlan(setup.vk, setup.q.model), scratch) : undefined;
    const m = await measure(setup, file, undefined, stage);
    const cost = calldataCost(Buffer.from(m.data.slice(2), "hex"));
    const summary: Record<string, unknown> = {
      model,
      prompt,
      prompt_tokens: file.generation?.promptTokens,
      generated_tokens: file.generation?.generatedTokens,
      context: setup.manifest.context,
      gas: m.gas,
      tx_gas_cap: TX_GAS_CAP,
      over_cap: Number((m.gas / TX_GAS_CAP).toFixed(2)),
      proof_bytes: file.proof.length,
      calldata_bytes: (m.data.length - 2) / 2,
      calldata_standard_gas: cost.standardGas,
      calldata_floor_gas: cost.floorGas,
      execution_gas: m.gas - INTRINSIC_GAS - cost.standardGas,
      estimate: m.generated.estimate.total,
      program_bytes: m.generated.program.length,
      verifier_bytecode_bytes: m.deployment[CONTRACT_NAME].bytes,
      bypassed: m.generated.bypassed,
      deployment: m.deployment,
    };
    if (process.argv.includes("--trace")) {
      const trace = (await m.provider.request({
        method: "debug_traceTransaction",
        params: [m.hash, { disableMemory: true, disableStorage: true, disableStack: true }],
      })) as { structLogs: StructLog[] };
      stage(`traced (${trace.structLogs.length} steps)`);
      summary.steps = trace.structLogs.length;
      summary.phases = phaseSplit(trace.structLogs, m.codes);
    }
    if (cuts) {
      cuts.push({ steps: verifierPlan(setup.vk, setup.q.model).nodes.length, label: "whole verification (the last step and the batch opening)", gas: m.gas, reverted: false });
      summary.split = cuts.map((c, i) => ({ ...c, increment: i === 0 ? c.gas : c.gas - cuts[i - 1].gas }));
    }
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    if (!keep) rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
