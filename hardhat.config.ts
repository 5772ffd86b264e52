import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";

/**
 * The Solidity compiler is the `solc` npm package (solcjs), never a download: these machines cannot reach the
 * compiler binaries site. The configured version is read from the installed package so the two cannot drift.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const solcjs = require("solc") as { version(): string };
const SOLC_LONG_VERSION = solcjs.version().replace(/\.Emscripten\.clang$/, "");
const SOLC_VERSION = SOLC_LONG_VERSION.split("+")[0];

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: SOLC_LONG_VERSION,
  };
});

/** Current mainnet: Osaka. Its EIP-7825 cap of 2^24 gas per transaction is enforced by the in-process network. */
export const MAINNET_HARDFORK = "osaka";
export const TX_GAS_CAP = 16_777_216;

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      evmVersion: MAINNET_HARDFORK,
      optimizer: { enabled: true, runs: 200 },
      viaIR: false,
    },
  },
  networks: {
    hardhat: {
      hardfork: MAINNET_HARDFORK,
      // Blocks hold several capped transactions, as on mainnet; the per-transaction cap is the hardfork's.
      blockGasLimit: 60_000_000,
      allowUnlimitedContractSize: false,
    },
  },
  paths: {
    sources: "./contracts",
    tests: "./test",
    cache: "./cache",
    artifacts: "./artifacts",
  },
  mocha: {
    timeout: 600_000,
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "1",
    offline: true,
  },
  typechain: {
    outDir: "typechain-types",
    target: "ethers-v6",
  },
};

export default config;
