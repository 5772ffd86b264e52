/**
 * `deepprove bench <model.onnx> --input <file>`: setup, prove, verify, proof size, memory and accuracy of one
 * model, plus the EZKL peer's figures when the model sits in an EZKL peer folder (src/bench/model-bench.ts
 * lists the keys). `deepprove bench crypto`: the proof system's building blocks (src/bench/crypto.ts).
 * Progress goes to stderr; the result is one JSON object on stdout with `--json`, else a table.
 */
import { Command, InvalidArgumentError } from "commander";
import type { CryptoBenchOptions } from "../../bench/crypto";
import { DEFAULT_BITS, MAX_BITS, MIN_BITS } from "../../model/defaults";

/** Largest log2 size accepted (2^24 points take a few GiB). */
const MAX_LOG_SIZE = 24;
const DEFAULT_MSM_SIZES = [16, 20];
const QUICK_MSM_SIZES = [12, 16];
const DEFAULT_PROTOCOL_SIZE = 20;
const QUICK_PROTOCOL_SIZE = 14;

function parseLogSize(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LOG_SIZE) {
    throw new InvalidArgumentError(`${what}: ${value} is not a log2 size in 1..${MAX_LOG_SIZE}`);
  }
  return n;
}

function parseSizes(value: string): number[] {
  return [...new Set(value.split(",").map((s) => parseLogSize(s.trim(), "--sizes")))].sort((a, b) => a - b);
}

interface BenchCryptoFlags {
  json?: boolean;
  quick?: boolean;
  sizes?: number[];
  protocolSize?: number;
  protocol: boolean;
  peer: boolean;
  peerMax?: number;
  runs: number;
}

interface BenchModelFlags {
  input?: string;
  prompt?: string;
  tokens?: number;
  context?: number;
  json?: boolean;
  bits: number;
  ptau?: string;
  runs: number;
  ezkl: boolean;
  gas: boolean;
}

function parseRuns(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError(`--runs: ${v} is not in 1..100`);
  return n;
}

function printResult(result: object, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const width = Math.max(...Object.keys(result).map((k) => k.length));
  for (const [key, value] of Object.entries(result)) process.stdout.write(`${key.padEnd(width)}  ${typeof value === "object" ? JSON.stringify(value) : value}\n`);
}

function parseCount(v: string, what: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 4096) throw new InvalidArgumentError(`${what}: ${v} is not an integer in 1..4096`);
  return n;
}

/** `bench <model.gguf> --prompt <text> [--tokens N]`: one proved generation (src/llm/bench.ts). */
async function benchGguf(model: string, flags: BenchModelFlags, command: Command): Promise<void> {
  if (flags.prompt === undefined) command.error("error: a .gguf model needs --prompt <text>");
  const bits = command.getOptionValueSource("bits") === "default" ? (await import("../../model/gguf/defaults")).DEFAULT_GGUF_BITS : flags.bits;
  const { runLlmBench } = await import("../../llm/bench");
  const result = await runLlmBench({
    model,
    prompt: flags.prompt!,
    tokens: flags.tokens ?? 16,
    bits,
    context: flags.context,
    ptau: flags.ptau,
    onChain: flags.gas ? (await import("../../bench/onchain-bench")).measureOnChain : undefined,
    onProgress: (line) => process.stderr.write(`bench: ${line}\n`),
  });
  printResult(result, flags.json);
}

