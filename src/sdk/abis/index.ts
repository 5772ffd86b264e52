/** ABIs of the network's contracts, generated from the Hardhat artifacts (see scripts/generate-sdk-abis.ts). */
export { laTokenAbi } from "./LAToken";
export { proverStakingAbi } from "./ProverStaking";
export { emissionControllerAbi } from "./EmissionController";
export { laGovernorAbi } from "./LAGovernor";
export { laTimelockAbi } from "./LATimelock";
export { inferenceRegistryAbi } from "./InferenceRegistry";
export { feeConverterAbi } from "./FeeConverter";
export { proofMarketAbi } from "./ProofMarket";
export { mockUSDCAbi } from "./MockUSDC";
export { mockPriceFeedAbi } from "./MockPriceFeed";
