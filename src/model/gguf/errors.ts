import { ModelError } from "../errors";

/**
 * The one error type of the GGUF front end (a {@link ModelError}, like every user-facing model problem).
 * Every message names the file and, where it applies, the tensor or metadata field at fault, so that a user
 * with a broken or unsupported model knows what to look at.
 */
export class GgufError extends ModelError {
  override readonly name = "GgufError";
  /** The file being read (as given by the caller). */
  readonly file: string;
  /** The tensor at fault, when there is one. */
  readonly tensor?: string;
  /** The metadata key at fault, when there is one. */
  readonly field?: string;

  constructor(file: string, message: string, where: { tensor?: string; field?: string; cause?: unknown } = {}) {
    const at = where.tensor ? ` (tensor "${where.tensor}")` : where.field ? ` (metadata "${where.field}")` : "";
    super(`${file}${at}: ${message}`, where.cause === undefined ? undefined : { cause: where.cause });
    this.file = file;
    this.tensor = where.tensor;
    this.field = where.field;
  }
}
