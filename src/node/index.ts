/**
 * The prover node (docs/node.md): serves the proof market with one account — sealed asks, DARA settlement,
 * proving, registry verification, fulfilment — with a journal on disk that survives restarts.
 */
export { ProverNode, NodeKilled, type ProverNodeOptions } from "./node";
export type { ProofBackend, ProofJob, ProvedInference } from "./backend";
export { setupBackend } from "./setup-backend";
export { loadNodeConfig, parseNodeConfig, NodeConfigError, type NodeConfig, type ModelConfig } from "./config";
export { StateStore, NodeStateError, writeFileAtomic, type NodeState, type AskRecord, type JobRecord, type TxRecord } from "./state";
export { TxJournal, TxGaveUpError, MAX_ATTEMPTS, type SigningClient, type TxCall } from "./journal";
export { batchAt, batchPhase, type BatchPhase, type MarketTiming } from "./chain";
