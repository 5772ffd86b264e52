/**
 * The node's configuration file (`node.json`), validated with errors that name the file and the field:
 *
 * ```json
 * {
 *   "pricePerCycle": "0.0001",
 *   "capacity": 1000000,
 *   "models": { "1": { "setup": "setups/mlp", "minCycles": 1000 } },
 *   "state": "node-state.json",
 *   "pollSeconds": 5,
 *   "settle": true
 * }
 * ```
 * Paths are relative to the configuration file. See docs/node.md.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** One model the node proves. */
export interface ModelConfig {
  /** Setup directory of the model (the product backend loads it). */
  setup: string;
  /** Fewest cycles a request for this model must pay for; the node does not bid in a batch with less. */
  minCycles: bigint;
}

export interface NodeConfig {
  /** Ask price, LA wei per cycle. */
  pricePerCycle: bigint;
  /** Cycles offered per batch (lowered to what the free self-stake can collateralize). */
  capacity: bigint;
  /** Registry model id → model. */
  models: Map<bigint, ModelConfig>;
  /** State file (journal) path. */
  state: string;
  /** Seconds between two passes over the market. */
  pollSeconds: number;
  /** Whether the node settles batches it takes part in (else it only observes settlement). */
  settle: boolean;
}

/** A configuration mistake: names the file and the field. */
export class NodeConfigError extends Error {
  override name = "NodeConfigError";
}

const LA_DECIMALS = 18;
const DEFAULT_POLL_SECONDS = 5;
const DECIMAL = /^\d+(\.\d{1,18})?$/;

function laToWei(value: string, where: string): bigint {
  if (!DECIMAL.test(value)) throw new NodeConfigError(`${where}: "${value}" is not a decimal LA amount`);
  const [whole, fraction = ""] = value.split(".");
  return BigInt(whole) * 10n ** BigInt(LA_DECIMALS) + BigInt(fraction.padEnd(LA_DECIMALS, "0"));
}

function positiveInteger(value: unknown, where: string): bigint {
  const text = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== "string" || !/^\d+$/.test(text) || BigInt(text) === 0n) {
    throw new NodeConfigError(`${where}: expected a positive integer, got ${JSON.stringify(value)}`);
  }
  return BigInt(text);
}

/** Validates a parsed configuration object; `file` names it in errors and anchors relative paths. */
export function parseNodeConfig(raw: unknown, file: string): NodeConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new NodeConfigError(`${file}: expected a JSON object`);
  const o = raw as Record<string, unknown>;
  const known = new Set(["pricePerCycle", "capacity", "models", "state", "pollSeconds", "settle"]);
  for (const key of Object.keys(o)) if (!known.has(key)) throw new NodeConfigError(`${file}: unknown field "${key}"`);
  const base = dirname(resolve(file));

  if (typeof o.pricePerCycle !== "string") throw new NodeConfigError(`${file}: field "pricePerCycle" (decimal LA string) is required`);
  const pricePerCycle = laToWei(o.pricePerCycle, `${file}: pricePerCycle`);
  const capacity = positiveInteger(o.capacity, `${file}: capacity`);

  if (typeof o.models !== "object" || o.models === null || Array.isArray(o.models) || Object.keys(o.models).length === 0) {
    throw new NodeConfigError(`${file}: field "models" must map at least one registry model id to { "setup": <dir> }`);
  }
  const models = new Map<bigint, ModelConfig>();
  for (const [id, value] of Object.entries(o.models as Record<string, unknown>)) {
    const where = `${file}: models.${id}`;
    const modelId = positiveInteger(id, `${where} (model id)`);
    if (typeof value !== "object" || value === null) throw new NodeConfigError(`${where}: expected { "setup": <dir> }`);
    const m = value as Record<string, unknown>;
    if (typeof m.setup !== "string" || m.setup === "") throw new NodeConfigError(`${where}.setup: a setup directory is required`);
    const setup = resolve(base, m.setup);
    if (!existsSync(setup)) throw new NodeConfigError(`${where}.setup: ${setup} does not exist`);
    const minCycles = m.minCycles === undefined ? 1n : positiveInteger(m.minCycles, `${where}.minCycles`);
    models.set(modelId, { setup, minCycles });
  }

  const state = o.state === undefined ? "node-state.json" : o.state;
  if (typeof state !== "string" || state === "") throw new NodeConfigError(`${file}: field "state" must be a file path`);
  const pollSeconds = o.pollSeconds === undefined ? DEFAULT_POLL_SECONDS : o.pollSeconds;
  if (typeof pollSeconds !== "number" || !(pollSeconds > 0)) throw new NodeConfigError(`${file}: pollSeconds must be a positive number`);
  if (o.settle !== undefined && typeof o.settle !== "boolean") throw new NodeConfigError(`${file}: settle must be true or false`);
  return { pricePerCycle, capacity, models, state: resolve(base, state), pollSeconds, settle: o.settle !== false };
}

/** Reads and validates `file`. */
export function loadNodeConfig(file: string): NodeConfig {
  if (!existsSync(file)) throw new NodeConfigError(`--config ${file}: no such file`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new NodeConfigError(`${file}: not valid JSON (${(cause as Error).message})`);
  }
  return parseNodeConfig(raw, file);
}
