import type { Command } from "commander";
import { connect, printJson, withNetworkOptions, type NetworkOptions } from "./network-context";
import { parseRegistryId } from "./model";

/** `deepprove inference show <id>`: a verified inference recorded by the registry. */
export function registerInference(program: Command): void {
  const inference = program.command("inference").description("query verified inferences in the registry");
  withNetworkOptions(
    inference.command("show").description("show a verified inference").argument("<id>", "inference id"),
    { signer: false }
  ).action(async (id: string, options: NetworkOptions) => {
    const inferenceId = parseRegistryId(id, "id");
    const { getInference } = await import("../../sdk/registry/getInference");
    const { client, contracts } = await connect(options, false);
    printJson(await getInference(client, { contracts, inferenceId }));
  });
}
