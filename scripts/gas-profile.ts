/**
 * Where a model's on-chain verification spends its gas. The model is set up and proved (INSECURE dev SRS, as
 * `deepprove bench`), its generated verifier is deployed on Hardhat's in-process network (Osaka) with the
 * interpreter libraries, ONE `verifyInference` transaction is sent, and its opcode trace
 * (`debug_traceTransaction`) is attributed to Solidity functions through the compiler's source maps:
 *
 * - the receipt: gasUsed, the EIP-7623 split (intrinsic, calldata tokens, floor) and the execution;
 * - inclusive gas of the interpreter's phases (the children of `ModelVerifier.verify`, `OpeningBatch.verify`,
 *   `HyperKZG.verify`, …: a function's gas with everything it calls);
 * - self gas of the hottest functions, and the precompile calls (ecAdd, ecMul, pairing, modexp) by count and gas.
 *
 *   npx ts-node --transpile-only scripts/gas-profile.ts <model dir | corpus name> [--depth N] [--top N] [--json]
 *       [--cache DIR [--reprove]] [--contracts DIR] [--memory]
 *
 * The model directory holds `network.onnx` and `input.json`; a bare name is looked up in ../shared/models.
 * Attribution: a JUMP the compiler marks as entering a function pushes it, one marked as leaving pops it;
 * each opcode's gas goes to every function on the stack (inclusive, counted once per function) and to the
 * innermost one (self). A call's own cost excludes the callee frame, which is attributed step by step.
 * `--memory` traces with the stack too (several times slower) and prices every frame's memory growth from the
 * opcodes' memory ranges: the memory-expansion gas per function (part of its self gas) and the largest frame.
 * `--cache DIR` keeps the setup directory and the proof file there and reuses them (`--reprove` proves again,
 * e.g. after a change to the prover). `--contracts DIR` measures another copy of `contracts/` (e.g. a commit's,
 * for a before/after on the same proof). Environment: GAS_PROFILE_DEBUG=<Library.function> prints that
 * function's hottest program counters (GAS_PROFILE_DEBUG_OUT=<dir> writes the code and every pc's count there);
 * PCS_RUNS=<n> compiles ModelVerifierPcs alone with optimizer runs n
 * (an experiment knob: the deployed libraries use the project's runs 200).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { encodeFunctionData, toHex, type Abi, type Address, type Hex } from "viem";
import { createSetupDir, loadSetupDir, loadSetupSrs } from "../src/artifacts/setup-dir";
import { proveWithSetup, readSetupInputs, ZERO_ADDRESS } from "../src/artifacts/inference";
import { linkBytecode, type LinkReferences } from "../src/compiler/compile-verifier";
import { calldataCost } from "../src/compiler/calldata";
import { generateVerifier } from "../src/compiler/verifier-gen";
import { verifierPlan, type InferenceStatement } from "../src/prover/graph";
import { readProofFile, writeProofFile } from "../src/artifacts/proof-file";

const ROOT = join(__dirname, "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const solc = require("solc") as { compile(input: string, options: { import(path: string): { contents: string } | { error: string } }): string };
const CONTRACT_NAME = "ProfiledVerifier";
const GENERATED = ".<generated>";
const DEBUG_FN = process.env.GAS_PROFILE_DEBUG;
/** With GAS_PROFILE_DEBUG_OUT=<dir>: the runtime code holding that function (`<Library>.hex`) and every pc's count (`pcs.txt`). */
const DEBUG_OUT = process.env.GAS_PROFILE_DEBUG_OUT;
const ENTRY = ".<entry>";
const CALL_OPS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);
/** Gas of the precompiles by address (EIP-1108 / EIP-7883 prices are read from the trace, not assumed). */
const PRECOMPILES: Record<number, string> = { 5: "modexp", 6: "ecAdd", 7: "ecMul", 8: "pairing" };

interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

