/**
 * Compiles a generated model verifier (src/compiler/verifier-gen.ts) with the project's solc (the `solc` npm
 * package, same version and settings as hardhat.config.ts: Osaka, optimizer 200 runs), resolving its imports
 * from `contracts/`. The result still has link references to the ModelVerifier library (`linkVerifier`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Abi, Address, Hex } from "viem";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const solc = require("solc") as { compile(input: string, options: { import(path: string): { contents: string } | { error: string } }): string };

const CONTRACTS_DIR = join(__dirname, "..", "..", "contracts");
/** Compiler settings of hardhat.config.ts. */
const SETTINGS = { evmVersion: "osaka", optimizer: { enabled: true, runs: 200 } } as const;

/** `file` → placeholder offsets, as solc reports them (byte offsets into the creation code). */
export type LinkReferences = Record<string, Record<string, { start: number; length: number }[]>>;

export interface CompiledVerifier {
  abi: Abi;
  /** Creation code with library placeholders. */
  bytecode: Hex;
  linkReferences: LinkReferences;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string; linkReferences: LinkReferences } } }>>;
}

/** Compiles `source` (the generated file, importing `../registry/…` and `../verifier/…`) and returns `contractName`. */
export function compileVerifier(source: string, contractName: string): CompiledVerifier {
  const unit = `generated/${contractName}.sol`;
  const input = {
    language: "Solidity",
    sources: { [unit]: { content: source } },
    settings: { ...SETTINGS, outputSelection: { [unit]: { [contractName]: ["abi", "evm.bytecode.object", "evm.bytecode.linkReferences"] } } },
  };
  const findImports = (path: string) => {
    const file = join(CONTRACTS_DIR, path);
    return existsSync(file) ? { contents: readFileSync(file, "utf8") } : { error: `${path}: not found under contracts/` };
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`compiling ${contractName}: ${errors.map((e) => e.formattedMessage).join("\n")}`);
  const compiled = output.contracts?.[unit]?.[contractName];
  if (!compiled) throw new Error(`compiling ${contractName}: solc produced no contract of that name`);
  return { abi: compiled.abi, bytecode: `0x${compiled.evm.bytecode.object}` as Hex, linkReferences: compiled.evm.bytecode.linkReferences };
}

/** Replaces every library placeholder of `bytecode` with the address of the library of that name. */
export function linkBytecode(bytecode: Hex, references: LinkReferences, libraries: Readonly<Record<string, Address>>): Hex {
  let code = bytecode.slice(2);
  for (const byName of Object.values(references)) {
    for (const [name, spots] of Object.entries(byName)) {
      const address = libraries[name];
      if (!address) throw new Error(`bytecode needs library ${name}, which is not deployed`);
      for (const { start, length } of spots) code = code.slice(0, 2 * start) + address.slice(2).toLowerCase() + code.slice(2 * (start + length));
    }
  }
  if (/__\$[0-9a-f]{34}\$__/.test(code)) throw new Error("bytecode still has unlinked library placeholders");
  return `0x${code}`;
}
