/**
 * `deepprove verify <dir> <proof> [--prover <0xaddr>] [--json] [--model <file.gguf>]`: checks a proof file against
 * a setup directory — an ONNX setup (`deepprove setup`) or a GGUF generation setup (`deepprove generate --prove`;
 * the certified prompt and generated tokens are printed). `--json`: one JSON object on stdout.
 *
 * Exit codes (for scripts): 0 and "valid" on stdout when the proof verifies; 1 and "invalid: <reason>" when it
 * does not (another model, another prover, a rejected step); 2 for usage errors and unusable files (missing or
 * malformed setup directory or proof file).
 */
import type { Command } from "commander";
import { CommanderError } from "commander";
import { parseAddress } from "./prove";
import { INSECURE_SRS_WARNING } from "./setup";

/** Exit codes of `deepprove verify`. */
export const VERIFY_EXIT = { valid: 0, invalid: 1, usage: 2 } as const;

/**
 * Ends the command with `code` after printing `message` (if any) to stderr. Thrown as a CommanderError, which
 * the CLI's main returns as the exit code without printing anything more.
 */
function exit(code: number, message?: string): never {
  if (message) process.stderr.write(`deepprove verify: ${message}\n`);
  throw new CommanderError(code, "deepprove.verify", message ?? "");
}

/** Registers `deepprove verify`. */
export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description("verify a proof file against a setup directory (exit 0 valid, 1 invalid, 2 usage or file error)")
    .argument("<dir>", "setup directory made by `deepprove setup`")
    .argument("<proof>", "proof file (binary or JSON) made by `deepprove prove`")
    .option("--prover <address>", "require the proof to be bound to this prover", parseAddress)
    .option("--json", "print one JSON object ({ valid, reason?, verify_ms, … }) instead of the verdict line")
    .option("--model <file>", "a generation setup's GGUF file, if it moved since the setup")
    .exitOverride((error) => {
      // Usage errors exit 2 here (commander's default is 1, which this command reserves for "invalid").
      throw error.exitCode === 0 ? error : new CommanderError(VERIFY_EXIT.usage, error.code, error.message);
    })
    .action(async (dir: string, proofPath: string, flags: { prover?: `0x${string}`; json?: boolean; model?: string }) => {
      const { isLlmSetupDir } = await import("../../llm/setup");
      if (isLlmSetupDir(dir)) return verifyGeneration(dir, proofPath, flags);
      const [{ loadSetupDir }, { readProofFile }, { verifyWithSetup }] = await Promise.all([
        import("../../artifacts/setup-dir"),
        import("../../artifacts/proof-file"),
        import("../../artifacts/inference"),
      ]);
      const loaded = (() => {
        try {
          return { setup: loadSetupDir(dir), file: readProofFile(proofPath) };
        } catch (error) {
          return exit(VERIFY_EXIT.usage, error instanceof Error ? error.message : String(error));
        }
      })();
      const { setup, file } = loaded;
      if (setup.insecure) process.stderr.write(`${INSECURE_SRS_WARNING}\n`);
      const verdict = verifyWithSetup(setup, file, flags.prover);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(verdict.valid ? { valid: true, verify_ms: Math.round(verdict.ms) } : { valid: false, reason: verdict.reason, verify_ms: Math.round(verdict.ms) })}\n`);
        if (!verdict.valid) exit(VERIFY_EXIT.invalid);
        return;
      }
      if (verdict.valid) {
        process.stdout.write("valid\n");
        return;
      }
      process.stdout.write(`invalid: ${verdict.reason}\n`);
      exit(VERIFY_EXIT.invalid);
    });
}

/** A generation proof against an LLM setup (src/llm/verify.ts): same exit codes; prints the certified tokens. */
async function verifyGeneration(dir: string, proofPath: string, flags: { prover?: `0x${string}`; json?: boolean; model?: string }): Promise<void> {
  const [{ loadLlmSetup }, { readProofFile }, llm] = await Promise.all([import("../../llm/setup"), import("../../artifacts/proof-file"), import("../../llm/verify")]);
  let loaded;
  try {
    loaded = { setup: await loadLlmSetup(dir, { gguf: flags.model }), file: readProofFile(proofPath) };
  } catch (error) {
    return exit(VERIFY_EXIT.usage, error instanceof Error ? error.message : String(error));
  }
  const { setup, file } = loaded;
  if (setup.insecure) process.stderr.write(`${INSECURE_SRS_WARNING}\n`);
  const verdict = llm.verifyGeneration(setup, file, flags.prover);
  const ms = Math.round(verdict.ms);
  if (!verdict.valid) {
    process.stdout.write(flags.json ? `${JSON.stringify({ valid: false, reason: verdict.reason, verify_ms: ms })}\n` : `invalid: ${verdict.reason}\n`);
    return exit(VERIFY_EXIT.invalid);
  }
  const { promptIds, generatedIds } = verdict.statement;
  const decode = (ids: readonly number[]) => setup.llama.tokenizer.decode([...ids]);
  if (flags.json) {
    const out = { valid: true, verify_ms: ms, digest: file.digest, prover: file.prover, prompt_ids: promptIds, generated_ids: generatedIds, prompt: decode(promptIds), text: decode(generatedIds) };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  process.stdout.write(`valid\nprompt     ${JSON.stringify(decode(promptIds))} (${promptIds.length} tokens)\ngenerated  ${JSON.stringify(decode(generatedIds))} (${generatedIds.length} tokens)\n`);
}
