/** What the market actions share: the contracts they need and the records they return. */
import type { Address, Hex } from "viem";
import type { NetworkAddresses } from "../deployments";
import { DeploymentNotFoundError } from "../errors";

/** The address-book part the market actions need. */
export interface MarketContracts {
  contracts: Pick<NetworkAddresses, "token" | "market">;
}

/** The market's address, or a clear error when the network was deployed without a market. */
export function marketAddress(action: string, contracts: MarketContracts["contracts"]): Address {
  if (!contracts.market) {
    throw new DeploymentNotFoundError(`${action}: this network has no ProofMarket in its address book`, {
      hint: "Deploy with payment tokens configured (dev networks deploy mocks): npx hardhat run scripts/deploy.ts",
    });
  }
  return contracts.market;
}

/** Request lifecycle, as ProofMarket.Status. */
export const REQUEST_STATUS = ["none", "open", "assigned", "fulfilled", "expired", "unmatched"] as const;
export type RequestStatus = (typeof REQUEST_STATUS)[number];

/** A request and, once assigned, its job (amounts in LA wei, prices per cycle). */
export interface MarketRequest {
  requestId: bigint;
  client: Address;
  batch: bigint;
  deadline: bigint;
  status: RequestStatus;
  cycles: bigint;
  maxPricePerCycle: bigint;
  modelId: bigint;
  inputHash: Hex;
  escrow: bigint;
  /** Assigned prover (zero address before settlement). */
  prover: Address;
  buyerPrice: bigint;
  sellerPrice: bigint;
  collateral: bigint;
  /** Registry inference that fulfilled it (0n before). */
  inferenceId: bigint;
}
