/**
 * Errors of the user-facing artifacts (setup directories, proof files). Every message names the file and
 * what is wrong with it, so the CLI can print it as one line: a user error is never a stack trace.
 */

/** A setup directory that cannot be written or loaded (missing file, wrong format, model/key mismatch, …). */
export class SetupDirError extends Error {
  override readonly name = "SetupDirError";
}

/** A proof file that cannot be read or written (truncated, oversized, malformed, another version, …). */
export class ProofFileError extends Error {
  override readonly name = "ProofFileError";
}
