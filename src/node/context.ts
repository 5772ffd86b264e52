/** What the node's steps share: clients, addresses, configuration, state, journal and the log. */
import type { Address } from "viem";
import type { NetworkAddresses } from "../sdk/deployments";
import type { ProofBackend } from "./backend";
import type { MarketReader, MarketTiming } from "./chain";
import type { NodeConfig } from "./config";
import type { SigningClient, TxJournal } from "./journal";
import type { StateStore } from "./state";

export interface NodeContext {
  client: SigningClient;
  contracts: NetworkAddresses;
  prover: Address;
  config: Pick<NodeConfig, "pricePerCycle" | "capacity" | "models" | "settle">;
  backend: ProofBackend;
  reader: MarketReader;
  timing: MarketTiming;
  store: StateStore;
  journal: TxJournal;
  /** Folder of the proof files (next to the state file). */
  proofDir: string;
  /** First block to search for published inputs and registry records. */
  fromBlock: bigint;
  log: (line: string) => void;
  failpoint: (point: string) => void;
}
