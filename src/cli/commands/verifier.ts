/**
 * `deepprove verifier <dir> --out <file.sol> [--name <Contract>]`: generates the Solidity verifier of the model
 * in a setup directory — its program embedded, `IInferenceVerifier` implemented through the `ModelVerifier`
 * library. Refuses, with the reason, a model the on-chain interpreter cannot run, one whose verification would
 * exceed the 16,777,216-gas transaction cap, and one whose contract would exceed the code size limit. The file
 * is written atomically. Spec: docs/verifier-gen.md.
 */
import type { Command } from "commander";

/** Registers `deepprove verifier`. */
export function registerVerifier(program: Command): void {
  program
    .command("verifier")
    .description("generate the Solidity verifier contract of a set-up model (IInferenceVerifier)")
    .argument("<dir>", "setup directory of the model (deepprove setup, or deepprove generate --prove)")
    .requiredOption("--out <file>", "Solidity file to write")
    .option("--name <contract>", "contract name (default Verifier_<digest prefix>)")
    .action(async (dir: string, opts: { out: string; name?: string }) => {
      const [{ loadSetupDir }, { verifierPlan }, gen, { writeFileAtomic }] = await Promise.all([
        import("../../artifacts/setup-dir"),
        import("../../prover/graph"),
        import("../../compiler/verifier-gen"),
        import("../../artifacts/atomic"),
      ]);
      const llm = await import("../../llm/setup");
      // A generation setup (deepprove generate --prove): its model is the generation graph.
      const setup = llm.isLlmSetupDir(dir) ? await llm.loadLlmSetup(dir).then((s) => ({ vk: s.vk, model: s.q.model })) : loadSetupDir(dir);
      const plan = verifierPlan(setup.vk, setup.model);
      const contractsImport = gen.contractsImportFor(opts.out, gen.packageContractsDir());
      const out = gen.generateVerifier(plan, { contractName: opts.name, contractsImport });
      writeFileAtomic(opts.out, out.source);
      const e = out.estimate;
      process.stdout.write(
        `${[
          `verifier:  ${out.contractName} → ${opts.out}`,
          `model:     ${plan.digest}`,
          `program:   ${out.program.length} bytes`,
          `estimate:  ${e.total} gas per proof (proof ${e.proofBytes} bytes, ${e.sumcheckRounds} sum-check rounds)`,
          `deploy:    link ModelVerifier (and the libraries of src/compiler/interpreter-libraries.ts behind it) from ${contractsImport}/verifier/`,
        ].join("\n")}\n`,
      );
    });
}