interface StructLog {
  pc: number;
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

/** Memory's price for `bytes` of it (the yellow paper's C_mem: 3 gas a word plus words² / 512). */
function memoryCost(bytes: number): number {
  const words = Math.ceil(bytes / 32);
  return 3 * words + Math.floor((words * words) / 512);
}

/** Without the stack in the trace: the precompile a call's cost points to (warm call + the precompile's price). */
function precompileByCost(cost: number): string | undefined {
  if (cost === 250) return "ecAdd";
  if (cost === 6100) return "ecMul";
  if (cost >= 45_100 && (cost - 45_100) % 34_000 === 0) return "pairing";
  return "modexp";
}

/** A trace's stack entry (hex, with or without 0x) as a number. */
function stackWord(entry: string): bigint {
  return BigInt(entry.startsWith("0x") ? entry : `0x${entry}`);
}

/** The end (exclusive, bytes) of the memory an opcode touches, read from its stack (last entry = top); 0 if none. */
function memoryEnd(op: string, stack: string[]): number {
  const at = (k: number) => Number(stackWord(stack[stack.length - 1 - k]));
  const range = (offset: number, length: number) => (length === 0 ? 0 : offset + length);
  switch (op) {
    case "MLOAD":
    case "MSTORE":
      return at(0) + 32;
    case "MSTORE8":
      return at(0) + 1;
    case "MCOPY":
      return range(Math.max(at(0), at(1)), at(2));
    case "CALLDATACOPY":
    case "CODECOPY":
    case "RETURNDATACOPY":
      return range(at(0), at(2));
    case "EXTCODECOPY":
      return range(at(1), at(3));
    case "KECCAK256":
    case "SHA3":
    case "RETURN":
    case "REVERT":
    case "LOG0":
    case "LOG1":
    case "LOG2":
    case "LOG3":
    case "LOG4":
      return range(at(0), at(1));
    case "CALL":
    case "CALLCODE":
      return Math.max(range(at(3), at(4)), range(at(5), at(6)));
    case "DELEGATECALL":
    case "STATICCALL":
      return Math.max(range(at(2), at(3)), range(at(4), at(5)));
    default:
      return 0;
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface SolcUnit {
  abi: Abi;
  evm: {
    bytecode: { object: string; linkReferences: LinkReferences };
    deployedBytecode: { object: string; sourceMap: string };
  };
}

/** The generated verifier and everything it imports, compiled with the project's solc settings (Osaka, 200 runs). */
function compileAll(source: string, contractsDir: string, runs = 200): { byName: Map<string, SolcUnit>; sources: Record<string, { id: number; ast: AstNode }> } {
  const unit = `generated/${CONTRACT_NAME}.sol`;
  const input = {
    language: "Solidity",
    sources: { [unit]: { content: source } },
    settings: {
      evmVersion: "osaka",
      optimizer: { enabled: true, runs },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.bytecode.linkReferences", "evm.deployedBytecode.object", "evm.deployedBytecode.sourceMap"], "": ["ast"] } },
    },
  };
  const findImports = (path: string) => {
    const file = join(contractsDir, path);
    return existsSync(file) ? { contents: readFileSync(file, "utf8") } : { error: `${path}: not found under ${contractsDir}` };
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports })) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, SolcUnit>>;
    sources: Record<string, { id: number; ast: AstNode }>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const byName = new Map<string, SolcUnit>();
  for (const file of Object.values(output.contracts)) for (const [name, c] of Object.entries(file)) byName.set(name, c);
  return { byName, sources: output.sources };
}

/** pc → function name, and the jump kind ('i' into a function, 'o' out of one) of each pc. */
interface CodeMap {
  code: Buffer;
  fn: Map<number, string>;
  jump: Map<number, string>;
}

interface AstNode {
  nodeType?: string;
  name?: string;
  src?: string;
  kind?: string;
  [key: string]: unknown;
}

/** Every function definition of the build's sources: [start, end, fileId, "Contract.name"]. */
function functionRanges(sources: Record<string, { id: number; ast: AstNode }>): [number, number, number, string][] {
  const out: [number, number, number, string][] = [];
  const walk = (node: unknown, contract: string): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n, contract);
      return;
    }
    const n = node as AstNode;
    let here = contract;
    if (n.nodeType === "ContractDefinition") here = n.name ?? contract;
    if ((n.nodeType === "FunctionDefinition" || n.nodeType === "ModifierDefinition") && n.src) {
      const [s, l, f] = n.src.split(":").map(Number);
      const name = n.name || n.kind || "?";
      out.push([s, s + l, f, `${here}.${name}`]);
    }
    for (const [k, v] of Object.entries(n)) if (k !== "src" && typeof v === "object") walk(v, here);
  };
  for (const { ast } of Object.values(sources)) walk(ast, "");
  return out;
}

