import type { Command } from "commander";

/** A subcommand registers itself on the program. */
export type RegisterCommand = (program: Command) => void;

/** Every `deepprove` subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [];
