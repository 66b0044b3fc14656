/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no whitespace, UTF-8 when hashed.
 * Two values that are equal as JSON always produce the same string, so hashes over it are stable.
 *
 * Properties whose value is `undefined` are omitted (an absent optional field and an
 * `undefined` one are the same record). Non-finite numbers, bigints, functions and symbols
 * are refused: they have no JSON form and must never reach the record. So are built-in
 * objects that are not plain data (Date, Map, Set, typed arrays, RegExp, boxed primitives):
 * encoded by their own keys, distinct values of them would give the same string.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join("");
}

function write(value: unknown, out: string[]): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      out.push(JSON.stringify(value));
      return;
    case "object":
      if (Array.isArray(value)) {
        out.push("[");
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(",");
          const item = value[i];
          write(item === undefined ? null : item, out);
        }
        out.push("]");
        return;
      }
      if (Object.prototype.toString.call(value) !== "[object Object]") {
        throw new TypeError(
          `canonicalJson: cannot encode a ${Object.prototype.toString.call(value).slice(8, -1)}`,
        );
      }
      writeObject(value as Record<string, unknown>, out);
      return;
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
}

function writeObject(obj: Record<string, unknown>, out: string[]): void {
  const keys = Object.keys(obj).sort();
  out.push("{");
  let first = true;
  for (const key of keys) {
    const item = obj[key];
    if (item === undefined) continue;
    if (!first) out.push(",");
    first = false;
    out.push(JSON.stringify(key), ":");
    write(item, out);
  }
  out.push("}");
}