export function registerBench(program: Command): void {
  // `bench` takes a model operand AND has subcommands sharing option names (--json, --runs): options must
  // belong to the command they follow, which commander allows only with positional options on the program.
  // The program itself has no options but --version / --help, so nothing else changes.
  program.enablePositionalOptions();
  const bench = program
    .command("bench")
    .description("measure a model end to end (setup, prove, verify, size, accuracy; EZKL peer when present), or `bench crypto`")
    .argument("[model]", "ONNX model file (an EZKL peer folder's network.onnx adds the peer's figures)")
    .option("--input <file>", "input JSON (calibration and proved input)")
    .option("--prompt <text>", "a .gguf model: the prompt of the proved generation (src/llm/bench.ts)")
    .option("--tokens <n>", "a .gguf model: tokens to generate and prove (default 16)", (v) => parseCount(v, "--tokens"))
    .option("--context <n>", "a .gguf model: positions of the proved graph (default: the smallest power of two ≥ 16 that fits)", (v) => parseCount(v, "--context"))
    .option("--json", "print one JSON object on stdout (progress stays on stderr)")
    .option("--bits <n>", `quantization bit width (${MIN_BITS}-${MAX_BITS})`, (v) => {
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < MIN_BITS || n > MAX_BITS) throw new InvalidArgumentError(`must be an integer from ${MIN_BITS} to ${MAX_BITS}`);
      return n;
    }, DEFAULT_BITS)
    .option("--ptau <file>", "Powers of Tau ceremony file; default: the INSECURE development SRS")
    .option("--runs <n>", "prove / verify repetitions (median reported)", parseRuns, 1)
    .option("--no-ezkl", "skip the EZKL peer even in a peer folder")
    .option("--no-gas", "skip the on-chain measurement (in-process Hardhat network; needs the project checkout)")
    .action(async (model: string | undefined, flags: BenchModelFlags, command: Command) => {
      if (!model) {
        command.help({ error: true });
        return;
      }
      if (model.toLowerCase().endsWith(".gguf")) return benchGguf(model, flags, command);
      if (!flags.input) command.error("error: required option '--input <file>' not specified");
      const { runModelBench } = await import("../../bench/model-bench");
      const result = await runModelBench({
        model,
        input: flags.input!,
        bits: flags.bits,
        ptau: flags.ptau,
        runs: flags.runs,
        peer: flags.ezkl,
        onChain: flags.gas ? (await import("../../bench/onchain-bench")).measureOnChain : undefined,
        onProgress: (line) => process.stderr.write(`bench: ${line}\n`),
      });
      printResult(result, flags.json);
    });
  bench
    .command("crypto")
    .description("MSM (with ffjavascript as the same-run reference), dev SRS, Fr, sum-check and HyperKZG timings")
    .option("--json", "print one JSON object on stdout (progress stays on stderr)")
    .option("--quick", `small sizes: MSM 2^${QUICK_MSM_SIZES.join(", 2^")}, protocol 2^${QUICK_PROTOCOL_SIZE}`)
    .option("--sizes <list>", "comma-separated log2 MSM sizes (default 16,20)", parseSizes)
    .option("--protocol-size <log2>", "log2 size for sum-check and HyperKZG (default 20)", (v) => parseLogSize(v, "--protocol-size"))
    .option("--no-protocol", "skip the sum-check and HyperKZG measurements")
    .option("--no-peer", "skip the ffjavascript reference")
    .option("--peer-max <log2>", "largest MSM size to measure ffjavascript at (default: all)", (v) => parseLogSize(v, "--peer-max"))
    .option("--runs <n>", "runs per small measurement (median reported)", parseRuns, 3)
    .action(async (flags: BenchCryptoFlags) => {
      const msmSizes = flags.sizes ?? (flags.quick ? QUICK_MSM_SIZES : DEFAULT_MSM_SIZES);
      const options: CryptoBenchOptions = {
        msmSizes,
        protocolSize: flags.protocol ? (flags.protocolSize ?? (flags.quick ? QUICK_PROTOCOL_SIZE : DEFAULT_PROTOCOL_SIZE)) : undefined,
        peerMaxSize: flags.peer ? (flags.peerMax ?? Math.max(...msmSizes)) : undefined,
        runs: flags.runs,
      };
      const { runCryptoBench } = await import("../../bench/crypto");
      const result = await runCryptoBench(options, (line) => process.stderr.write(`bench: ${line}\n`));
      printResult(result, flags.json);
    });
}