/** Decodes a deployed bytecode's source map into per-pc function names and jump kinds. */
function codeMap(bytecode: string, sourceMap: string, ranges: [number, number, number, string][], label: string): CodeMap {
  const code = Buffer.from(bytecode.replace(/^0x/, ""), "hex");
  const pcs: number[] = [];
  for (let pc = 0; pc < code.length; pc++) {
    pcs.push(pc);
    const op = code[pc];
    if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f;
  }
  const fn = new Map<number, string>();
  const jump = new Map<number, string>();
  let s = 0;
  let l = 0;
  let f = 0;
  let j = "-";
  const entries = sourceMap.split(";");
  for (let i = 0; i < entries.length && i < pcs.length; i++) {
    const parts = entries[i].split(":");
    if (parts[0]) s = Number(parts[0]);
    if (parts[1]) l = Number(parts[1]);
    if (parts[2]) f = Number(parts[2]);
    if (parts[3]) j = parts[3];
    let best: string | undefined;
    let bestSize = Infinity;
    for (const [a, b, file, name] of ranges) {
      if (file === f && a <= s && s + l <= b && b - a < bestSize) {
        best = name;
        bestSize = b - a;
      }
    }
    fn.set(pcs[i], best ?? `${label}.<generated>`);
    jump.set(pcs[i], j);
  }
  return { code, fn, jump };
}

/** The profile of one trace. */
interface Profile {
  inclusive: Map<string, number>;
  self: Map<string, number>;
  /** Inclusive gas of a function's direct children ("parent > child"). */
  children: Map<string, Map<string, number>>;
  precompiles: Map<string, { count: number; gas: number }>;
  execution: number;
  /** Opcodes executed per innermost function. */
  steps: Map<string, number>;
  /** With GAS_PROFILE_DEBUG=<function>: executions per pc of that function's own opcodes. */
  debugPcs: Map<string, number>;
  /** Per called library function (a DELEGATECALL frame): calls, gas in all, gas of the frame's entry. */
  frames: Map<string, { count: number; total: number; entry: number }>;
  /** Memory expansion gas per innermost function (part of its self gas), with `--memory` (the trace's stacks give each
   *  opcode's memory range). */
  memory: Map<string, number>;
  /** Largest memory of any frame, in bytes. */
  peakMemory: number;
}

/** The code a frame that starts at step `i` runs: the candidate whose bytes agree with the frame's first steps. */
function frameCode(logs: StructLog[], i: number, candidates: CodeMap[]): CodeMap | undefined {
  const depth = logs[i].depth;
  const steps: StructLog[] = [];
  for (let j = i; j < logs.length && logs[j].depth >= depth && steps.length < 500; j++) if (logs[j].depth === depth) steps.push(logs[j]);
  return candidates.find((c) =>
    steps.every((log) => {
      const op = c.code[log.pc];
      return c.fn.has(log.pc) && (log.op === "JUMPDEST") === (op === 0x5b) && log.op.startsWith("PUSH") === (op >= 0x5f && op <= 0x7f);
    }),
  );
}

