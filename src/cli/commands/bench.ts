/**
 * `deepprove bench crypto`: measures the proof system's building blocks (see src/bench/crypto.ts for the
 * keys). Progress goes to stderr; the result is one JSON object on stdout with `--json`, else a table.
 */
import { Command, InvalidArgumentError } from "commander";
import type { CryptoBenchOptions } from "../../bench/crypto";

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

export function registerBench(program: Command): void {
  const bench = program.command("bench").description("measure performance; results as JSON with --json");
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
    .option("--runs <n>", "runs per small measurement (median reported)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError(`--runs: ${v} is not in 1..100`);
      return n;
    }, 3)
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
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
      } else {
        const width = Math.max(...Object.keys(result).map((k) => k.length));
        for (const [key, value] of Object.entries(result)) process.stdout.write(`${key.padEnd(width)}  ${value}\n`);
      }
    });
}
