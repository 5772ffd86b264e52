/**
 * The demo's model with the real proof: the setup directory of examples/mlp, proofs by the whole-model prover
 * (src/node/setup-backend.ts), checked on-chain by the model's generated verifier (scripts/lib/deploy-model.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex, type Abi } from "viem";
import type { LoadedSetup } from "../../src/artifacts/setup-dir";
import type { Tensor } from "../../src/model";
import { setupBackend } from "../../src/node/setup-backend";
import { packTensors, publicTensors } from "../../src/prover/graph";
import type { DemoModel } from "./demo-market";
import { ARTIFACTS_DIR } from "./artifacts";
import { deployVerifier } from "./deploy-model";

/** Custom errors of every verifier library (artifacts/contracts/verifier/**), to name a rejection. */
function verifierErrors(): Abi {
  const errors: Abi[number][] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json")) {
        const { abi } = JSON.parse(readFileSync(path, "utf8")) as { abi?: Abi };
        for (const item of abi ?? []) if (item.type === "error") errors.push(item);
      }
    }
  };
  walk(join(ARTIFACTS_DIR, "verifier"));
  return errors;
}

export const PROVED_LABEL =
  "whole-model proof (sum-checks, one LogUp lookup arena, one HyperKZG batch opening), checked by the model's generated Solidity verifier";

/** The demo model for `setup` (loaded from `setupDir`), requests on `qinputs` (quantized) and a variant of it. */
export function provedModel(setupDir: string, setup: LoadedSetup, qinputs: readonly Tensor[]): DemoModel {
  const infos = publicTensors(setup.model.graph.inputs, setup.model.bits);
  const first = packTensors(qinputs, infos);
  // The second client's input: the first value moved by one step, still inside the quantized range.
  const altered = qinputs.map((t, i) => (i === 0 ? { data: Float64Array.from(t.data, (v, k) => (k === 0 ? (v > 0 ? v - 1 : v + 1) : v)) } : t));
  const second = packTensors(altered, infos);
  return {
    label: PROVED_LABEL,
    cycles: BigInt([...setup.model.weights.values()].reduce((n, w) => n + w.tensor.data.length, 0)),
    inputs: [bytesToHex(first), bytesToHex(second)],
    deployVerifier: async (deployer) => (await deployVerifier(deployer, { setupDir })).verifier,
    backendFor: (modelId) => setupBackend(new Map([[modelId, { setup: setupDir }]])),
    verifierErrors: verifierErrors(),
  };
}