function profileTrace(logs: StructLog[], candidates: CodeMap[]): Profile {
  const maps: (CodeMap | undefined)[] = [];
  const p: Profile = { inclusive: new Map(), self: new Map(), children: new Map(), precompiles: new Map(), execution: 0, frames: new Map(), steps: new Map(), debugPcs: new Map(), memory: new Map(), peakMemory: 0 };
  let pcNow = 0;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  // The global call stack of functions; frames[d] = stack length when depth d began.
  const stack: string[] = [];
  const frameBase: number[] = [];
  // Per open frame: its first user function and the gas its entry (ABI decoding/encoding, dispatch) costs.
  const frameMain: string[] = [];
  const frameEntry: number[] = [];
  let depthNow = 0;
  const charge = (gas: number, extra?: string) => {
    const seen = new Set<string>();
    // Compiler-generated routines (ABI coding, checked arithmetic, allocation) are charged to their caller.
    const all = (extra ? [...stack, extra] : stack).filter((n) => !n.endsWith(GENERATED));
    if (all.length && all[all.length - 1].endsWith(ENTRY)) frameEntry[depthNow] = (frameEntry[depthNow] ?? 0) + gas;
    for (let k = 0; k < all.length; k++) {
      const name = all[k];
      if (!seen.has(name)) add(p.inclusive, name, gas);
      seen.add(name);
      if (k > 0) {
        const parent = all[k - 1];
        if (parent !== name) {
          const m = p.children.get(parent) ?? new Map<string, number>();
          add(m, name, gas);
          p.children.set(parent, m);
        }
      }
    }
    if (all.length) {
      if (DEBUG_FN && all[all.length - 1] === DEBUG_FN) add(p.debugPcs, `${depthNow}:${pcNow}`, 1);
      add(p.self, all[all.length - 1], gas);
      add(p.steps, all[all.length - 1], 1);
    }
    p.execution += gas;
  };
  // Pending calls that entered a deeper frame: [step index, gas attributed inside].
  const pending: { index: number; inside: number }[] = [];
  // With the stack in the trace: each frame's memory size in bytes, to price its expansions.
  const memSize: number[] = [];
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    if (i === 0 || log.depth > logs[i - 1].depth) {
      maps[log.depth] = frameCode(logs, i, candidates);
      memSize[log.depth] = 0;
    }
    const map = maps[log.depth];
    const next = logs[i + 1];
    depthNow = log.depth;
    pcNow = log.pc;
    // Entering a new frame: its base is the current stack.
    while (frameBase.length < log.depth) frameBase.push(stack.length);
    // A frame's root is its entry (the dispatcher), named after the code it runs.
    if (stack.length === frameBase[log.depth - 1]) stack.push(`${map ? (map.fn.get(log.pc) ?? "?").split(".")[0] : `depth${log.depth}`}.<entry>`);
    if (log.stack) {
      const end = memoryEnd(log.op, log.stack);
      const size = memSize[log.depth] ?? 0;
      if (end > size) {
        const grown = Math.ceil(end / 32) * 32;
        memSize[log.depth] = grown;
        if (grown > p.peakMemory) p.peakMemory = grown;
        const owner = [...stack].reverse().find((n) => !n.endsWith(GENERATED)) ?? "?";
        add(p.memory, owner, memoryCost(grown) - memoryCost(size));
      }
    }
    let cost: number;
    if (next && next.depth > log.depth) {
      pending.push({ index: i, inside: 0 });
      continue;
    } else if (next && next.depth === log.depth) cost = log.gas - next.gas;
    else cost = log.gasCost;
    if (CALL_OPS.has(log.op)) {
      const name = log.stack && log.stack.length >= 2 ? PRECOMPILES[Number(stackWord(log.stack[log.stack.length - 2]))] : precompileByCost(cost);
      if (name) {
        const e = p.precompiles.get(name) ?? { count: 0, gas: 0 };
        e.count++;
        e.gas += cost;
        p.precompiles.set(name, e);
        charge(cost, `precompile.${name}`);
        if (pending.length) pending[pending.length - 1].inside += cost;
        continue;
      }
    }
    charge(cost);
    if (pending.length) pending[pending.length - 1].inside += cost;
    // Jumps: into a function pushes the destination's function (known at the next step), out of one pops.
    const jump = map?.jump.get(log.pc);
    if (log.op === "JUMP" && next && next.depth === log.depth) {
      if (jump === "i") {
        const callee = map?.fn.get(next.pc) ?? "?";
        if (!frameMain[log.depth] && !callee.endsWith(GENERATED)) frameMain[log.depth] = callee;
        stack.push(callee);
      }
      else if (jump === "o" && stack.length > frameBase[log.depth - 1] + 1) stack.pop();
    }
    // Leaving a frame: settle the call that entered it.
    if (next && next.depth < log.depth) {
      stack.length = frameBase[log.depth - 1];
      frameBase.length = next.depth;
      const call = pending.pop()!;
      const callLog = logs[call.index];
      const own = callLog.gas - next.gas - call.inside;
      const key = frameMain[log.depth] ?? "?";
      const f = p.frames.get(key) ?? { count: 0, total: 0, entry: 0 };
      f.count++;
      f.total += callLog.gas - next.gas;
      f.entry += frameEntry[log.depth] ?? 0;
      p.frames.set(key, f);
      frameMain.length = log.depth;
      frameEntry.length = log.depth;
      depthNow = next.depth;
      charge(own);
      if (pending.length) pending[pending.length - 1].inside += call.inside + own;
    }
  }
  return p;
}

