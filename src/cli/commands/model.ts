import type { Command } from "commander";
import {
  CliInputError,
  connect,
  parseAddress,
  parseInteger,
  printJson,
  withNetworkOptions,
  type NetworkOptions,
} from "./network-context";

/** Parses a registry id (models and inferences are numbered from 1). */
export function parseRegistryId(value: string, what: string): bigint {
  const id = parseInteger(value, what);
  if (id === 0n) throw new CliInputError(`${what}: ids start at 1`);
  return id;
}

interface RegisterModelOptions extends NetworkOptions {
  commitment: string;
  verifier: string;
  metadata: string;
  owner?: string;
}

/** `deepprove model register|show`: models in the inference registry. */
export function registerModel(program: Command): void {
  const model = program.command("model").description("register a model's verifier in the inference registry; show models");

  withNetworkOptions(
    model
      .command("register")
      .description("register a deployed verifier under a new model id (its modelCommitment() must match)")
      .requiredOption("--commitment <hex>", "the model commitment (32 bytes of hex)")
      .requiredOption("--verifier <address>", "the model's deployed verifier")
      .requiredOption("--metadata <uri>", "where the model is described")
      .option("--owner <address>", "who may edit, transfer and deprecate the model (default: the signer)"),
    { signer: true }
  ).action(async (options: RegisterModelOptions) => {
    if (!/^0x[0-9a-fA-F]{64}$/.test(options.commitment)) {
      throw new CliInputError(`--commitment: "${options.commitment}" is not 32 bytes of 0x-prefixed hex`);
    }
    const verifier = await parseAddress(options.verifier, "--verifier");
    const owner = options.owner === undefined ? undefined : await parseAddress(options.owner, "--owner");
    const { registerModel: registerOnChain } = await import("../../sdk/registry/registerModel");
    const { client, contracts, account } = await connect(options, true);
    const { hash, result } = await registerOnChain(client, {
      contracts,
      commitment: options.commitment as `0x${string}`,
      verifier,
      metadataURI: options.metadata,
      owner,
    });
    printJson({ action: "register-model", modelId: result, verifier, owner: owner ?? account, transaction: hash });
  });

  withNetworkOptions(model.command("show").description("show a registered model").argument("<id>", "model id"), {
    signer: false,
  }).action(async (id: string, options: NetworkOptions) => {
    const modelId = parseRegistryId(id, "id");
    const { getModel } = await import("../../sdk/registry/getModel");
    const { client, contracts } = await connect(options, false);
    printJson(await getModel(client, { contracts, modelId }));
  });
}
