/**
 * The product proof backend: proves an inference of a model from its setup directory (`deepprove setup`) with
 * the whole-model prover (src/prover/graph). The request's input bytes are the packed quantized input tensors
 * (big-endian at each tensor's width, graph order: src/prover/graph/statement.ts); the backend runs the quantized model on them
 * with integers and proves that run, bound to the node's address. Setups and SRSs are loaded once per model.
 */
import { loadSetupDir, loadSetupSrs, type LoadedSetup } from "../artifacts/setup-dir";
import { runInteger } from "../model/exec/integer";
import type { Tensor } from "../model/ir";
import type { Srs } from "../pcs/srs";
import { proveInference, publicTensors, unpackTensors } from "../prover/graph";
import type { ProofBackend } from "./backend";
import type { ModelConfig } from "./config";

interface LoadedModel {
  setup: LoadedSetup;
  srs: Srs;
}

/** The packed input bytes as the model's quantized input tensors; throws naming the tensor when they do not fit. */
function unpackInput(setup: LoadedSetup, input: Uint8Array): Tensor[] {
  const infos = setup.model.graph.inputs;
  return unpackTensors(input, publicTensors(infos, setup.model.bits)).map((t, i) => ({ dtype: infos[i].dtype, shape: t.shape, data: Float64Array.from(t.data) }));
}

/** A backend proving the configured models from their setup directories; `log` gets loading lines. */
export function setupBackend(models: ReadonlyMap<bigint, Pick<ModelConfig, "setup">>, log: (line: string) => void = () => {}): ProofBackend {
  const loaded = new Map<bigint, LoadedModel>();
  const load = (modelId: bigint): LoadedModel => {
    const cached = loaded.get(modelId);
    if (cached) return cached;
    const config = models.get(modelId);
    if (!config) throw new Error(`model ${modelId} is not in this node's configuration`);
    log(`loading the setup of model ${modelId} from ${config.setup}`);
    const setup = loadSetupDir(config.setup, { provingKey: true });
    if (setup.insecure) log(`WARNING: model ${modelId}'s setup uses the INSECURE development SRS: its proofs can be forged`);
    const entry = { setup, srs: loadSetupSrs(setup, { onProgress: log }) };
    loaded.set(modelId, entry);
    return entry;
  };
  return {
    checkInput(modelId, input) {
      try {
        unpackInput(load(modelId).setup, input);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
    async prove({ modelId, input, prover }) {
      const { setup, srs } = load(modelId);
      const trace = runInteger(setup.model, unpackInput(setup, input));
      const { statement, proof } = proveInference({ setup: setup.pk!, model: setup.model, srs, trace, prover });
      return { output: statement.output, proof };
    },
  };
}