async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target || target.startsWith("--")) throw new Error("usage: gas-profile.ts <model dir | corpus name> [--depth N] [--top N] [--json]");
  const dir = existsSync(target) ? resolve(target) : join(ROOT, "..", "shared", "models", target);
  const model = join(dir, "network.onnx");
  const input = join(dir, "input.json");
  if (!existsSync(model) || !existsSync(input)) throw new Error(`${dir}: needs network.onnx and input.json`);
  const depth = Number(arg("--depth") ?? 3);
  const top = Number(arg("--top") ?? 25);

  const keep = arg("--cache");
  const scratch = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), "deepprove-gas-profile-"));
  mkdirSync(scratch, { recursive: true });
  const t0 = Date.now();
  const stage = (what: string) => process.stderr.write(`${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  try {
    const setupDir = join(scratch, "setup");
    if (!existsSync(join(setupDir, "setup.json"))) createSetupDir({ model, calibration: input, out: setupDir, force: true });
    const setup = loadSetupDir(setupDir, { provingKey: true });
    stage("setup");
    const proofFile = join(scratch, "proof.bin");
    let proved: { statement: InferenceStatement; proof: Uint8Array };
    if (keep && existsSync(proofFile) && !process.argv.includes("--reprove")) {
      const f = readProofFile(proofFile);
      proved = { statement: { digest: f.digest, prover: f.prover, input: f.input, output: f.output }, proof: f.proof };
    } else {
      proved = proveWithSetup(setup, loadSetupSrs(setup), readSetupInputs(setup, input), ZERO_ADDRESS);
      if (keep) writeProofFile(proofFile, { ...proved.statement, proof: proved.proof });
    }
    stage("proof");
    const generated = generateVerifier(verifierPlan(setup.vk, setup.model), { contractName: CONTRACT_NAME, contractsImport: ".." });

    const contractsDir = resolve(arg("--contracts") ?? join(ROOT, "contracts"));
    const build = compileAll(generated.source, contractsDir);
    if (process.env.PCS_RUNS) {
      const pcs = compileAll(generated.source, contractsDir, Number(process.env.PCS_RUNS));
      build.byName.set("ModelVerifierPcs", pcs.byName.get("ModelVerifierPcs")!);
      process.stderr.write(`ModelVerifierPcs at runs ${process.env.PCS_RUNS}: ${pcs.byName.get("ModelVerifierPcs")!.evm.deployedBytecode.object.length / 2} bytes\n`);
    }
    stage("compile");

    const hre = await import("hardhat");
    const provider = hre.network.provider as Eip1193;
    const [from] = (await provider.request({ method: "eth_accounts" })) as Address[];
    const send = async (tx: { to?: Address; data: Hex }) => {
      const hash = (await provider.request({ method: "eth_sendTransaction", params: [{ from, ...tx }] })) as Hex;
      const receipt = (await provider.request({ method: "eth_getTransactionReceipt", params: [hash] })) as { status: Hex; gasUsed: Hex; contractAddress: Address | null };
      if (receipt.status !== "0x1") throw new Error(`transaction ${hash} reverted`);
      return { hash, gasUsed: Number(BigInt(receipt.gasUsed)), address: receipt.contractAddress };
    };
    // Deploy every library the verifier links, dependencies first.
    const libraries: Record<string, Address> = {};
    const codeMaps: CodeMap[] = [];
    const ranges = functionRanges(build.sources);
    const deploy = async (name: string): Promise<void> => {
      if (libraries[name]) return;
      const unit = build.byName.get(name);
      if (!unit) throw new Error(`library ${name} not in the build`);
      for (const byName of Object.values(unit.evm.bytecode.linkReferences)) for (const dep of Object.keys(byName)) await deploy(dep);
      libraries[name] = (await send({ data: linkBytecode(`0x${unit.evm.bytecode.object}`, unit.evm.bytecode.linkReferences, libraries) })).address!;
      const code = (await provider.request({ method: "eth_getCode", params: [libraries[name], "latest"] })) as string;
      codeMaps.push(codeMap(code, unit.evm.deployedBytecode.sourceMap, ranges, name));
      if (DEBUG_OUT && DEBUG_FN && [...codeMaps[codeMaps.length - 1].fn.values()].includes(DEBUG_FN)) writeFileSync(join(DEBUG_OUT, `${name}.hex`), code);
    };
    const main = build.byName.get(CONTRACT_NAME)!;
    for (const byName of Object.values(main.evm.bytecode.linkReferences)) for (const dep of Object.keys(byName)) await deploy(dep);
    const verifier = (await send({ data: linkBytecode(`0x${main.evm.bytecode.object}`, main.evm.bytecode.linkReferences, libraries) })).address!;
    const code = (await provider.request({ method: "eth_getCode", params: [verifier, "latest"] })) as string;
    codeMaps.push(codeMap(code, main.evm.deployedBytecode.sourceMap, ranges, CONTRACT_NAME));
    const data = encodeFunctionData({
      abi: main.abi,
      functionName: "verifyInference",
      args: [toHex(proved.statement.input), toHex(proved.statement.output), proved.statement.prover, toHex(proved.proof)],
    });
    const tx = await send({ to: verifier, data });
    const trace = (await provider.request({ method: "debug_traceTransaction", params: [tx.hash, { disableMemory: true, disableStorage: true, disableStack: !process.argv.includes("--memory") }] })) as { structLogs: StructLog[] };
    stage("trace");
    const prof = profileTrace(trace.structLogs, codeMaps);
    const cost = calldataCost(Buffer.from(data.slice(2), "hex"));
    const summary = {
      model: target,
      gas: tx.gasUsed,
      calldata_bytes: (data.length - 2) / 2,
      proof_bytes: proved.proof.length,
      calldata_standard_gas: cost.standardGas,
      calldata_floor_gas: cost.floorGas,
      execution_gas: prof.execution,
    };
    if (process.argv.includes("--json")) {
      const obj = { ...summary, inclusive: Object.fromEntries(prof.inclusive), self: Object.fromEntries(prof.self), precompiles: Object.fromEntries(prof.precompiles) };
      process.stdout.write(`${JSON.stringify(obj)}\n`);
      return;
    }
    const fmt = (n: number) => n.toLocaleString("en-US").padStart(10);
    console.log(JSON.stringify(summary));
    console.log("\nprecompiles:");
    for (const [name, e] of prof.precompiles) console.log(`  ${name.padEnd(10)} ${String(e.count).padStart(4)} calls ${fmt(e.gas)}`);
    console.log("\ninclusive (tree):");
    const printTree = (name: string, level: number, seen: Set<string>) => {
      console.log(`${"  ".repeat(level + 1)}${fmt(prof.inclusive.get(name) ?? 0)}  ${name}`);
      if (level >= depth || seen.has(name)) return;
      const kids = [...(prof.children.get(name) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]);
      for (const [kid, gas] of kids) {
        if (gas < 2000) continue;
        if ((prof.children.get(kid)?.size ?? 0) === 0 || level + 1 >= depth) console.log(`${"  ".repeat(level + 2)}${fmt(gas)}  ${kid}`);
        else printTree(kid, level + 1, new Set([...seen, name]));
      }
    };
    console.log("\nlibrary calls (DELEGATECALL frames: calls, gas in all, of it the entry: ABI decoding, dispatch):");
    for (const [name, f] of prof.frames) console.log(`  ${name.padEnd(36)} ${String(f.count).padStart(4)} ${fmt(f.total)} ${fmt(f.entry)}`);
    const roots = [...prof.inclusive].filter(([n]) => n.endsWith("ModelVerifier.verify"));
    for (const [root] of roots) printTree(root, 0, new Set());
    if (DEBUG_FN) console.log([...prof.debugPcs].sort((a, b) => b[1] - a[1]).slice(0, 60));
    if (DEBUG_FN && DEBUG_OUT) writeFileSync(join(DEBUG_OUT, "pcs.txt"), [...prof.debugPcs].map(([k, n]) => `${k.split(":")[1]} ${n}\n`).join(""));
    if (prof.memory.size) {
      const total = [...prof.memory.values()].reduce((a, b) => a + b, 0);
      console.log(`\nmemory expansion (part of the self gas below): ${total.toLocaleString("en-US")} in all, largest frame ${prof.peakMemory.toLocaleString("en-US")} bytes`);
      for (const [name, gas] of [...prof.memory].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${fmt(gas)}  ${name}`);
    }
    console.log(`\nself gas, top ${top}:`);
    for (const [name, gas] of [...prof.self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${fmt(gas)}  ${name} (${prof.steps.get(name) ?? 0} opcodes)`);
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
