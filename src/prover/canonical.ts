/**
 * Canonical JSON: the byte-exact text the model digest hashes (docs/prover.md, "Model digest").
 *
 * Object keys sorted by UTF-16 code units (JavaScript's default sort), no whitespace, numbers as ECMAScript's
 * Number.prototype.toString (shortest round-trip form), strings as JSON.stringify escapes them; typed arrays
 * are arrays, bigints decimal strings, undefined object members omitted. NaN, ±Infinity, functions and
 * symbols are refused, so two implementations that agree on the values agree on the bytes.
 */

/** The canonical JSON text of a value. */
export function canonicalJson(value: unknown, path = "$"): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new RangeError(`canonical JSON: ${path} is ${value}, not a finite number`);
      return JSON.stringify(value);
    case "bigint":
      return JSON.stringify(value.toString());
    case "string":
      return JSON.stringify(value);
    case "object":
      break;
    default:
      throw new RangeError(`canonical JSON: ${path} has type ${typeof value}`);
  }
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<unknown>, (v, i) => canonicalJson(v, `${path}[${i}]`));
    return `[${items.join(",")}]`;
  }
  if (value instanceof Map) {
    return canonicalJson(Object.fromEntries(value), path);
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, `${path}.${k}`)}`).join(",")}}`;
}
