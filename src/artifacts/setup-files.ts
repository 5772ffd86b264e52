/**
 * What every setup-directory writer (./setup-dir.ts, ../llm/setup.ts) does with its output the same way: check
 * the path before any work, and encode the files and their manifest hashes.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { keccak_256 } from "@noble/hashes/sha3";
import { SetupDirError } from "./errors";

/**
 * Refuses an unusable output directory `out` (absolute): an existing one unless `force`, and even then only
 * one holding `manifestFile` (--force replaces a setup directory, never an arbitrary path); a missing parent.
 * @throws {SetupDirError}
 */
export function checkSetupOut(out: string, manifestFile: string, force: boolean): void {
  if (existsSync(out)) {
    if (!force) throw new SetupDirError(`${out}: already exists (pass --force to replace it)`);
    if (!existsSync(join(out, manifestFile))) throw new SetupDirError(`${out}: exists and is not a setup directory (no ${manifestFile}); refusing to replace it`);
  }
  if (!existsSync(dirname(out))) throw new SetupDirError(`${out}: the parent directory ${dirname(out)} does not exist`);
}

/** A JSON file's bytes as setup directories write them (one-space indent, final newline). */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 1)}\n`);
}

/** keccak256 of `bytes`, 0x + lowercase hex (the manifests' file hashes). */
export function keccakHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(keccak_256(bytes)).toString("hex")}`;
}
