import type { Command } from "commander";
import { registerBench } from "./bench";
import { registerGenerate } from "./generate";
import { registerInspect } from "./inspect";
import { registerRun } from "./run";
import { registerStake } from "./stake";
import { registerDelegate } from "./delegate";
import { registerUndelegate } from "./undelegate";
import { registerWithdraw } from "./withdraw";
import { registerClaim } from "./claim";
import { registerProver } from "./prover";
import { registerModel } from "./model";
import { registerInference } from "./inference";
import { registerMarket } from "./market";
import { registerSetup } from "./setup";
import { registerProve } from "./prove";
import { registerVerify } from "./verify";
import { registerCalldata } from "./calldata";
import { registerVerifier } from "./verifier";
import { registerNode } from "./node";

/** A subcommand registers itself on the program. */
export type RegisterCommand = (program: Command) => void;

/** Every `deepprove` subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [registerGenerate, registerInspect, registerRun, registerSetup, registerProve, registerVerify, registerCalldata, registerVerifier, registerBench, registerStake, registerDelegate, registerUndelegate, registerWithdraw, registerClaim, registerProver, registerModel, registerInference, registerMarket, registerNode];
