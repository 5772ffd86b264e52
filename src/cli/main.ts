/**
 * The `deepprove` command. Each subcommand lives in `src/cli/commands/<name>.ts` and registers itself on the
 * program through {@link COMMANDS}; this file only wires them and turns errors into one clear line.
 */
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands";
import { VERSION } from "../version";

/** Builds the CLI program with every registered subcommand. */
export function buildProgram(): Command {
  const program = new Command("deepprove")
    .description("zkML inference proofs on Ethereum: import, prove, compile and verify model inferences")
    .version(VERSION, "-v, --version", "print the deepprove version")
    .showHelpAfterError("(run `deepprove --help` for the list of commands)")
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the CLI on `argv` (process.argv form) and returns the exit code; never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`deepprove: ${message}\n`);
    if (process.env.DEEPPROVE_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
