import { keccak256, zeroAddress, type Address, type Hash, type Hex } from "viem";
import { readContract, simulateContract, writeContract } from "viem/actions";
import { proofMarketAbi } from "../abis";
import { confirm, ensureAllowance, eventArgs, requireAccount, type NetworkClient, type WriteResult } from "../client";
import { InvalidParameterError, wrapContractError } from "../errors";
import { publishInput } from "./inputs";
import { marketAddress, type MarketContracts } from "./types";

/** How the escrow is paid: LA directly, or ETH/USDC converted to LA at the oracle price. */
export type Payment = { token: "LA" } | { token: "ETH"; amountIn: bigint } | { token: "USDC"; amountIn: bigint };

export interface RequestProofParameters extends MarketContracts {
  modelId: bigint;
  /** The packed input bytes (hashed here), or give `inputHash`. */
  input?: Hex;
  inputHash?: Hex;
  /** Cycles as measured by the executor. */
  cycles: bigint;
  /** Most the client pays per cycle, in LA wei; the escrow must cover `cycles × maxPricePerCycle` LA. */
  maxPricePerCycle: bigint;
  /** Unix seconds by which the proof must be fulfilled. */
  deadline: bigint;
  payment: Payment;
  /** Approve the market for the LA or USDC amount first if needed (default true). */
  approve?: boolean;
  /**
   * Publish `input` in the market's log after the request so that provers can fetch it (default true when
   * `input` is given; a second transaction, see publishInput).
   */
  publishInput?: boolean;
}

/** What a request recorded. */
export interface RequestedProof {
  requestId: bigint;
  batch: bigint;
  /** LA held in escrow (more than required when ETH/USDC bought more). */
  escrow: bigint;
  /** The transaction that published the input, when it was published. */
  inputPublication?: Hash;
}

/**
 * Requests a proof in the market's current batch, escrowing the payment.
 * @example
 * await requestProof(wallet, { contracts, modelId: 1n, input, cycles: 10_000n, maxPricePerCycle: 10n ** 14n, deadline, payment: { token: "USDC", amountIn: 5_000_000n } })
 */
export async function requestProof(
  client: NetworkClient,
  parameters: RequestProofParameters
): Promise<WriteResult<RequestedProof>> {
  const account = requireAccount(client, "requestProof");
  const market = marketAddress("requestProof", parameters.contracts);
  const inputHash = parameters.inputHash ?? (parameters.input !== undefined ? keccak256(parameters.input) : undefined);
  if (!inputHash) throw new InvalidParameterError("requestProof: give input or inputHash");
  if (parameters.cycles <= 0n) throw new InvalidParameterError(`requestProof: cycles must be positive, got ${parameters.cycles}`);
  const { payment } = parameters;
  try {
    let payToken: Address;
    let amountIn = 0n;
    if (payment.token === "LA") {
      payToken = parameters.contracts.token;
      if (parameters.approve !== false) {
        await ensureAllowance(client, {
          token: payToken,
          spender: market,
          amount: parameters.cycles * parameters.maxPricePerCycle,
        });
      }
    } else if (payment.token === "ETH") {
      payToken = zeroAddress;
      amountIn = payment.amountIn;
    } else {
      payToken = await readContract(client, { address: market, abi: proofMarketAbi, functionName: "USDC" });
      amountIn = payment.amountIn;
      if (parameters.approve !== false) await ensureAllowance(client, { token: payToken, spender: market, amount: amountIn });
    }
    const { request } = await simulateContract(client, {
      account,
      address: market,
      abi: proofMarketAbi,
      functionName: "requestProof",
      args: [
        {
          modelId: parameters.modelId,
          inputHash,
          cycles: parameters.cycles,
          maxPricePerCycle: parameters.maxPricePerCycle,
          deadline: parameters.deadline,
          payToken,
          amountIn,
        },
      ],
      value: payment.token === "ETH" ? amountIn : undefined,
    });
    const hash = await writeContract(client, request);
    const receipt = await confirm(client, "requestProof", hash);
    const { requestId, batch } = eventArgs(receipt, proofMarketAbi, "ProofRequested");
    const { escrow } = eventArgs(receipt, proofMarketAbi, "EscrowPaid");
    let inputPublication: Hash | undefined;
    if (parameters.input !== undefined && parameters.publishInput !== false) {
      inputPublication = (await publishInput(client, { contracts: parameters.contracts, requestId, input: parameters.input })).hash;
    }
    return { hash, blockNumber: receipt.blockNumber, result: { requestId, batch, escrow, inputPublication } };
  } catch (error) {
    throw wrapContractError("requestProof", error);
  }
}
